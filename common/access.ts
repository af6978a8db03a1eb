// Who may see and change what. Every route that touches someone's data asks here first and answers
// 404 when the answer is no, so that another person's things are indistinguishable from missing ones.
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database } from "./db";
import { albums, albumUsers, assets, type User } from "./schema";
import type { KeyedSharedLink } from "./shared-links";

// Who is asking: the user behind a session or an API key, or a visitor through a shared link, who
// acts as the link's owner but sees only what the link shares.
export interface Auth {
  user: User;
  session?: { id: string };
  apiKey?: { id: string; permissions: string[] };
  sharedLink?: KeyedSharedLink;
}

// Whether the asset row under `alias` may be seen by the asker: their own, a partner's, in an album
// they own or were invited to, or, for a link visitor, in what the link shares. Others' trash and
// locked folders stay private.
function readableAsset(auth: Auth, alias: string): SQL {
  const a = sql.raw(alias);
  const notPrivate = sql`${a}.deleted_at IS NULL AND ${a}.visibility != 'locked'`;
  if (auth.sharedLink) {
    const link = auth.sharedLink;
    const inLink = link.albumId
      ? sql`EXISTS (SELECT 1 FROM album_assets aa WHERE aa.album_id = ${link.albumId} AND aa.asset_id = ${a}.id)`
      : sql`EXISTS (SELECT 1 FROM shared_link_assets s WHERE s.link_id = ${link.id} AND s.asset_id = ${a}.id)`;
    return sql`(${notPrivate} AND ${inLink})`;
  }
  const user = auth.user.id;
  return sql`(${a}.owner_id = ${user} OR (${notPrivate} AND (
    ${a}.owner_id IN (SELECT p.shared_by_id FROM partners p WHERE p.shared_with_id = ${user})
    OR EXISTS (
      SELECT 1 FROM album_assets aa JOIN albums al ON al.id = aa.album_id
      WHERE aa.asset_id = ${a}.id
        AND (al.owner_id = ${user} OR EXISTS (SELECT 1 FROM album_users au WHERE au.album_id = al.id AND au.user_id = ${user}))
    ))))`;
}

// Of these asset ids, the ones the asker may see. The hidden video half of a live photo may be seen
// by whoever may see the photo.
export async function readableAssetIds(db: Database, auth: Auth, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.all<{ id: string }>(sql`
    SELECT a.id FROM assets a
    WHERE a.id IN (${sql.join(
      [...new Set(ids)].map((id) => sql`${id}`),
      sql`, `,
    )})
      AND (${readableAsset(auth, "a")}
        OR EXISTS (SELECT 1 FROM assets photo WHERE photo.live_photo_video_id = a.id AND ${readableAsset(auth, "photo")}))`);
  return new Set(rows.map((row) => row.id));
}

export async function canReadAsset(db: Database, auth: Auth, id: string): Promise<boolean> {
  return (await readableAssetIds(db, auth, [id])).has(id);
}

// Of these asset ids, the ones the asker owns (and so may change or delete).
export async function ownedAssetIds(db: Database, auth: Auth, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0 || auth.sharedLink) return new Set();
  const rows = await db
    .select({ id: assets.id })
    .from(assets)
    .where(and(inArray(assets.id, [...new Set(ids)]), eq(assets.ownerId, auth.user.id)));
  return new Set(rows.map((row) => row.id));
}

export type AlbumRole = "owner" | "editor" | "viewer";

// The asker's part in an album, or undefined when they have none (and must get a 404).
export async function albumRole(db: Database, auth: Auth, albumId: string): Promise<AlbumRole | undefined> {
  if (auth.sharedLink) return auth.sharedLink.albumId === albumId ? "viewer" : undefined;
  const [row] = await db
    .select({ ownerId: albums.ownerId, role: albumUsers.role })
    .from(albums)
    .leftJoin(albumUsers, and(eq(albumUsers.albumId, albums.id), eq(albumUsers.userId, auth.user.id)))
    .where(eq(albums.id, albumId))
    .limit(1);
  if (!row) return undefined;
  if (row.ownerId === auth.user.id) return "owner";
  return row.role ?? undefined;
}
