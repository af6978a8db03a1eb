// Storage on the local volume, for the worker (the handlers reach the same folder through workerd's
// disk binding: functions/storage.ts).
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { randomUUID } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { assertStorageKey, type Storage } from "../../common/storage";

export interface LocalStorage extends Storage {
  // The file behind a key, for tools that need a path (ffmpeg, exiftool).
  path(key: string): string;
}

export function createLocalStorage(root: string): LocalStorage {
  const path = (key: string) => {
    assertStorageKey(key);
    return join(root, key);
  };
  return {
    path,
    async put(key, body) {
      const target = path(key);
      await mkdir(dirname(target), { recursive: true });
      // Hidden temp file in the same folder, renamed into place only once complete.
      const temp = join(dirname(target), `.tmp-${randomUUID()}`);
      try {
        await body.pipeTo(Writable.toWeb(createWriteStream(temp)));
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
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
}
