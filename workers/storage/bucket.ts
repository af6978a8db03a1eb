// Storage in an S3-compatible bucket, for the worker. Tools that need a path get a scratch copy of
// the object; what they write is uploaded from the scratch file.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { extname, join } from "node:path";
import { randomUUID } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { createS3Storage, type S3Settings } from "../../common/s3";
import { MissingObjectError, type WorkerStorage } from "./storage";

export function createBucketStorage(settings: S3Settings, scratchRoot: string, workerId: string): WorkerStorage {
  const bucket = createS3Storage(settings, (request) => fetch(request));
  const scratchDir = join(scratchRoot, workerId);
  const storage: WorkerStorage = {
    ...bucket,
    async scratchPath(suffix = "") {
      await mkdir(scratchDir, { recursive: true });
      return join(scratchDir, `${randomUUID()}${suffix}`);
    },
    async withFile(key, use) {
      const object = await bucket.get(key);
      if (!object) throw new MissingObjectError(key);
      // Tools go by the extension.
      const scratch = await storage.scratchPath(extname(key).replace(/[^.A-Za-z0-9]/g, ""));
      try {
        await object.body.pipeTo(Writable.toWeb(createWriteStream(scratch)));
        return await use(scratch);
      } finally {
        await rm(scratch, { force: true });
      }
    },
    // Buckets have no exclusive copy; keys copied to are fresh ones, so looking first is enough.
    async copyIfAbsent(from, to) {
      if ((await bucket.size(to)) !== null) return false;
      await bucket.copy(from, to);
      return true;
    },
    async putFile(scratch, key) {
      await bucket.put(key, Readable.toWeb(createReadStream(scratch)) as ReadableStream<Uint8Array>);
      await rm(scratch, { force: true });
    },
    async *list(prefix) {
      for await (const { key, size } of bucket.list(prefix)) yield { key, size };
    },
    async lastWrittenAt(key) {
      const pending = (await bucket.pendingUploads(key)).filter((upload) => upload.key === key);
      const times = await Promise.all(pending.map((upload) => bucket.lastPartAt(upload)));
      for await (const object of bucket.list(key)) if (object.key === key) times.push(object.lastModified);
      return times.length ? Math.max(...times) : null;
    },
    async discardPartial(key) {
      for (const upload of await bucket.pendingUploads(key)) if (upload.key === key) await bucket.abortUpload(upload);
      await bucket.delete(key);
    },
  };
  return storage;
}
