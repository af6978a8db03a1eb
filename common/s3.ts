// Storage in an S3-compatible bucket (MinIO, Garage, Ceph, AWS), signed with SigV4 by aws4fetch. The
// handlers and the worker both use it; each passes the fetch that may reach the bucket (workerd's
// named S3 binding, or Node's fetch).
import { AwsClient } from "aws4fetch";
import { assertStorageKey, rangeHeader, storedObjectFrom, type Storage } from "./storage";

export interface S3Settings {
  endpoint: string;
  // The endpoint as clients outside see it, for presigned URLs (defaults to `endpoint`).
  publicEndpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

export interface S3Object {
  key: string;
  size: number;
  lastModified: number;
}

export interface PendingMultipartUpload {
  key: string;
  uploadId: string;
  initiated: number;
}

export interface S3Storage extends Storage {
  list(prefix: string): AsyncIterable<S3Object>;
  // A URL that lets its holder do `method` on `key` until it expires, with no other credentials.
  // Headers given are signed too: the holder must send them as they are.
  presign(
    method: "GET" | "PUT",
    key: string,
    expiresInSeconds: number,
    query?: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<string>;
  pendingUploads(prefix: string): Promise<PendingMultipartUpload[]>;
  // When the last part of an unfinished upload arrived (when it started, if none has).
  lastPartAt(upload: PendingMultipartUpload): Promise<number>;
  abortUpload(upload: PendingMultipartUpload): Promise<void>;
}

// Parts of a multipart upload; S3 wants at least 5 MiB per part but the last.
const partSize = 8 * 1024 * 1024;

export class S3Error extends Error {
  override name = "S3Error";
}

const encodeKey = (key: string) => key.split("/").map(encodeURIComponent).join("/");

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };
    if (entity in named) return named[entity]!;
    return String.fromCodePoint(
      entity[1] === "x" || entity[1] === "X" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10),
    );
  });

function elements(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, "g"))].map((m) => m[1]!);
}

const element = (xml: string, name: string) => {
  const found = elements(xml, name)[0];
  return found === undefined ? undefined : unescapeXml(found);
};

async function failure(response: Response, what: string): Promise<S3Error> {
  const body = await response.text().catch(() => "");
  const code = element(body, "Code") ?? response.statusText;
  return new S3Error(`S3 could not ${what}: ${response.status} ${code}`);
}

// Reads a stream into chunks of `size` bytes (the last one shorter). Two buffers take turns: the
// caller holds at most the last two chunks, and must be done with a chunk before asking for the one
// after the next (as parts sent one at a time are), so memory stays at two parts whatever the size.
async function* chunksOf(body: ReadableStream<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  const buffers = [new Uint8Array(size), new Uint8Array(size)];
  let turn = 0;
  let buffer = buffers[turn]!;
  let filled = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    let offset = 0;
    while (offset < value.byteLength) {
      const take = Math.min(size - filled, value.byteLength - offset);
      buffer.set(value.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === size) {
        yield buffer;
        turn = 1 - turn;
        buffer = buffers[turn]!;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

export function createS3Storage(settings: S3Settings, fetcher: (request: Request) => Promise<Response>): S3Storage {
  const client = new AwsClient({
    accessKeyId: settings.accessKeyId,
    secretAccessKey: settings.secretAccessKey,
    service: "s3",
    region: settings.region,
  });
  const base = (endpoint: string) => {
    const url = new URL(endpoint);
    const root = url.pathname.replace(/\/+$/, "");
    return settings.forcePathStyle
      ? `${url.origin}${root}/${settings.bucket}`
      : `${url.protocol}//${settings.bucket}.${url.host}${root}`;
  };
  const bucketUrl = base(settings.endpoint);
  const publicBucketUrl = base(settings.publicEndpoint ?? settings.endpoint);
  const objectUrl = (key: string, root = bucketUrl) => {
    assertStorageKey(key);
    return `${root}/${encodeKey(key)}`;
  };
  const send = async (url: string, init: RequestInit = {}) => fetcher(await client.sign(url, init));

  const putWhole = async (key: string, bytes: Uint8Array) => {
    const response = await send(objectUrl(key), {
      method: "PUT",
      body: bytes,
      headers: { "content-length": String(bytes.byteLength) },
    });
    if (!response.ok) throw await failure(response, `write ${key}`);
    await response.body?.cancel();
  };

  const storage: S3Storage = {
    async put(key, body) {
      const chunks = chunksOf(body, partSize);
      const first = await chunks.next();
      const second = first.done ? first : await chunks.next();
      if (second.done) return putWhole(key, first.done ? new Uint8Array(0) : first.value);

      // Larger than one part: a multipart upload, aborted if the body breaks off, so nothing is left.
      const created = await send(`${objectUrl(key)}?uploads=`, { method: "POST" });
      if (!created.ok) throw await failure(created, `start writing ${key}`);
      const uploadId = element(await created.text(), "UploadId");
      if (!uploadId) throw new S3Error(`S3 did not start a multipart upload for ${key}`);
      const upload = { key, uploadId, initiated: Date.now() };
      try {
        const etags: string[] = [];
        const sendPart = async (bytes: Uint8Array) => {
          const number = etags.length + 1;
          const url = `${objectUrl(key)}?partNumber=${number}&uploadId=${encodeURIComponent(uploadId)}`;
          const response = await send(url, {
            method: "PUT",
            body: bytes,
            headers: { "content-length": String(bytes.byteLength) },
          });
          if (!response.ok) throw await failure(response, `write part ${number} of ${key}`);
          await response.body?.cancel();
          etags.push(response.headers.get("etag") ?? "");
        };
        await sendPart(first.value);
        await sendPart(second.value);
        for await (const chunk of chunks) await sendPart(chunk);
        const manifest = `<CompleteMultipartUpload>${etags
          .map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`)
          .join("")}</CompleteMultipartUpload>`;
        const completed = await send(`${objectUrl(key)}?uploadId=${encodeURIComponent(uploadId)}`, {
          method: "POST",
          body: manifest,
        });
        // S3 may answer 200 with an error in the body.
        const answer = await completed.text();
        if (!completed.ok || answer.includes("<Error>"))
          throw new S3Error(`S3 could not finish writing ${key}: ${element(answer, "Code") ?? completed.status}`);
      } catch (error) {
        await storage.abortUpload(upload).catch(() => undefined);
        throw error;
      }
    },

    async get(key, range) {
      const response = await send(objectUrl(key), { headers: range ? { range: rangeHeader(range) } : {} });
      return storedObjectFrom(
        response,
        () => storage.size(key),
        () => failure(response, `read ${key}`),
      );
    },

    async size(key) {
      const response = await send(objectUrl(key), { method: "HEAD" });
      if (response.status === 404) return null;
      if (!response.ok) throw new S3Error(`S3 could not stat ${key}: ${response.status}`);
      return Number(response.headers.get("content-length"));
    },

    async delete(key) {
      const response = await send(objectUrl(key), { method: "DELETE" });
      if (!response.ok && response.status !== 404) throw await failure(response, `delete ${key}`);
      await response.body?.cancel();
    },

    async *list(prefix) {
      let token: string | undefined;
      do {
        const query = new URLSearchParams({ "list-type": "2", prefix });
        if (token) query.set("continuation-token", token);
        const response = await send(`${bucketUrl}/?${query}`);
        if (!response.ok) throw await failure(response, `list ${prefix}`);
        const xml = await response.text();
        for (const entry of elements(xml, "Contents")) {
          yield {
            key: element(entry, "Key")!,
            size: Number(element(entry, "Size")),
            lastModified: Date.parse(element(entry, "LastModified") ?? ""),
          };
        }
        token = element(xml, "IsTruncated") === "true" ? element(xml, "NextContinuationToken") : undefined;
      } while (token);
    },

    async copy(from, to) {
      const source = `/${settings.bucket}/${encodeKey(from)}`;
      assertStorageKey(from);
      const response = await send(objectUrl(to), { method: "PUT", headers: { "x-amz-copy-source": source } });
      const answer = await response.text();
      if (!response.ok || answer.includes("<Error>"))
        throw new S3Error(`S3 could not copy ${from} to ${to}: ${element(answer, "Code") ?? response.status}`);
    },

    async presign(method, key, expiresInSeconds, query = {}, headers) {
      const url = new URL(objectUrl(key, publicBucketUrl));
      for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
      url.searchParams.set("X-Amz-Expires", String(expiresInSeconds));
      const signed = await client.sign(url.toString(), {
        method,
        headers,
        aws: { signQuery: true, allHeaders: headers !== undefined },
      });
      return signed.url;
    },

    async pendingUploads(prefix) {
      const response = await send(`${bucketUrl}/?${new URLSearchParams({ uploads: "", prefix })}`);
      // Some small S3 servers keep no unfinished uploads to list.
      if (response.status === 501 || response.status === 405) {
        await response.body?.cancel();
        return [];
      }
      if (!response.ok) throw await failure(response, `list unfinished uploads under ${prefix}`);
      return elements(await response.text(), "Upload").map((entry) => ({
        key: element(entry, "Key")!,
        uploadId: element(entry, "UploadId")!,
        initiated: Date.parse(element(entry, "Initiated") ?? ""),
      }));
    },

    async lastPartAt(upload) {
      const response = await send(`${objectUrl(upload.key)}?uploadId=${encodeURIComponent(upload.uploadId)}`);
      if (!response.ok) throw await failure(response, `list the parts of ${upload.key}`);
      const times = elements(await response.text(), "Part").map((part) =>
        Date.parse(element(part, "LastModified") ?? ""),
      );
      return Math.max(upload.initiated, ...times.filter((t) => !Number.isNaN(t)));
    },

    async abortUpload({ key, uploadId }) {
      const response = await send(`${objectUrl(key)}?uploadId=${encodeURIComponent(uploadId)}`, { method: "DELETE" });
      if (!response.ok && response.status !== 404) throw await failure(response, `abort the upload of ${key}`);
      await response.body?.cancel();
    },
  };
  return storage;
}
