// Housekeeping. It makes crashes harmless: the scratch folders of workers that died, and the partial
// files of uploads whose web process died mid-way, are removed once they have been still for a while.
// And it empties what stayed in the trash too long, and queues the removal of accounts whose grace
// period is over.
import { readdir, rm, stat, utimes, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "../common/db";
import { finishUploadQuery, uploadsStartedBefore } from "../common/uploads";
import { expiredDirectUploads, forgetDirectUpload } from "../common/direct-uploads";
import { deleteAssetsInBatches } from "../common/assets";
import { defaults, directUploadCompletionGraceMs } from "../common/config";
import { queueExpiredUserDeletions } from "../common/users";
import { log } from "./log";
import type { WorkerStorage } from "./storage/storage";

export interface MaintenanceOptions {
  db: Database;
  storage: WorkerStorage;
  scratchRoot: string;
  workerId: string;
  // How long a scratch folder or an upload may stay untouched before it counts as abandoned.
  staleMs: number;
  userDeleteGraceMs: number;
  // Wakes the job runner for jobs queued here.
  onJobsQueued: () => void;
}

const heartbeatFile = ".alive";

async function modifiedAt(path: string): Promise<number | null> {
  const info = await stat(path).catch(() => null);
  return info ? info.mtimeMs : null;
}

// Every live worker touches a file in its scratch folder; a folder whose file went still belongs to a
// worker that is gone.
async function removeAbandonedScratch({ scratchRoot: root, workerId, staleMs }: MaintenanceOptions): Promise<number> {
  const entries = await readdir(root).catch(() => [] as string[]);
  let removed = 0;
  for (const entry of entries) {
    if (entry === workerId) continue;
    const folder = join(root, entry);
    const lastSign = (await modifiedAt(join(folder, heartbeatFile))) ?? (await modifiedAt(folder));
    if (lastSign !== null && Date.now() - lastSign > staleMs) {
      await rm(folder, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

// An upload still streaming keeps its file (or its unfinished parts in a bucket) fresh; one that
// stopped does not.
async function removeAbandonedUploads({ db, storage, staleMs }: MaintenanceOptions): Promise<number> {
  const keys = await uploadsStartedBefore(db, Date.now() - staleMs);
  const abandoned: string[] = [];
  for (const key of keys) {
    const latest = (await storage.lastWrittenAt(key)) ?? 0;
    if (Date.now() - latest <= staleMs) continue;
    await storage.discardPartial(key);
    abandoned.push(key);
  }
  if (abandoned.length) await finishUploadQuery(db, abandoned);
  return abandoned.length;
}

// Direct uploads never completed lose their object once their URL has expired (and the time to
// complete them is over). Spent ones are forgotten once their URL can no longer be replayed, and a
// replay into the bucket's staging key goes with them.
async function removeExpiredDirectUploads({ db, storage }: MaintenanceOptions): Promise<number> {
  let removed = 0;
  for (const upload of await expiredDirectUploads(db, Date.now(), directUploadCompletionGraceMs)) {
    if (upload.completedAt === null || upload.key.startsWith("uploads/")) {
      await storage.discardPartial(upload.key);
      removed++;
    }
    await forgetDirectUpload(db, upload.id);
  }
  return removed;
}

// What stayed in the trash for 30 days goes for good, its files with it (queued by the deletion).
async function purgeExpiredTrash({ db, onJobsQueued }: MaintenanceOptions): Promise<number> {
  const purged = await deleteAssetsInBatches(db, { deletedBefore: Date.now() - defaults.trashDays * 24 * 3600 * 1000 });
  if (purged) onJobsQueued();
  return purged;
}

export function startMaintenance(options: MaintenanceOptions): { stop(): Promise<void>; ready: Promise<void> } {
  const ownFolder = join(options.scratchRoot, options.workerId);
  const heartbeat = async () => {
    await mkdir(ownFolder, { recursive: true });
    const file = join(ownFolder, heartbeatFile);
    const now = new Date();
    await utimes(file, now, now).catch(() => writeFile(file, ""));
  };
  const sweep = async () => {
    try {
      const scratch = await removeAbandonedScratch(options);
      const uploads = await removeAbandonedUploads(options);
      const directUploads = await removeExpiredDirectUploads(options);
      if (scratch || uploads || directUploads)
        log.info("removed leftovers", { scratchFolders: scratch, abandonedUploads: uploads, directUploads });
      const purged = await purgeExpiredTrash(options);
      if (purged) log.info("deleted for good what was in the trash for 30 days", { assets: purged });
      const users = await queueExpiredUserDeletions(options.db, Date.now() - options.userDeleteGraceMs);
      if (users) {
        log.info("removing accounts whose grace period is over", { users });
        options.onJobsQueued();
      }
    } catch (error) {
      log.warn("housekeeping failed; will try again", { error });
    }
  };
  const ready = heartbeat().then(sweep);
  const beat = setInterval(() => void heartbeat().catch(() => undefined), Math.max(100, options.staleMs / 4));
  const sweeper = setInterval(() => void sweep(), Math.max(500, options.staleMs / 2));
  beat.unref();
  sweeper.unref();
  return {
    ready,
    async stop() {
      clearInterval(beat);
      clearInterval(sweeper);
      // A worker that stops cleanly takes its scratch folder with it.
      await rm(ownFolder, { recursive: true, force: true });
    },
  };
}
