// One storage interface for originals and derivatives, whatever holds them: the local volume
// (through workerd's disk binding in the handlers, through node:fs in the worker) or, later, a bucket.
export interface StoredObject {
  body: ReadableStream<Uint8Array>;
  // Size of the whole object, and the byte range `body` holds.
  size: number;
  range: { offset: number; length: number };
}

export interface ByteRange {
  offset: number;
  length?: number;
}

export interface Storage {
  // Writes the object whole or not at all: a body that breaks off leaves nothing behind.
  put(key: string, body: ReadableStream<Uint8Array>): Promise<void>;
  get(key: string, range?: ByteRange): Promise<StoredObject | null>;
  size(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
  // Copies an object to another key (inside the bucket, or through the disk).
  copy(from: string, to: string): Promise<void>;
  // Set when clients should fetch objects straight from storage (a bucket serving presigned URLs):
  // a short-lived URL for the object, answered with this content type and file name.
  downloadUrl?(key: string, response: { contentType: string; downloadName?: string }): Promise<string>;
  // Set when clients can put objects straight into storage (a bucket): a short-lived URL that
  // accepts one PUT of exactly `size` bytes at `key`.
  uploadUrl?(key: string, size: number, expiresInSeconds: number): Promise<string>;
}

// The object in an answer to a GET (with or without Range) from a service that speaks HTTP like a
// static file server: workerd's disk service, or a bucket. Null for 404; an empty range past the end
// for 416, whose size `size` looks up.
export async function storedObjectFrom(
  response: Response,
  size: () => Promise<number | null>,
  failure: () => Promise<Error>,
): Promise<StoredObject | null> {
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (response.status === 416) {
    await response.body?.cancel();
    const total = (await size()) ?? 0;
    return { body: new Response(null).body ?? new ReadableStream(), size: total, range: { offset: total, length: 0 } };
  }
  if (!response.ok || !response.body) throw await failure();
  const length = Number(response.headers.get("content-length"));
  const contentRange = response.headers.get("content-range")?.match(/bytes (\d+)-\d+\/(\d+)/);
  return {
    body: response.body,
    size: contentRange ? Number(contentRange[2]) : length,
    range: { offset: contentRange ? Number(contentRange[1]) : 0, length },
  };
}

export const rangeHeader = (range: ByteRange) =>
  `bytes=${range.offset}-${range.length === undefined ? "" : range.offset + range.length - 1}`;

// Keys are relative paths: no empty segment, and none that starts with a dot, so none climbs out of
// the storage root or names a hidden file. Any other printable character may appear, since originals
// keep their own names under the storage template.
const forbidden = /[\u0000-\u001f\u007f\\]/;

export function assertStorageKey(key: string): void {
  const valid =
    key.length > 0 &&
    key.length <= 1024 &&
    !forbidden.test(key) &&
    key
      .split("/")
      .every(
        (segment) =>
          segment.length > 0 && segment.length <= 255 && !segment.startsWith(".") && segment.trim() === segment,
      );
  if (!valid) throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
}

// Where things go: spread over two levels of folders so that no folder grows huge.
const spread = (id: string) => `${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`;
export const originalKey = (assetId: string, extension: string) => `originals/${spread(assetId)}${extension}`;
export const derivativeKey = (assetId: string, name: string, extension: string) =>
  `thumbs/${spread(assetId)}-${name}${extension}`;
export const sidecarKey = (assetId: string) => `originals/${spread(assetId)}.xmp`;
// Where a direct upload into a bucket lands before it is checked: the bucket accepts a presigned PUT
// again until the URL expires, so nothing there is ever an asset's original.
export const stagedUploadKey = (uploadId: string, extension: string) => `uploads/${uploadId}${extension}`;
export const encodedVideoKey = (assetId: string) => `encoded-video/${spread(assetId)}.mp4`;
