// Embedded JPEG previews of camera RAW files. We cannot demosaic sensor data, but every camera
// stores a JPEG rendering of the shot beside it; this finds the largest one. Only the bytes needed
// are read, and every offset and length comes from a possibly hostile file, so each is checked.
import { open } from "node:fs/promises";
import { boxesIn, readAt, type Box, type MediaFile, type Range } from "./media-file";

const inside = (file: MediaFile, range: Range) =>
  range.offset >= 0 && range.length > 0 && range.offset + range.length <= file.size;

// A JPEG that sharp (libjpeg) can decode: its first frame header is 8-bit baseline, extended or
// progressive Huffman (SOF0–SOF2). That rules out the lossless JPEG (SOF3) that CR2 and many DNGs
// use for the sensor data itself, and the 12-bit JPEG of others: both also start with FF D8 and are
// larger than any preview.
async function isDecodableJpeg(file: MediaFile, range: Range): Promise<boolean> {
  const end = range.offset + range.length;
  const soi = await readAt(file, range.offset, 2);
  if (soi?.[0] !== 0xff || soi[1] !== 0xd8) return false;
  let position = range.offset + 2;
  for (let segments = 0; segments < 64; segments++) {
    const header = position + 5 <= end ? await readAt(file, position, 5) : null;
    if (header?.[0] !== 0xff) return false;
    const marker = header[1]!;
    if (marker === 0xff) {
      position += 1; // fill byte before a marker
      continue;
    }
    const isFrameHeader = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrameHeader) return marker <= 0xc2 && header[4] === 8; // sample precision
    if (marker === 0xda || marker === 0xd9) return false; // scan or end before any frame header
    const length = header.readUInt16BE(2);
    if (length < 2) return false;
    position += 2 + length;
  }
  return false;
}

// --- TIFF-based RAW: DNG, CR2, NEF, ARW, ORF, RW2, PEF, SRW ---

const TAG = {
  jpgFromRaw: 0x002e, // RW2: a whole JPEG stored as the value of this IFD0 tag
  newSubfileType: 0x00fe, // 0: the full-resolution image; 1: a reduced one
  imageWidth: 0x0100,
  imageHeight: 0x0101,
  compression: 0x0103,
  photometric: 0x0106,
  stripOffsets: 0x0111,
  stripByteCounts: 0x0117,
  subIfds: 0x014a,
  jpegOffset: 0x0201,
  jpegLength: 0x0202,
  exifIfd: 0x8769,
};
const NUMERIC_TAGS = new Set([
  TAG.newSubfileType,
  TAG.imageWidth,
  TAG.imageHeight,
  TAG.compression,
  TAG.photometric,
  TAG.stripOffsets,
  TAG.stripByteCounts,
  TAG.subIfds,
  TAG.jpegOffset,
  TAG.jpegLength,
  TAG.exifIfd,
]);

const SENSOR_PHOTOMETRICS = new Set([32803, 34892]); // CFA, LinearRaw

// The bytes after "II"/"MM": 42 in standard TIFF, "U\0" in Panasonic RW2, "RO"/"RS" in Olympus ORF.
const TIFF_MAGICS = new Set(["*\0", "\0*", "U\0", "RO", "RS"]);

// Limits no real file comes near; they bound the work a hostile file can cause.
const MAX_IFDS = 32;
const MAX_ENTRIES = 1024;
const MAX_VALUES = 16;

interface TiffOrder {
  le: boolean;
}

const u16 = (buffer: Buffer, at: number, { le }: TiffOrder) => (le ? buffer.readUInt16LE(at) : buffer.readUInt16BE(at));
const u32 = (buffer: Buffer, at: number, { le }: TiffOrder) => (le ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at));

// The SHORT/LONG/IFD values of one IFD entry (at most MAX_VALUES), inline or where the entry points.
async function entryValues(file: MediaFile, entry: Buffer, order: TiffOrder): Promise<number[]> {
  const type = u16(entry, 2, order);
  const count = u32(entry, 4, order);
  const width = type === 3 ? 2 : type === 4 || type === 13 ? 4 : 0;
  if (width === 0 || count === 0 || count > MAX_VALUES) return [];
  const data = count * width <= 4 ? entry.subarray(8, 12) : await readAt(file, u32(entry, 8, order), count * width);
  if (!data) return [];
  return Array.from({ length: count }, (_, i) => (width === 2 ? u16(data, i * 2, order) : u32(data, i * 4, order)));
}

interface Ifd {
  values: Map<number, number[]>;
  jpgFromRaw: Range | null;
  next: number;
}

async function readIfd(file: MediaFile, offset: number, order: TiffOrder): Promise<Ifd | null> {
  const countBytes = await readAt(file, offset, 2);
  const count = countBytes ? u16(countBytes, 0, order) : 0;
  if (count === 0 || count > MAX_ENTRIES) return null;
  const entries = await readAt(file, offset + 2, count * 12);
  if (!entries) return null;
  const values = new Map<number, number[]>();
  let jpgFromRaw: Range | null = null;
  for (let at = 0; at < entries.length; at += 12) {
    const entry = entries.subarray(at, at + 12);
    const tag = u16(entry, 0, order);
    if (NUMERIC_TAGS.has(tag)) values.set(tag, await entryValues(file, entry, order));
    else if (tag === TAG.jpgFromRaw && u16(entry, 2, order) === 7) {
      jpgFromRaw = { offset: u32(entry, 8, order), length: u32(entry, 4, order) };
    }
  }
  // A file may end right after its last IFD's entries, without the next-IFD pointer.
  const next = await readAt(file, offset + 2 + count * 12, 4);
  return { values, jpgFromRaw, next: next ? u32(next, 0, order) : 0 };
}

// JPEGInterchangeFormat/Length, a single JPEG-compressed strip (Compression 6 = old-style JPEG,
// 7 = JPEG; several strips would be separate JPEG streams, not one picture) unless it holds sensor
// data (PhotometricInterpretation CFA or LinearRaw), and RW2's JpgFromRaw.
function ifdCandidates(ifd: Ifd): Range[] {
  const one = (tag: number) => {
    const values = ifd.values.get(tag);
    return values?.length === 1 ? values[0]! : null;
  };
  const candidates: Range[] = [];
  const jpegOffset = one(TAG.jpegOffset);
  const jpegLength = one(TAG.jpegLength);
  if (jpegOffset !== null && jpegLength !== null) candidates.push({ offset: jpegOffset, length: jpegLength });
  const compression = one(TAG.compression);
  const stripOffset = one(TAG.stripOffsets);
  const stripLength = one(TAG.stripByteCounts);
  const sensorData = SENSOR_PHOTOMETRICS.has(one(TAG.photometric) ?? 0);
  if ((compression === 6 || compression === 7) && !sensorData && stripOffset !== null && stripLength !== null) {
    candidates.push({ offset: stripOffset, length: stripLength });
  }
  if (ifd.jpgFromRaw) candidates.push(ifd.jpgFromRaw);
  return candidates;
}

// Walks IFD0 and its chain (IFD1, IFD2…), SubIFDs and the EXIF IFD, each at most once.
async function walkTiff(file: MediaFile, head: Buffer, visit: (ifd: Ifd) => void): Promise<void> {
  const order = { le: head[0] === 0x49 };
  const queue = [u32(head, 4, order)];
  const seen = new Set<number>();
  while (queue.length > 0 && seen.size < MAX_IFDS) {
    const offset = queue.shift()!;
    if (offset < 8 || seen.has(offset)) continue;
    seen.add(offset);
    const ifd = await readIfd(file, offset, order);
    if (!ifd) continue;
    visit(ifd);
    queue.push(...(ifd.values.get(TAG.subIfds) ?? []), ...(ifd.values.get(TAG.exifIfd) ?? []), ifd.next);
  }
}

async function tiffCandidates(file: MediaFile, head: Buffer): Promise<Range[]> {
  const candidates: Range[] = [];
  await walkTiff(file, head, (ifd) => candidates.push(...ifdCandidates(ifd)));
  return candidates;
}

// --- Canon CR3 (ISO base media file) ---

const CANON_METADATA_UUID = "85c0b687820f11e08111f4ce462b6a48"; // in moov: CMT1–4, THMB
const CANON_PREVIEW_UUID = "eaf42b5e1c984b88b9fbb7dc406e4d16"; // top level: PRVW

async function uuidChildren(file: MediaFile, box: Box, uuid: string, skip: number): Promise<Box[]> {
  const id = await readAt(file, box.start, 16);
  return id?.toString("hex") === uuid ? boxesIn(file, box.start + 16 + skip, box.end) : [];
}

// PRVW (about 1620×1080) and THMB (160×120) hold a JPEG after a small header: its byte count at
// 20 (PRVW) or 16 (THMB) from the box start, the data at 24 (layout from lclevy/canon_cr3).
async function cr3JpegBox(file: MediaFile, box: Box, lengthAt: number): Promise<Range | null> {
  const length = await readAt(file, box.offset + lengthAt, 4);
  const range = length ? { offset: box.offset + 24, length: length.readUInt32BE(0) } : null;
  return range && range.offset + range.length <= box.end ? range : null;
}

// The boxes of a CR3's metadata uuid in moov: CMT1–4 (TIFF blocks: IFD0, the EXIF IFD, Canon's
// maker note, GPS) and THMB.
export async function cr3MetadataBoxes(file: MediaFile): Promise<Box[]> {
  const found: Box[] = [];
  for (const box of await boxesIn(file, 0, file.size)) {
    if (box.type !== "moov") continue;
    for (const child of await boxesIn(file, box.start, box.end)) {
      if (child.type === "uuid") found.push(...(await uuidChildren(file, child, CANON_METADATA_UUID, 0)));
    }
  }
  return found;
}

async function cr3Candidates(file: MediaFile): Promise<Range[]> {
  const candidates: (Range | null)[] = [];
  for (const thumb of await cr3MetadataBoxes(file)) {
    if (thumb.type === "THMB") candidates.push(await cr3JpegBox(file, thumb, 16));
  }
  for (const box of await boxesIn(file, 0, file.size)) {
    if (box.type === "uuid") {
      // 8 bytes of unknown purpose sit between this uuid and the PRVW box.
      for (const preview of await uuidChildren(file, box, CANON_PREVIEW_UUID, 8)) {
        if (preview.type === "PRVW") candidates.push(await cr3JpegBox(file, preview, 20));
      }
    }
  }
  return candidates.filter((range): range is Range => range !== null);
}

// --- Fujifilm RAF: the header gives the JPEG's offset and length (big-endian) at 84 and 88 ---

async function rafCandidates(file: MediaFile): Promise<Range[]> {
  const pointer = await readAt(file, 84, 8);
  return pointer ? [{ offset: pointer.readUInt32BE(0), length: pointer.readUInt32BE(4) }] : [];
}

async function candidatesOf(file: MediaFile): Promise<Range[]> {
  const head = await readAt(file, 0, 16);
  if (!head) return [];
  if (head.toString("latin1", 0, 16) === "FUJIFILMCCD-RAW ") return rafCandidates(file);
  if (head.toString("latin1", 4, 12) === "ftypcrx ") return cr3Candidates(file);
  const byteOrder = head.toString("latin1", 0, 2);
  if ((byteOrder === "II" || byteOrder === "MM") && TIFF_MAGICS.has(head.toString("latin1", 2, 4)))
    return tiffCandidates(file, head);
  return [];
}

export async function extractRawPreview(path: string): Promise<Buffer | null> {
  const handle = await open(path, "r");
  try {
    const file = { handle, size: (await handle.stat()).size };
    const candidates = (await candidatesOf(file)).filter((range) => inside(file, range));
    candidates.sort((a, b) => b.length - a.length);
    for (const range of candidates) {
      if (await isDecodableJpeg(file, range)) return await readAt(file, range.offset, range.length);
    }
    return null;
  } finally {
    await handle.close();
  }
}

// The size of a TIFF-based RAW's full-resolution image (the largest IFD not marked as reduced), which
// is what the camera shot; the preview is usually smaller.
export async function readRawSize(path: string): Promise<{ width: number; height: number } | null> {
  const handle = await open(path, "r");
  try {
    const file = { handle, size: (await handle.stat()).size };
    const head = await readAt(file, 0, 16);
    if (
      !head ||
      !["II", "MM"].includes(head.toString("latin1", 0, 2)) ||
      !TIFF_MAGICS.has(head.toString("latin1", 2, 4))
    )
      return null;
    let best: { width: number; height: number } | null = null;
    await walkTiff(file, head, (ifd) => {
      const [width] = ifd.values.get(TAG.imageWidth) ?? [];
      const [height] = ifd.values.get(TAG.imageHeight) ?? [];
      const [subfileType = 0] = ifd.values.get(TAG.newSubfileType) ?? [];
      if (!width || !height || (subfileType & 1) === 1) return;
      if (!best || width * height > best.width * best.height) best = { width, height };
    });
    return best;
  } finally {
    await handle.close();
  }
}
