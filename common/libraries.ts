// The external library repository: libraries, their scans' progress, and the assets of their files.
// A library's files are read in place (assets.external_path) and never written or deleted by Shoebox.
import { and, asc, count, eq, gt, inArray, sql } from "drizzle-orm";
import type { Database } from "./db";
import { deleteAssetsInBatches, type NewAsset } from "./assets";
import { enqueueAssetJobsQuery, enqueueJobsQuery, type NewJob } from "./queue";
import { assets, libraries, type Asset, type Library } from "./schema";

export type LibraryWithCount = Library & { assetCount: number };

export type NewLibrary = Pick<Library, "ownerId" | "name" | "importPaths" | "exclusionPatterns" | "watch">;
export type LibraryChanges = Partial<Pick<Library, "name" | "importPaths" | "exclusionPatterns" | "watch">>;

// What a scan needs to know of a file it has imported before.
export type KnownFile = Pick<
  Asset,
  "id" | "externalPath" | "fileSizeInByte" | "fileModifiedAt" | "isOffline" | "checksum" | "encodedVideoKey"
>;

// Written out: drizzle leaves columns in a subquery unqualified, and library_id = id would compare
// within assets.
const assetCount = sql<number>`(SELECT count(*) FROM assets WHERE assets.library_id = libraries.id)`.mapWith(Number);

export async function createLibrary(db: Database, library: NewLibrary): Promise<LibraryWithCount> {
  const now = Date.now();
  const [created] = await db
    .insert(libraries)
    .values({ id: crypto.randomUUID(), ...library, createdAt: now, updatedAt: now })
    .returning();
  return { ...created!, assetCount: 0 };
}

export async function listLibraries(db: Database): Promise<LibraryWithCount[]> {
  return db
    .select({ library: libraries, assetCount })
    .from(libraries)
    .orderBy(asc(libraries.createdAt))
    .then((rows) => rows.map((row) => ({ ...row.library, assetCount: row.assetCount })));
}

export async function getLibrary(db: Database, id: string): Promise<LibraryWithCount | undefined> {
  const [row] = await db
    .select({ library: libraries, assetCount })
    .from(libraries)
    .where(eq(libraries.id, id))
    .limit(1);
  return row && { ...row.library, assetCount: row.assetCount };
}

export async function updateLibrary(
  db: Database,
  id: string,
  changes: LibraryChanges,
): Promise<LibraryWithCount | undefined> {
  await db
    .update(libraries)
    .set({ ...changes, updatedAt: Date.now() })
    .where(eq(libraries.id, id));
  return getLibrary(db, id);
}

export async function watchedLibraries(db: Database): Promise<Library[]> {
  return db.select().from(libraries).where(eq(libraries.watch, true));
}

// Removes a library and its assets with their derivatives (queued for deletion batch by batch); its
// files stay where they are.
export async function deleteLibrary(db: Database, id: string): Promise<void> {
  await deleteAssetsInBatches(db, { libraryId: id });
  // Whatever a scan still running added meanwhile goes with the row (assets.library_id cascades).
  await db.delete(libraries).where(eq(libraries.id, id));
}

export async function libraryStatistics(
  db: Database,
  id: string,
): Promise<{ photos: number; videos: number; total: number; usage: number }> {
  const rows = await db
    .select({
      type: assets.type,
      count: count(),
      bytes: sql<number>`coalesce(sum(${assets.fileSizeInByte}), 0)`.mapWith(Number),
    })
    .from(assets)
    .where(and(eq(assets.libraryId, id), sql`${assets.deletedAt} IS NULL`))
    .groupBy(assets.type);
  const photos = rows.find((row) => row.type === "IMAGE")?.count ?? 0;
  const videos = rows.find((row) => row.type === "VIDEO")?.count ?? 0;
  return { photos, videos, total: photos + videos, usage: rows.reduce((sum, row) => sum + row.bytes, 0) };
}

export async function queueLibraryScan(db: Database, id: string): Promise<void> {
  await enqueueJobsQuery(db, [{ name: "scanLibrary", payload: { libraryId: id } }]);
}

// ---------------------------------------------------------------------------------------------
// Scans

export async function startLibraryScan(db: Database, id: string): Promise<void> {
  const now = Date.now();
  await db
    .update(libraries)
    .set({ scanTotal: 0, scanDone: 0, scanStartedAt: now, updatedAt: now })
    .where(eq(libraries.id, id));
}

export async function addScanProgress(
  db: Database,
  id: string,
  progress: { found?: number; done?: number },
): Promise<void> {
  const { found = 0, done = 0 } = progress;
  if (found === 0 && done === 0) return;
  await db
    .update(libraries)
    .set({ scanTotal: sql`${libraries.scanTotal} + ${found}`, scanDone: sql`${libraries.scanDone} + ${done}` })
    .where(eq(libraries.id, id));
}

export async function finishLibraryScan(db: Database, id: string): Promise<void> {
  const now = Date.now();
  await db.update(libraries).set({ refreshedAt: now, updatedAt: now }).where(eq(libraries.id, id));
}

// The library's assets at these paths.
export async function knownFiles(db: Database, libraryId: string, paths: string[]): Promise<KnownFile[]> {
  if (paths.length === 0) return [];
  return db
    .select({
      id: assets.id,
      externalPath: assets.externalPath,
      fileSizeInByte: assets.fileSizeInByte,
      fileModifiedAt: assets.fileModifiedAt,
      isOffline: assets.isOffline,
      checksum: assets.checksum,
      encodedVideoKey: assets.encodedVideoKey,
    })
    .from(assets)
    .where(and(eq(assets.libraryId, libraryId), inArray(assets.externalPath, paths)));
}

// The library's online assets after `afterId`, a page at a time, for the check of what is gone.
export async function onlineLibraryFiles(
  db: Database,
  libraryId: string,
  afterId: string,
  limit: number,
): Promise<Array<{ id: string; externalPath: string }>> {
  const rows = await db
    .select({ id: assets.id, externalPath: assets.externalPath })
    .from(assets)
    .where(and(eq(assets.libraryId, libraryId), eq(assets.isOffline, false), gt(assets.id, afterId)))
    .orderBy(asc(assets.id))
    .limit(limit);
  return rows.flatMap((row) => (row.externalPath === null ? [] : [{ id: row.id, externalPath: row.externalPath }]));
}

export async function setOffline(db: Database, ids: string[], isOffline: boolean): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(assets)
    .set({ isOffline, updatedAt: Date.now() })
    .where(and(inArray(assets.id, ids), eq(assets.isOffline, !isOffline)));
}

// Adds new files of a library with their processing jobs, in one transaction; the ids of those
// added. A file whose content its owner has already (the unique owner and checksum) is left out.
export async function addLibraryAssets(
  db: Database,
  added: Array<NewAsset & { id: string }>,
  jobs: (id: string) => NewJob[],
): Promise<string[]> {
  if (added.length === 0) return [];
  const now = Date.now();
  const [first, ...rest] = added.flatMap((asset) => [
    db.insert(assets).values(asset).onConflictDoNothing(),
    enqueueAssetJobsQuery(db, asset.id, jobs(asset.id), now),
  ]);
  const results = await db.batch([first!, ...rest]);
  return added.filter((_, i) => results[i * 2]!.rowsAffected === 1).map((asset) => asset.id);
}

// A file touched but not changed (same content): its new size and time, and it is online.
export async function touchLibraryAsset(
  db: Database,
  id: string,
  fileSizeInByte: number,
  fileModifiedAt: number,
): Promise<void> {
  await db
    .update(assets)
    .set({ fileSizeInByte, fileModifiedAt, isOffline: false, updatedAt: Date.now() })
    .where(eq(assets.id, id));
}

export type ChangedFile = Pick<Asset, "checksum" | "fileSizeInByte" | "fileModifiedAt" | "type" | "originalMimeType">;

// A library file whose content changed: its new checksum, and its processing again from the start,
// in one transaction. The caller has checked that its owner has no other asset with the new content
// (should one appear meanwhile, the unique checksum refuses the whole batch).
export async function replaceLibraryAsset(
  db: Database,
  known: KnownFile,
  file: ChangedFile,
  jobs: NewJob[],
): Promise<void> {
  const now = Date.now();
  await db.batch([
    db
      .update(assets)
      .set({
        ...file,
        // The date taken comes from the new content, or else the file's time.
        fileCreatedAt: file.fileModifiedAt,
        localDateTime: file.fileModifiedAt,
        encodedVideoKey: null,
        processingError: null,
        isOffline: false,
        updatedAt: now,
      })
      .where(eq(assets.id, known.id)),
    enqueueJobsQuery(
      db,
      [
        ...jobs,
        ...(known.encodedVideoKey
          ? [{ name: "deleteFiles" as const, payload: { keys: [known.encodedVideoKey] } }]
          : []),
      ],
      now,
    ),
  ]);
}
