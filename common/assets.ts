// The asset repository: the only code that reads or writes assets, their EXIF and their files.
import { and, eq } from "drizzle-orm";
import type { Database, Executor } from "./db";
import { assetFiles, assets, exif, type Asset, type Exif } from "./schema";

export type NewAsset = typeof assets.$inferInsert;
export type AssetFileType = (typeof assetFiles.$inferSelect)["type"];

export function insertAssetQuery(db: Executor, asset: NewAsset) {
  return db.insert(assets).values(asset).onConflictDoNothing({ target: assets.checksum });
}

export async function findAssetByChecksum(db: Database, checksum: string): Promise<Pick<Asset, "id"> | undefined> {
  const [found] = await db.select({ id: assets.id }).from(assets).where(eq(assets.checksum, checksum)).limit(1);
  return found;
}

export async function getAsset(db: Database, id: string): Promise<Asset | undefined> {
  const [asset] = await db.select().from(assets).where(eq(assets.id, id)).limit(1);
  return asset;
}

export async function getAssetWithExif(db: Database, id: string): Promise<{ asset: Asset; exif: Exif | null } | undefined> {
  const [row] = await db.select().from(assets).leftJoin(exif, eq(exif.assetId, assets.id)).where(eq(assets.id, id)).limit(1);
  return row ? { asset: row.assets, exif: row.exif } : undefined;
}

export async function getAssetFile(db: Database, id: string, type: AssetFileType) {
  const [file] = await db
    .select()
    .from(assetFiles)
    .where(and(eq(assetFiles.assetId, id), eq(assetFiles.type, type)))
    .limit(1);
  return file;
}

export async function saveMetadata(
  db: Database,
  id: string,
  changes: Partial<Pick<Asset, "width" | "height" | "localDateTime" | "fileCreatedAt">>,
  values: Omit<Exif, "assetId">,
): Promise<void> {
  await db.batch([
    db.update(assets).set({ ...changes, updatedAt: Date.now() }).where(eq(assets.id, id)),
    db.insert(exif).values({ assetId: id, ...values }).onConflictDoUpdate({ target: exif.assetId, set: values }),
  ]);
}

export async function saveAssetFiles(
  db: Database,
  id: string,
  files: Array<{ type: AssetFileType; key: string; mimeType: string }>,
  thumbhash: string | null,
): Promise<void> {
  await db.batch([
    db.update(assets).set({ thumbhash, updatedAt: Date.now() }).where(eq(assets.id, id)),
    ...files.map((file) =>
      db
        .insert(assetFiles)
        .values({ assetId: id, ...file })
        .onConflictDoUpdate({ target: [assetFiles.assetId, assetFiles.type], set: { key: file.key, mimeType: file.mimeType } }),
    ),
  ]);
}
