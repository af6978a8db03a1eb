// The shared-link repository: public links to an album or to hand-picked assets.
import { and, desc, eq, gt, inArray, isNull, or } from "drizzle-orm";
import type { Database } from "./db";
import { sharedLinkAssets, sharedLinks, users, type SharedLink } from "./schema";

export type NewSharedLink = Omit<SharedLink, "id" | "createdAt">;

export async function createSharedLink(db: Database, link: NewSharedLink, assetIds: string[]): Promise<SharedLink> {
  const id = crypto.randomUUID();
  const created = { ...link, id, createdAt: Date.now() };
  await db.batch([
    db.insert(sharedLinks).values(created),
    ...(assetIds.length ? [db.insert(sharedLinkAssets).values(assetIds.map((assetId) => ({ linkId: id, assetId })))] : []),
  ]);
  return created;
}

export async function listSharedLinks(db: Database, userId: string, albumId?: string): Promise<SharedLink[]> {
  return db
    .select()
    .from(sharedLinks)
    .where(and(eq(sharedLinks.userId, userId), albumId ? eq(sharedLinks.albumId, albumId) : undefined))
    .orderBy(desc(sharedLinks.createdAt));
}

export async function getSharedLink(db: Database, userId: string, id: string): Promise<SharedLink | undefined> {
  const [link] = await db
    .select()
    .from(sharedLinks)
    .where(and(eq(sharedLinks.userId, userId), eq(sharedLinks.id, id)))
    .limit(1);
  return link;
}

// A link by its key, if it has not expired and its owner's account is active.
export async function findActiveSharedLink(db: Database, key: string, now = Date.now()): Promise<SharedLink | undefined> {
  const [row] = await db
    .select({ link: sharedLinks })
    .from(sharedLinks)
    .innerJoin(users, eq(users.id, sharedLinks.userId))
    .where(and(eq(sharedLinks.key, key), eq(users.status, "active"), or(isNull(sharedLinks.expiresAt), gt(sharedLinks.expiresAt, now))))
    .limit(1);
  return row?.link;
}

export type SharedLinkChanges = Partial<Pick<SharedLink, "description" | "passwordHash" | "expiresAt" | "allowDownload" | "allowUpload" | "showMetadata">>;

export async function updateSharedLink(db: Database, userId: string, id: string, changes: SharedLinkChanges): Promise<SharedLink | undefined> {
  const [link] = await db
    .update(sharedLinks)
    .set(changes)
    .where(and(eq(sharedLinks.userId, userId), eq(sharedLinks.id, id)))
    .returning();
  return link;
}

export async function deleteSharedLink(db: Database, userId: string, id: string): Promise<boolean> {
  const result = await db.delete(sharedLinks).where(and(eq(sharedLinks.userId, userId), eq(sharedLinks.id, id)));
  return result.rowsAffected > 0;
}

export async function sharedLinkAssetIds(db: Database, linkId: string): Promise<string[]> {
  const rows = await db.select({ id: sharedLinkAssets.assetId }).from(sharedLinkAssets).where(eq(sharedLinkAssets.linkId, linkId));
  return rows.map((row) => row.id);
}

export async function addSharedLinkAssets(db: Database, linkId: string, assetIds: string[]): Promise<void> {
  if (assetIds.length === 0) return;
  await db
    .insert(sharedLinkAssets)
    .values(assetIds.map((assetId) => ({ linkId, assetId })))
    .onConflictDoNothing();
}

export async function removeSharedLinkAssets(db: Database, linkId: string, assetIds: string[]): Promise<void> {
  if (assetIds.length === 0) return;
  await db.delete(sharedLinkAssets).where(and(eq(sharedLinkAssets.linkId, linkId), inArray(sharedLinkAssets.assetId, assetIds)));
}
