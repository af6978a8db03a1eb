// The album repository. Callers check the asker's role (common/access.ts) before changing an album.
import { and, asc, count, desc, eq, inArray, isNull, max, min, or, sql } from "drizzle-orm";
import type { Database } from "./db";
import {
  albumAssets,
  albums,
  albumUsers,
  assets,
  users,
  type Album,
  type AlbumUser,
  type Asset,
  type User,
} from "./schema";

export interface AlbumSummary extends Album {
  owner: User;
  albumUsers: Array<{ user: User; role: AlbumUser["role"] }>;
  assetCount: number;
  startDate: number | null;
  endDate: number | null;
  hasSharedLink: boolean;
}

export type AlbumFilter = { ownedOrSharedWith: string; shared?: boolean } | { id: string } | { ids: string[] };

const isMember = (userId: string) =>
  sql`EXISTS (SELECT 1 FROM album_users au WHERE au.album_id = ${albums.id} AND au.user_id = ${userId})`;
const isShared = sql`(EXISTS (SELECT 1 FROM album_users au WHERE au.album_id = ${albums.id})
  OR EXISTS (SELECT 1 FROM shared_links sl WHERE sl.album_id = ${albums.id}))`;

function where(filter: AlbumFilter) {
  if ("id" in filter) return eq(albums.id, filter.id);
  if ("ids" in filter) return inArray(albums.id, filter.ids.length ? filter.ids : [""]);
  const user = filter.ownedOrSharedWith;
  if (filter.shared === false) return and(eq(albums.ownerId, user), sql`NOT ${isShared}`);
  if (filter.shared === true) return or(and(eq(albums.ownerId, user), isShared), isMember(user));
  return or(eq(albums.ownerId, user), isMember(user));
}

// Albums with their owner, members and counts. Trashed assets do not count.
export async function listAlbums(db: Database, filter: AlbumFilter): Promise<AlbumSummary[]> {
  const rows = await db
    .select({
      album: albums,
      owner: users,
      assetCount: count(assets.id),
      startDate: min(assets.localDateTime),
      endDate: max(assets.localDateTime),
      hasSharedLink: sql<number>`EXISTS (SELECT 1 FROM shared_links sl WHERE sl.album_id = ${albums.id})`,
    })
    .from(albums)
    .innerJoin(users, eq(users.id, albums.ownerId))
    .leftJoin(albumAssets, eq(albumAssets.albumId, albums.id))
    .leftJoin(assets, and(eq(assets.id, albumAssets.assetId), isNull(assets.deletedAt)))
    .where(where(filter))
    .groupBy(albums.id)
    .orderBy(desc(albums.createdAt));
  const members = rows.length
    ? await db
        .select({ albumId: albumUsers.albumId, role: albumUsers.role, user: users })
        .from(albumUsers)
        .innerJoin(users, eq(users.id, albumUsers.userId))
        .where(
          inArray(
            albumUsers.albumId,
            rows.map((row) => row.album.id),
          ),
        )
        .orderBy(asc(albumUsers.createdAt))
    : [];
  return rows.map((row) => ({
    ...row.album,
    owner: row.owner,
    albumUsers: members.filter((m) => m.albumId === row.album.id).map((m) => ({ user: m.user, role: m.role })),
    assetCount: row.assetCount,
    startDate: row.startDate,
    endDate: row.endDate,
    hasSharedLink: Boolean(row.hasSharedLink),
  }));
}

export async function getAlbum(db: Database, id: string): Promise<AlbumSummary | undefined> {
  const [album] = await listAlbums(db, { id });
  return album;
}

// Albums holding an asset, among those the user owns or was invited to.
export async function albumIdsWithAsset(db: Database, userId: string, assetId: string): Promise<string[]> {
  const rows = await db
    .select({ id: albums.id })
    .from(albums)
    .innerJoin(albumAssets, and(eq(albumAssets.albumId, albums.id), eq(albumAssets.assetId, assetId)))
    .where(or(eq(albums.ownerId, userId), isMember(userId)));
  return rows.map((row) => row.id);
}

// The album's assets in its chosen order, without trashed ones.
export async function albumAssetList(db: Database, album: Pick<Album, "id" | "order">): Promise<Asset[]> {
  const rows = await db
    .select({ asset: assets })
    .from(albumAssets)
    .innerJoin(assets, eq(assets.id, albumAssets.assetId))
    .where(and(eq(albumAssets.albumId, album.id), isNull(assets.deletedAt)))
    .orderBy(album.order === "asc" ? asc(assets.localDateTime) : desc(assets.localDateTime));
  return rows.map((row) => row.asset);
}

export async function createAlbum(
  db: Database,
  album: Pick<Album, "ownerId" | "albumName" | "description">,
  assetIds: string[],
  members: Array<{ userId: string; role: AlbumUser["role"] }>,
): Promise<string> {
  const id = crypto.randomUUID();
  const now = Date.now();
  await db.batch([
    db
      .insert(albums)
      .values({ id, ...album, albumThumbnailAssetId: assetIds[0] ?? null, createdAt: now, updatedAt: now }),
    ...(assetIds.length
      ? [db.insert(albumAssets).values(assetIds.map((assetId) => ({ albumId: id, assetId, addedAt: now })))]
      : []),
    ...(members.length
      ? [db.insert(albumUsers).values(members.map((m) => ({ albumId: id, ...m, createdAt: now })))]
      : []),
  ]);
  return id;
}

export type AlbumChanges = Partial<Pick<Album, "albumName" | "description" | "albumThumbnailAssetId" | "order">>;

export async function updateAlbum(db: Database, id: string, changes: AlbumChanges): Promise<void> {
  await db
    .update(albums)
    .set({ ...changes, updatedAt: Date.now() })
    .where(eq(albums.id, id));
}

export async function deleteAlbum(db: Database, id: string): Promise<void> {
  await db.delete(albums).where(eq(albums.id, id));
}

export type BulkIdResult =
  | { id: string; success: true }
  | { id: string; success: false; error: "duplicate" | "not_found" | "no_permission" };

// Adds assets the caller has vetted (`allowed`), reporting each id as Immich does.
export async function addAssetsToAlbum(
  db: Database,
  albumId: string,
  assetIds: string[],
  allowed: Set<string>,
): Promise<BulkIdResult[]> {
  const unique = [...new Set(assetIds)];
  const present = await db
    .select({ id: albumAssets.assetId })
    .from(albumAssets)
    .where(and(eq(albumAssets.albumId, albumId), inArray(albumAssets.assetId, unique)));
  const already = new Set(present.map((a) => a.id));
  const seen = new Set<string>();
  const results: BulkIdResult[] = assetIds.map((id) => {
    if (!allowed.has(id)) return { id, success: false, error: "no_permission" };
    if (already.has(id) || seen.has(id)) return { id, success: false, error: "duplicate" };
    seen.add(id);
    return { id, success: true };
  });
  if (seen.size) {
    const now = Date.now();
    const added = [...seen];
    await db.batch([
      db
        .insert(albumAssets)
        .values(added.map((assetId) => ({ albumId, assetId, addedAt: now })))
        .onConflictDoNothing(),
      db
        .update(albums)
        .set({ updatedAt: now, albumThumbnailAssetId: sql`coalesce(${albums.albumThumbnailAssetId}, ${added[0]!})` })
        .where(eq(albums.id, albumId)),
    ]);
  }
  return results;
}

// Removes assets from an album; `allowed` are those the caller may remove.
export async function removeAssetsFromAlbum(
  db: Database,
  albumId: string,
  assetIds: string[],
  allowed: Set<string>,
): Promise<BulkIdResult[]> {
  const unique = [...new Set(assetIds)];
  const present = await db
    .select({ id: albumAssets.assetId })
    .from(albumAssets)
    .where(and(eq(albumAssets.albumId, albumId), inArray(albumAssets.assetId, unique)));
  const inAlbum = new Set(present.map((a) => a.id));
  const results: BulkIdResult[] = assetIds.map((id) =>
    !inAlbum.has(id)
      ? { id, success: false, error: "not_found" }
      : !allowed.has(id)
        ? { id, success: false, error: "no_permission" }
        : { id, success: true },
  );
  const removed = [...new Set(results.filter((r) => r.success).map((r) => r.id))];
  if (removed.length) {
    await db.batch([
      db.delete(albumAssets).where(and(eq(albumAssets.albumId, albumId), inArray(albumAssets.assetId, removed))),
      // A cover that left the album gives way to the newest asset still in it.
      db
        .update(albums)
        .set({
          updatedAt: Date.now(),
          albumThumbnailAssetId: sql`CASE WHEN ${albums.albumThumbnailAssetId} IN (${sql.join(
            removed.map((id) => sql`${id}`),
            sql`, `,
          )})
            THEN (SELECT aa.asset_id FROM album_assets aa WHERE aa.album_id = ${albumId} ORDER BY aa.added_at DESC LIMIT 1)
            ELSE ${albums.albumThumbnailAssetId} END`,
        })
        .where(eq(albums.id, albumId)),
    ]);
  }
  return results;
}

export async function addAlbumUsers(
  db: Database,
  albumId: string,
  members: Array<{ userId: string; role: AlbumUser["role"] }>,
): Promise<void> {
  const now = Date.now();
  await db.batch([
    db
      .insert(albumUsers)
      .values(members.map((m) => ({ albumId, ...m, createdAt: now })))
      .onConflictDoUpdate({ target: [albumUsers.albumId, albumUsers.userId], set: { role: sql`excluded.role` } }),
    db.update(albums).set({ updatedAt: now }).where(eq(albums.id, albumId)),
  ]);
}

export async function setAlbumUserRole(
  db: Database,
  albumId: string,
  userId: string,
  role: AlbumUser["role"],
): Promise<boolean> {
  const result = await db
    .update(albumUsers)
    .set({ role })
    .where(and(eq(albumUsers.albumId, albumId), eq(albumUsers.userId, userId)));
  return result.rowsAffected > 0;
}

export async function removeAlbumUser(db: Database, albumId: string, userId: string): Promise<boolean> {
  const result = await db.delete(albumUsers).where(and(eq(albumUsers.albumId, albumId), eq(albumUsers.userId, userId)));
  return result.rowsAffected > 0;
}
