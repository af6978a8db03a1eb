// Room on the disk that holds the database (and, on a local volume, the library). Uploads are refused
// while too little is free, so that a full disk never stops the database; and a reserve file, kept
// while there is room, is given back when there is not, so that deleting photos and emptying the
// trash still work on a disk that something else filled.
import { statfs, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { log } from "../log";

// Kept free for the database, thumbnails and the jobs of what is already uploaded.
export const minFreeBytes = 64 * 1024 * 1024;
const reserveBytes = 16 * 1024 * 1024;

export interface DiskSpace {
  freeBytes: number;
  // Whether an upload of this size fits, with the margin above kept free.
  fits(bytes: number): boolean;
}

export interface SpaceGuard {
  // Reads the disk now, giving the reserve back or taking it again as needed.
  check(): Promise<DiskSpace>;
  stop(): void;
}

// How often the disk is looked at between requests: something else may fill it.
const checkEveryMs = 10_000;

export function startSpaceGuard(dataDir: string): SpaceGuard {
  const reservePath = join(dataDir, ".space-reserve");
  let reserved: boolean | undefined;

  const free = async () => {
    const stats = await statfs(dataDir);
    return stats.bavail * stats.bsize;
  };

  const check = async (): Promise<DiskSpace> => {
    let freeBytes = await free();
    if (freeBytes < minFreeBytes && reserved !== false) {
      await unlink(reservePath).catch(() => undefined);
      if (reserved)
        log.warn("the disk is nearly full: gave back the space kept for the database, and uploads are refused", {
          freeBytes,
        });
      reserved = false;
      freeBytes = await free();
    } else if (freeBytes > minFreeBytes + 2 * reserveBytes && reserved !== true) {
      // Written in full, so that the space is really taken (a sparse file would reserve nothing).
      await writeFile(reservePath, Buffer.alloc(reserveBytes), { mode: 0o600 }).then(
        () => (reserved = true),
        (error: unknown) => log.warn("could not keep space in reserve", { error }),
      );
      freeBytes = await free();
    }
    return { freeBytes, fits: (bytes) => freeBytes - bytes >= minFreeBytes };
  };
  const timer = setInterval(
    () => void check().catch((error: unknown) => log.warn("could not read the disk's free space", { error })),
    checkEveryMs,
  );
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
