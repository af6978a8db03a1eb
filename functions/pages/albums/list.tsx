// The list of albums: one's own, those shared with one, and the form that makes a new one.
import type { AlbumSummary } from "../../../common/albums";
import type { Viewer } from "../../middleware/pages";
import { countOf, CsrfField, Disclosure, FormError, Layout } from "../layout";
import { AlbumFields } from "./fields";
import { formatDateRange, sharingSummary } from "./summary";

function AlbumCard({ album, viewer }: { album: AlbumSummary; viewer: Viewer }) {
  const details = [countOf(album.assetCount, "item"), formatDateRange(album.startDate, album.endDate)]
    .filter(Boolean)
    .join(" · ");
  const shared = sharingSummary(album, viewer);
  return (
    <li>
      <a class="album-card" href={`/albums/${album.id}`}>
        {album.albumThumbnailAssetId ? (
          <img
            class="album-card-cover"
            src={`/api/assets/${album.albumThumbnailAssetId}/thumbnail`}
            alt=""
            loading="lazy"
            decoding="async"
          />
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

export interface NewAlbumForm {
  error?: string;
  name?: string;
  description?: string;
}

export function AlbumsPage(props: { viewer: Viewer; albums: AlbumSummary[]; form?: NewAlbumForm }) {
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
            <AlbumFields idPrefix="new-album" name={form?.name} description={form?.description} />
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
        {own.length ? (
          <AlbumCards albums={own} viewer={viewer} />
        ) : (
          <p class="empty">No albums yet. Create one to gather photos for a trip, a person or a project.</p>
        )}
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
