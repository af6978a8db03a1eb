// The MP4 inside a Google or Samsung motion photo (JPEG or HEIC). Several places may say where it
// is: Google's XMP (Camera:MotionPhoto with a Container:Directory, or the older MicroVideo), the
// top-level 'mpvd' box of a HEIC, and Samsung's trailer. Each is only a claim — phones get them
// wrong (a Galaxy S22 HEIC's XMP points into its trailer) and editors strip the video but keep the
// XMP — so a claim counts only if an MP4, starting with its ftyp box, is really there.
import { open } from "node:fs/promises";
import { boxesIn, readAt, type Box, type MediaFile, type Range } from "./media-file";

// Limits no real file comes near; they bound the work a hostile file can cause.
const MAX_SEGMENTS = 256;
const SCAN_CHUNK = 1 << 20;

// --- ISO base media boxes: HEIC, and the MP4 itself ---

// The MP4 at range.offset, cut to its whole top-level boxes, the first of which must be ftyp:
// whatever follows the last one (Samsung's trailer after a MicroVideo) is not part of the video.
async function mp4At(file: MediaFile, range: Range): Promise<Range | null> {
  if (!Number.isSafeInteger(range.offset) || !Number.isSafeInteger(range.length)) return null;
  const boxes = await boxesIn(file, range.offset, Math.min(range.offset + range.length, file.size));
  if (boxes[0]?.type !== "ftyp") return null;
  return { offset: range.offset, length: boxes.at(-1)!.end - range.offset };
}

// --- Where XMP lives ---

const XMP_SIGNATURE = "http://ns.adobe.com/xap/1.0/\0";

// The XMP packet of a JPEG: an APP1 segment before the image data.
async function jpegXmp(file: MediaFile): Promise<string | null> {
  let position = 2;
  for (let segments = 0; segments < MAX_SEGMENTS; segments++) {
    const header = await readAt(file, position, 4);
    if (header?.[0] !== 0xff) return null;
    const marker = header[1]!;
    if (marker === 0xff) {
      position += 1; // fill byte before a marker
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null; // image data: no metadata after it
    const length = header.readUInt16BE(2);
    if (length < 2) return null;
    if (marker === 0xe1 && length - 2 > XMP_SIGNATURE.length) {
      const payload = await readAt(file, position + 4, length - 2);
      if (payload?.toString("latin1", 0, XMP_SIGNATURE.length) === XMP_SIGNATURE)
        return payload.toString("utf8", XMP_SIGNATURE.length);
    }
    position += 2 + length;
  }
  return null;
}

// Big-endian fields of a box read from memory; past the end every value is NaN, which every
// later check rejects.
class Cursor {
  constructor(
    private readonly buffer: Buffer,
    public at = 0,
  ) {}

  get overrun() {
    return !(this.at <= this.buffer.length);
  }

  uint(bytes: 0 | 1 | 2 | 4 | 8): number {
    const at = this.at;
    this.at += bytes;
    if (this.overrun) return NaN;
    if (bytes === 8) return Number(this.buffer.readBigUInt64BE(at));
    return bytes === 0 ? 0 : this.buffer.readUIntBE(at, bytes);
  }

  text(): string {
    const end = this.buffer.indexOf(0, this.at);
    const value = this.buffer.toString("latin1", this.at, end < 0 ? this.buffer.length : end);
    this.at = end < 0 ? this.buffer.length + 1 : end + 1;
    return value;
  }
}

// iinf: the id of the item holding XMP (item type 'mime', content type application/rdf+xml).
function xmpItemId(iinf: Buffer): number | null {
  const cursor = new Cursor(iinf);
  const version = cursor.uint(4) >>> 24;
  const count = cursor.uint(version === 0 ? 2 : 4);
  for (let i = 0; i < count && !cursor.overrun; i++) {
    const start = cursor.at;
    const size = cursor.uint(4);
    if (!(size >= 12)) return null;
    const type = iinf.toString("latin1", cursor.at, cursor.at + 4);
    cursor.at += 4;
    const infeVersion = cursor.uint(4) >>> 24;
    if (type === "infe" && infeVersion >= 2) {
      const id = cursor.uint(infeVersion === 2 ? 2 : 4);
      cursor.uint(2); // protection index
      const itemType = iinf.toString("latin1", cursor.at, cursor.at + 4);
      cursor.at += 4;
      cursor.text(); // item name
      if (itemType === "mime" && cursor.text() === "application/rdf+xml") return id;
    }
    cursor.at = start + size;
  }
  return null;
}

// iloc: where an item's bytes are, when they are one piece of the file (construction method 0).
function itemRange(iloc: Buffer, wanted: number): Range | null {
  const cursor = new Cursor(iloc);
  const version = cursor.uint(4) >>> 24;
  const sizes = cursor.uint(2);
  const size = (nibble: number) => (nibble === 4 || nibble === 8 ? nibble : 0) as 0 | 4 | 8;
  const [offsetSize, lengthSize, baseSize] = [size(sizes >> 12), size((sizes >> 8) & 15), size((sizes >> 4) & 15)];
  const indexSize = version === 0 ? 0 : size(sizes & 15);
  const count = cursor.uint(version === 2 ? 4 : 2);
  for (let i = 0; i < count && !cursor.overrun; i++) {
    const id = cursor.uint(version === 2 ? 4 : 2);
    const method = version === 0 ? 0 : cursor.uint(2) & 15;
    cursor.uint(2); // data reference index
    const base = cursor.uint(baseSize);
    const extents = cursor.uint(2);
    if (id === wanted) {
      if (method !== 0 || extents !== 1) return null;
      cursor.uint(indexSize);
      return { offset: base + cursor.uint(offsetSize), length: cursor.uint(lengthSize) };
    }
    cursor.at += extents * (indexSize + offsetSize + lengthSize);
  }
  return null;
}

// The XMP of a HEIC: an item of its meta box.
async function heifXmp(file: MediaFile, topLevel: Box[]): Promise<string | null> {
  const meta = topLevel.find((box) => box.type === "meta");
  if (!meta) return null;
  const children = await boxesIn(file, meta.start + 4, meta.end); // after meta's version and flags
  const payload = (type: string) => {
    const box = children.find((child) => child.type === type);
    return box ? readAt(file, box.start, box.end - box.start) : null;
  };
  const [iinf, iloc] = await Promise.all([payload("iinf"), payload("iloc")]);
  const id = iinf ? xmpItemId(iinf) : null;
  const range = iloc && id !== null ? itemRange(iloc, id) : null;
  const xmp = range ? await readAt(file, range.offset, range.length) : null;
  return xmp?.toString("utf8") ?? null;
}

// --- The claims ---

// An XMP property, written either as an attribute (Camera:MotionPhoto="1") or as an element
// (<Camera:MotionPhoto>1</Camera:MotionPhoto>), whatever its namespace prefix.
function property(xml: string, name: string): string | null {
  const match = new RegExp(`[\\s<][\\w-]+:${name}(?:\\s*=\\s*(?:"([^"]*)"|'([^']*)')|>([^<]*)<)`).exec(xml);
  return match ? (match[1] ?? match[2] ?? match[3] ?? "").trim() : null;
}

function xmpClaims(xmp: string, fileSize: number): Range[] {
  const claims: Range[] = [];
  if (property(xmp, "MotionPhoto") === "1") {
    const directory = /<[\w-]+:Directory\b[\s\S]*?<\/[\w-]+:Directory>/.exec(xmp)?.[0] ?? "";
    const items = directory
      .split(/<rdf:li\b/)
      .slice(1)
      .map((item) => ({
        semantic: property(item, "Semantic"),
        length: Number(property(item, "Length") ?? 0),
        padding: Number(property(item, "Padding") ?? 0),
      }));
    const video = items.findIndex((item) => item.semantic === "MotionPhoto");
    if (video > 0) {
      // The items after the primary image are laid end to end, each followed by its padding, up to
      // the end of the file: the video starts as far from the end as it and those after it take.
      const fromEnd = items.slice(video).reduce((sum, item) => sum + item.length + item.padding, 0);
      claims.push({ offset: fileSize - fromEnd, length: items[video]!.length });
    }
  }
  if (property(xmp, "MicroVideo") === "1") {
    const fromEnd = Number(property(xmp, "MicroVideoOffset"));
    claims.push({ offset: fileSize - fromEnd, length: fromEnd });
  }
  return claims;
}

const SAMSUNG_MARKER = Buffer.from("MotionPhoto_Data");

// Samsung ends these files with a trailer ("…SEFT") and puts the MP4 right after the ASCII marker
// MotionPhoto_Data. The trailer's own directory is often stale (files shortened by editors), so the
// marker is searched for, in chunks overlapping by less than its length.
async function samsungClaims(file: MediaFile): Promise<Range[]> {
  const tail = await readAt(file, file.size - 4, 4);
  if (tail?.toString("latin1") !== "SEFT") return [];
  const claims: Range[] = [];
  for (let chunkStart = 0; chunkStart < file.size; chunkStart += SCAN_CHUNK - SAMSUNG_MARKER.length + 1) {
    const chunk = await readAt(file, chunkStart, Math.min(SCAN_CHUNK, file.size - chunkStart));
    if (!chunk) break;
    for (let at = chunk.indexOf(SAMSUNG_MARKER); at >= 0; at = chunk.indexOf(SAMSUNG_MARKER, at + 1)) {
      const offset = chunkStart + at + SAMSUNG_MARKER.length;
      claims.push({ offset, length: file.size - offset });
    }
    if (chunkStart + chunk.length >= file.size) break;
  }
  return claims;
}

// The claims of a file, most specific first, each computed only when the ones before it failed.
async function claimsOf(file: MediaFile, head: Buffer): Promise<(() => Promise<Range[]>)[]> {
  if (head[0] === 0xff && head[1] === 0xd8) {
    return [async () => xmpClaims((await jpegXmp(file)) ?? "", file.size), () => samsungClaims(file)];
  }
  if (head.toString("latin1", 4, 8) !== "ftyp") return [];
  const topLevel = await boxesIn(file, 0, file.size);
  const mpvd = topLevel
    .filter((box) => box.type === "mpvd")
    .map((box) => ({ offset: box.start, length: box.end - box.start }));
  return [
    async () => xmpClaims((await heifXmp(file, topLevel)) ?? "", file.size),
    async () => mpvd,
    () => samsungClaims(file),
  ];
}

export async function findMotionPhotoVideo(path: string): Promise<{ offset: number; length: number } | null> {
  const handle = await open(path, "r");
  try {
    const file = { handle, size: (await handle.stat()).size };
    const head = await readAt(file, 0, 12);
    if (!head) return null;
    for (const claims of await claimsOf(file, head)) {
      for (const claim of await claims()) {
        const video = await mp4At(file, claim);
        if (video) return video;
      }
    }
    return null;
  } finally {
    await handle.close();
  }
}
