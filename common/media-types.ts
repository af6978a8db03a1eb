// The files Shoebox accepts. A file's type comes from its content, not its name: a JPEG named .heic
// is a JPEG, and text named .jpg is refused. The extension only chooses among formats that share a
// container (the TIFF-based RAWs, MP4 and its relatives).
export type AssetType = "IMAGE" | "VIDEO";

export interface MediaType {
  type: AssetType;
  mimeType: string;
  // The extension the stored original gets.
  extension: string;
}

const images: Record<string, string> = {
  ".avif": "image/avif",
  ".bmp": "image/bmp",
  ".gif": "image/gif",
  ".heic": "image/heic",
  ".heif": "image/heif",
  ".jpeg": "image/jpeg",
  ".jpg": "image/jpeg",
  ".jpe": "image/jpeg",
  ".mpo": "image/jpeg",
  ".jxl": "image/jxl",
  ".png": "image/png",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".webp": "image/webp",
  ".dng": "image/x-adobe-dng",
  ".arw": "image/x-sony-arw",
  ".cr2": "image/x-canon-cr2",
  ".cr3": "image/x-canon-cr3",
  ".nef": "image/x-nikon-nef",
  ".orf": "image/x-olympus-orf",
  ".pef": "image/x-pentax-pef",
  ".raf": "image/x-fuji-raf",
  ".rw2": "image/x-panasonic-rw2",
  ".srw": "image/x-samsung-srw",
};

const videos: Record<string, string> = {
  ".3gp": "video/3gpp",
  ".avi": "video/x-msvideo",
  ".m2ts": "video/mp2t",
  ".m4v": "video/x-m4v",
  ".mkv": "video/x-matroska",
  ".mov": "video/quicktime",
  ".mp4": "video/mp4",
  ".mpg": "video/mpeg",
  ".mpeg": "video/mpeg",
  ".mts": "video/mp2t",
  ".webm": "video/webm",
  ".wmv": "video/x-ms-wmv",
};

export const mediaExtensions = { image: Object.keys(images), video: Object.keys(videos), sidecar: [".xmp"] };

// Images every browser shows as they are; the others (HEIC, TIFF, RAW, JPEG XL…) are shown through
// web copies: a preview, and a full-size one to zoom into.
export const browserImageTypes = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"];
export const browserShows = (mimeType: string) => browserImageTypes.includes(mimeType);

// Files that travel with photos but are not photos, whatever their bytes look like (a raw .exif
// block is TIFF-shaped): refused by name.
const companions = new Set([".xmp", ".exif", ".aae", ".thm", ".json", ".txt"]);

// How many leading bytes detectMediaType needs.
export const sniffLength = 512;

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot > 0 ? fileName.slice(dot).toLowerCase() : "";
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function startsWith(bytes: Uint8Array, signature: number[], at = 0): boolean {
  return signature.every((byte, i) => bytes[at + i] === byte);
}

// Formats that share one container: the content says which family, the name picks the member.
const families: Record<string, string[]> = {
  tiff: [".tif", ".tiff", ".dng", ".cr2", ".nef", ".arw", ".pef", ".srw"],
  mp4: [".mp4", ".m4v", ".mov", ".3gp"],
  mpegts: [".mts", ".m2ts"],
  matroska: [".mkv", ".webm"],
  jpeg: [".jpg", ".jpeg", ".jpe", ".mpo"],
  heif: [".heic", ".heif"],
  mpeg: [".mpg", ".mpeg"],
};

function family(name: string, fallback: string, requested: string): MediaType {
  const extension = families[name]!.includes(requested) ? requested : fallback;
  const mimeType = images[extension] ?? videos[extension]!;
  return { type: images[extension] ? "IMAGE" : "VIDEO", mimeType, extension };
}

function single(extension: string): MediaType {
  const mimeType = images[extension] ?? videos[extension]!;
  return { type: images[extension] ? "IMAGE" : "VIDEO", mimeType, extension };
}

const heifBrands = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "mif2"]);
const quickTimeAtoms = new Set(["moov", "mdat", "wide", "free", "skip", "pnot"]);

function isoMediaType(head: Uint8Array, requested: string): MediaType | undefined {
  const brand = ascii(head, 8, 4);
  // An AVIF image sequence is an AV1 video in an image's clothes: it plays, it does not decode as a still.
  if (brand === "avis") return family("mp4", ".mp4", requested);
  const boxSize = (head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!;
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= Math.min(boxSize, head.length); at += 4) compatible.push(ascii(head, at, 4));
  if (brand === "avif" || (heifBrands.has(brand) && compatible.some((b) => b === "avif"))) {
    return single(".avif");
  }
  if (heifBrands.has(brand)) return family("heif", ".heic", requested);
  if (brand === "crx ") return single(".cr3");
  if (brand === "qt  ") return family("mp4", ".mov", requested);
  if (brand.startsWith("3g")) return family("mp4", ".3gp", requested);
  return family("mp4", ".mp4", requested);
}

// What a file is, from its first bytes; undefined for anything that is not a photo or video we take.
export function detectMediaType(head: Uint8Array, fileName: string): MediaType | undefined {
  const requested = extensionOf(fileName);
  if (companions.has(requested)) return undefined;
  if (startsWith(head, [0xff, 0xd8, 0xff])) return family("jpeg", ".jpg", requested);
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return single(".png");
  if (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a") return single(".gif");
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WEBP") return single(".webp");
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "AVI ") return single(".avi");
  if (ascii(head, 0, 2) === "BM" && head.length >= 26) return single(".bmp");
  if (ascii(head, 0, 4) === "II*\0" || ascii(head, 0, 4) === "MM\0*") return family("tiff", ".tiff", requested);
  if (["IIRO", "IIRS", "MMOR"].includes(ascii(head, 0, 4))) return single(".orf");
  if (ascii(head, 0, 4) === "IIU\0") return single(".rw2");
  if (ascii(head, 0, 15) === "FUJIFILMCCD-RAW") return single(".raf");
  if (
    startsWith(head, [0xff, 0x0a]) ||
    startsWith(head, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a])
  )
    return single(".jxl");
  if (ascii(head, 4, 4) === "ftyp") return isoMediaType(head, requested);
  if (quickTimeAtoms.has(ascii(head, 4, 4))) return family("mp4", ".mov", requested);
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3]))
    return family("matroska", ascii(head, 0, 64).includes("webm") ? ".webm" : ".mkv", requested);
  if (startsWith(head, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) return single(".wmv");
  if (head[0] === 0x47 && head[188] === 0x47) return family("mpegts", ".mts", requested);
  if (head[4] === 0x47 && head[196] === 0x47) return family("mpegts", ".m2ts", requested);
  if (startsWith(head, [0, 0, 1, 0xba]) || startsWith(head, [0, 0, 1, 0xb3])) return family("mpeg", ".mpg", requested);
  return undefined;
}

// For messages: what the name claims, when the content disagrees.
export function claimedType(fileName: string): string | undefined {
  const extension = extensionOf(fileName);
  return images[extension] ?? videos[extension];
}
