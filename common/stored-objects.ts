// Every object in storage the database refers to, asset by asset: what a backup copies and what the
// integrity check expects to find. Originals of external libraries are read in place, never kept in
// storage, so they are not among them (their thumbnails are).
import { asc, gt, inArray } from "drizzle-orm";
import type { Database } from "./db";
import { assetFiles, assets, type Asset } from "./schema";

export type StoredObjectKind = "original" | "sidecar" | "encodedVideo" | (typeof assetFiles.$inferSelect)["type"];

export interface AssetObjects {
  assetId: string;
  // SHA-1 of the original, base64, and its size in bytes.
  checksum: string;
  fileSizeInByte: number;
  objects: Array<{ kind: StoredObjectKind; key: string }>;
}

const columns = {
  id: assets.id,
  checksum: assets.checksum,
  fileSizeInByte: assets.fileSizeInByte,
  originalKey: assets.originalKey,
  externalPath: assets.externalPath,
  sidecarKey: assets.sidecarKey,
  encodedVideoKey: assets.encodedVideoKey,
};

async function withFiles(db: Database, rows: Array<Pick<Asset, keyof typeof columns>>): Promise<AssetObjects[]> {
  const files = rows.length
    ? await db
        .select({ assetId: assetFiles.assetId, type: assetFiles.type, key: assetFiles.key })
        .from(assetFiles)
        .where(
          inArray(
            assetFiles.assetId,
            rows.map((row) => row.id),
          ),
        )
        .orderBy(asc(assetFiles.assetId), asc(assetFiles.type))
    : [];
  return rows.map((row) => {
    const objects: AssetObjects["objects"] = [];
    if (row.externalPath === null) objects.push({ kind: "original", key: row.originalKey });
    if (row.sidecarKey !== null) objects.push({ kind: "sidecar", key: row.sidecarKey });
    if (row.encodedVideoKey !== null) objects.push({ kind: "encodedVideo", key: row.encodedVideoKey });
    for (const file of files) if (file.assetId === row.id) objects.push({ kind: file.type, key: file.key });
    return { assetId: row.id, checksum: row.checksum, fileSizeInByte: row.fileSizeInByte, objects };
  });
}

// The next `limit` assets after `after` (by id; "" to start), trashed ones included, with their objects.
export async function assetObjectsPage(db: Database, after: string, limit: number): Promise<AssetObjects[]> {
  const rows = await db.select(columns).from(assets).where(gt(assets.id, after)).orderBy(asc(assets.id)).limit(limit);
  return withFiles(db, rows);
}

// The objects of these assets as they are now; an asset that is gone has none.
export async function assetObjects(db: Database, ids: string[]): Promise<AssetObjects[]> {
  if (ids.length === 0) return [];
  return withFiles(db, await db.select(columns).from(assets).where(inArray(assets.id, ids)));
}
