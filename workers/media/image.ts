// Image tools: EXIF with exifr, pixels with sharp. The only code that opens image files.
import exifr from "exifr";
import sharp from "sharp";
import { rgbaToThumbHash } from "thumbhash";

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
  if (!match || match[1] === "0000") return null;
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

export async function readImageMetadata(path: string): Promise<ImageMetadata> {
  const [tags, pixels] = await Promise.all([
    exifr
      .parse(path, { tiff: true, exif: true, gps: true, xmp: true, iptc: false, icc: false, reviveValues: false, translateValues: false, mergeOutput: true })
      .then((t: Tags | undefined) => t ?? {}),
    sharp(path).metadata(),
  ]);
  const orientation = number(tags.Orientation) ?? pixels.orientation ?? null;
  // Orientations 5–8 turn the picture a quarter: what is shown is as wide as the stored one is tall.
  const turned = orientation !== null && orientation >= 5 && orientation <= 8;
  const width = pixels.width ?? null;
  const height = pixels.height ?? null;
  return {
    width: turned ? height : width,
    height: turned ? width : height,
    make: text(tags.Make),
    model: text(tags.Model),
    lensModel: text(tags.LensModel),
    fNumber: number(tags.FNumber),
    focalLength: number(tags.FocalLength),
    iso: number(tags.ISO),
    exposureTime: exposure(tags.ExposureTime),
    dateTaken: exifDate(tags.DateTimeOriginal) ?? exifDate(tags.CreateDate),
    offset: offset(tags.OffsetTimeOriginal) ?? offset(tags.OffsetTime),
    ...coordinates(tags),
    orientation,
    exifImageWidth: number(tags.ExifImageWidth) ?? number(tags.ImageWidth),
    exifImageHeight: number(tags.ExifImageHeight) ?? number(tags.ImageHeight),
    description: text(tags.ImageDescription),
    rating: number(tags.Rating),
  };
}

export interface ImageDerivatives {
  thumbnail: Buffer;
  preview: Buffer;
  thumbhash: string;
}

// Upright (EXIF orientation applied) renderings: a small WebP for grids, a JPEG for the viewer,
// and a thumbhash placeholder.
export async function renderImageDerivatives(path: string): Promise<ImageDerivatives> {
  const upright = sharp(path, { failOn: "none" }).rotate();
  const preview = await upright.clone().resize(1440, 1440, { fit: "outside", withoutEnlargement: true }).jpeg({ quality: 80, mozjpeg: true }).toBuffer();
  const [thumbnail, small] = await Promise.all([
    sharp(preview).resize(250, 250, { fit: "outside", withoutEnlargement: true }).webp({ quality: 80 }).toBuffer(),
    sharp(preview).resize(100, 100, { fit: "inside" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
  ]);
  const hash = rgbaToThumbHash(small.info.width, small.info.height, small.data);
  return { thumbnail, preview, thumbhash: Buffer.from(hash).toString("base64") };
}
