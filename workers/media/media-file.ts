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

// An ISO base media box (HEIC, AVIF, MP4, MOV, CR3).
export interface Box {
  type: string;
  offset: number; // of the box header
  start: number; // of its payload
  end: number;
}

const maxBoxes = 256;

// The boxes between start and end; stops at the first header that does not fit or is no box type.
export async function boxesIn(file: MediaFile, start: number, end: number): Promise<Box[]> {
  const boxes: Box[] = [];
  let offset = start;
  while (offset + 8 <= end && boxes.length < maxBoxes) {
    const header = await readAt(file, offset, 8);
    const type = header?.toString("latin1", 4, 8) ?? "";
    if (!header || !/^[a-zA-Z0-9 ]{4}$/.test(type)) break;
    let size = header.readUInt32BE(0);
    let payload = offset + 8;
    if (size === 1) {
      const large = await readAt(file, offset + 8, 8);
      if (!large) break;
      size = Number(large.readBigUInt64BE(0));
      payload += 8;
    } else if (size === 0) size = end - offset; // "to the end of the file"
    if (size < payload - offset || offset + size > end) break;
    boxes.push({ type, offset, start: payload, end: offset + size });
    offset += size;
  }
  return boxes;
}
