// Reading stored objects for a backup, counting one that vanished mid-way as missing.
import type { WorkerStorage } from "../storage/storage";

// Opens an object and reads its first bytes, or null when there is none. A file of the volume is
// only opened when first read, so one moved away in between (by the storage template) would fail
// half-way through a copy; this way it counts as missing, and the caller can look where it went.
export async function openObject(storage: WorkerStorage, key: string): Promise<AsyncIterable<Uint8Array> | null> {
  const stored = await storage.get(key);
  if (!stored) return null;
  const chunks = stored.body[Symbol.asyncIterator]();
  let first: IteratorResult<Uint8Array>;
  try {
    first = await chunks.next();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* { [Symbol.asyncIterator]: () => chunks };
  })();
}
