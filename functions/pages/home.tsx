// The signed-in home: the newest photos and videos, and the albums. A stopgap until the timeline.
import { Hono } from "hono";
import { listAlbums, type AlbumSummary } from "../../common/albums";
import { recentAssets } from "../../common/assets";
import type { Asset } from "../../common/schema";
import type { AppEnv } from "../env";
import { requireViewer, type Viewer } from "../middleware/pages";
import { AssetGrid, countOf, Layout } from "./layout";

const recentCount = 120;

// Until there is a viewer page, a tile opens the preview or the video itself.
function fullSize(asset: Asset): string {
  return asset.type === "VIDEO" ? `/api/assets/${asset.id}/video/playback` : `/api/assets/${asset.id}/thumbnail?size=preview`;
}

function AlbumCard({ album, viewer }: { album: AlbumSummary; viewer: Viewer }) {
  return (
    <li class="album">
      {album.albumThumbnailAssetId ? (
        <img class="album-cover" src={`/api/assets/${album.albumThumbnailAssetId}/thumbnail`} alt="" loading="lazy" decoding="async" />
      ) : (
        <span class="album-cover" aria-hidden="true"></span>
      )}
      <span class="album-name">{album.albumName}</span>
      <span class="album-details">
        {countOf(album.assetCount, "item")}
        {album.ownerId !== viewer.user.id && ` · shared by ${album.owner.name}`}
      </span>
    </li>
  );
}

function HomePage(props: { viewer: Viewer; assets: Asset[]; albums: AlbumSummary[] }) {
  return (
    <Layout title="Home" viewer={props.viewer}>
      <section aria-labelledby="recent-heading">
        <h1 id="recent-heading">Recent photos and videos</h1>
        {props.assets.length ? (
          <AssetGrid assets={props.assets} href={fullSize} thumbnail={(asset) => `/api/assets/${asset.id}/thumbnail`} />
        ) : (
          <p class="empty">Nothing here yet. What you upload with the Immich app or import appears here.</p>
        )}
      </section>
      <section aria-labelledby="albums-heading">
        <h2 id="albums-heading">Albums</h2>
        {props.albums.length ? (
          <ul class="albums">
            {props.albums.map((album) => (
              <AlbumCard album={album} viewer={props.viewer} />
            ))}
          </ul>
        ) : (
          <p class="empty">No albums yet.</p>
        )}
      </section>
    </Layout>
  );
}

export const homePage = new Hono<AppEnv>().get("/", requireViewer, async (c) => {
  const { viewer, db } = c.var;
  const [assets, albums] = await Promise.all([recentAssets(db, viewer.user.id, recentCount), listAlbums(db, { ownedOrSharedWith: viewer.user.id })]);
  return c.html(<HomePage viewer={viewer} assets={assets} albums={albums} />);
});
