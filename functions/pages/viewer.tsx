// One photo or video, full screen, at /photos/:id: the preview (the original on zoom), previous and
// next in the order of the view it was opened from (?view=favorites, ?album=<id>, ?memory=<day>;
// the timeline when none is named), the details, and the owner's edits. Every change is a plain
// form post that redirects back, so the page works without script; public/viewer.js adds keys,
// swipes, zoom and live photos.
import { Hono, type Context } from "hono";
import { albumRole, canReadAsset, ownedAssetIds } from "../../common/access";
import { albumAssetList, getAlbum } from "../../common/albums";
import { cannotBeShown, dateTakenOf, deleteAssets, getAssetWithExif, restoreAssets, setDateTaken, setPlace, trashAssets, updateAssets } from "../../common/assets";
import type { Database } from "../../common/db";
import { notFound } from "../../common/errors";
import { facesOfAsset } from "../../common/people";
import { browserShows } from "../../common/media-types";
import type { Asset, Exif, Person } from "../../common/schema";
import { atWallClock, fixedZone, formatOffset, isTimeZone, offsetOf, parseWallClock } from "../../common/time-zones";
import { adjacentAsset, listRecentlyAdded, listTimelineMonths, monthRange, type TimelineMonth, type TimelineScope } from "../../common/timeline";
import type { AppEnv } from "../env";
import { formText, requireViewer, type Viewer, type ViewerEnv } from "../middleware/pages";
import { nudgeWorker } from "../services/jobs";
import { personName } from "./people";
import { CsrfField, describeAsset, formatBytes, formatDuration, FormError, Layout } from "./layout";
import { dayOf, Icon, isTimelineKind, monthOf, recentLimit, scopeFor, viewPaths, type ViewKind } from "./timeline";
import { isHtmx } from "./htmx";

// Where the photo was opened from, which decides its neighbours and where "back" goes.
type ViewContext = { kind: "view"; view: ViewKind } | { kind: "album"; albumId: string } | { kind: "memory"; day: string };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dayPattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function parseContext(query: (name: string) => string | undefined): ViewContext {
  const album = query("album");
  if (album && uuidPattern.test(album)) return { kind: "album", albumId: album.toLowerCase() };
  const memory = query("memory");
  if (memory && dayPattern.test(memory)) return { kind: "memory", day: memory };
  const view = query("view");
  if (view === "recent" || isTimelineKind(view)) return { kind: "view", view };
  return { kind: "view", view: "timeline" };
}

function contextParams(context: ViewContext): Array<[string, string]> {
  if (context.kind === "album") return [["album", context.albumId]];
  if (context.kind === "memory") return [["memory", context.day]];
  return context.view === "timeline" ? [] : [["view", context.view]];
}

function withParams(path: string, params: Array<[string, string]>): string {
  return params.length ? `${path}?${new URLSearchParams(params).toString()}` : path;
}

export function viewerHref(id: string, context: ViewContext, info = false): string {
  return withParams(`/photos/${id}`, [...contextParams(context), ...(info ? ([["info", "1"]] as Array<[string, string]>) : [])]);
}

// Back to the view, at the photo's month for the timelines.
function backHref(context: ViewContext, asset: Asset): string {
  if (context.kind === "album") return `/albums/${context.albumId}`;
  if (context.kind === "memory") return "/";
  if (context.view === "recent") return viewPaths.recent;
  return `${viewPaths[context.view]}?from=${monthOf(asset.localDateTime)}`;
}

interface Neighbours {
  previous?: Asset;
  next?: Asset;
}

function around(list: Asset[], id: string): Neighbours {
  const index = list.findIndex((a) => a.id === id);
  return index === -1 ? {} : { previous: list[index - 1], next: list[index + 1] };
}

// The neighbour in the photo's month, else the nearest one in the next month that has any.
async function adjacent(db: Database, scope: TimelineScope, months: TimelineMonth[], asset: Asset, direction: "newer" | "older"): Promise<Asset | undefined> {
  const month = monthOf(asset.localDateTime);
  const inMonth = await adjacentAsset(db, scope, monthRange(month), direction, asset);
  if (inMonth) return inMonth;
  const next = direction === "newer" ? months.filter((m) => m.month > month).at(-1) : months.find((m) => m.month < month);
  return next ? adjacentAsset(db, scope, monthRange(next.month), direction) : undefined;
}

// The photos before and after this one in its view. A timeline reads at most two short ranges
// each way (the month list says where the next month with photos is), whatever the library's
// size. Albums, memories and "Recently added" are short lists read whole.
async function neighbours(db: Database, viewer: Viewer, context: ViewContext, asset: Asset): Promise<Neighbours> {
  if (context.kind === "album") {
    const album = (await albumRole(db, { user: viewer.user }, context.albumId)) ? await getAlbum(db, context.albumId) : undefined;
    if (!album) return {};
    const listed = (await albumAssetList(db, album)).filter((a) => a.visibility !== "hidden" && (a.visibility !== "locked" || a.ownerId === viewer.user.id));
    return around(listed, asset.id);
  }
  if (context.kind === "view" && context.view === "recent") return around(await listRecentlyAdded(db, viewer.user.id, recentLimit), asset.id);
  const view = context.kind === "memory" ? "timeline" : context.view;
  if (view === "recent") return {};
  const scope = await scopeFor(db, viewer.user.id, view);
  // A memory is a day, oldest first.
  if (context.kind === "memory") {
    const start = Date.parse(`${context.day}T00:00:00Z`);
    if (dayOf(asset.localDateTime) !== context.day) return {};
    const day = { start, end: start + 24 * 3600 * 1000 };
    const [previous, next] = await Promise.all([adjacentAsset(db, scope, day, "older", asset), adjacentAsset(db, scope, day, "newer", asset)]);
    return { previous, next };
  }
  const months = await listTimelineMonths(db, scope);
  const [previous, next] = await Promise.all([adjacent(db, scope, months, asset, "newer"), adjacent(db, scope, months, asset, "older")]);
  return { previous, next };
}

// Formats that may move (animated GIF and WebP): the viewer shows their original, which browsers
// play, where a preview would stand still.
const mayMove = new Set(["image/gif", "image/webp"]);

// What the viewer shows of a photo, and what a zoom loads: its original when browsers show it as it
// is, else the preview, then the full-size copy made for zooming.
function pictures(asset: Asset): { shown: string; zoom: string } {
  const preview = `/api/assets/${asset.id}/thumbnail?size=preview`;
  const original = `/api/assets/${asset.id}/original`;
  if (!browserShows(asset.originalMimeType)) return { shown: preview, zoom: `/api/assets/${asset.id}/thumbnail?size=fullsize` };
  return { shown: mayMove.has(asset.originalMimeType) ? original : preview, zoom: original };
}

// The preview of a neighbour, fetched ahead; none for one that has no picture.
const aheadOf = (asset: Asset | undefined) => (asset && !cannotBeShown(asset) ? pictures(asset).shown : undefined);

// In place of the picture of a file that cannot be shown: why, and the original to take elsewhere.
function CannotDisplay({ asset }: { asset: Asset }) {
  return (
    <div class="pv-broken" role="img" aria-label={`${describeAsset(asset)}: can't be displayed`}>
      <p class="pv-broken-title">This file can't be displayed</p>
      {asset.processingError && <p class="pv-broken-reason">{asset.processingError}</p>}
      <a class="button" href={`/api/assets/${asset.id}/original`} download={asset.originalFileName}>
        Download the original
      </a>
    </div>
  );
}

const takenFormat = new Intl.DateTimeFormat("en", { weekday: "short", year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
const timeFormat = new Intl.DateTimeFormat("en", { hour: "numeric", minute: "2-digit", timeZone: "UTC" });
const titleFormat = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

// Every offset in use on Earth is a multiple of 15 minutes from -12:00 to +14:00.
const fixedZones = Array.from({ length: (26 * 60) / 15 + 1 }, (_, i) => fixedZone(formatOffset(-12 * 60 + i * 15)));

// The zone a photo was taken in, as the details show it: "Europe/Rome (UTC+02:00)", "UTC+09:00";
// nothing when it is not known.
function zoneLabel(asset: Asset, exif: Exif | null): string | undefined {
  const zone = exif?.timeZone;
  if (!zone) return undefined;
  const offset = fixedZone(offsetOf(dateTakenOf(asset, exif)));
  return zone === offset ? zone : `${zone} (${offset})`;
}

// The form's choice of zones: the photo's own first (or "Not known"), then the fixed offsets.
function zoneOptions(exif: Exif | null): Array<{ value: string; label: string }> {
  const own = exif?.timeZone ?? "";
  const first = own === "" ? [{ value: "", label: "Not known" }] : fixedZones.includes(own) ? [] : [{ value: own, label: own }];
  return [...first, ...fixedZones.map((zone) => ({ value: zone, label: zone }))];
}

function cameraName(make: string | null, model: string | null): string | null {
  if (!make || !model) return model ?? make;
  const brand = make.split(" ")[0] ?? make;
  return model.toLowerCase().startsWith(brand.toLowerCase()) ? model : `${make} ${model}`;
}

function formatCoordinate(value: number, positive: string, negative: string): string {
  return `${Math.abs(value).toFixed(5)}° ${value < 0 ? negative : positive}`;
}

interface ViewerData {
  asset: Asset;
  exif: Exif | null;
  context: ViewContext;
  neighbours: Neighbours;
  owned: boolean;
  // Who is in it (for its owner only: people are private), hidden people left out.
  people: Person[];
  info: boolean;
  // The map tiles for the details' small map (an empty url: tiles are off).
  tiles: { url: string; attribution: string };
  error?: string;
}

function InfoRow({ label, children }: { label: string; children: unknown }) {
  return (
    <div class="pv-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Details({ data, viewer }: { data: ViewerData; viewer: Viewer }) {
  const { asset, exif, context } = data;
  const action = (what: string) => withParams(`/photos/${asset.id}/${what}`, [...contextParams(context), ["info", "1"]]);
  const camera = exif && cameraName(exif.make, exif.model);
  const exposure = exif
    ? [
        exif.fNumber && `ƒ/${exif.fNumber}`,
        exif.exposureTime && `${exif.exposureTime} s`,
        exif.focalLength && `${exif.focalLength} mm`,
        exif.iso && `ISO ${exif.iso}`,
      ].filter(Boolean)
    : [];
  const width = asset.width ?? exif?.exifImageWidth;
  const height = asset.height ?? exif?.exifImageHeight;
  const place = exif ? [exif.city, exif.state, exif.country].filter(Boolean).join(", ") : "";
  const hasCoordinates = exif?.latitude != null && exif?.longitude != null;
  const zone = zoneLabel(asset, exif);
  return (
    <aside class="pv-info" id="pv-info" aria-labelledby="pv-info-title" hidden={!data.info} data-info>
      <h2 id="pv-info-title">Details</h2>
      <FormError message={data.error} />
      <dl class="pv-details">
        <InfoRow label="Taken">
          {`${takenFormat.format(asset.localDateTime)}, ${timeFormat.format(asset.localDateTime)}`}
          {zone && <span class="muted">{` ${zone}`}</span>}
        </InfoRow>
        {camera && <InfoRow label="Camera">{camera}</InfoRow>}
        {exif?.lensModel && <InfoRow label="Lens">{exif.lensModel}</InfoRow>}
        {exposure.length > 0 && <InfoRow label="Exposure">{exposure.join(" · ")}</InfoRow>}
        {asset.type === "VIDEO" && asset.duration && <InfoRow label="Duration">{formatDuration(asset.duration)}</InfoRow>}
        {asset.isOffline && <InfoRow label="Offline">The file is gone from its library folder: the original cannot be opened until it is back.</InfoRow>}
        <InfoRow label="File">
          <span class="pv-file-name">{asset.originalFileName}</span>
          <span class="muted">{[formatBytes(asset.fileSizeInByte, { decimal: true }), width && height ? `${width} × ${height}` : "", width && height ? `${((width * height) / 1e6).toFixed(1)} MP` : ""].filter(Boolean).join(" · ")}</span>
        </InfoRow>
        {(place || hasCoordinates) && (
          <InfoRow label="Place">
            {place && <span>{place}</span>}
            {hasCoordinates && <span class="muted">{`${formatCoordinate(exif!.latitude!, "N", "S")}, ${formatCoordinate(exif!.longitude!, "E", "W")}`}</span>}
          </InfoRow>
        )}
        {exif?.description && <InfoRow label="Description">{exif.description}</InfoRow>}
        {data.people.length > 0 && (
          <InfoRow label="People">
            <ul class="pv-people">
              {data.people.map((person) => (
                <li>
                  <a href={`/people/${person.id}`}>
                    <img src={`/api/people/${person.id}/thumbnail`} alt="" loading="lazy" width={56} height={56} />
                    <span>{personName(person)}</span>
                  </a>
                </li>
              ))}
            </ul>
          </InfoRow>
        )}
      </dl>
      {hasCoordinates && (
        <div
          class="mini-map"
          data-lat={String(exif!.latitude)}
          data-lon={String(exif!.longitude)}
          data-tile-url={data.tiles.url}
          data-tile-attribution={data.tiles.attribution}
          role="img"
          aria-label="Where it was taken"
        ></div>
      )}
      {data.owned && (
        <div class="pv-edits">
          <details class="pv-edit">
            <summary>Edit date and time</summary>
            <form method="post" action={action("date")} data-viewer-form>
              <CsrfField viewer={viewer} />
              <label for="pv-date">Date and time taken</label>
              <input id="pv-date" type="datetime-local" name="dateTime" step={1} required value={new Date(asset.localDateTime).toISOString().slice(0, 19)} />
              <label for="pv-zone">Time zone</label>
              <select id="pv-zone" name="timeZone">
                {zoneOptions(exif).map((option) => (
                  <option value={option.value} selected={option.value === (exif?.timeZone ?? "")}>
                    {option.label}
                  </option>
                ))}
              </select>
              <button type="submit" class="button">
                Save the date
              </button>
            </form>
          </details>
          <details class="pv-edit">
            <summary>{hasCoordinates ? "Edit place" : "Add a place"}</summary>
            <form method="post" action={action("place")} data-viewer-form>
              <CsrfField viewer={viewer} />
              <div class="pv-coordinates">
                <div>
                  <label for="pv-latitude">Latitude</label>
                  <input id="pv-latitude" type="number" name="latitude" step="any" min={-90} max={90} required value={hasCoordinates ? String(exif!.latitude) : undefined} placeholder="48.8584" />
                </div>
                <div>
                  <label for="pv-longitude">Longitude</label>
                  <input id="pv-longitude" type="number" name="longitude" step="any" min={-180} max={180} required value={hasCoordinates ? String(exif!.longitude) : undefined} placeholder="2.2945" />
                </div>
              </div>
              <button type="submit" class="button">
                Save the place
              </button>
            </form>
          </details>
        </div>
      )}
    </aside>
  );
}

function FavoriteForm({ asset, viewer, context }: { asset: Asset; viewer: Viewer; context: ViewContext }) {
  const on = asset.isFavorite;
  const action = withParams(`/photos/${asset.id}/favorite`, contextParams(context));
  const label = on ? "Remove from favorites (f)" : "Add to favorites (f)";
  return (
    <form class="pv-form" method="post" action={action} hx-post={action} hx-swap="outerHTML" data-favorite-form data-asset={asset.id}>
      <CsrfField viewer={viewer} />
      <input type="hidden" name="favorite" value={on ? "false" : "true"} />
      <button type="submit" class={on ? "pv-icon is-on" : "pv-icon"} aria-pressed={on ? "true" : "false"} aria-label="Favorite" title={label}>
        <Icon name={on ? "heart" : "heartOutline"} />
      </button>
    </form>
  );
}

function ActionForm(props: { asset: Asset; viewer: Viewer; context: ViewContext; what: string; icon: "trash" | "restore"; label: string; confirm?: string }) {
  return (
    <form class="pv-form" method="post" action={withParams(`/photos/${props.asset.id}/${props.what}`, contextParams(props.context))} data-viewer-form data-removes={props.asset.id} data-confirm={props.confirm}>
      <CsrfField viewer={props.viewer} />
      <button type="submit" class="pv-icon" aria-label={props.label} title={props.label}>
        <Icon name={props.icon} />
      </button>
    </form>
  );
}

function ViewerPage({ viewer, data }: { viewer: Viewer; data: ViewerData }) {
  const { asset, context, neighbours } = data;
  const preview = `/api/assets/${asset.id}/thumbnail?size=preview`;
  const original = `/api/assets/${asset.id}/original`;
  const trashed = asset.deletedAt !== null;
  const live = asset.livePhotoVideoId ? `/api/assets/${asset.livePhotoVideoId}/video/playback` : undefined;
  const isVideo = asset.type === "VIDEO";
  const broken = cannotBeShown(asset);
  const place = data.exif ? [data.exif.city, data.exif.country].filter(Boolean).join(", ") : "";
  return (
    <Layout title={describeAsset(asset)} viewer={viewer} area="viewer">
      {/* Leaflet, for the small map in the details (its styles come with viewer.css). */}
      <script src="/static/vendor/leaflet/leaflet.js" defer></script>
      <div
        class="photo-viewer"
        data-photo-viewer
        data-asset={asset.id}
        data-zoom-src={isVideo || broken ? undefined : pictures(asset).zoom}
        data-back={backHref(context, asset)}
        data-next-preview={aheadOf(neighbours.next)}
        data-previous-preview={aheadOf(neighbours.previous)}
      >
        <div class="pv-bar">
          <a class="pv-icon" href={backHref(context, asset)} data-back aria-label="Back" title="Back (Escape)">
            <Icon name="back" />
          </a>
          <div class="pv-title">
            <span class="pv-when">{titleFormat.format(asset.localDateTime)}</span>
            <span class="pv-where">{[timeFormat.format(asset.localDateTime), place].filter(Boolean).join(" · ")}</span>
          </div>
          <div class="pv-actions">
            {trashed && <span class="pv-flag">In the trash</span>}
            {live && (
              <button type="button" class="pv-icon" data-live-button aria-pressed="false" aria-label="Play the live photo" title="Play the live photo (l)">
                <Icon name="live" />
              </button>
            )}
            {!isVideo && !broken && (
              <button type="button" class="pv-icon" data-zoom-button aria-pressed="false" aria-label="Zoom" title="Zoom (z)" hidden>
                <Icon name="zoom" />
              </button>
            )}
            {data.owned && !trashed && <FavoriteForm asset={asset} viewer={viewer} context={context} />}
            <a class="pv-icon" href={original} download={asset.originalFileName} aria-label="Download the original" title="Download the original">
              <Icon name="download" />
            </a>
            <a
              class={data.info ? "pv-icon is-on" : "pv-icon"}
              href={viewerHref(asset.id, context, !data.info)}
              data-info-toggle
              aria-controls="pv-info"
              aria-expanded={data.info ? "true" : "false"}
              aria-label="Details"
              title="Details (i)"
            >
              <Icon name="info" />
            </a>
            {data.owned && !trashed && <ActionForm asset={asset} viewer={viewer} context={context} what="trash" icon="trash" label="Move to trash" />}
            {data.owned && trashed && (
              <>
                <ActionForm asset={asset} viewer={viewer} context={context} what="restore" icon="restore" label="Restore" />
                <ActionForm
                  asset={asset}
                  viewer={viewer}
                  context={context}
                  what="delete"
                  icon="trash"
                  label="Delete for good"
                  confirm="Delete this for good? It cannot be undone."
                />
              </>
            )}
          </div>
        </div>
        <div class="pv-main">
          <div class="pv-stage" data-stage>
            <div class="pv-canvas" data-canvas>
              {broken ? (
                <CannotDisplay asset={asset} />
              ) : isVideo ? (
                // It plays when opened (viewer.js starts it muted where the browser asks for that).
                <video class="pv-video" src={`/api/assets/${asset.id}/video/playback`} poster={preview} controls autoplay preload="auto" playsinline data-video></video>
              ) : (
                <img class="pv-image" src={pictures(asset).shown} alt={describeAsset(asset)} data-image />
              )}
              {live && <video class="pv-live" src={live} muted playsinline preload="none" data-live-video hidden></video>}
            </div>
            {neighbours.previous && (
              <a class="pv-step pv-previous" rel="prev" href={viewerHref(neighbours.previous.id, context, data.info)} aria-label="Previous" title="Previous (←)">
                <Icon name="previous" />
              </a>
            )}
            {neighbours.next && (
              <a class="pv-step pv-next" rel="next" href={viewerHref(neighbours.next.id, context, data.info)} aria-label="Next" title="Next (→)">
                <Icon name="next" />
              </a>
            )}
          </div>
          <Details data={data} viewer={viewer} />
        </div>
      </div>
    </Layout>
  );
}

type ViewerContext = Context<ViewerEnv>;

async function viewerData(c: ViewerContext, id: string, error?: string): Promise<ViewerData> {
  const { viewer, db } = c.var;
  const auth = { user: viewer.user };
  const [found, readable] = await Promise.all([getAssetWithExif(db, id), uuidPattern.test(id) ? canReadAsset(db, auth, id) : false]);
  if (!found || !readable) throw notFound("There is nothing at this address.");
  const context = parseContext((name) => c.req.query(name));
  const owned = found.asset.ownerId === viewer.user.id;
  const people = new Map<string, Person>();
  if (owned) for (const { person } of await facesOfAsset(db, id)) if (person && !person.isHidden) people.set(person.id, person);
  return {
    asset: found.asset,
    exif: found.exif,
    context,
    neighbours: await neighbours(db, viewer, context, found.asset),
    owned,
    people: [...people.values()],
    info: c.req.query("info") === "1" || error !== undefined,
    tiles: { url: c.env.MAP_TILE_URL ?? "", attribution: c.env.MAP_TILE_ATTRIBUTION ?? "" },
    error,
  };
}

// The asset, when the signed-in user owns it (and so may change it); a 404 otherwise.
async function ownedAsset(c: ViewerContext): Promise<string> {
  const id = c.req.param("id") ?? "";
  const owned = uuidPattern.test(id) && (await ownedAssetIds(c.var.db, { user: c.var.viewer.user }, [id])).has(id);
  if (!owned) throw notFound("There is nothing at this address.");
  return id;
}

function backToViewer(c: ViewerContext, id: string) {
  const context = parseContext((name) => c.req.query(name));
  return c.redirect(viewerHref(id, context, c.req.query("info") === "1"), 303);
}

async function invalid(c: ViewerContext, id: string, message: string) {
  return c.html(<ViewerPage viewer={c.var.viewer} data={await viewerData(c, id, message)} />, 400);
}

// After the photo left the view (trash, restore, deleted), the next one, else the previous, else back.
async function leave(c: ViewerContext, id: string, change: () => Promise<unknown>) {
  const data = await viewerData(c, id);
  await change();
  const to = data.neighbours.next ?? data.neighbours.previous;
  return c.redirect(to ? viewerHref(to.id, data.context, data.info) : backHref(data.context, data.asset), 303);
}

async function form(c: ViewerContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, formText(value)]));
}

const dateTimePattern = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export const viewerPages = new Hono<AppEnv>()
  .get("/:id", requireViewer, async (c) => c.html(<ViewerPage viewer={c.var.viewer} data={await viewerData(c, c.req.param("id"))} />))
  .post("/:id/favorite", requireViewer, async (c) => {
    const id = await ownedAsset(c);
    const isFavorite = (await form(c)).favorite === "true";
    await updateAssets(c.var.db, [id], { isFavorite });
    if (isHtmx(c)) {
      const found = await getAssetWithExif(c.var.db, id);
      if (!found) throw notFound("There is nothing at this address.");
      return c.html(<FavoriteForm asset={found.asset} viewer={c.var.viewer} context={parseContext((name) => c.req.query(name))} />);
    }
    return backToViewer(c, id);
  })
  .post("/:id/trash", requireViewer, async (c) => {
    const id = await ownedAsset(c);
    return leave(c, id, () => trashAssets(c.var.db, [id]));
  })
  .post("/:id/restore", requireViewer, async (c) => {
    const id = await ownedAsset(c);
    const { view } = { view: c.req.query("view") };
    // Restored from the trash view, the photo leaves it; opened from elsewhere, it stays in view.
    if (view === "trash") return leave(c, id, () => restoreAssets(c.var.db, c.var.viewer.user.id, [id]));
    await restoreAssets(c.var.db, c.var.viewer.user.id, [id]);
    return backToViewer(c, id);
  })
  .post("/:id/delete", requireViewer, async (c) => {
    const id = await ownedAsset(c);
    return leave(c, id, async () => {
      await deleteAssets(c.var.db, [id]);
      nudgeWorker(c);
    });
  })
  .post("/:id/date", requireViewer, async (c) => {
    const id = await ownedAsset(c);
    const { dateTime = "", timeZone = "" } = await form(c);
    const match = dateTime.match(dateTimePattern);
    if (!match || (timeZone !== "" && !isTimeZone(timeZone))) return invalid(c, id, "Enter a date, a time and a time zone.");
    const wallClock = `${match[1]}T${match[2]}:${match[3]}:${match[4] ?? "00"}`;
    if (Number.isNaN(parseWallClock(wallClock))) return invalid(c, id, "That date does not exist.");
    const found = await getAssetWithExif(c.var.db, id);
    if (!found) throw notFound("There is nothing at this address.");
    const current = dateTakenOf(found.asset, found.exif);
    // The form sent back as it came changes nothing (its time has no fraction of a second).
    const unchanged = wallClock === new Date(current.localDateTime).toISOString().slice(0, 19) && (timeZone || null) === current.timeZone;
    if (!unchanged) await setDateTaken(c.var.db, [{ assetId: id, taken: atWallClock(wallClock, timeZone || null) }]);
    return backToViewer(c, id);
  })
  .post("/:id/place", requireViewer, async (c) => {
    const id = await ownedAsset(c);
    const fields = await form(c);
    const latitude = Number(fields.latitude);
    const longitude = Number(fields.longitude);
    const valid = fields.latitude?.trim() && fields.longitude?.trim() && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
    if (!valid) return invalid(c, id, "Enter a latitude from -90 to 90 and a longitude from -180 to 180.");
    await setPlace(c.var.db, [id], latitude, longitude);
    nudgeWorker(c);
    return backToViewer(c, id);
  });
