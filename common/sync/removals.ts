// Removals the phone app must hear of, from sync_audit (filled by the triggers of migration 0017):
// for each kind, who hears of it. Keyed by the removal's clock value.
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db";
import { afterCheckpoint, visibleAlbums, type Keyed, type SyncWindow } from "./window";

export interface SyncRemovalRow {
  userId: string | null;
  entityId: string;
  otherId: string | null;
}

export type RemovalAudience =
  | "users"
  | "partners"
  | "ownAssets"
  | "partnerAssets"
  | "albums"
  | "albumUsers"
  | "albumLinks"
  | "people"
  | "faces";

function audience(which: RemovalAudience, me: string): SQL {
  switch (which) {
    case "users":
      return sql`kind = 'user'`;
    case "partners":
      return sql`kind = 'partner' AND (user_id = ${me} OR other_id = ${me})`;
    case "ownAssets":
      return sql`kind = 'asset' AND user_id = ${me}`;
    case "partnerAssets":
      return sql`kind = 'asset' AND user_id IN (SELECT shared_by_id FROM partners WHERE shared_with_id = ${me})`;
    case "albums":
      return sql`kind = 'album' AND user_id = ${me}`;
    case "albumUsers":
      return sql`kind = 'album_user' AND entity_id IN (SELECT album_id FROM ${visibleAlbums(me)})`;
    case "albumLinks":
      return sql`kind = 'album_asset' AND entity_id IN (SELECT album_id FROM ${visibleAlbums(me)})`;
    case "people":
      return sql`kind = 'person' AND user_id = ${me}`;
    case "faces":
      return sql`kind = 'face' AND user_id = ${me}`;
  }
}

export function removalRows(
  db: Database,
  which: RemovalAudience,
  w: SyncWindow,
): Promise<Array<Keyed<SyncRemovalRow>>> {
  return db.all(sql`
    SELECT user_id AS userId, entity_id AS entityId, other_id AS otherId, update_id AS k1, update_id AS k2 FROM sync_audit
    WHERE ${audience(which, w.userId)} AND ${afterCheckpoint(w, sql`update_id`)}
    ORDER BY update_id LIMIT ${w.limit}`);
}

// Whether the user lost sight of someone else's things since `since`: a partner stopped sharing, or
// they were taken out of an album (or it was deleted). The app keeps what it had of those, so the
// stream starts it over instead of sending each asset's disappearance.
export async function lostAccessSince(db: Database, userId: string, since: number): Promise<boolean> {
  const rows = await db.all(sql`
    SELECT 1 FROM sync_audit WHERE update_id > ${since}
      AND ((kind = 'partner' AND other_id = ${userId}) OR (kind = 'album_user' AND other_id = ${userId}))
    LIMIT 1`);
  return rows.length > 0;
}
