// The handlers' storage, from the STORAGE binding: the library folder through workerd's disk
// service, which streams reads and writes and answers Range requests itself, or a bucket reached
// through the binding (common/s3.ts).
import { defaults } from "../common/config";
import { createS3Storage } from "../common/s3";
import { assertStorageKey, rangeHeader, storedObjectFrom, type Storage } from "../common/storage";
import type { Bindings } from "./env";

export function createStorage(env: Bindings): Storage {
  if (env.STORAGE_KIND !== "s3") return createDiskStorage(env.STORAGE);
  const bucket = createS3Storage(
    {
      endpoint: env.S3_ENDPOINT,
      publicEndpoint: env.S3_PUBLIC_ENDPOINT,
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    },
    (request) => env.STORAGE.fetch(request),
  );
  const { put, get, size, copy, delete: remove } = bucket;
  const storage: Storage = {
    put,
    get,
    size,
    copy,
    delete: remove,
    // Signing the length makes the bucket refuse a file of any other size.
    uploadUrl: (key, length, expiresInSeconds) =>
      bucket.presign("PUT", key, expiresInSeconds, {}, { "content-length": String(length) }),
  };
  if (env.S3_SERVE === "redirect") {
    storage.downloadUrl = (key, { contentType, downloadName }) =>
      bucket.presign("GET", key, defaults.presignedDownloadSeconds, {
        "response-content-type": contentType,
        ...(downloadName
          ? { "response-content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(downloadName)}` }
          : {}),
      });
  }
  return storage;
}

// Any service that answers like workerd's disk service (GET with Range, HEAD, PUT, DELETE by path).
export function createDiskStorage(disk: Fetcher): Storage {
  const url = (key: string) => {
    assertStorageKey(key);
    return `http://storage/${key.split("/").map(encodeURIComponent).join("/")}`;
  };
  return {
    async put(key, body) {
      // The disk service keeps whatever arrived, and never answers if its body errors. So the body is
      // ended cleanly on a failure, and the partial file removed once the write is done.
      let failure: unknown;
      const source = body.getReader();
      const guarded = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { value, done } = await source.read();
            if (done) controller.close();
            else controller.enqueue(value);
          } catch (error) {
            failure = error;
            controller.close();
          }
        },
        cancel: (reason) => source.cancel(reason),
      });
      const response = await disk.fetch(url(key), { method: "PUT", body: guarded });
      if (failure !== undefined || !response.ok) {
        await this.delete(key);
        throw failure ?? new Error(`Storage refused to write ${key}: ${response.status}`);
      }
    },
    async get(key, range) {
      const response = await disk.fetch(url(key), { headers: range ? { range: rangeHeader(range) } : {} });
      return storedObjectFrom(
        response,
        () => this.size(key),
        async () => new Error(`Storage could not read ${key}: ${response.status}`),
      );
    },
    async size(key) {
      const response = await disk.fetch(url(key), { method: "HEAD" });
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`Storage could not stat ${key}: ${response.status}`);
      return Number(response.headers.get("content-length"));
    },
    async copy(from, to) {
      const object = await this.get(from);
      if (!object) throw new Error(`Storage has no ${from} to copy`);
      await this.put(to, object.body);
    },
    async delete(key) {
      const response = await disk.fetch(url(key), { method: "DELETE" });
      if (!response.ok && response.status !== 404)
        throw new Error(`Storage could not delete ${key}: ${response.status}`);
    },
  };
}
