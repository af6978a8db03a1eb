// What `npm run export` reads: a user's photos and videos outside the trash, page by page, with what
// the database knows about each and the albums they are in.
import { and, asc, eq, gt, inArray, isNull } from "drizzle-orm";
import type { Database } from "./db";
import { albumAssets, assets, exif, type Asset, type Exif } from "./schema";

export interface ExportAsset {
  asset: Asset;
  exif: Exif | null;
  // Albums holding the asset, or (for the video half of a live photo) its photo.
  albumIds: string[];
}

// The owner's next `limit` assets after `after` (by id; "" to start).
export async function exportAssetsPage(
  db: Database,
  ownerId: string,
  after: string,
  limit: number,
): Promise<ExportAsset[]> {
  const rows = await db
    .select()
    .from(assets)
    .leftJoin(exif, eq(exif.assetId, assets.id))
    .where(and(eq(assets.ownerId, ownerId), isNull(assets.deletedAt), gt(assets.id, after)))
    .orderBy(asc(assets.id))
    .limit(limit);
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.assets.id);
  const photos = await db
    .select({ id: assets.id, videoId: assets.livePhotoVideoId })
    .from(assets)
    .where(and(inArray(assets.livePhotoVideoId, ids), isNull(assets.deletedAt)));
  const memberships = await db
    .select({ assetId: albumAssets.assetId, albumId: albumAssets.albumId })
    .from(albumAssets)
    .where(inArray(albumAssets.assetId, [...ids, ...photos.map((photo) => photo.id)]));
  return rows.map((row) => {
    const holders = [
      row.assets.id,
      ...photos.filter((photo) => photo.videoId === row.assets.id).map((photo) => photo.id),
    ];
    const albumIds = [...new Set(memberships.filter((m) => holders.includes(m.assetId)).map((m) => m.albumId))];
    return { asset: row.assets, exif: row.exif, albumIds };
  });
}
