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
}

// Keys are relative paths of safe characters; no segment starts with a dot, so none climbs out of
// the storage root or names a hidden file.
const keyPattern = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

export function assertStorageKey(key: string): void {
  if (!keyPattern.test(key)) {
    throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
  }
}

// Where things go: spread over two levels of folders so that no folder grows huge.
const spread = (id: string) => `${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`;
export const originalKey = (assetId: string, extension: string) => `originals/${spread(assetId)}${extension}`;
export const derivativeKey = (assetId: string, name: string, extension: string) =>
  `thumbs/${spread(assetId)}-${name}${extension}`;
export const sidecarKey = (assetId: string) => `originals/${spread(assetId)}.xmp`;
export const encodedVideoKey = (assetId: string) => `encoded-video/${spread(assetId)}.mp4`;
