// HEVC-coded HEIC/HEIF, decoded by libheif compiled to WebAssembly (heic-decode): sharp's prebuilt
// libvips reads HEIF headers but carries no HEVC decoder.
//
// Orientation: libheif applies the HEIF transformations (irot rotation, imir mirroring, clap crop)
// while decoding and reports the transformed size, so the pixels returned here are already the
// right way up. Callers must NOT apply the EXIF Orientation on top: phones write both, saying the
// same thing (an iPhone portrait: irot 270° anticlockwise and EXIF Orientation 6), and applying
// both would turn the picture twice. HEIF makes the transformations normative and EXIF Orientation
// informative; libvips agrees (sharp reports no orientation for these files). Checked on the shared
// files: iPhone and Samsung HEICs with irot decode upright (3024×4032 from a 4032×3024 coded
// grid), and an irot or imir patched into a copy turns or mirrors the decoded pixels exactly. The
// exception is a file whose irot was lost while its EXIF Orientation stayed (photoprism-iphone_7.heic:
// Orientation 6, no irot): libheif leaves it as coded, lying on its side, and so does this.
//
// The decode is synchronous WebAssembly: about half a second for a 12-megapixel photo, blocking.
import { open } from "node:fs/promises";
import { createRequire } from "node:module";
import { boxesIn, readAt } from "./media-file";

interface DecodedImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

// heic-decode ships no types; this is the part of its API used here.
interface HeicDecode {
  all(input: {
    buffer: Uint8Array;
  }): Promise<Array<{ width: number; height: number; decode(): Promise<DecodedImage> }> & { dispose(): void }>;
}

const require = createRequire(import.meta.url);

// sharp's default limitInputPixels: the RGBA output of anything larger would not fit in memory,
// nor in WebAssembly's 2 GiB heap.
const MAX_PIXELS = 0x3fff * 0x3fff;

const HEVC_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis"]);
const GENERIC_HEIF_BRANDS = new Set(["mif1", "msf1"]);
const AV1_BRANDS = new Set(["avif", "avis"]);

const ascii = (bytes: Uint8Array, start: number) => String.fromCharCode(...bytes.subarray(start, start + 4));

// An HEVC-coded HEIF, by its ftyp box: an HEVC major brand, or the generic HEIF brands that AVIF
// files may also carry as major brand, as long as no AV1 brand is among the compatible ones.
// (heic-decode itself goes by the major brand only.)
export function isHeicBrand(head: Uint8Array): boolean {
  if (head.length < 12 || ascii(head, 4) !== "ftyp") return false;
  const major = ascii(head, 8);
  if (HEVC_BRANDS.has(major)) return true;
  if (!GENERIC_HEIF_BRANDS.has(major)) return false;
  const ftypEnd = Math.min(((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0, head.length);
  for (let at = 16; at + 4 <= ftypEnd; at += 4) {
    if (AV1_BRANDS.has(ascii(head, at))) return false;
  }
  return true;
}

// The primary image as RGBA. heic-decode decodes libheif's first top-level image; libheif lists
// them in item order, and in every real file (phones, cameras) that first one is the primary.
export async function decodeHeic(
  input: Buffer,
): Promise<{ data: Uint8ClampedArray | Buffer; width: number; height: number; channels: 4 }> {
  if (!isHeicBrand(input)) throw new Error("Not an HEVC-coded HEIC/HEIF file");
  const images = await (require("heic-decode") as HeicDecode).all({ buffer: input });
  try {
    const primary = images[0];
    if (!primary) throw new Error("The HEIF file holds no image");
    if (primary.width * primary.height > MAX_PIXELS)
      throw new Error(`The image is too large to decode (${primary.width}×${primary.height})`);
    const { data, width, height } = await primary.decode();
    return { data, width, height, channels: 4 };
  } finally {
    images.dispose();
  }
}

// Whether a HEIF (HEIC or AVIF) carries its own rotation or mirroring (irot/imir properties).
// Without them, a file's EXIF Orientation is all there is to go by (a tool that rewrote the file may
// have dropped irot but kept EXIF). The meta box may come after the image data (Samsung), so the
// top-level boxes are walked by their headers and only meta is read whole.
export async function hasHeifTransform(path: string): Promise<boolean> {
  const file = await open(path, "r");
  try {
    const { size: fileSize } = await file.stat();
    const header = Buffer.alloc(16);
    for (let at = 0, count = 0; at + 8 <= fileSize && count < 64; count++) {
      await file.read(header, 0, 16, at);
      let size = header.readUInt32BE(0);
      if (size === 1) size = Number(header.readBigUInt64BE(8));
      else if (size === 0) size = fileSize - at;
      if (size < 8 || at + size > fileSize) return false;
      if (ascii(header, 4) === "meta") {
        if (size > 16 * 1024 * 1024) return false;
        const meta = Buffer.alloc(size);
        await file.read(meta, 0, size, at);
        return metaHasTransform(meta);
      }
      at += size;
    }
    return false;
  } finally {
    await file.close();
  }
}

function* boxes(data: Buffer, start: number, end: number): Generator<{ type: string; body: number; end: number }> {
  for (let at = start; at + 8 <= end; ) {
    let size = data.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return;
      size = Number(data.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) return;
    yield { type: ascii(data, at + 4), body: at + header, end: at + size };
    at += size;
  }
}

function metaHasTransform(meta: Buffer): boolean {
  const find = (type: string, start: number, end: number) => {
    for (const box of boxes(meta, start, end)) if (box.type === type) return box;
    return undefined;
  };
  // meta is a full box: its children start after 4 bytes of version and flags.
  const iprp = find("iprp", 12, meta.length);
  const ipco = iprp && find("ipco", iprp.body, iprp.end);
  if (!ipco) return false;
  for (const property of boxes(meta, ipco.body, ipco.end))
    if (property.type === "irot" || property.type === "imir") return true;
  return false;
}

// Whether an ISO-BMFF file's top-level boxes lead cleanly to its meta box. exifr follows them too,
// and loops forever on a zero-length box before meta (corrupt/fuzz-exiv2/pr_2612_poc.heic), so only
// a file that passes this goes to exifr.
export async function heifMetaReachable(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const header = Buffer.alloc(16);
    let offset = 0;
    for (let count = 0; count < 64 && Number.isSafeInteger(offset); count++) {
      const { bytesRead } = await handle.read(header, 0, 16, offset);
      const type = ascii(header, 4);
      if (bytesRead < 8 || (offset === 0 && type !== "ftyp")) return false;
      if (type === "meta") return true;
      const size = header.readUInt32BE(0);
      const length = size === 1 && bytesRead === 16 ? Number(header.readBigUInt64BE(8)) : size;
      if (length < 8) return false;
      offset += length;
    }
    return false;
  } finally {
    await handle.close();
  }
}

// A HEIF image sequence (brand msf1: bursts, animations) that keeps its pictures as a video track
// (moov) rather than as items: libheif sees no image in one without a still of its own.
export async function isHeifSequence(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const file = { handle, size: (await handle.stat()).size };
    const boxes = await boxesIn(file, 0, file.size);
    const ftyp =
      boxes[0]?.type === "ftyp"
        ? await readAt(file, boxes[0].start, Math.min(boxes[0].end - boxes[0].start, 64))
        : null;
    const brands = ftyp
      ? Array.from({ length: ftyp.length >> 2 }, (_, i) => ftyp.toString("latin1", i * 4, i * 4 + 4))
      : [];
    return brands.includes("msf1") && boxes.some((box) => box.type === "moov");
  } finally {
    await handle.close();
  }
}
