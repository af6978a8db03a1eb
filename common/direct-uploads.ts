// Direct uploads (see directUploads in the schema): announced, put by the client, then completed once.
import { and, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import type { Database } from "./db";
import { directUploads } from "./schema";

export type DirectUpload = typeof directUploads.$inferSelect;

export async function announceDirectUpload(db: Database, upload: Omit<DirectUpload, "completedAt">): Promise<void> {
  await db.insert(directUploads).values(upload);
}

export async function getDirectUpload(db: Database, id: string): Promise<DirectUpload | undefined> {
  const [found] = await db.select().from(directUploads).where(eq(directUploads.id, id)).limit(1);
  return found;
}

// Spends the upload; false when another request spent it first.
export async function spendDirectUpload(db: Database, id: string): Promise<boolean> {
  const result = await db
    .update(directUploads)
    .set({ completedAt: Date.now() })
    .where(and(eq(directUploads.id, id), isNull(directUploads.completedAt)));
  return result.rowsAffected === 1;
}

// Uploads whose URL expired more than `graceMs` ago: the unfinished ones still own an object to
// remove; the spent ones are only kept until their URL can no longer be replayed.
export async function expiredDirectUploads(db: Database, now: number, graceMs: number): Promise<Pick<DirectUpload, "id" | "key" | "completedAt">[]> {
  return db
    .select({ id: directUploads.id, key: directUploads.key, completedAt: directUploads.completedAt })
    .from(directUploads)
    .where(or(and(isNull(directUploads.completedAt), lt(directUploads.expiresAt, now - graceMs)), and(isNotNull(directUploads.completedAt), lt(directUploads.expiresAt, now))))
    .limit(500);
}

export async function forgetDirectUpload(db: Database, id: string): Promise<void> {
  await db.delete(directUploads).where(eq(directUploads.id, id));
}
