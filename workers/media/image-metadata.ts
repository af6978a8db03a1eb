// What an image file says about itself, read with exifr and sharp's header reading, and from the
// containers exifr does not read (./canon.ts, ./maker-notes.ts): date, place, camera, exposure, size.
import exifr from "exifr";
import { open, readFile } from "node:fs/promises";
import { inflateSync } from "node:zlib";
import sharp from "sharp";
import { readCiffTags, readCr3Tags } from "./canon";
import { hasHeifTransform, heifMetaReachable, isHeifSequence } from "./heic";
import { decodeJxl } from "./jxl";
import { readMakerNote } from "./maker-notes";
import { extractRawPreview, readRawSize } from "./raw-preview";
import { extractFirstFrame } from "./video";
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
export const maxPixels = 200_000_000;

export const rawTypes = new Set([
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
export const heifTypes = new Set(["image/heic", "image/heif", "image/avif"]);

const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim().replace(/\0+$/, "") : null);
export const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);
// The first value not 0 of a list (exifr gives typed arrays for some).
const firstNumber = (value: unknown) =>
  Array.isArray(value) || ArrayBuffer.isView(value)
    ? (Array.from(value as ArrayLike<unknown>)
        .map(number)
        .find(Boolean) ?? null)
    : null;

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
  const text =
    type === "zTXt"
      ? inflateSync(chunk.subarray(keywordEnd + 2), { maxOutputLength: 4 * 1024 * 1024 })
      : chunk.subarray(keywordEnd + 1);
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
export async function readTags(path: string, mimeType: string, embeddedExif?: Buffer): Promise<Tags> {
  if (mimeType === "image/x-canon-cr3") return readCr3Tags(path).catch(() => ({}));
  const exifTags = await readExifTags(path, mimeType, embeddedExif);
  // Where a JPEG has both, the camera and its clock come from the CIFF block the camera wrote (EXIF
  // beside it came from software later), the rest from EXIF first: exiftool reads them so.
  const { Make, Model, DateTimeOriginal, ...ciff } =
    mimeType === "image/jpeg" ? await readCiffTags(path).catch(() => ({}) as Tags) : {};
  const identity = Object.fromEntries(
    Object.entries({ Make, Model, DateTimeOriginal }).filter(([, value]) => value !== undefined),
  );
  return { ...makerNoteTags(embeddedExif), ...ciff, ...exifTags, ...identity };
}

async function readExifTags(path: string, mimeType: string, embeddedExif?: Buffer): Promise<Tags> {
  if (heifTypes.has(mimeType) && !(await heifMetaReachable(path).catch(() => false))) return {};
  if (mimeType === "image/png") embeddedExif ??= await pngExif(path).catch(() => undefined);
  const tags = await parseExif(path);
  const embedded = tiffPart(embeddedExif);
  // The embedded block is the fuller one where the file's own parse came back thin.
  if (embedded && (Object.keys(tags).length === 0 || tags.DateTimeOriginal === undefined))
    return { ...tags, ...(await parseExif(embedded)) };
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

async function firstFrameSize(path: string): Promise<{ width?: number; height?: number } | null> {
  try {
    return await sharp(await extractFirstFrame(path)).metadata();
  } catch {
    return null; // The thumbnail job says why, if the picture cannot be read.
  }
}

const turnsQuarter = (orientation: number | null) => orientation !== null && orientation >= 5 && orientation <= 8;

export async function readImageMetadata(path: string, mimeType: string): Promise<ImageMetadata> {
  const raw = rawTypes.has(mimeType);
  const pixels = raw
    ? null
    : await sharp(path, { limitInputPixels: maxPixels })
        .metadata()
        .catch(() => null);
  const tags = await readTags(path, mimeType, pixels?.exif);
  // XMP fills what EXIF leaves out (PNGs and edited files often carry only XMP).
  const xmp = pixels?.xmp ? readXmp(pixels.xmp) : null;
  const orientation = number(tags.Orientation) ?? xmp?.orientation ?? null;
  const rawSize = raw
    ? await readRawSize(path).catch(() => null)
    : mimeType === "image/jxl"
      ? await jxlSize(path)
      : null;
  // An image sequence's size is its first picture's.
  const sequence =
    heifTypes.has(mimeType) && !pixels && (await isHeifSequence(path).catch(() => false))
      ? await firstFrameSize(path)
      : null;
  const width =
    rawSize?.width ?? pixels?.width ?? sequence?.width ?? number(tags.ExifImageWidth) ?? number(tags.ImageWidth);
  const height =
    rawSize?.height ?? pixels?.height ?? sequence?.height ?? number(tags.ExifImageHeight) ?? number(tags.ImageHeight);
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
  const dateOffset = exifDateTaken
    ? (offset(tags.OffsetTimeOriginal) ?? offset(tags.OffsetTime))
    : dateTaken === xmp?.dateTaken
      ? xmp.offset
      : offset(tags.OffsetTime);
  const exifPlace = coordinates(tags);
  const place =
    exifPlace.latitude !== null ? exifPlace : { latitude: xmp?.latitude ?? null, longitude: xmp?.longitude ?? null };
  return {
    width: turned ? height : width,
    height: turned ? width : height,
    make: text(tags.Make) ?? xmp?.make ?? null,
    model: text(tags.Model) ?? xmp?.model ?? null,
    lensModel: text(tags.LensModel) ?? xmp?.lensModel ?? null,
    fNumber: number(tags.FNumber) ?? xmp?.fNumber ?? null,
    focalLength: number(tags.FocalLength) ?? xmp?.focalLength ?? null,
    // Some cameras (Nikon, Olympus) write two values, one of them 0.
    iso: number(tags.ISO) || firstNumber(tags.ISO) || xmp?.iso || null,
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
