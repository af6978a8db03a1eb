// Image pixels: every image file decoded upright by the decoder its format needs (sharp for most,
// libheif in WebAssembly for HEVC-coded HEIC, ffmpeg for high-bit-depth AVIF and HEIF sequences,
// the embedded preview or LibRaw for camera RAW, libjxl for JPEG XL), and the derivatives made from
// it. The only code that decodes image files.
import { readFile } from "node:fs/promises";
import sharp, { type Sharp } from "sharp";
import { rgbaToThumbHash } from "thumbhash";
import { browserShows } from "../../common/media-types";
import { UnprocessableMediaError } from "../jobs/errors";
import { decodeAvifWithFfmpeg } from "./avif";
import { decodeHeic, hasHeifTransform, isHeifSequence } from "./heic";
import { heifTypes, maxPixels, number, rawTypes, readTags } from "./image-metadata";
import { decodeJxl } from "./jxl";
import { decodeRaw } from "./raw-decode";
import { extractRawPreview } from "./raw-preview";
import { extractFirstFrame } from "./video";

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
    if (preview) return orient(sharp(preview, options), number((await readTags(path, mimeType)).Orientation));
    // No preview to show: the sensor data itself, which LibRaw turns upright.
    const decoded = await decodeRaw(path).catch((error: Error) => {
      throw new UnprocessableMediaError(
        `This RAW file has no embedded preview, and its sensor data cannot be decoded (${error.message})`,
      );
    });
    return sharp(decoded.data, {
      raw: { width: decoded.width, height: decoded.height, channels: decoded.channels },
      limitInputPixels: maxPixels,
    });
  }
  if (heifTypes.has(mimeType)) {
    // libheif applies a HEIF's own rotation while decoding and sharp reports no EXIF orientation for
    // these files, so the EXIF Orientation is applied by hand only where the HEIF has none of its own.
    const [header, transformed, tags] = await Promise.all([
      sharp(path, options)
        .metadata()
        .catch(() => null),
      hasHeifTransform(path).catch(() => false),
      readTags(path, mimeType),
    ]);
    const exifOrientation = transformed ? null : number(tags.Orientation);
    // sharp's libvips decodes 8-bit AV1-coded HEIF itself; deeper AV1 (HDR) goes to ffmpeg, HEVC to libheif.
    if (header?.compression === "av1") {
      return orient(
        (header.bitsPerSample ?? 8) > 8 ? await decodeAvifWithFfmpeg(path) : sharp(path, options),
        exifOrientation,
      );
    }
    if (header?.width && header.height && header.width * header.height > maxPixels) {
      throw new UnprocessableMediaError(`The image is too large to decode (${header.width}×${header.height})`);
    }
    // An image sequence (burst, animation) without a still of its own shows its first image.
    if (!header && (await isHeifSequence(path).catch(() => false))) return sharp(await extractFirstFrame(path));
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
  // The whole picture as a JPEG, for a photo browsers cannot show as it is (Immich's fullsize).
  fullsize?: Buffer;
}

// cos((2x + 1)uπ / 64) for the 8 lowest frequencies u of a 32-point DCT.
const dctSize = 32;
const dctCosines = Array.from({ length: 8 }, (_, u) =>
  Float64Array.from({ length: dctSize }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * dctSize))),
);

// A 64-bit perceptual hash (pHash) of a picture, as 16 hex digits: its grey levels at 32×32, the
// 8×8 lowest frequencies of their DCT, one bit each for being above their median. Resizing,
// re-encoding, small crops and brightness changes move few bits; different photos differ in about
// half (common/duplicates.ts compares them). Made from the thumbnail, which is small to decode, so
// that a thumbnail made earlier hashes as one made now.
export async function perceptualHash(image: Buffer): Promise<string> {
  const pixels = await sharp(image)
    .flatten({ background: "#ffffff" })
    .greyscale()
    .resize(dctSize, dctSize, { fit: "fill" })
    .raw()
    .toBuffer();
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
// hash, and on request the whole picture as a JPEG. The source is decoded once for the preview (once
// more for the full-size copy); the small outputs come from the preview, the hash from the thumbnail.
export async function renderDerivatives(upright: Sharp, withFullsize = false): Promise<ImageDerivatives> {
  const whole = withFullsize ? upright.clone() : null;
  let preview: Buffer;
  let fullsize: Buffer | undefined;
  try {
    preview = await upright
      .resize(1440, 1440, { fit: "outside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer();
    fullsize = whole ? await whole.flatten({ background: "#ffffff" }).jpeg({ quality: 90 }).toBuffer() : undefined;
  } catch (error) {
    throw new UnprocessableMediaError(`The image cannot be decoded: ${(error as Error).message}`);
  }
  const [thumbnail, small] = await Promise.all([
    sharp(preview).resize(250, 250, { fit: "outside", withoutEnlargement: true }).webp({ quality: 80 }).toBuffer(),
    sharp(preview).resize(100, 100, { fit: "inside" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
  ]);
  const hash = rgbaToThumbHash(small.info.width, small.info.height, small.data);
  return {
    thumbnail,
    preview,
    thumbhash: Buffer.from(hash).toString("base64"),
    perceptualHash: await perceptualHash(thumbnail),
    fullsize,
  };
}

// The derivatives of an image file; a full-size copy too when browsers cannot show the original.
export async function renderImageDerivatives(path: string, mimeType: string): Promise<ImageDerivatives> {
  let upright: Sharp;
  try {
    upright = await openUpright(path, mimeType);
  } catch (error) {
    if (error instanceof UnprocessableMediaError || (error as NodeJS.ErrnoException).code === "ENOENT") throw error;
    throw new UnprocessableMediaError(`The image cannot be decoded: ${(error as Error).message}`);
  }
  return renderDerivatives(upright, !browserShows(mimeType));
}
