// External libraries: a scan walks the folders and sorts what it finds by path, size and modification
// time against what the library knows. Unchanged files are not read; new and changed ones go to sync
// jobs in batches, which read, hash and import them; the assets of files that are gone go offline.
// Nothing here opens a library file for writing.
import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import { findAssetByChecksum, type NewAsset } from "../../common/assets";
import {
  addLibraryAssets,
  addScanProgress,
  finishLibraryScan,
  getLibrary,
  knownFiles,
  onlineLibraryFiles,
  replaceLibraryAsset,
  setOffline,
  startLibraryScan,
  touchLibraryAsset,
  type KnownFile,
} from "../../common/libraries";
import { detectMediaType, sniffLength, type MediaType } from "../../common/media-types";
import type { NewJob } from "../../common/queue";
import type { Library } from "../../common/schema";
import { LibraryFolders, modifiedAtOf, walkLibrary, type FoundFile } from "../libraries/folders";
import { log } from "../log";
import type { JobContext } from "./context";

// Paths looked up in the database at once while walking.
const lookupBatch = 500;
// A sync job takes this many files, or this many bytes, whichever comes first, so that it ends
// well within the queue's time limit.
const syncBatchFiles = 100;
const syncBatchBytes = 4 * 1024 ** 3;

const processingJobs = (assetId: string): NewJob[] => [
  { name: "extractMetadata", payload: { assetId } },
  { name: "generateThumbnails", payload: { assetId } },
];

const byPath = (files: KnownFile[]) => new Map(files.map((file) => [file.externalPath, file]));
const unchanged = (known: KnownFile, size: number, modifiedAt: number) =>
  known.fileSizeInByte === size && known.fileModifiedAt === modifiedAt;

export async function scanLibrary(context: JobContext, { libraryId }: { libraryId: string }): Promise<void> {
  const { db } = context;
  const library = await getLibrary(db, libraryId);
  if (!library) return; // Deleted since the scan was queued.
  const folders = new LibraryFolders(library);
  await startLibraryScan(db, libraryId);
  let toSync: string[] = [];
  let toSyncBytes = 0;
  const queueSync = async () => {
    if (toSync.length === 0) return;
    await context.enqueue([{ name: "syncLibraryFiles", payload: { libraryId, paths: toSync, scan: true } }]);
    toSync = [];
    toSyncBytes = 0;
  };
  const sort = async (found: FoundFile[]) => {
    const known = byPath(
      await knownFiles(
        db,
        libraryId,
        found.map((file) => file.path),
      ),
    );
    const back: string[] = [];
    let skipped = 0;
    for (const file of found) {
      const existing = known.get(file.path);
      if (existing && unchanged(existing, file.size, file.modifiedAt)) {
        skipped++;
        if (existing.isOffline) back.push(existing.id);
        continue;
      }
      toSync.push(file.path);
      toSyncBytes += file.size;
      if (toSync.length >= syncBatchFiles || toSyncBytes >= syncBatchBytes) await queueSync();
    }
    await setOffline(db, back, false);
    await addScanProgress(db, libraryId, { found: found.length, done: skipped });
  };

  let found: FoundFile[] = [];
  for await (const file of walkLibrary(folders)) {
    found.push(file);
    if (found.length >= lookupBatch) {
      await sort(found);
      found = [];
    }
  }
  await sort(found);
  await queueSync();
  const gone = await markMissingOffline(context, library, folders);
  await finishLibraryScan(db, libraryId);
  log.info("library scanned", { libraryId, gone });
}

// The library's online assets whose file is gone, or no longer belongs to it (an import path or an
// exclusion changed), go offline; how many did.
async function markMissingOffline({ db }: JobContext, library: Library, folders: LibraryFolders): Promise<number> {
  let gone = 0;
  for (let after = ""; ; ) {
    const page = await onlineLibraryFiles(db, library.id, after, lookupBatch);
    if (page.length === 0) return gone;
    after = page[page.length - 1]!.id;
    const missing: string[] = [];
    for (const { id, externalPath } of page) {
      const present = folders.includes(externalPath) && (await stat(externalPath).catch(() => null))?.isFile();
      if (!present) missing.push(id);
    }
    await setOffline(db, missing, true);
    gone += missing.length;
  }
}

interface ReadFile {
  media: MediaType;
  checksum: string;
}

// The file's type from its first bytes and, for a photo or video, its SHA-1 (base64, as uploads
// have it); undefined when it is neither, or changed while being read.
async function readLibraryFile(path: string, size: number): Promise<ReadFile | undefined> {
  const handle = await open(path, "r");
  try {
    const head = new Uint8Array(sniffLength);
    const { bytesRead } = await handle.read(head, 0, sniffLength, 0);
    const media = detectMediaType(head.subarray(0, bytesRead), basename(path));
    if (!media) {
      log.info("library file skipped: not a photo or video Shoebox can read", { path });
      return undefined;
    }
    const hash = createHash("sha1");
    let hashed = 0;
    for await (const chunk of handle.createReadStream({ start: 0, autoClose: false })) {
      hash.update(chunk as Buffer);
      hashed += (chunk as Buffer).length;
    }
    if (hashed !== size) {
      log.info("library file skipped: it changed while being read; the next scan takes it", { path });
      return undefined;
    }
    return { media, checksum: hash.digest("base64") };
  } finally {
    await handle.close();
  }
}

// Brings these files up to date: a new file becomes an asset, a changed one is processed again, a
// missing one goes offline, one that is back comes online.
export async function syncLibraryFiles(
  context: JobContext,
  payload: { libraryId: string; paths: string[]; scan: boolean },
): Promise<void> {
  const { db } = context;
  const library = await getLibrary(db, payload.libraryId);
  if (!library) return;
  const folders = new LibraryFolders(library);
  const known = byPath(await knownFiles(db, library.id, payload.paths));
  const added: Array<NewAsset & { id: string }> = [];
  const offline: string[] = [];
  const online: string[] = [];
  let skipped = 0;
  let queued = false;
  for (const path of payload.paths) {
    const existing = known.get(path);
    try {
      const info = folders.includes(path) ? await stat(path).catch(() => null) : null;
      if (!info?.isFile()) {
        if (existing && !existing.isOffline) offline.push(existing.id);
        continue;
      }
      const modifiedAt = modifiedAtOf(info);
      if (existing && unchanged(existing, info.size, modifiedAt)) {
        if (existing.isOffline) online.push(existing.id);
        continue;
      }
      const file = await readLibraryFile(path, info.size);
      if (!file) {
        skipped++;
        continue;
      }
      if (existing?.checksum === file.checksum) {
        // Touched, not changed: nothing to process again.
        await touchLibraryAsset(db, existing.id, info.size, modifiedAt);
        continue;
      }
      const duplicate = await findAssetByChecksum(db, library.ownerId, file.checksum);
      if (duplicate && duplicate.id !== existing?.id) {
        log.info("library file skipped: its owner has the same photo or video already", {
          path,
          assetId: duplicate.id,
        });
        skipped++;
        continue;
      }
      const changes = {
        checksum: file.checksum,
        fileSizeInByte: info.size,
        fileModifiedAt: modifiedAt,
        type: file.media.type,
        originalMimeType: file.media.mimeType,
      };
      if (existing) {
        await replaceLibraryAsset(db, existing, changes, processingJobs(existing.id));
        queued = true;
      } else {
        const id = crypto.randomUUID();
        const now = Date.now();
        added.push({
          ...changes,
          id,
          ownerId: library.ownerId,
          originalFileName: basename(path),
          // Not a storage key: the file is read at externalPath, and never deleted with the asset.
          originalKey: `external/${id}`,
          fileCreatedAt: modifiedAt,
          localDateTime: modifiedAt,
          libraryId: library.id,
          externalPath: path,
          createdAt: now,
          updatedAt: now,
        });
      }
    } catch (error) {
      log.warn("library file skipped: it could not be read", { path, error: (error as Error).message });
      skipped++;
    }
  }
  const inserted = await addLibraryAssets(db, added, processingJobs);
  // Two new files with one content, or a race with an upload: the unique checksum kept one.
  skipped += added.length - inserted.length;
  await setOffline(db, offline, true);
  await setOffline(db, online, false);
  if (payload.scan) await addScanProgress(db, library.id, { done: payload.paths.length });
  if (queued || inserted.length) context.wake();
  log.info("library files synced", {
    libraryId: library.id,
    added: inserted.length,
    offline: offline.length,
    online: online.length,
    skipped,
  });
}
