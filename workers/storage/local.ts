// Storage on the local volume, for the worker (the handlers reach the same folder through workerd's
// disk binding: functions/storage.ts). Files are written in this worker's scratch folder on the same
// volume and moved into place once complete, so a reader never sees half a file and a killed worker
// leaves its leftovers in one place (see workers/maintenance.ts).
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { randomUUID } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { assertStorageKey, type Storage } from "../../common/storage";

export interface LocalStorage extends Storage {
  // The file behind a key, for tools that need a path (ffmpeg, exifr).
  path(key: string): string;
  // A fresh file name in this worker's scratch folder.
  scratchPath(suffix?: string): Promise<string>;
  // Moves a finished scratch file into place under `key`.
  adopt(scratch: string, key: string): Promise<void>;
}

export const scratchRoot = (root: string) => join(root, ".tmp");

export function createLocalStorage(root: string, workerId: string): LocalStorage {
  const scratchDir = join(scratchRoot(root), workerId);
  const path = (key: string) => {
    assertStorageKey(key);
    return join(root, key);
  };
  const storage: LocalStorage = {
    path,
    async scratchPath(suffix = "") {
      await mkdir(scratchDir, { recursive: true });
      return join(scratchDir, `${randomUUID()}${suffix}`);
    },
    async adopt(scratch, key) {
      const target = path(key);
      await mkdir(dirname(target), { recursive: true });
      await rename(scratch, target);
    },
    async put(key, body) {
      const scratch = await storage.scratchPath();
      try {
        await body.pipeTo(Writable.toWeb(createWriteStream(scratch)));
        await storage.adopt(scratch, key);
      } catch (error) {
        await rm(scratch, { force: true });
        throw error;
      }
    },
    async get(key, range) {
      const file = path(key);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return null;
      const offset = Math.min(range?.offset ?? 0, info.size);
      const length = Math.min(range?.length ?? info.size - offset, info.size - offset);
      const stream = length > 0 ? createReadStream(file, { start: offset, end: offset + length - 1 }) : Readable.from([]);
      return {
        body: Readable.toWeb(stream) as ReadableStream<Uint8Array>,
        size: info.size,
        range: { offset, length },
      };
    },
    async size(key) {
      const info = await stat(path(key)).catch(() => null);
      return info?.isFile() ? info.size : null;
    },
    async delete(key) {
      await rm(path(key), { force: true });
    },
  };
  return storage;
}
