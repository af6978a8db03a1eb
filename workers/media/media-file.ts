// Bounded reads from a media file: every offset and length comes from a possibly hostile file, so a
// read outside the file yields null instead of garbage or an exception.
import type { FileHandle } from "node:fs/promises";

export interface MediaFile {
  handle: FileHandle;
  size: number;
}

export interface Range {
  offset: number;
  length: number;
}

// Exactly `length` bytes at `offset`, or null when that range is not inside the file.
export async function readAt(file: MediaFile, offset: number, length: number): Promise<Buffer | null> {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) return null;
  if (offset + length > file.size) return null;
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.handle.read(buffer, 0, length, offset);
  return bytesRead === length ? buffer : null;
}
