// The sync stream's bookkeeping: the clock every synced row takes its updateId from, and each
// session's checkpoints (the last ack the app sent back per type).
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db";
import { syncCheckpoints, syncClock } from "../schema";

// The clock's current value: a stream sends nothing changed after it, so that every line it sends
// refers only to things already sent (later changes come with the next stream).
export async function syncClockNow(db: Database): Promise<number> {
  const [row] = await db.select({ value: syncClock.value }).from(syncClock).where(eq(syncClock.id, 1));
  return row?.value ?? 0;
}

export async function listCheckpoints(db: Database, sessionId: string): Promise<Array<{ type: string; ack: string }>> {
  return db
    .select({ type: syncCheckpoints.type, ack: syncCheckpoints.ack })
    .from(syncCheckpoints)
    .where(eq(syncCheckpoints.sessionId, sessionId));
}

export async function saveCheckpoints(
  db: Database,
  sessionId: string,
  acks: Array<{ type: string; ack: string }>,
): Promise<void> {
  if (acks.length === 0) return;
  const now = Date.now();
  await db
    .insert(syncCheckpoints)
    .values(acks.map(({ type, ack }) => ({ sessionId, type, ack, updatedAt: now })))
    .onConflictDoUpdate({
      target: [syncCheckpoints.sessionId, syncCheckpoints.type],
      set: { ack: sql`excluded.ack`, updatedAt: now },
    });
}

// Forgets the session's checkpoints of these types (all when `types` is undefined): their next
// stream starts over.
export async function deleteCheckpoints(db: Database, sessionId: string, types?: string[]): Promise<void> {
  if (types && types.length === 0) return;
  await db
    .delete(syncCheckpoints)
    .where(
      types
        ? and(eq(syncCheckpoints.sessionId, sessionId), inArray(syncCheckpoints.type, types))
        : eq(syncCheckpoints.sessionId, sessionId),
    );
}
