// What every sync query takes: whose stream it is, where the app's checkpoint stands, and the clock
// value the stream stops at. Rows come in order of a key (k1, k2): k1 is when the row became
// something to send to this user (its own change, or their gaining access to it, whichever is
// later), k2 the row's own updateId, which tells apart rows that became visible together.
import { sql, type SQL } from "drizzle-orm";

export interface SyncCursor {
  k1: number;
  k2: number;
}

export interface SyncWindow {
  userId: string;
  after: SyncCursor;
  now: number;
  limit: number;
}

export type Keyed<T> = T & { k1: number; k2: number };

// Rows strictly after the cursor and no later than the stream's clock, for key expressions k1, k2.
export function inWindow(window: SyncWindow, k1: SQL, k2: SQL): SQL {
  const { after, now } = window;
  return sql`(${k1} > ${after.k1} OR (${k1} = ${after.k1} AND ${k2} > ${after.k2})) AND ${k1} <= ${now}`;
}

// The same for rows keyed by their own updateId alone, in a form an index on it can serve.
export function afterCheckpoint(window: SyncWindow, updateId: SQL): SQL {
  return sql`${updateId} > ${window.after.k1} AND ${updateId} <= ${window.now}`;
}

// The albums the user can see, with the clock value from which they could: an owner since the
// album was made, a member since they were added.
export const visibleAlbums = (userId: string) => sql`
  (SELECT id AS album_id, create_id AS access_id FROM albums WHERE owner_id = ${userId}
   UNION ALL SELECT album_id, create_id AS access_id FROM album_users WHERE user_id = ${userId})`;
