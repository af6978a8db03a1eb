// The albums a user's phone app syncs (their own and those shared with them), who is in each with
// which role (the owner included, as the app expects), and which assets each holds. Keys: ./window.ts.
import { sql } from "drizzle-orm";
import type { Database } from "../db";
import { inWindow, visibleAlbums, type Keyed, type SyncWindow } from "./window";

export interface SyncAlbumRow {
  id: string;
  name: string;
  description: string;
  thumbnailAssetId: string | null;
  order: "asc" | "desc";
  createdAt: number;
  updatedAt: number;
}

export interface SyncAlbumUserRow {
  albumId: string;
  userId: string;
  role: "owner" | "editor" | "viewer";
}

export interface SyncAlbumLinkRow {
  albumId: string;
  assetId: string;
}

export function visibleAlbumRows(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncAlbumRow>>> {
  const k1 = sql`MAX(al.update_id, v.access_id)`;
  return db.all(sql`
    SELECT al.id, al.album_name AS name, al.description, al.album_thumbnail_asset_id AS thumbnailAssetId, al."order",
      al.created_at AS createdAt, al.updated_at AS updatedAt, ${k1} AS k1, al.update_id AS k2
    FROM ${visibleAlbums(w.userId)} v JOIN albums al ON al.id = v.album_id
    WHERE ${inWindow(w, k1, sql`al.update_id`)}
    ORDER BY k1, k2 LIMIT ${w.limit}`);
}

// The owner's row is made from the album itself, keyed by its making.
export function albumUserRows(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncAlbumUserRow>>> {
  return db.all(sql`
    SELECT * FROM (
      SELECT al.id AS albumId, al.owner_id AS userId, 'owner' AS role, MAX(al.create_id, v.access_id) AS k1, al.create_id AS k2
      FROM ${visibleAlbums(w.userId)} v JOIN albums al ON al.id = v.album_id
      UNION ALL
      SELECT au.album_id, au.user_id, au.role, MAX(au.update_id, v.access_id), au.update_id
      FROM ${visibleAlbums(w.userId)} v JOIN album_users au ON au.album_id = v.album_id)
    WHERE ${inWindow(w, sql`k1`, sql`k2`)}
    ORDER BY k1, k2 LIMIT ${w.limit}`);
}

// Links to assets the app has: the user's own, and others' that are not in a locked folder.
export function albumLinkRows(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncAlbumLinkRow>>> {
  const k1 = sql`MAX(aa.update_id, v.access_id)`;
  return db.all(sql`
    SELECT aa.album_id AS albumId, aa.asset_id AS assetId, ${k1} AS k1, aa.update_id AS k2
    FROM ${visibleAlbums(w.userId)} v JOIN album_assets aa ON aa.album_id = v.album_id JOIN assets a ON a.id = aa.asset_id
    WHERE (a.owner_id = ${w.userId} OR a.visibility != 'locked') AND ${inWindow(w, k1, sql`aa.update_id`)}
    ORDER BY k1, k2 LIMIT ${w.limit}`);
}
