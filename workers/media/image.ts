// Image tools: EXIF with exifr, pixels with sharp (HEVC-coded HEIC through libheif in WebAssembly,
// camera RAW through its embedded preview). The only code that decodes image files.
import exifr from "exifr";
import { open, readFile } from "node:fs/promises";
import { inflateSync } from "node:zlib";
import sharp, { type Sharp } from "sharp";
import { rgbaToThumbHash } from "thumbhash";
import { UnprocessableMediaError } from "../jobs/errors";
import { readCiffTags, readCr3Tags } from "./canon";
import { decodeHeic, hasHeifTransform, heifMetaReachable } from "./heic";
import { decodeJxl } from "./jxl";
import { readMakerNote } from "./maker-notes";
import { extractRawPreview, readRawSize } from "./raw-preview";
import { readXmp } from "./xmp";

export interface ImageMetadata {
  width: number | null;
  height: number | null;
  make: string | null;
  model: string | null;
  lensModel: string | null;
  fNumber: number | null;
  focalLength: number | null;
  iso: number | null;
  exposureTime: string | null;
  // Wall-clock time where it was taken ("2019-06-09T12:57:32"), and its UTC offset ("+02:00") if known.
  dateTaken: string | null;
  offset: string | null;
  latitude: number | null;
  longitude: number | null;
  orientation: number | null;
  exifImageWidth: number | null;
  exifImageHeight: number | null;
  description: string | null;
  rating: number | null;
}

type Tags = Record<string, unknown>;

// Decoding more pixels than this is refused: a decompression bomb must not take the worker down.
const maxPixels = 200_000_000;

const rawTypes = new Set([
  "image/x-adobe-dng",
  "image/x-sony-arw",
  "image/x-canon-cr2",
  "image/x-canon-cr3",
  "image/x-nikon-nef",
  "image/x-olympus-orf",
  "image/x-pentax-pef",
  "image/x-fuji-raf",
  "image/x-panasonic-rw2",
  "image/x-samsung-srw",
]);
const heifTypes = new Set(["image/heic", "image/heif", "image/avif"]);

const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim().replace(/\0+$/, "") : null);
const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);

// "1/250" for fast shutters, "2.5" for slow ones, as photographers write them.
function exposure(value: unknown): string | null {
  const seconds = number(value);
  if (seconds === null || seconds <= 0) return null;
  return seconds >= 1 ? String(Math.round(seconds * 10) / 10) : `1/${Math.round(1 / seconds)}`;
}

function exifDate(value: unknown): string | null {
  const raw = text(value);
  const match = raw?.match(/^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!match || match[1] === "0000" || match[2] === "00" || match[3] === "00") return null;
  return `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}`;
}

function offset(value: unknown): string | null {
  const raw = text(value);
  return raw && /^[+-]\d{2}:\d{2}$/.test(raw) ? raw : null;
}

// GPS of exactly 0,0 is a camera that had no fix, not a photo in the Gulf of Guinea.
function coordinates(tags: Tags): { latitude: number | null; longitude: number | null } {
  const latitude = number(tags.latitude);
  const longitude = number(tags.longitude);
  if (latitude === null || longitude === null) return { latitude: null, longitude: null };
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180 || (latitude === 0 && longitude === 0)) {
    return { latitude: null, longitude: null };
  }
  return { latitude, longitude };
}

// Only the tags Shoebox uses, from IFD0, the EXIF IFD and GPS (never IFD1, the thumbnail's, whose
// values would otherwise mix in). Picking also keeps exifr clear of odd tags it chokes on (DNG floats).
const exifTags = {
  ifd0: ["Make", "Model", "Orientation", "ImageWidth", "ImageHeight", "ImageDescription", "ModifyDate"],
  exif: [
    "DateTimeOriginal",
    "CreateDate",
    "OffsetTimeOriginal",
    "OffsetTime",
    "FNumber",
    "ISO",
    "ExposureTime",
    "FocalLength",
    "LensModel",
    "ExifImageWidth",
    "ExifImageHeight",
    "Rating",
  ],
  gps: true,
  ifd1: false,
  xmp: false,
  iptc: false,
  icc: false,
  reviveValues: false,
  translateValues: false,
  mergeOutput: true,
};

async function parseExif(input: string | Buffer): Promise<Tags> {
  try {
    return ((await exifr.parse(input, exifTags as never)) as Tags | undefined) ?? {};
  } catch {
    // Broken EXIF is common in real libraries; the picture itself may still be fine.
    return {};
  }
}

// An EXIF block as sharp hands it over ("Exif\0\0" and a TIFF header), for formats exifr cannot open.
function tiffPart(exif: Buffer | undefined): Buffer | undefined {
  if (!exif) return undefined;
  const at = [exif.indexOf("II*\0", 0, "latin1"), exif.indexOf("MM\0*", 0, "latin1")].filter((i) => i >= 0 && i < 16);
  return at.length ? exif.subarray(Math.min(...at)) : undefined;
}

// ImageMagick's way of keeping EXIF in a PNG before eXIf existed: a text chunk "Raw profile type
// exif" (or "APP1") holding "\nexif\n<length>\n" and the block in hex.
function rawProfileExif(chunk: Buffer, type: string): Buffer | undefined {
  const keywordEnd = chunk.indexOf(0);
  if (!/^Raw profile type (exif|APP1)$/i.test(chunk.toString("latin1", 0, keywordEnd))) return undefined;
  // tEXt: the text; zTXt: a compression method byte, then zlib.
  const text = type === "zTXt" ? inflateSync(chunk.subarray(keywordEnd + 2), { maxOutputLength: 4 * 1024 * 1024 }) : chunk.subarray(keywordEnd + 1);
  const hex = text.toString("latin1").trim().split("\n").slice(2).join("").replace(/\s+/g, "");
  const block = /^([0-9a-f]{2})+$/i.test(hex) ? Buffer.from(hex, "hex") : undefined;
  return block && tiffPart(block) ? block : undefined;
}

// A PNG's EXIF, wherever it sits: an eXIf chunk (some writers put it after the image data, where
// exifr and libvips stop looking), or ImageMagick's raw profile. Chunk headers are walked; only the
// chunks that may hold it are read.
async function pngExif(path: string): Promise<Buffer | undefined> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(8);
    for (let at = 8, count = 0; at + 12 <= size && count < 10_000; count++) {
      await file.read(header, 0, 8, at);
      const length = header.readUInt32BE(0);
      const type = header.toString("latin1", 4, 8);
      if (["eXIf", "tEXt", "zTXt"].includes(type) && length <= 16 * 1024 * 1024 && at + 8 + length <= size) {
        const chunk = Buffer.alloc(length);
        await file.read(chunk, 0, length, at + 8);
        const exif = type === "eXIf" ? chunk : rawProfileExif(chunk, type);
        if (exif) return exif;
      }
      if (type === "IEND") return undefined;
      at += 12 + length;
    }
    return undefined;
  } finally {
    await file.close();
  }
}

// What a maker note adds, never failing: a damaged one only means less to show.
function makerNoteTags(exif: Buffer | undefined): Tags {
  try {
    return exif ? readMakerNote(exif) : {};
  } catch {
    return {};
  }
}

// The tags of an image, in exifr's names: from EXIF, with what the maker note adds where EXIF has
// nothing, and from the containers exifr does not read (CR3, the CIFF of old Canon JPEGs).
async function readTags(path: string, mimeType: string, embeddedExif?: Buffer): Promise<Tags> {
  if (mimeType === "image/x-canon-cr3") return readCr3Tags(path).catch(() => ({}));
  const exifTags = await readExifTags(path, mimeType, embeddedExif);
  // Where a JPEG has both, the camera and its clock come from the CIFF block the camera wrote (EXIF
  // beside it came from software later), the rest from EXIF first: exiftool reads them so.
  const { Make, Model, DateTimeOriginal, ...ciff } = mimeType === "image/jpeg" ? await readCiffTags(path).catch(() => ({}) as Tags) : {};
  const identity = Object.fromEntries(Object.entries({ Make, Model, DateTimeOriginal }).filter(([, value]) => value !== undefined));
  return { ...makerNoteTags(embeddedExif), ...ciff, ...exifTags, ...identity };
}

async function readExifTags(path: string, mimeType: string, embeddedExif?: Buffer): Promise<Tags> {
  if (heifTypes.has(mimeType) && !(await heifMetaReachable(path).catch(() => false))) return {};
  if (mimeType === "image/png") embeddedExif ??= await pngExif(path).catch(() => undefined);
  const tags = await parseExif(path);
  const embedded = tiffPart(embeddedExif);
  // The embedded block is the fuller one where the file's own parse came back thin.
  if (embedded && (Object.keys(tags).length === 0 || tags.DateTimeOriginal === undefined)) return { ...tags, ...(await parseExif(embedded)) };
  if (Object.keys(tags).length > 0) return tags;
  if (rawTypes.has(mimeType)) {
    // Fujifilm RAF and others keep their EXIF in the embedded JPEG.
    const preview = await extractRawPreview(path).catch(() => null);
    if (preview) return parseExif(preview);
  }
  return {};
}

// sharp cannot read JPEG XL headers; decoding is the one sure way to its size.
async function jxlSize(path: string): Promise<{ width: number; height: number } | null> {
  const decoded = await decodeJxl(await readFile(path)).catch(() => null);
  return decoded && { width: decoded.width, height: decoded.height };
}

const turnsQuarter = (orientation: number | null) => orientation !== null && orientation >= 5 && orientation <= 8;

export async function readImageMetadata(path: string, mimeType: string): Promise<ImageMetadata> {
  const raw = rawTypes.has(mimeType);
  const pixels = raw ? null : await sharp(path, { limitInputPixels: maxPixels }).metadata().catch(() => null);
  const tags = await readTags(path, mimeType, pixels?.exif);
  // XMP fills what EXIF leaves out (PNGs and edited files often carry only XMP).
  const xmp = pixels?.xmp ? readXmp(pixels.xmp) : null;
  const orientation = number(tags.Orientation) ?? xmp?.orientation ?? null;
  const rawSize = raw ? await readRawSize(path).catch(() => null) : mimeType === "image/jxl" ? await jxlSize(path) : null;
  const width = rawSize?.width ?? pixels?.width ?? number(tags.ExifImageWidth) ?? number(tags.ImageWidth);
  const height = rawSize?.height ?? pixels?.height ?? number(tags.ExifImageHeight) ?? number(tags.ImageHeight);
  // libheif reports a HEIF's size with its own rotation applied; only a HEIF without one is turned by
  // its EXIF Orientation, like any other image.
  // Files sharp decodes itself are turned by what libvips reads as their orientation (not, say, the
  // EXIF of a PNG's old raw profile), as their thumbnails are.
  const bySharp = !raw && !heifTypes.has(mimeType) && mimeType !== "image/jxl";
  const turned = bySharp
    ? turnsQuarter(pixels?.orientation ?? null)
    : turnsQuarter(orientation) && !(heifTypes.has(mimeType) && (await hasHeifTransform(path).catch(() => false)));
  const exifDateTaken = exifDate(tags.DateTimeOriginal);
  const dateTaken = exifDateTaken ?? xmp?.dateTaken ?? exifDate(tags.CreateDate);
  const dateOffset = exifDateTaken ? (offset(tags.OffsetTimeOriginal) ?? offset(tags.OffsetTime)) : dateTaken === xmp?.dateTaken ? xmp.offset : offset(tags.OffsetTime);
  const exifPlace = coordinates(tags);
  const place = exifPlace.latitude !== null ? exifPlace : { latitude: xmp?.latitude ?? null, longitude: xmp?.longitude ?? null };
  return {
    width: turned ? height : width,
    height: turned ? width : height,
    make: text(tags.Make) ?? xmp?.make ?? null,
    model: text(tags.Model) ?? xmp?.model ?? null,
    lensModel: text(tags.LensModel) ?? xmp?.lensModel ?? null,
    fNumber: number(tags.FNumber) ?? xmp?.fNumber ?? null,
    focalLength: number(tags.FocalLength) ?? xmp?.focalLength ?? null,
    // Some cameras (Nikon, Olympus) write two values, one of them 0.
    iso: number(tags.ISO) || (Array.isArray(tags.ISO) ? number(tags.ISO.find((value) => number(value))) : null) || xmp?.iso || null,
    exposureTime: exposure(tags.ExposureTime) ?? xmp?.exposureTime ?? null,
    dateTaken,
    offset: dateOffset,
    ...place,
    orientation,
    exifImageWidth: number(tags.ExifImageWidth) ?? number(tags.ImageWidth),
    exifImageHeight: number(tags.ExifImageHeight) ?? number(tags.ImageHeight),
    description: text(tags.ImageDescription) ?? xmp?.description ?? null,
    rating: number(tags.Rating) ?? xmp?.rating ?? null,
  };
}

// Applies an EXIF orientation by hand, for pixels that carry none of their own (RAW previews).
// sharp mirrors before it rotates.
function orient(image: Sharp, orientation: number | null): Sharp {
  switch (orientation) {
    case 2:
      return image.flop();
    case 3:
      return image.rotate(180);
    case 4:
      return image.flip();
    case 5:
      return image.flop().rotate(270);
    case 6:
      return image.rotate(90);
    case 7:
      return image.flop().rotate(90);
    case 8:
      return image.rotate(270);
    default:
      return image;
  }
}

// The picture, upright, ready to resize.
async function openUpright(path: string, mimeType: string): Promise<Sharp> {
  const options = { limitInputPixels: maxPixels, failOn: "none" as const };
  if (rawTypes.has(mimeType)) {
    const preview = await extractRawPreview(path);
    if (!preview) throw new UnprocessableMediaError("This RAW file has no embedded preview to show");
    const tags = await readTags(path, mimeType);
    return orient(sharp(preview, options), number(tags.Orientation));
  }
  if (heifTypes.has(mimeType)) {
    // libheif applies a HEIF's own rotation while decoding and sharp reports no EXIF orientation for
    // these files, so the EXIF Orientation is applied by hand only where the HEIF has none of its own.
    const [header, transformed, tags] = await Promise.all([
      sharp(path, options).metadata().catch(() => null),
      hasHeifTransform(path).catch(() => false),
      readTags(path, mimeType),
    ]);
    const exifOrientation = transformed ? null : number(tags.Orientation);
    // sharp's libvips decodes AV1-coded HEIF itself; HEVC needs libheif.
    if (header?.compression === "av1") return orient(sharp(path, options), exifOrientation);
    if (header?.width && header.height && header.width * header.height > maxPixels) {
      throw new UnprocessableMediaError(`The image is too large to decode (${header.width}×${header.height})`);
    }
    const decoded = await decodeHeic(await readFile(path));
    const pixels = sharp(Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength), {
      raw: { width: decoded.width, height: decoded.height, channels: 4 },
      limitInputPixels: maxPixels,
    });
    return orient(pixels, exifOrientation);
  }
  if (mimeType === "image/jxl") {
    const decoded = await decodeJxl(await readFile(path));
    return sharp(Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength), {
      raw: { width: decoded.width, height: decoded.height, channels: 4 },
      limitInputPixels: maxPixels,
    });
  }
  return sharp(path, options).rotate();
}

export interface ImageDerivatives {
  thumbnail: Buffer;
  preview: Buffer;
  thumbhash: string;
  // The thumbnail's perceptual hash (perceptualHash below).
  perceptualHash: string;
}

// cos((2x + 1)uπ / 64) for the 8 lowest frequencies u of a 32-point DCT.
const dctSize = 32;
const dctCosines = Array.from({ length: 8 }, (_, u) => Float64Array.from({ length: dctSize }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * dctSize))));

// A 64-bit perceptual hash (pHash) of a picture, as 16 hex digits: its grey levels at 32×32, the
// 8×8 lowest frequencies of their DCT, one bit each for being above their median. Resizing,
// re-encoding, small crops and brightness changes move few bits; different photos differ in about
// half (common/duplicates.ts compares them). Made from the thumbnail, which is small to decode, so
// that a thumbnail made earlier hashes as one made now.
export async function perceptualHash(image: Buffer): Promise<string> {
  const pixels = await sharp(image).flatten({ background: "#ffffff" }).greyscale().resize(dctSize, dctSize, { fit: "fill" }).raw().toBuffer();
  // Rows first (8 frequencies per row), then columns.
  const rows = new Float64Array(dctSize * 8);
  for (let y = 0; y < dctSize; y++) {
    for (let v = 0; v < 8; v++) {
      let sum = 0;
      for (let x = 0; x < dctSize; x++) sum += pixels[y * dctSize + x]! * dctCosines[v]![x]!;
      rows[y * 8 + v] = sum;
    }
  }
  const coefficients: number[] = [];
  for (let u = 0; u < 8; u++) {
    for (let v = 0; v < 8; v++) {
      let sum = 0;
      for (let y = 0; y < dctSize; y++) sum += rows[y * 8 + v]! * dctCosines[u]![y]!;
      coefficients.push(sum);
    }
  }
  // The median of all but the mean (u = v = 0), which would skew it.
  const sorted = coefficients.slice(1).sort((a, b) => a - b);
  const median = sorted[31]!;
  // A flat picture (less than a grey level of change across it) has only rounding noise for
  // frequencies: its hash is the mean's bit alone, which common/duplicates.ts leaves ungrouped.
  if (Math.max(-sorted[0]!, sorted[62]!) < 256) return "8000000000000000";
  let hex = "";
  for (let i = 0; i < 64; i += 4) {
    let nibble = 0;
    for (let j = 0; j < 4; j++) nibble = (nibble << 1) | (coefficients[i + j]! > median ? 1 : 0);
    hex += nibble.toString(16);
  }
  return hex;
}

// From an upright picture: a JPEG preview with a 1440 px short edge for the viewer, a WebP thumbnail
// with a 250 px short edge for grids (both never enlarged), a thumbhash placeholder and a perceptual
// hash. The source is decoded once; the small outputs come from the preview, the hash from the thumbnail.
export async function renderDerivatives(upright: Sharp): Promise<ImageDerivatives> {
  let preview: Buffer;
  try {
    preview = await upright
      .resize(1440, 1440, { fit: "outside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer();
  } catch (error) {
    throw new UnprocessableMediaError(`The image cannot be decoded: ${(error as Error).message}`);
  }
  const [thumbnail, small] = await Promise.all([
    sharp(preview).resize(250, 250, { fit: "outside", withoutEnlargement: true }).webp({ quality: 80 }).toBuffer(),
    sharp(preview).resize(100, 100, { fit: "inside" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
  ]);
  const hash = rgbaToThumbHash(small.info.width, small.info.height, small.data);
  return { thumbnail, preview, thumbhash: Buffer.from(hash).toString("base64"), perceptualHash: await perceptualHash(thumbnail) };
}

export async function renderImageDerivatives(path: string, mimeType: string): Promise<ImageDerivatives> {
  let upright: Sharp;
  try {
    upright = await openUpright(path, mimeType);
  } catch (error) {
    if (error instanceof UnprocessableMediaError || (error as NodeJS.ErrnoException).code === "ENOENT") throw error;
    throw new UnprocessableMediaError(`The image cannot be decoded: ${(error as Error).message}`);
  }
  return renderDerivatives(upright);
}
