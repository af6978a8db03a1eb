// Direct uploads (see directUploads in the schema): announced, put by the client, then completed once.
import { and, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import type { Database } from "./db";
import { directUploads } from "./schema";

export type DirectUpload = typeof directUploads.$inferSelect;

export async function announceDirectUpload(
  db: Database,
  upload: Omit<DirectUpload, "completedAt" | "receivingSince">,
): Promise<void> {
  await db.insert(directUploads).values(upload);
}

export async function getDirectUpload(db: Database, id: string): Promise<DirectUpload | undefined> {
  const [found] = await db.select().from(directUploads).where(eq(directUploads.id, id)).limit(1);
  return found;
}

// Claims the one PUT of an upload to Shoebox's own URL before a byte is written; false when another
// PUT has it or had it, or the upload is spent.
export async function claimDirectUploadContent(db: Database, id: string, now = Date.now()): Promise<boolean> {
  const result = await db
    .update(directUploads)
    .set({ receivingSince: now })
    .where(and(eq(directUploads.id, id), isNull(directUploads.receivingSince), isNull(directUploads.completedAt)));
  return result.rowsAffected === 1;
}

// A PUT that failed lets go of its claim, so that the client may try again while the URL works.
export async function releaseDirectUploadContent(db: Database, id: string): Promise<void> {
  await db.update(directUploads).set({ receivingSince: null }).where(eq(directUploads.id, id));
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
export async function expiredDirectUploads(
  db: Database,
  now: number,
  graceMs: number,
): Promise<Pick<DirectUpload, "id" | "key" | "completedAt">[]> {
  return db
    .select({ id: directUploads.id, key: directUploads.key, completedAt: directUploads.completedAt })
    .from(directUploads)
    .where(
      or(
        and(isNull(directUploads.completedAt), lt(directUploads.expiresAt, now - graceMs)),
        and(isNotNull(directUploads.completedAt), lt(directUploads.expiresAt, now)),
      ),
    )
    .limit(500);
}

export async function forgetDirectUpload(db: Database, id: string): Promise<void> {
  await db.delete(directUploads).where(eq(directUploads.id, id));
}
