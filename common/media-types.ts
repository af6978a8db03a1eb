// The files Shoebox accepts, by extension, with their MIME types (the list Immich's clients expect
// from /api/server/media-types).
export type AssetType = "IMAGE" | "VIDEO";

const images: Record<string, string> = {
  ".avif": "image/avif",
  ".bmp": "image/bmp",
  ".gif": "image/gif",
  ".heic": "image/heic",
  ".heif": "image/heif",
  ".jpeg": "image/jpeg",
  ".jpg": "image/jpeg",
  ".jpe": "image/jpeg",
  ".jxl": "image/jxl",
  ".png": "image/png",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".webp": "image/webp",
  ".dng": "image/dng",
  ".arw": "image/x-sony-arw",
  ".cr2": "image/x-canon-cr2",
  ".cr3": "image/x-canon-cr3",
  ".nef": "image/x-nikon-nef",
  ".orf": "image/x-olympus-orf",
  ".raf": "image/x-fuji-raf",
  ".rw2": "image/x-panasonic-rw2",
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
  ".mts": "video/mp2t",
  ".webm": "video/webm",
  ".wmv": "video/x-ms-wmv",
};

export const mediaExtensions = { image: Object.keys(images), video: Object.keys(videos), sidecar: [".xmp"] };

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot > 0 ? fileName.slice(dot).toLowerCase() : "";
}

export function mediaTypeOf(fileName: string): { type: AssetType; mimeType: string; extension: string } | undefined {
  const extension = extensionOf(fileName);
  if (images[extension]) return { type: "IMAGE", mimeType: images[extension], extension };
  if (videos[extension]) return { type: "VIDEO", mimeType: videos[extension], extension };
  return undefined;
}
