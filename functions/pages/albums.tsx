// Albums: the list of one's own and shared albums, and an album's page, where its owner renames it,
// picks its cover and order, shares it with people or by link, and adds and removes photos (as do
// its editors, for their own photos). Every change is a form that works without JavaScript (post,
// then redirect back); with htmx, the form swaps in the album as it is after the change.
import { Hono, type Context } from "hono";
import { albumRole, ownedAssetIds, readableAssetIds, type AlbumRole, type Auth } from "../../common/access";
import {
  addAlbumUsers,
  addAssetsToAlbum,
  albumAssetList,
  createAlbum,
  deleteAlbum,
  getAlbum,
  listAlbums,
  removeAlbumUser,
  removeAssetsFromAlbum,
  setAlbumUserRole,
  updateAlbum,
  type AlbumSummary,
} from "../../common/albums";
import type { Database } from "../../common/db";
import { AppError, notFound } from "../../common/errors";
import type { Asset, SharedLink, User } from "../../common/schema";
import { createSharedLink, deleteSharedLink, listSharedLinks, withKey, type KeyedSharedLink } from "../../common/shared-links";
import { listMonthAssets, listTimelineMonths } from "../../common/timeline";
import { listActiveUsers } from "../../common/users";
import { formText, requireViewer, type Viewer, type ViewerEnv } from "../middleware/pages";
import { randomToken } from "../services/auth";
import { prepareLinkVideos } from "../services/shared-links";
import { hashPassword } from "../services/sign-in";
import { AssetTile, countOf, CsrfField, describeAsset, Disclosure, FormError, Layout } from "./layout";
import { isHtmx } from "./htmx";

type Ctx = Context<ViewerEnv>;

// Tiles rendered at once; "Show more" brings the next ones.
const tilesPerChunk = 300;
// The picker loads whole months until it has at least this many photos.
const pickerChunk = 60;

const authOf = (viewer: Viewer): Auth => ({ user: viewer.user });
const missing = () => notFound("There is no album at this address.");

// ---------------------------------------------------------------------------------------------
// Formatting

const dayFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
const monthFormat = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" });

// The span of dates taken, as wall-clock dates: "May 1 – 3, 2024".
export function formatDateRange(start: number | null, end: number | null): string | undefined {
  if (start === null || end === null) return undefined;
  const [from, to] = start <= end ? [start, end] : [end, start];
  // ICU puts thin spaces around the dash; plain ones read the same and search and copy better.
  return dayFormat.formatRange(from, to).replace(/[\u2009\u202f]/g, " ");
}

function sharingSummary(album: AlbumSummary, viewer: Viewer): string | undefined {
  if (album.ownerId !== viewer.user.id) return `Shared by ${album.owner.name}`;
  const people = album.albumUsers.length;
  if (people === 1) return `Shared with ${album.albumUsers[0]!.user.name}`;
  if (people > 1) return `Shared with ${people} people`;
  return album.hasSharedLink ? "Shared by link" : undefined;
}

// ---------------------------------------------------------------------------------------------
// The list of albums

function AlbumCard({ album, viewer }: { album: AlbumSummary; viewer: Viewer }) {
  const details = [countOf(album.assetCount, "item"), formatDateRange(album.startDate, album.endDate)].filter(Boolean).join(" · ");
  const shared = sharingSummary(album, viewer);
  return (
    <li>
      <a class="album-card" href={`/albums/${album.id}`}>
        {album.albumThumbnailAssetId ? (
          <img class="album-card-cover" src={`/api/assets/${album.albumThumbnailAssetId}/thumbnail`} alt="" loading="lazy" decoding="async" />
        ) : (
          <span class="album-card-cover album-card-empty" aria-hidden="true"></span>
        )}
        <span class="album-card-name">{album.albumName}</span>
        <span class="album-card-details">{details}</span>
        {shared && <span class="album-card-details album-card-shared">{shared}</span>}
      </a>
    </li>
  );
}

function AlbumCards({ albums, viewer }: { albums: AlbumSummary[]; viewer: Viewer }) {
  return (
    <ul class="album-cards">
      {albums.map((album) => (
        <AlbumCard album={album} viewer={viewer} />
      ))}
    </ul>
  );
}

interface NewAlbumForm {
  error?: string;
  name?: string;
  description?: string;
}

function AlbumsPage(props: { viewer: Viewer; albums: AlbumSummary[]; form?: NewAlbumForm }) {
  const { viewer, form } = props;
  const own = props.albums.filter((album) => album.ownerId === viewer.user.id);
  const shared = props.albums.filter((album) => album.ownerId !== viewer.user.id);
  return (
    <Layout title="Albums" viewer={viewer} area="albums" current="/albums">
      <div class="section-head">
        <h1>Albums</h1>
        <Disclosure label="New album" class="new-album" open={Boolean(form)}>
          <form class="panel" method="post" action="/albums">
            <CsrfField viewer={viewer} />
            <FormError message={form?.error} />
            <div class="field">
              <label for="new-album-name">Name</label>
              <input id="new-album-name" type="text" name="albumName" value={form?.name} maxlength={200} required autocomplete="off" />
            </div>
            <div class="field">
              <label for="new-album-description">Description</label>
              <textarea id="new-album-description" name="description" rows={3} maxlength={2000}>
                {form?.description ?? ""}
              </textarea>
            </div>
            <button type="submit" class="button">
              Create the album
            </button>
          </form>
        </Disclosure>
      </div>
      <section aria-labelledby="own-albums">
        <h2 id="own-albums" class="section-title">
          Your albums
        </h2>
        {own.length ? <AlbumCards albums={own} viewer={viewer} /> : <p class="empty">No albums yet. Create one to gather photos for a trip, a person or a project.</p>}
      </section>
      {shared.length > 0 && (
        <section aria-labelledby="shared-albums">
          <h2 id="shared-albums" class="section-title">
            Shared with you
          </h2>
          <AlbumCards albums={shared} viewer={viewer} />
        </section>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// One album

type Panel = "edit" | "share" | "delete";

interface AlbumView {
  viewer: Viewer;
  album: AlbumSummary;
  role: AlbumRole;
  assets: Asset[];
  // For the owner's share panel.
  people: User[];
  links: KeyedSharedLink[];
  origin: string;
  open?: Panel;
  error?: string;
  // A link just made, to show first.
  newLinkId?: string;
}

const hx = (path: string) => ({ "hx-post": path, "hx-target": "#album", "hx-swap": "outerHTML" });

// Whether the viewer may select this tile (to remove it, or make it the cover).
const selectable = (view: AlbumView, asset: Asset) => view.role === "owner" || (view.role === "editor" && asset.ownerId === view.viewer.user.id);

function AlbumTile({ view, asset }: { view: AlbumView; asset: Asset }) {
  const isCover = view.album.albumThumbnailAssetId === asset.id;
  return (
    <li class="album-tile">
      <AssetTile asset={asset} href={`/photos/${asset.id}?album=${view.album.id}`} thumbnail={`/api/assets/${asset.id}/thumbnail`}>
        {isCover && <span class="tile-cover">Cover</span>}
      </AssetTile>
      {selectable(view, asset) && (
        <input class="tile-check" type="checkbox" name="ids" value={asset.id} form="album-selection" aria-label={`Select: ${describeAsset(asset)}`} />
      )}
    </li>
  );
}

// Tiles from `from` on, and a button for the next ones.
function AlbumTiles({ view, from }: { view: AlbumView; from: number }) {
  const chunk = view.assets.slice(from, from + tilesPerChunk);
  const next = from + tilesPerChunk;
  return (
    <>
      <ul class="grid album-grid">
        {chunk.map((asset) => (
          <AlbumTile view={view} asset={asset} />
        ))}
      </ul>
      {next < view.assets.length && (
        <div class="more" id={`album-more-${next}`}>
          <a
            class="button button-quiet"
            href={`/albums/${view.album.id}?from=${next}`}
            hx-get={`/albums/${view.album.id}/tiles?from=${next}`}
            hx-target={`#album-more-${next}`}
            hx-swap="outerHTML"
          >
            {`Show more (${view.assets.length - next} left)`}
          </a>
        </div>
      )}
    </>
  );
}

function SelectionBar({ view }: { view: AlbumView }) {
  const id = view.album.id;
  const canSelect = view.assets.some((asset) => selectable(view, asset));
  if (!canSelect) return null;
  return (
    <form id="album-selection" class="selection-bar" method="post" action={`/albums/${id}/assets/remove`} data-selection="">
      <CsrfField viewer={view.viewer} />
      <span class="selection-count" aria-live="polite" data-selection-count="">
        Select photos to change them
      </span>
      <span class="selection-actions">
        {view.role === "owner" && (
          <button type="submit" class="button button-quiet" formaction={`/albums/${id}/cover`} {...hx(`/albums/${id}/cover`)} data-needs="one">
            Make cover
          </button>
        )}
        <button type="submit" class="button button-quiet" {...hx(`/albums/${id}/assets/remove`)} data-needs="some">
          Remove from album
        </button>
        <button type="button" class="button button-quiet" data-selection-clear="" hidden>
          Clear
        </button>
      </span>
    </form>
  );
}

function EditPanel({ view }: { view: AlbumView }) {
  const { album } = view;
  return (
    <Disclosure label="Edit" quiet open={view.open === "edit"}>
      <form class="panel" method="post" action={`/albums/${album.id}/details`} {...hx(`/albums/${album.id}/details`)}>
        <CsrfField viewer={view.viewer} />
        <div class="field">
          <label for="album-name">Name</label>
          <input id="album-name" type="text" name="albumName" value={album.albumName} maxlength={200} required autocomplete="off" />
        </div>
        <div class="field">
          <label for="album-description">Description</label>
          <textarea id="album-description" name="description" rows={3} maxlength={2000}>
            {album.description}
          </textarea>
        </div>
        <button type="submit" class="button">
          Save
        </button>
      </form>
    </Disclosure>
  );
}

function OrderSwitch({ view }: { view: AlbumView }) {
  const { album } = view;
  return (
    <form class="order-switch" method="post" action={`/albums/${album.id}/order`} {...hx(`/albums/${album.id}/order`)} aria-label="Order">
      <CsrfField viewer={view.viewer} />
      <button type="submit" name="order" value="desc" class="segment" aria-pressed={album.order === "desc" ? "true" : "false"}>
        Newest first
      </button>
      <button type="submit" name="order" value="asc" class="segment" aria-pressed={album.order === "asc" ? "true" : "false"}>
        Oldest first
      </button>
    </form>
  );
}

function MemberRow({ view, member }: { view: AlbumView; member: AlbumSummary["albumUsers"][number] }) {
  const base = `/albums/${view.album.id}/users/${member.user.id}`;
  return (
    <li class="member">
      <span class="member-name">
        {member.user.name}
        <span class="muted">{member.user.email}</span>
      </span>
      <form class="member-role" method="post" action={base} {...hx(base)}>
        <CsrfField viewer={view.viewer} />
        <label class="visually-hidden" for={`role-${member.user.id}`}>{`Role of ${member.user.name}`}</label>
        <select id={`role-${member.user.id}`} name="role" data-autosubmit="">
          <option value="viewer" selected={member.role === "viewer"}>
            Can view
          </option>
          <option value="editor" selected={member.role === "editor"}>
            Can add photos
          </option>
        </select>
        <button type="submit" class="button button-quiet" data-autosubmit-button="">
          Change
        </button>
      </form>
      <form method="post" action={`${base}/remove`} {...hx(`${base}/remove`)}>
        <CsrfField viewer={view.viewer} />
        <button type="submit" class="button button-quiet" aria-label={`Stop sharing with ${member.user.name}`}>
          Remove
        </button>
      </form>
    </li>
  );
}

const linkUrl = (view: AlbumView, link: KeyedSharedLink) => `${view.origin}/share/${link.key}`;

function linkTerms(link: KeyedSharedLink): string {
  const terms = [
    link.passwordHash ? "With a password" : undefined,
    link.allowDownload ? "Downloads allowed" : "No downloads",
    link.showMetadata ? undefined : "Camera and place hidden",
    link.allowUpload ? "Visitors can add photos" : undefined,
    link.expiresAt ? `Expires ${dayFormat.format(link.expiresAt)}` : "Never expires",
  ];
  return terms.filter(Boolean).join(" · ");
}

function LinkRow({ view, link }: { view: AlbumView; link: KeyedSharedLink }) {
  const url = linkUrl(view, link);
  const fieldId = `link-${link.id}`;
  return (
    <li class={link.id === view.newLinkId ? "link link-new" : "link"}>
      <label class="visually-hidden" for={fieldId}>
        Link address
      </label>
      <span class="link-row">
        <input id={fieldId} type="text" value={url} readonly class="link-url" data-copy-source="" />
        <button type="button" class="button button-quiet" data-copy={fieldId} hidden>
          Copy
        </button>
      </span>
      <span class="link-terms muted">{linkTerms(link)}</span>
      <form method="post" action={`/albums/${view.album.id}/links/${link.id}/remove`} {...hx(`/albums/${view.album.id}/links/${link.id}/remove`)}>
        <CsrfField viewer={view.viewer} />
        <button type="submit" class="button button-quiet">
          Remove link
        </button>
      </form>
    </li>
  );
}

function SharePanel({ view }: { view: AlbumView }) {
  const { album } = view;
  const memberIds = new Set([album.ownerId, ...album.albumUsers.map((m) => m.user.id)]);
  const candidates = view.people.filter((user) => !memberIds.has(user.id));
  const links = [...view.links].sort((a, b) => (a.id === view.newLinkId ? -1 : b.id === view.newLinkId ? 1 : 0));
  return (
    <Disclosure label="Share" quiet open={view.open === "share"}>
      <div class="panel share-panel">
        <h2 class="panel-title">People</h2>
        {album.albumUsers.length ? (
          <ul class="members">
            {album.albumUsers.map((member) => (
              <MemberRow view={view} member={member} />
            ))}
          </ul>
        ) : (
          <p class="muted">Not shared with anyone yet.</p>
        )}
        {candidates.length ? (
          <form class="share-form" method="post" action={`/albums/${album.id}/users`} {...hx(`/albums/${album.id}/users`)}>
            <CsrfField viewer={view.viewer} />
            <div class="field">
              <label for="share-user">Share with</label>
              <select id="share-user" name="userId" required>
                {candidates.map((user) => (
                  <option value={user.id}>{`${user.name} (${user.email})`}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="share-role">Who</label>
              <select id="share-role" name="role">
                <option value="viewer">Can view</option>
                <option value="editor">Can add photos</option>
              </select>
            </div>
            <button type="submit" class="button" id="share-submit">
              Share
            </button>
          </form>
        ) : (
          <p class="muted">{view.people.length > 1 ? "Everyone with an account has this album." : "Nobody else has an account here yet."}</p>
        )}

        <h2 class="panel-title">Links</h2>
        {links.length ? (
          <ul class="links">
            {links.map((link) => (
              <LinkRow view={view} link={link} />
            ))}
          </ul>
        ) : (
          <p class="muted">No links yet. Anyone with a link can see the album without an account.</p>
        )}
        <form class="link-form" method="post" action={`/albums/${album.id}/links`} {...hx(`/albums/${album.id}/links`)}>
          <CsrfField viewer={view.viewer} />
          <fieldset>
            <legend>New link</legend>
            <label class="check">
              <input type="checkbox" name="allowDownload" value="on" checked />
              Allow downloads
            </label>
            <label class="check">
              <input type="checkbox" name="showMetadata" value="on" checked />
              Show camera and place
            </label>
            <label class="check">
              <input type="checkbox" name="allowUpload" value="on" />
              Let visitors add photos
            </label>
            <div class="link-options">
              <div class="field">
                <label for="link-password">Password (optional)</label>
                <input id="link-password" type="password" name="password" autocomplete="new-password" maxlength={1024} />
              </div>
              <div class="field">
                <label for="link-expires">Expires</label>
                <select id="link-expires" name="expires">
                  <option value="">Never</option>
                  <option value="1">In a day</option>
                  <option value="7">In a week</option>
                  <option value="30">In a month</option>
                </select>
              </div>
            </div>
          </fieldset>
          <button type="submit" class="button" id="link-submit">
            Create a link
          </button>
        </form>
      </div>
    </Disclosure>
  );
}

function DeletePanel({ view }: { view: AlbumView }) {
  const { album } = view;
  if (view.role !== "owner") {
    return (
      <form method="post" action={`/albums/${album.id}/users/${view.viewer.user.id}/remove`}>
        <CsrfField viewer={view.viewer} />
        <button type="submit" class="button button-quiet">
          Leave album
        </button>
      </form>
    );
  }
  return (
    <Disclosure label="Delete" quiet open={view.open === "delete"}>
      <form class="panel" method="post" action={`/albums/${album.id}/delete`}>
        <CsrfField viewer={view.viewer} />
        <p>Delete this album? Its photos stay in your library{album.albumUsers.length ? ", and the people it is shared with lose it" : ""}.</p>
        <button type="submit" class="button button-danger">
          Delete the album
        </button>
      </form>
    </Disclosure>
  );
}

// Everything of the album page that a change can alter: what htmx swaps after a form.
function AlbumBody({ view }: { view: AlbumView }) {
  const { album, role } = view;
  const meta = [countOf(view.assets.length, "item"), formatDateRange(album.startDate, album.endDate), sharingSummary(album, view.viewer)].filter(Boolean);
  return (
    <div id="album" class="album-page">
      <a class="back" href="/albums">
        ← Albums
      </a>
      <div class="album-head">
        <h1>{album.albumName}</h1>
        {album.description && <p class="album-description">{album.description}</p>}
        <p class="muted album-meta">{meta.join(" · ")}</p>
      </div>
      <FormError message={view.error} />
      <div class="album-toolbar">
        {role !== "viewer" && (
          <a class="button" href={`/albums/${album.id}/add`} hx-get={`/albums/${album.id}/add?dialog=1`} hx-target="#picker-body" hx-swap="innerHTML" data-picker="">
            Add photos
          </a>
        )}
        {role === "owner" && <EditPanel view={view} />}
        {role === "owner" && <SharePanel view={view} />}
        {role === "owner" && <OrderSwitch view={view} />}
        <DeletePanel view={view} />
      </div>
      <SelectionBar view={view} />
      <section aria-label="Photos and videos">
        {view.assets.length ? (
          <AlbumTiles view={view} from={0} />
        ) : (
          <p class="empty">{role === "viewer" ? "Nothing here yet." : "Nothing here yet. Add photos from your library."}</p>
        )}
      </section>
    </div>
  );
}

function AlbumPage({ view }: { view: AlbumView }) {
  return (
    <Layout title={view.album.albumName} viewer={view.viewer} area="albums" current="/albums">
      <AlbumBody view={view} />
      {view.role !== "viewer" && (
        <dialog id="picker" class="picker-dialog" aria-labelledby="picker-title">
          <div id="picker-body"></div>
        </dialog>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// The picker: the viewer's timeline, month by month, with checkboxes

interface PickerMonth {
  month: string;
  assets: Asset[];
}

async function pickerMonths(db: Database, viewer: Viewer, from: number): Promise<{ months: PickerMonth[]; next?: number }> {
  const scope = { ownerIds: [viewer.user.id], kind: "timeline" as const };
  const all = await listTimelineMonths(db, scope);
  const months: PickerMonth[] = [];
  let count = 0;
  let index = from;
  while (index < all.length && count < pickerChunk) {
    const month = all[index]!.month;
    const { assets } = await listMonthAssets(db, scope, month);
    months.push({ month, assets });
    count += assets.length;
    index++;
  }
  return { months, next: index < all.length ? index : undefined };
}

function monthTitle(month: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return monthFormat.format(Date.UTC(year, number - 1, 1));
}

function PickerMonths(props: { albumId: string; months: PickerMonth[]; next?: number; inAlbum: Set<string> }) {
  return (
    <>
      {props.months.map(({ month, assets }) => (
        // Months of a few photos sit side by side; the size class says how many columns a month needs.
        <fieldset class={`picker-month size-${Math.min(assets.length, 6)}`}>
          <legend>{monthTitle(month)}</legend>
          <ul class="grid picker-grid">
            {assets.map((asset) => {
              const added = props.inAlbum.has(asset.id);
              const label = describeAsset(asset);
              return (
                <li>
                  <label class={added ? "pick pick-added" : "pick"}>
                    <input type="checkbox" name="ids" value={asset.id} checked={added} disabled={added} aria-label={added ? `${label}, in the album already` : label} />
                    <img src={`/api/assets/${asset.id}/thumbnail`} alt="" loading="lazy" decoding="async" />
                    {added && <span class="tile-cover">In album</span>}
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
      ))}
      {props.next !== undefined && (
        <div class="more" id={`picker-more-${props.next}`}>
          <a
            class="button button-quiet"
            href={`/albums/${props.albumId}/add?from=${props.next}`}
            hx-get={`/albums/${props.albumId}/add?from=${props.next}&more=1`}
            hx-target={`#picker-more-${props.next}`}
            hx-swap="outerHTML"
          >
            Earlier photos
          </a>
        </div>
      )}
    </>
  );
}

function PickerForm(props: { viewer: Viewer; album: AlbumSummary; months: PickerMonth[]; next?: number; inAlbum: Set<string>; dialog: boolean }) {
  const { album } = props;
  return (
    <form
      class="picker"
      method="post"
      action={`/albums/${album.id}/assets`}
      data-picker-form=""
      {...(props.dialog ? hx(`/albums/${album.id}/assets`) : {})}
    >
      <CsrfField viewer={props.viewer} />
      <div class="picker-head">
        <h2 id="picker-title">{`Add to ${album.albumName}`}</h2>
        {props.dialog ? (
          <button type="button" class="button button-quiet" data-close-dialog="">
            Close
          </button>
        ) : (
          <a class="button button-quiet" href={`/albums/${album.id}`}>
            Back to the album
          </a>
        )}
      </div>
      <div class="picker-content">
        {props.months.length ? (
          <PickerMonths albumId={album.id} months={props.months} next={props.next} inAlbum={props.inAlbum} />
        ) : (
          <p class="empty">Your timeline is empty: upload photos first.</p>
        )}
      </div>
      <div class="picker-foot">
        <span class="muted" aria-live="polite" data-picked-count="">
          Choose photos to add
        </span>
        <button type="submit" class="button">
          Add to the album
        </button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Handlers

async function albumAndRole(c: Ctx, id: string): Promise<{ album: AlbumSummary; role: AlbumRole }> {
  const role = await albumRole(c.var.db, authOf(c.var.viewer), id);
  const album = role && (await getAlbum(c.var.db, id));
  if (!role || !album) throw missing();
  return { album, role };
}

// The asker's role, which must be one of `allowed` (else a 403, or a 404 for a stranger).
async function requireRole(c: Ctx, id: string, allowed: AlbumRole[]): Promise<AlbumRole> {
  const role = await albumRole(c.var.db, authOf(c.var.viewer), id);
  if (!role) throw missing();
  if (!allowed.includes(role)) throw new AppError(403, role === "viewer" ? "You can only view this album." : "Only the album's owner can do this.");
  return role;
}

async function albumView(c: Ctx, id: string, extra: Partial<AlbumView> = {}): Promise<AlbumView> {
  const { album, role } = await albumAndRole(c, id);
  const { db, viewer } = c.var;
  const [assets, people, links] = await Promise.all([
    albumAssetList(db, album),
    role === "owner" ? listActiveUsers(db) : Promise.resolve([]),
    role === "owner" ? listSharedLinks(db, viewer.user.id, album.id).then((links) => Promise.all(links.map((link) => withKey(c.env.INTERNAL_TOKEN, link)))) : Promise.resolve([]),
  ]);
  return {
    viewer,
    album,
    role,
    // Others' locked photos stay private (as in the viewer); hidden ones are the video halves of live photos.
    assets: assets.filter((asset) => asset.visibility !== "hidden" && (asset.visibility !== "locked" || asset.ownerId === viewer.user.id)),
    people,
    links,
    origin: new URL(c.req.url).origin,
    ...extra,
  };
}

// After a change: the album as it is now for htmx, a redirect back for a plain form. A form that
// could not be used shows its error in the album (status 400 without htmx, which swaps only 2xx).
async function afterChange(c: Ctx, id: string, extra: Partial<AlbumView> = {}) {
  if (isHtmx(c)) return c.html(<AlbumBody view={await albumView(c, id, extra)} />);
  if (extra.error) return c.html(<AlbumPage view={await albumView(c, id, extra)} />, 400);
  return c.redirect(`/albums/${id}${extra.open === "share" ? "?panel=share" : ""}`, 303);
}

async function formOf(c: Ctx) {
  return c.req.parseBody({ all: true });
}

function idsOf(form: Record<string, unknown>): string[] {
  const value = form.ids;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((id): id is string => typeof id === "string" && /^[0-9a-f-]{36}$/i.test(id));
}

const nameError = (name: string) =>
  name.length === 0 ? "Give the album a name." : name.length > 200 ? "Give the album a name of at most 200 characters." : undefined;

export const albumPages = new Hono<ViewerEnv>()
  .use(requireViewer)
  .get("/", async (c) => {
    const albums = await listAlbums(c.var.db, { ownedOrSharedWith: c.var.viewer.user.id });
    return c.html(<AlbumsPage viewer={c.var.viewer} albums={albums} />);
  })
  .post("/", async (c) => {
    const form = await formOf(c);
    const albumName = formText(form.albumName).trim();
    const description = formText(form.description).trim().slice(0, 2000);
    const error = nameError(albumName);
    if (error) {
      const albums = await listAlbums(c.var.db, { ownedOrSharedWith: c.var.viewer.user.id });
      return c.html(<AlbumsPage viewer={c.var.viewer} albums={albums} form={{ error, name: albumName, description }} />, 400);
    }
    const id = await createAlbum(c.var.db, { ownerId: c.var.viewer.user.id, albumName, description }, [], []);
    return c.redirect(`/albums/${id}`, 303);
  })
  .get("/:id", async (c) => {
    const open = c.req.query("panel") === "share" ? "share" : undefined;
    const view = await albumView(c, c.req.param("id"), { open });
    const from = Number(c.req.query("from") ?? 0);
    // Without JavaScript, "Show more" opens the album from a later tile.
    if (Number.isInteger(from) && from > 0 && from < view.assets.length) {
      return c.html(
        <Layout title={view.album.albumName} viewer={view.viewer} area="albums" current="/albums">
          <div id="album" class="album-page">
            <a class="back" href={`/albums/${view.album.id}`}>
              {`← ${view.album.albumName}`}
            </a>
            <SelectionBar view={view} />
            <AlbumTiles view={view} from={from} />
          </div>
        </Layout>,
      );
    }
    return c.html(<AlbumPage view={view} />);
  })
  .get("/:id/tiles", async (c) => {
    const view = await albumView(c, c.req.param("id"));
    const from = Math.max(0, Math.floor(Number(c.req.query("from")) || 0));
    return c.html(<AlbumTiles view={view} from={from} />);
  })
  .get("/:id/add", async (c) => {
    const id = c.req.param("id");
    await requireRole(c, id, ["owner", "editor"]);
    const { album } = await albumAndRole(c, id);
    const from = Math.max(0, Math.floor(Number(c.req.query("from")) || 0));
    const [{ months, next }, inAlbum] = await Promise.all([
      pickerMonths(c.var.db, c.var.viewer, from),
      albumAssetList(c.var.db, album).then((assets) => new Set(assets.map((asset) => asset.id))),
    ]);
    // The dialog and its "Earlier photos" ask for pieces of the page, at addresses of their own.
    if (c.req.query("more")) return c.html(<PickerMonths albumId={id} months={months} next={next} inAlbum={inAlbum} />);
    if (c.req.query("dialog")) return c.html(<PickerForm viewer={c.var.viewer} album={album} months={months} next={next} inAlbum={inAlbum} dialog />);
    return c.html(
      <Layout title={`Add to ${album.albumName}`} viewer={c.var.viewer} area="albums" current="/albums">
        <PickerForm viewer={c.var.viewer} album={album} months={months} next={next} inAlbum={inAlbum} dialog={false} />
      </Layout>,
    );
  })
  .post("/:id/assets", async (c) => {
    const id = c.req.param("id");
    await requireRole(c, id, ["owner", "editor"]);
    const ids = idsOf(await formOf(c));
    if (ids.length === 0) return afterChange(c, id, { error: "Choose the photos to add first." });
    await addAssetsToAlbum(c.var.db, id, ids, await readableAssetIds(c.var.db, authOf(c.var.viewer), ids));
    return afterChange(c, id);
  })
  .post("/:id/assets/remove", async (c) => {
    const id = c.req.param("id");
    const role = await requireRole(c, id, ["owner", "editor"]);
    const ids = idsOf(await formOf(c));
    if (ids.length === 0) return afterChange(c, id, { error: "Select the photos to remove first." });
    // The owner removes anything; an editor removes their own photos.
    const allowed = role === "owner" ? new Set(ids) : await ownedAssetIds(c.var.db, authOf(c.var.viewer), ids);
    await removeAssetsFromAlbum(c.var.db, id, ids, allowed);
    return afterChange(c, id);
  })
  .post("/:id/cover", async (c) => {
    const id = c.req.param("id");
    await requireRole(c, id, ["owner"]);
    const ids = idsOf(await formOf(c));
    if (ids.length !== 1) return afterChange(c, id, { error: "Select one photo to make it the cover." });
    const inAlbum = (await albumAssetList(c.var.db, { id, order: "desc" })).some((asset) => asset.id === ids[0]);
    if (!inAlbum) return afterChange(c, id, { error: "The cover must be one of the album's photos." });
    await updateAlbum(c.var.db, id, { albumThumbnailAssetId: ids[0] });
    return afterChange(c, id);
  })
  .post("/:id/details", async (c) => {
    const id = c.req.param("id");
    await requireRole(c, id, ["owner"]);
    const form = await formOf(c);
    const albumName = formText(form.albumName).trim();
    const error = nameError(albumName);
    if (error) return afterChange(c, id, { error, open: "edit" });
    await updateAlbum(c.var.db, id, { albumName, description: formText(form.description).trim().slice(0, 2000) });
    return afterChange(c, id);
  })
  .post("/:id/order", async (c) => {
    const id = c.req.param("id");
    await requireRole(c, id, ["owner"]);
    const order = formText((await formOf(c)).order);
    if (order === "asc" || order === "desc") await updateAlbum(c.var.db, id, { order });
    return afterChange(c, id);
  })
  .post("/:id/delete", async (c) => {
    const id = c.req.param("id");
    await requireRole(c, id, ["owner"]);
    await deleteAlbum(c.var.db, id);
    if (isHtmx(c)) {
      c.header("hx-redirect", "/albums");
      return c.body(null, 204);
    }
    return c.redirect("/albums", 303);
  })
  .post("/:id/users", async (c) => {
    const id = c.req.param("id");
    await requireRole(c, id, ["owner"]);
    const form = await formOf(c);
    const userId = formText(form.userId);
    const role = formText(form.role) === "editor" ? "editor" : "viewer";
    const { album } = await albumAndRole(c, id);
    const user = (await listActiveUsers(c.var.db)).find((u) => u.id === userId);
    if (!user || user.id === album.ownerId) return afterChange(c, id, { error: "Choose someone with an account to share with.", open: "share" });
    await addAlbumUsers(c.var.db, id, [{ userId, role }]);
    return afterChange(c, id, { open: "share" });
  })
  .post("/:id/users/:userId", async (c) => {
    const { id, userId } = c.req.param();
    await requireRole(c, id, ["owner"]);
    const role = formText((await formOf(c)).role);
    if (role !== "editor" && role !== "viewer") return afterChange(c, id, { error: "Choose what they may do.", open: "share" });
    if (!(await setAlbumUserRole(c.var.db, id, userId, role))) return afterChange(c, id, { error: "They no longer have this album.", open: "share" });
    return afterChange(c, id, { open: "share" });
  })
  .post("/:id/users/:userId/remove", async (c) => {
    const { id, userId } = c.req.param();
    const self = userId === c.var.viewer.user.id;
    // The owner removes anyone; a member may leave.
    const role = await requireRole(c, id, self ? ["editor", "viewer"] : ["owner"]);
    await removeAlbumUser(c.var.db, id, userId);
    if (role !== "owner") {
      if (isHtmx(c)) {
        c.header("hx-redirect", "/albums");
        return c.body(null, 204);
      }
      return c.redirect("/albums", 303);
    }
    return afterChange(c, id, { open: "share" });
  })
  .post("/:id/links", async (c) => {
    const id = c.req.param("id");
    await requireRole(c, id, ["owner"]);
    const form = await formOf(c);
    const showMetadata = form.showMetadata === "on";
    const days = Number(formText(form.expires));
    const password = formText(form.password);
    if (password.length > 1024) return afterChange(c, id, { error: "Choose a password of at most 1024 characters.", open: "share" });
    const link = await createSharedLink(
      c.var.db,
      c.env.INTERNAL_TOKEN,
      randomToken(),
      {
        userId: c.var.viewer.user.id,
        type: "ALBUM",
        albumId: id,
        description: null,
        passwordHash: password ? await hashPassword(c.env, password) : null,
        expiresAt: [1, 7, 30].includes(days) ? Date.now() + days * 24 * 60 * 60_000 : null,
        allowUpload: form.allowUpload === "on",
        // Originals carry the metadata: a link that hides it allows no downloads.
        allowDownload: showMetadata && form.allowDownload === "on",
        showMetadata,
      },
      [],
    );
    await prepareLinkVideos(c, link);
    return afterChange(c, id, { open: "share", newLinkId: link.id });
  })
  .post("/:id/links/:linkId/remove", async (c) => {
    const { id, linkId } = c.req.param();
    await requireRole(c, id, ["owner"]);
    await deleteSharedLink(c.var.db, c.var.viewer.user.id, linkId);
    return afterChange(c, id, { open: "share" });
  });
