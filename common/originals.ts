// Moving originals to where the storage template puts them (workers/jobs/storage-template.ts).
import { and, eq, gt, isNull, ne } from "drizzle-orm";
import type { Database } from "./db";
import { enqueueJobs } from "./queue";
import { assets, users } from "./schema";

// The folder of a user's originals: their storage label, or their id.
export async function storageLabelOf(db: Database, userId: string): Promise<string> {
  const [user] = await db.select({ label: users.storageLabel }).from(users).where(eq(users.id, userId)).limit(1);
  return user?.label ?? userId;
}

// Whether another asset's original already has this key.
export async function isOriginalKeyTaken(db: Database, key: string, exceptAssetId: string): Promise<boolean> {
  const [found] = await db
    .select({ id: assets.id })
    .from(assets)
    .where(and(eq(assets.originalKey, key), ne(assets.id, exceptAssetId)))
    .limit(1);
  return found !== undefined;
}

// Points the asset at its original's new key, if it still points at the old one.
export async function moveOriginalKey(db: Database, assetId: string, from: string, to: string): Promise<boolean> {
  const result = await db
    .update(assets)
    .set({ originalKey: to })
    .where(and(eq(assets.id, assetId), eq(assets.originalKey, from)));
  return result.rowsAffected === 1;
}

// Queues the move of a user's originals to where the storage template puts them (their storage
// label changed).
export async function queueOriginalMoves(db: Database, ownerId: string): Promise<number> {
  let queued = 0;
  let after = "";
  for (;;) {
    const rows = await db
      .select({ id: assets.id })
      .from(assets)
      .where(and(eq(assets.ownerId, ownerId), isNull(assets.externalPath), gt(assets.id, after)))
      .orderBy(assets.id)
      .limit(1000);
    if (rows.length === 0) return queued;
    await enqueueJobs(
      db,
      rows.map(({ id }) => ({ name: "applyStorageTemplate", payload: { assetId: id } })),
    );
    queued += rows.length;
    after = rows.at(-1)!.id;
  }
}
