// TIFF tags in a buffer, for the metadata exifr does not reach: maker notes inside an EXIF block and
// the TIFF blocks of Canon CR3 (its CMT boxes). Every offset and count comes from a possibly hostile
// file, so a value that does not fit is left out rather than read past the buffer.

// ASCII as a string; BYTE, SHORT, LONG and their signed kinds, RATIONAL and FLOAT as numbers;
// UNDEFINED as where its bytes are (a maker note is an IFD of its own inside them).
export type TagValue = string | number[] | { offset: number; length: number };

export interface Tiff {
  data: Buffer;
  le: boolean;
  ifd0: number;
}

const MAX_ENTRIES = 1024;
const MAX_NUMBERS = 4096;
const widths: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
};

// A TIFF header ("II*\0" or "MM\0*") at the start of the buffer, with the offset of IFD0.
export function openTiff(data: Buffer): Tiff | null {
  if (data.length < 8) return null;
  const magic = data.toString("latin1", 0, 4);
  if (magic !== "II*\0" && magic !== "MM\0*") return null;
  const le = magic === "II*\0";
  return { data, le, ifd0: le ? data.readUInt32LE(4) : data.readUInt32BE(4) };
}

function number(tiff: Tiff, type: number, at: number): number {
  const { data, le } = tiff;
  switch (type) {
    case 1:
    case 7:
      return data[at]!;
    case 6:
      return data.readInt8(at);
    case 3:
      return le ? data.readUInt16LE(at) : data.readUInt16BE(at);
    case 8:
      return le ? data.readInt16LE(at) : data.readInt16BE(at);
    case 4:
    case 13:
      return le ? data.readUInt32LE(at) : data.readUInt32BE(at);
    case 9:
      return le ? data.readInt32LE(at) : data.readInt32BE(at);
    case 5:
      return number(tiff, 4, at) / number(tiff, 4, at + 4);
    case 10:
      return number(tiff, 9, at) / number(tiff, 9, at + 4);
    case 11:
      return le ? data.readFloatLE(at) : data.readFloatBE(at);
    default:
      return le ? data.readDoubleLE(at) : data.readDoubleBE(at);
  }
}

// The entries of the IFD at `offset` (from the start of the TIFF block), by tag. Value offsets count
// from the start of the block too, as in EXIF and in Canon's and most other maker notes.
export function readIfd(tiff: Tiff, offset: number): Map<number, TagValue> {
  const tags = new Map<number, TagValue>();
  const { data } = tiff;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + 2 > data.length) return tags;
  const count = number(tiff, 3, offset);
  if (count > MAX_ENTRIES) return tags;
  for (let i = 0; i < count; i++) {
    const entry = offset + 2 + i * 12;
    if (entry + 12 > data.length) break;
    const tag = number(tiff, 3, entry);
    const type = number(tiff, 3, entry + 2);
    const items = number(tiff, 4, entry + 4);
    const width = widths[type];
    if (!width || items === 0) continue;
    const size = width * items;
    const start = size <= 4 ? entry + 8 : number(tiff, 4, entry + 8);
    if (start + size > data.length) continue;
    if (type === 2)
      tags.set(
        tag,
        data
          .toString("latin1", start, start + size)
          .replace(/\0.*$/s, "")
          .trim(),
      );
    else if (type === 7) tags.set(tag, { offset: start, length: size });
    else if (items <= MAX_NUMBERS)
      tags.set(
        tag,
        Array.from({ length: items }, (_, n) => number(tiff, type, start + n * width)),
      );
  }
  return tags;
}

export const text = (value: TagValue | undefined): string | undefined =>
  typeof value === "string" && value ? value : undefined;
export const first = (value: TagValue | undefined): number | undefined =>
  Array.isArray(value) && Number.isFinite(value[0]) ? value[0] : undefined;
