// The album repository.
import { and, count, desc, eq, inArray, max, min } from "drizzle-orm";
import type { Database } from "./db";
import { albumAssets, albums, assets, type Album } from "./schema";

export interface AlbumSummary extends Album {
  assetCount: number;
  startDate: number | null;
  endDate: number | null;
}

function summaries(db: Database) {
  return db
    .select({
      album: albums,
      assetCount: count(albumAssets.assetId),
      startDate: min(assets.localDateTime),
      endDate: max(assets.localDateTime),
    })
    .from(albums)
    .leftJoin(albumAssets, eq(albumAssets.albumId, albums.id))
    .leftJoin(assets, eq(assets.id, albumAssets.assetId))
    .groupBy(albums.id);
}

const toSummary = (row: { album: Album; assetCount: number; startDate: number | null; endDate: number | null }): AlbumSummary => ({
  ...row.album,
  assetCount: row.assetCount,
  startDate: row.startDate,
  endDate: row.endDate,
});

export async function listAlbums(db: Database): Promise<AlbumSummary[]> {
  return (await summaries(db).orderBy(desc(albums.createdAt))).map(toSummary);
}

export async function getAlbum(db: Database, id: string): Promise<AlbumSummary | undefined> {
  const [row] = await summaries(db).where(eq(albums.id, id));
  return row ? toSummary(row) : undefined;
}

export async function createAlbum(db: Database, album: { albumName: string; description: string }, assetIds: string[]): Promise<string> {
  const id = crypto.randomUUID();
  const now = Date.now();
  const existing = assetIds.length ? await db.select({ id: assets.id }).from(assets).where(inArray(assets.id, assetIds)) : [];
  await db.batch([
    db.insert(albums).values({ id, ...album, albumThumbnailAssetId: existing[0]?.id ?? null, createdAt: now, updatedAt: now }),
    ...(existing.length ? [db.insert(albumAssets).values(existing.map((a) => ({ albumId: id, assetId: a.id, addedAt: now })))] : []),
  ]);
  return id;
}

export type AddResult = { id: string; success: true } | { id: string; success: false; error: "duplicate" | "not_found" };

// Adds assets to an album, reporting each one as Immich does.
export async function addAssetsToAlbum(db: Database, albumId: string, assetIds: string[]): Promise<AddResult[]> {
  const unique = [...new Set(assetIds)];
  const [found, present, [album]] = await Promise.all([
    db.select({ id: assets.id }).from(assets).where(inArray(assets.id, unique)),
    db.select({ id: albumAssets.assetId }).from(albumAssets).where(and(eq(albumAssets.albumId, albumId), inArray(albumAssets.assetId, unique))),
    db.select().from(albums).where(eq(albums.id, albumId)),
  ]);
  const known = new Set(found.map((a) => a.id));
  const already = new Set(present.map((a) => a.id));
  const results: AddResult[] = assetIds.map((id) =>
    !known.has(id) ? { id, success: false, error: "not_found" } : already.has(id) ? { id, success: false, error: "duplicate" } : { id, success: true },
  );
  const added = [...new Set(results.filter((r) => r.success).map((r) => r.id))];
  if (added.length) {
    const now = Date.now();
    await db.batch([
      db.insert(albumAssets).values(added.map((assetId) => ({ albumId, assetId, addedAt: now }))).onConflictDoNothing(),
      db
        .update(albums)
        .set({ updatedAt: now, ...(album?.albumThumbnailAssetId ? {} : { albumThumbnailAssetId: added[0]! }) })
        .where(eq(albums.id, albumId)),
    ]);
  }
  return results;
}
