// What the worker needs of storage beyond reading and writing objects: tools like ffmpeg and exifr
// want files on disk, maintenance and the integrity check want to walk everything, and the storage
// template moves originals. A volume (./local.ts) and a bucket (./bucket.ts) both provide it.
import type { Storage } from "../../common/storage";

export interface StoredEntry {
  key: string;
  size: number;
}

export interface WorkerStorage extends Storage {
  // Runs `use` with a file holding the object: the file itself on a volume, a scratch copy of a
  // bucket's object (removed afterwards). Throws MissingObjectError when there is no such object.
  withFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T>;
  // A fresh file name in this worker's scratch folder, for a tool to write into.
  scratchPath(suffix?: string): Promise<string>;
  // Stores a finished scratch file under `key`, and the scratch file is gone.
  putFile(scratch: string, key: string): Promise<void>;
  // Copies an object to a key that holds nothing yet; false when `to` is taken by another object.
  // (A key that already holds this very file on a volume counts as done.)
  copyIfAbsent(from: string, to: string): Promise<boolean>;
  // Every object whose key starts with `prefix`, scratch files left out.
  list(prefix: string): AsyncIterable<StoredEntry>;
  // When the object under `key`, or a write still under way to it, last changed; null when neither
  // exists. Maintenance uses it to tell an upload still streaming from one abandoned.
  lastWrittenAt(key: string): Promise<number | null>;
  // Removes an object and whatever a write to it abandoned half-way.
  discardPartial(key: string): Promise<void>;
}

export class MissingObjectError extends Error {
  override name = "MissingObjectError";
  constructor(readonly key: string) {
    super(`${key} is missing from storage`);
  }
}
