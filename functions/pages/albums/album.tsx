// One album's page: its photos in tiles, with the owner's and editors' tools (select to remove or
// make the cover, rename, order, share, delete or leave).
import type { Asset } from "../../../common/schema";
import { AssetTile, countOf, CsrfField, describeAsset, Disclosure, FormError, Layout } from "../layout";
import { AlbumFields } from "./fields";
import { SharePanel } from "./sharing";
import { formatDateRange, sharingSummary } from "./summary";
import { hx, type AlbumView } from "./view";

// Tiles rendered at once; "Show more" brings the next ones.
const tilesPerChunk = 300;

// Whether the viewer may select this tile (to remove it, or make it the cover).
const selectable = (view: AlbumView, asset: Asset) =>
  view.role === "owner" || (view.role === "editor" && asset.ownerId === view.viewer.user.id);

function AlbumTile({ view, asset }: { view: AlbumView; asset: Asset }) {
  const isCover = view.album.albumThumbnailAssetId === asset.id;
  return (
    <li class="album-tile">
      <AssetTile
        asset={asset}
        href={`/photos/${asset.id}?album=${view.album.id}`}
        thumbnail={`/api/assets/${asset.id}/thumbnail`}
      >
        {isCover && <span class="tile-cover">Cover</span>}
      </AssetTile>
      {selectable(view, asset) && (
        <input
          class="tile-check"
          type="checkbox"
          name="ids"
          value={asset.id}
          form="album-selection"
          aria-label={`Select: ${describeAsset(asset)}`}
        />
      )}
    </li>
  );
}

// Tiles from `from` on, and a button for the next ones.
export function AlbumTiles({ view, from }: { view: AlbumView; from: number }) {
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

export function SelectionBar({ view }: { view: AlbumView }) {
  const id = view.album.id;
  const canSelect = view.assets.some((asset) => selectable(view, asset));
  if (!canSelect) return null;
  return (
    <form
      id="album-selection"
      class="selection-bar"
      method="post"
      action={`/albums/${id}/assets/remove`}
      data-selection=""
    >
      <CsrfField viewer={view.viewer} />
      <span class="selection-count" aria-live="polite" data-selection-count="">
        Select photos to change them
      </span>
      <span class="selection-actions">
        {view.role === "owner" && (
          <button
            type="submit"
            class="button button-quiet"
            formaction={`/albums/${id}/cover`}
            {...hx(`/albums/${id}/cover`)}
            data-needs="one"
          >
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
        <AlbumFields idPrefix="album" name={album.albumName} description={album.description} />
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
    <form
      class="order-switch"
      method="post"
      action={`/albums/${album.id}/order`}
      {...hx(`/albums/${album.id}/order`)}
      aria-label="Order"
    >
      <CsrfField viewer={view.viewer} />
      <button
        type="submit"
        name="order"
        value="desc"
        class="segment"
        aria-pressed={album.order === "desc" ? "true" : "false"}
      >
        Newest first
      </button>
      <button
        type="submit"
        name="order"
        value="asc"
        class="segment"
        aria-pressed={album.order === "asc" ? "true" : "false"}
      >
        Oldest first
      </button>
    </form>
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
        <p>
          Delete this album? Its photos stay in your library
          {album.albumUsers.length ? ", and the people it is shared with lose it" : ""}.
        </p>
        <button type="submit" class="button button-danger">
          Delete the album
        </button>
      </form>
    </Disclosure>
  );
}

// Everything of the album page that a change can alter: what htmx swaps after a form.
export function AlbumBody({ view }: { view: AlbumView }) {
  const { album, role } = view;
  const meta = [
    countOf(view.assets.length, "item"),
    formatDateRange(album.startDate, album.endDate),
    sharingSummary(album, view.viewer),
  ].filter(Boolean);
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
          <a
            class="button"
            href={`/albums/${album.id}/add`}
            hx-get={`/albums/${album.id}/add?dialog=1`}
            hx-target="#picker-body"
            hx-swap="innerHTML"
            data-picker=""
          >
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
          <p class="empty">
            {role === "viewer" ? "Nothing here yet." : "Nothing here yet. Add photos from your library."}
          </p>
        )}
      </section>
    </div>
  );
}

export function AlbumPage({ view }: { view: AlbumView }) {
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

// Without JavaScript, "Show more" opens the album from a later tile.
export function LaterTilesPage({ view, from }: { view: AlbumView; from: number }) {
  return (
    <Layout title={view.album.albumName} viewer={view.viewer} area="albums" current="/albums">
      <div id="album" class="album-page">
        <a class="back" href={`/albums/${view.album.id}`}>
          {`← ${view.album.albumName}`}
        </a>
        <SelectionBar view={view} />
        <AlbumTiles view={view} from={from} />
      </div>
    </Layout>
  );
}
