// Bookkeeping of uploads being written (see uploadsInProgress in the schema).
import { inArray, lt } from "drizzle-orm";
import type { Database, Executor } from "./db";
import { uploadsInProgress } from "./schema";

export async function startUpload(db: Database, key: string): Promise<void> {
  await db.insert(uploadsInProgress).values({ key, startedAt: Date.now() }).onConflictDoNothing();
}

export function finishUploadQuery(db: Executor, keys: string[]) {
  return db.delete(uploadsInProgress).where(inArray(uploadsInProgress.key, keys.length ? keys : [""]));
}

export async function uploadsStartedBefore(db: Database, time: number): Promise<string[]> {
  const rows = await db
    .select({ key: uploadsInProgress.key })
    .from(uploadsInProgress)
    .where(lt(uploadsInProgress.startedAt, time));
  return rows.map((row) => row.key);
}
