// Storage on the local volume, for the worker (the handlers reach the same folder through workerd's
// disk binding: functions/storage.ts). Files are written in this worker's scratch folder on the same
// volume and moved into place once complete, so a reader never sees half a file and a killed worker
// leaves its leftovers in one place (see workers/maintenance.ts).
import { constants, createWriteStream } from "node:fs";
import { copyFile, link, mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { randomUUID } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { assertStorageKey } from "../../common/storage";
import { MissingObjectError, type WorkerStorage } from "./storage";

async function modifiedAt(path: string): Promise<number | null> {
  const info = await stat(path).catch(() => null);
  return info ? info.mtimeMs : null;
}

// `scratchRoot` must be on the same volume as `root`, so that finished files are renamed into place.
export function createLocalStorage(root: string, scratchRoot: string, workerId: string): WorkerStorage {
  const scratchDir = join(scratchRoot, workerId);
  const path = (key: string) => {
    assertStorageKey(key);
    return join(root, key);
  };
  // workerd writes through a hidden temporary file beside the target.
  const partialFiles = async (key: string) => {
    const folder = dirname(path(key));
    const names = await readdir(folder).catch(() => [] as string[]);
    return names.filter((name) => name.startsWith(".")).map((name) => join(folder, name));
  };
  const storage: WorkerStorage = {
    async withFile(key, use) {
      const file = path(key);
      if (!(await stat(file).catch(() => null))?.isFile()) throw new MissingObjectError(key);
      return use(file);
    },
    async scratchPath(suffix = "") {
      await mkdir(scratchDir, { recursive: true });
      return join(scratchDir, `${randomUUID()}${suffix}`);
    },
    async putFile(scratch, key) {
      const target = path(key);
      await mkdir(dirname(target), { recursive: true });
      await rename(scratch, target);
    },
    async copyIfAbsent(from, to) {
      const source = path(from);
      const target = path(to);
      await mkdir(dirname(target), { recursive: true });
      try {
        // A second name for the same file where the volume allows it: instant, and no extra space.
        await link(source, target);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EEXIST") {
          const [a, b] = await Promise.all([stat(source), stat(target)]);
          return a.ino === b.ino && a.dev === b.dev;
        }
        if (code !== "EXDEV" && code !== "EPERM" && code !== "ENOTSUP") throw error;
      }
      try {
        await copyFile(source, target, constants.COPYFILE_EXCL);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
        await rm(target, { force: true });
        throw error;
      }
    },
    async copy(from, to) {
      if (!(await storage.copyIfAbsent(from, to))) throw new Error(`Storage already has ${to}`);
    },
    async put(key, body) {
      const scratch = await storage.scratchPath();
      try {
        await body.pipeTo(Writable.toWeb(createWriteStream(scratch)));
        await storage.putFile(scratch, key);
      } catch (error) {
        await rm(scratch, { force: true });
        throw error;
      }
    },
    async get(key, range) {
      // Opened at once, so a file moved or removed after this (the storage template) still reads whole.
      const handle = await open(path(key)).catch(() => null);
      if (!handle) return null;
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return null;
      }
      const offset = Math.min(range?.offset ?? 0, info.size);
      const length = Math.min(range?.length ?? info.size - offset, info.size - offset);
      if (length === 0) await handle.close();
      const stream =
        length > 0 ? handle.createReadStream({ start: offset, end: offset + length - 1 }) : Readable.from([]);
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
    async *list(prefix) {
      const walk = async function* (folder: string): AsyncGenerator<{ key: string; size: number }> {
        const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
        for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
          if (entry.name.startsWith(".")) continue;
          const full = join(folder, entry.name);
          if (entry.isDirectory()) yield* walk(full);
          else if (entry.isFile()) {
            const key = relative(root, full).split(sep).join("/");
            if (key.startsWith(prefix)) yield { key, size: (await stat(full)).size };
          }
        }
      };
      // Start from the deepest folder the prefix names whole.
      const folder = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
      yield* walk(folder ? path(folder) : root);
    },
    async lastWrittenAt(key) {
      const times = await Promise.all([path(key), ...(await partialFiles(key))].map(modifiedAt));
      const known = times.filter((t): t is number => t !== null);
      return known.length ? Math.max(...known) : null;
    },
    async discardPartial(key) {
      await Promise.all([path(key), ...(await partialFiles(key))].map((file) => rm(file, { force: true })));
    },
  };
  return storage;
}
