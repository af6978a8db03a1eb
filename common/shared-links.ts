// The shared-link repository: public links to an album or to hand-picked assets. A link's key is a
// secret like a password: kept as its SHA-256 and sealed with the server's secret, never as itself.
import { and, desc, eq, gt, inArray, isNull, like, or } from "drizzle-orm";
import type { Database } from "./db";
import { sharedLinkAssets, sharedLinks, users, type SharedLink } from "./schema";
import { seal, sha256, unseal } from "./server-keys";

// A link with its key: as its visitor named it, or opened for its owner.
export type KeyedSharedLink = SharedLink & { key: string };

export type NewSharedLink = Omit<SharedLink, "id" | "createdAt" | "keyHash" | "sealedKey">;

const sealPurpose = "shoebox shared link key";

async function keyFields(secret: string, key: string): Promise<Pick<SharedLink, "keyHash" | "sealedKey">> {
  return { keyHash: await sha256(key), sealedKey: await seal(secret, sealPurpose, key) };
}

// The link's key, for its owner to copy.
export async function withKey(secret: string, link: SharedLink): Promise<KeyedSharedLink> {
  return { ...link, key: await unseal(secret, sealPurpose, link.sealedKey) };
}

export async function createSharedLink(
  db: Database,
  secret: string,
  key: string,
  link: NewSharedLink,
  assetIds: string[],
): Promise<KeyedSharedLink> {
  const id = crypto.randomUUID();
  const created = { ...link, ...(await keyFields(secret, key)), id, createdAt: Date.now() };
  await db.batch([
    db.insert(sharedLinks).values(created),
    ...(assetIds.length
      ? [db.insert(sharedLinkAssets).values(assetIds.map((assetId) => ({ linkId: id, assetId })))]
      : []),
  ]);
  return { ...created, key };
}

// Links made before keys were sealed carry their key in key_hash as "plain:<key>" (migration 0012);
// the worker seals them once at start.
export async function sealPlainLinkKeys(db: Database, secret: string): Promise<number> {
  const plain = await db
    .select({ id: sharedLinks.id, keyHash: sharedLinks.keyHash })
    .from(sharedLinks)
    .where(like(sharedLinks.keyHash, "plain:%"));
  for (const link of plain) {
    await db
      .update(sharedLinks)
      .set(await keyFields(secret, link.keyHash.slice("plain:".length)))
      .where(eq(sharedLinks.id, link.id));
  }
  return plain.length;
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
export async function findActiveSharedLink(
  db: Database,
  key: string,
  now = Date.now(),
): Promise<KeyedSharedLink | undefined> {
  const [row] = await db
    .select({ link: sharedLinks })
    .from(sharedLinks)
    .innerJoin(users, eq(users.id, sharedLinks.userId))
    .where(
      and(
        eq(sharedLinks.keyHash, await sha256(key)),
        eq(users.status, "active"),
        or(isNull(sharedLinks.expiresAt), gt(sharedLinks.expiresAt, now)),
      ),
    )
    .limit(1);
  return row && { ...row.link, key };
}

export type SharedLinkChanges = Partial<
  Pick<SharedLink, "description" | "passwordHash" | "expiresAt" | "allowDownload" | "allowUpload" | "showMetadata">
>;

export async function updateSharedLink(
  db: Database,
  userId: string,
  id: string,
  changes: SharedLinkChanges,
): Promise<SharedLink | undefined> {
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
  const rows = await db
    .select({ id: sharedLinkAssets.assetId })
    .from(sharedLinkAssets)
    .where(eq(sharedLinkAssets.linkId, linkId));
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
  await db
    .delete(sharedLinkAssets)
    .where(and(eq(sharedLinkAssets.linkId, linkId), inArray(sharedLinkAssets.assetId, assetIds)));
}
