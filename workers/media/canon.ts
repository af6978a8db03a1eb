// Canon's own metadata containers, which exifr does not read: the CMT boxes of CR3 (TIFF blocks in
// an ISO base media file) and the CIFF block that Canon's first digital cameras (PowerShot A5,
// Pro70, 1998) wrote into their JPEGs instead of EXIF. Both answer in exifr's tag names.
import { open } from "node:fs/promises";
import { canonIso, canonMakerNote } from "./maker-notes";
import { readAt, type MediaFile } from "./media-file";
import { cr3MetadataBoxes } from "./raw-preview";
import { openTiff, readIfd, text, type TagValue } from "./tiff-tags";

type Tags = Record<string, unknown>;

async function withFile<T>(path: string, use: (file: MediaFile) => Promise<T>): Promise<T> {
  const handle = await open(path, "r");
  try {
    return await use({ handle, size: (await handle.stat()).size });
  } finally {
    await handle.close();
  }
}

// --- CR3: CMT1 is IFD0, CMT2 the EXIF IFD, CMT3 Canon's maker note, CMT4 the GPS IFD ---

const ifd0Tags: Record<number, string> = {
  0x010e: "ImageDescription",
  0x010f: "Make",
  0x0110: "Model",
  0x0112: "Orientation",
  0x0132: "ModifyDate",
};
const exifTags: Record<number, string> = {
  0x829a: "ExposureTime",
  0x829d: "FNumber",
  0x8827: "ISO",
  0x9003: "DateTimeOriginal",
  0x9004: "CreateDate",
  0x9010: "OffsetTime",
  0x9011: "OffsetTimeOriginal",
  0x920a: "FocalLength",
  0xa002: "ExifImageWidth",
  0xa003: "ExifImageHeight",
  0xa434: "LensModel",
};
const MAX_CMT = 1024 * 1024;

function named(tags: Map<number, TagValue>, names: Record<number, string>): Tags {
  const out: Tags = {};
  for (const [tag, name] of Object.entries(names)) {
    const value = tags.get(Number(tag));
    if (typeof value === "string") out[name] = value;
    else if (Array.isArray(value) && value.length === 1) out[name] = value[0];
  }
  return out;
}

// GPS degrees, minutes and seconds with their hemisphere, as exifr gives them (latitude, longitude).
function gps(tags: Map<number, TagValue>): Tags {
  const degrees = (value: TagValue | undefined, ref: string | undefined, negative: string) => {
    if (!Array.isArray(value) || value.length !== 3) return undefined;
    const sum = value[0]! + value[1]! / 60 + value[2]! / 3600;
    return Number.isFinite(sum) ? (ref?.toUpperCase() === negative ? -sum : sum) : undefined;
  };
  const latitude = degrees(tags.get(2), text(tags.get(1)), "S");
  const longitude = degrees(tags.get(4), text(tags.get(3)), "W");
  return latitude !== undefined && longitude !== undefined ? { latitude, longitude } : {};
}

export async function readCr3Tags(path: string): Promise<Tags> {
  return withFile(path, async (file) => {
    let tags: Tags = {};
    for (const box of await cr3MetadataBoxes(file)) {
      if (!/^CMT[1-4]$/.test(box.type) || box.end - box.start > MAX_CMT) continue;
      const bytes = await readAt(file, box.start, box.end - box.start);
      const tiff = bytes && openTiff(bytes);
      if (!tiff) continue;
      const ifd = () => readIfd(tiff, tiff.ifd0);
      if (box.type === "CMT1") tags = { ...tags, ...named(ifd(), ifd0Tags) };
      else if (box.type === "CMT2") tags = { ...tags, ...named(ifd(), exifTags) };
      else if (box.type === "CMT3") tags = { ...canonMakerNote(tiff, tiff.ifd0), ...tags };
      else tags = { ...tags, ...gps(ifd()) };
    }
    return tags;
  });
}

// --- CIFF in a JPEG's APP0: "II" or "MM", a header length, "HEAPJPGM", then a heap ---

const CIFF = { makeModel: 0x080a, focalLength: 0x1029, shotInfo: 0x102a, cameraSettings: 0x102d, timeStamp: 0x180e };
const MAX_HEAP_DEPTH = 8;
const MAX_ENTRIES = 512;

// The values of a heap and its sub-heaps, by tag (the tag's low 14 bits, as exiftool numbers them).
// A heap ends with the offset of its table: a count, then entries of tag, size and offset.
function readHeap(
  data: Buffer,
  le: boolean,
  start: number,
  end: number,
  depth: number,
  into: Map<number, Buffer>,
): void {
  const u16 = (at: number) => (le ? data.readUInt16LE(at) : data.readUInt16BE(at));
  const u32 = (at: number) => (le ? data.readUInt32LE(at) : data.readUInt32BE(at));
  if (depth > MAX_HEAP_DEPTH || end - start < 6 || end > data.length) return;
  const table = start + u32(end - 4);
  if (table + 2 > end) return;
  const count = Math.min(u16(table), MAX_ENTRIES);
  for (let i = 0; i < count; i++) {
    const entry = table + 2 + i * 10;
    if (entry + 10 > end) return;
    const tag = u16(entry);
    const id = tag & 0x3fff;
    if ((tag & 0xc000) === 0x4000) {
      into.set(id, data.subarray(entry + 2, entry + 10)); // the value is in the entry itself
      continue;
    }
    if ((tag & 0xc000) !== 0) continue;
    const size = u32(entry + 2);
    const at = start + u32(entry + 6);
    if (at + size > end) continue;
    const type = tag & 0x3800;
    if (type === 0x2800 || type === 0x3000) readHeap(data, le, at, at + size, depth + 1, into);
    else into.set(id, data.subarray(at, at + size));
  }
}

function ciffTags(segment: Buffer): Tags {
  const le = segment.toString("latin1", 0, 2) === "II";
  const headerLength = le ? segment.readUInt32LE(2) : segment.readUInt32BE(2);
  const values = new Map<number, Buffer>();
  readHeap(segment, le, headerLength, segment.length, 0, values);
  const shorts = (value: Buffer | undefined) =>
    value &&
    Array.from({ length: value.length >> 1 }, (_, i) => (le ? value.readUInt16LE(i * 2) : value.readUInt16BE(i * 2)));
  const tags: Tags = {};
  const makeModel = values.get(CIFF.makeModel)?.toString("latin1").split("\0");
  if (makeModel?.[0]?.trim()) tags.Make = makeModel[0].trim();
  if (makeModel?.[1]?.trim()) tags.Model = makeModel[1].trim();
  // Seconds since 1970 on the camera's clock, its wall-clock time read as UTC.
  const stamp = values.get(CIFF.timeStamp);
  if (stamp && stamp.length >= 4) {
    const seconds = le ? stamp.readUInt32LE(0) : stamp.readUInt32BE(0);
    if (seconds > 0)
      tags.DateTimeOriginal = new Date(seconds * 1000).toISOString().slice(0, 19).replace(/-/g, ":").replace("T", " ");
  }
  const focal = shorts(values.get(CIFF.focalLength));
  if (focal?.[1]) tags.FocalLength = focal[1];
  // CameraSettings and ShotInfo as in Canon's maker notes, without the IFD around them.
  const iso = canonIso(shorts(values.get(CIFF.cameraSettings)), shorts(values.get(CIFF.shotInfo)));
  if (iso !== undefined) tags.ISO = iso;
  return tags;
}

// The CIFF block of a JPEG, if it has one among the segments before its image data.
export async function readCiffTags(path: string): Promise<Tags> {
  return withFile(path, async (file) => {
    let at = 2;
    for (let segments = 0; segments < 64; segments++) {
      const header = await readAt(file, at, 4);
      if (header?.[0] !== 0xff || header[1] === 0xda || header[1] === 0xd9) return {};
      const length = header.readUInt16BE(2);
      if (header[1] === 0xe0 && length > 16) {
        const segment = await readAt(file, at + 4, length - 2);
        if (segment?.toString("latin1", 6, 14) === "HEAPJPGM") return ciffTags(segment);
      }
      at += 2 + length;
    }
    return {};
  });
}
