// The viewer's page: the picture or video full screen, its bar of actions, previous and next, and
// the details beside it.
import { cannotBeShown } from "../../../common/assets";
import { browserShows } from "../../../common/media-types";
import type { Asset, Person } from "../../../common/schema";
import type { Viewer } from "../../middleware/pages";
import type { AssetDetails } from "../../services/assets";
import type { Neighbours, OpenedFrom } from "../../services/timeline";
import { Icon } from "../icons";
import { CsrfField, describeAsset, Layout } from "../layout";
import { Details, timeFormat } from "./details";
import { backHref, contextParams, viewerHref, withParams } from "./links";

// Formats that may move (animated GIF and WebP): the viewer shows their original, which browsers
// play, where a preview would stand still.
const mayMove = new Set(["image/gif", "image/webp"]);

// What the viewer shows of a photo, and what a zoom loads: its original when browsers show it as it
// is, else the preview, then the full-size copy made for zooming.
function pictures(asset: Asset): { shown: string; zoom: string } {
  const preview = `/api/assets/${asset.id}/thumbnail?size=preview`;
  const original = `/api/assets/${asset.id}/original`;
  if (!browserShows(asset.originalMimeType))
    return { shown: preview, zoom: `/api/assets/${asset.id}/thumbnail?size=fullsize` };
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

const titleFormat = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

export interface ViewerData extends Pick<AssetDetails, "asset" | "exif" | "owned"> {
  context: OpenedFrom;
  neighbours: Neighbours;
  // Who is in it (for its owner only: people are private), hidden people left out.
  people: Person[];
  info: boolean;
  // The map tiles for the details' small map (an empty url: tiles are off).
  tiles: { url: string; attribution: string };
  error?: string;
}

export function FavoriteForm({
  asset,
  viewer,
  context,
}: {
  asset: Pick<Asset, "id" | "isFavorite">;
  viewer: Viewer;
  context: OpenedFrom;
}) {
  const on = asset.isFavorite;
  const action = withParams(`/photos/${asset.id}/favorite`, contextParams(context));
  const label = on ? "Remove from favorites (f)" : "Add to favorites (f)";
  return (
    <form
      class="pv-form"
      method="post"
      action={action}
      hx-post={action}
      hx-swap="outerHTML"
      data-favorite-form
      data-asset={asset.id}
    >
      <CsrfField viewer={viewer} />
      <input type="hidden" name="favorite" value={on ? "false" : "true"} />
      <button
        type="submit"
        class={on ? "pv-icon is-on" : "pv-icon"}
        aria-pressed={on ? "true" : "false"}
        aria-label="Favorite"
        title={label}
      >
        <Icon name={on ? "heart" : "heartOutline"} />
      </button>
    </form>
  );
}

function ActionForm(props: {
  asset: Asset;
  viewer: Viewer;
  context: OpenedFrom;
  what: string;
  icon: "trash" | "restore";
  label: string;
  confirm?: string;
}) {
  return (
    <form
      class="pv-form"
      method="post"
      action={withParams(`/photos/${props.asset.id}/${props.what}`, contextParams(props.context))}
      data-viewer-form
      data-removes={props.asset.id}
      data-confirm={props.confirm}
    >
      <CsrfField viewer={props.viewer} />
      <button type="submit" class="pv-icon" aria-label={props.label} title={props.label}>
        <Icon name={props.icon} />
      </button>
    </form>
  );
}

export function ViewerPage({ viewer, data }: { viewer: Viewer; data: ViewerData }) {
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
              <button
                type="button"
                class="pv-icon"
                data-live-button
                aria-pressed="false"
                aria-label="Play the live photo"
                title="Play the live photo (l)"
              >
                <Icon name="live" />
              </button>
            )}
            {!isVideo && !broken && (
              <button
                type="button"
                class="pv-icon"
                data-zoom-button
                aria-pressed="false"
                aria-label="Zoom"
                title="Zoom (z)"
                hidden
              >
                <Icon name="zoom" />
              </button>
            )}
            {data.owned && !trashed && <FavoriteForm asset={asset} viewer={viewer} context={context} />}
            <a
              class="pv-icon"
              href={original}
              download={asset.originalFileName}
              aria-label="Download the original"
              title="Download the original"
            >
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
            {data.owned && !trashed && (
              <ActionForm
                asset={asset}
                viewer={viewer}
                context={context}
                what="trash"
                icon="trash"
                label="Move to trash"
              />
            )}
            {data.owned && trashed && (
              <>
                <ActionForm
                  asset={asset}
                  viewer={viewer}
                  context={context}
                  what="restore"
                  icon="restore"
                  label="Restore"
                />
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
                // biome-ignore lint/a11y/useMediaCaption: people's own videos come with no caption track to offer
                <video
                  class="pv-video"
                  src={`/api/assets/${asset.id}/video/playback`}
                  poster={preview}
                  controls
                  autoplay
                  preload="auto"
                  playsinline
                  data-video
                ></video>
              ) : (
                <img class="pv-image" src={pictures(asset).shown} alt={describeAsset(asset)} data-image />
              )}
              {live && (
                <video class="pv-live" src={live} muted playsinline preload="none" data-live-video hidden></video>
              )}
            </div>
            {neighbours.previous && (
              <a
                class="pv-step pv-previous"
                rel="prev"
                href={viewerHref(neighbours.previous.id, context, data.info)}
                aria-label="Previous"
                title="Previous (←)"
              >
                <Icon name="previous" />
              </a>
            )}
            {neighbours.next && (
              <a
                class="pv-step pv-next"
                rel="next"
                href={viewerHref(neighbours.next.id, context, data.info)}
                aria-label="Next"
                title="Next (→)"
              >
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
