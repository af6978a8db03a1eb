// Where an original lives on a local volume: a readable path, "admin/2019/2019-06-01/IMG_0001.HEIC"
// with the default template, under a folder per user. The keys of derivatives stay machine-made.
import { assertStorageKey } from "./storage";

export interface TemplateInput {
  // The user's storage label, or their id.
  label: string;
  assetId: string;
  type: "IMAGE" | "VIDEO";
  originalFileName: string;
  // Date taken as a wall-clock time, stored as if it were UTC.
  localDateTime: number;
}

// Top-level folders of storage that are not users' (see common/storage.ts).
export const reservedLabels = new Set(["originals", "thumbs", "encoded-video", "uploads", "external", "library"]);

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

// A file or folder name that is safe in a key: no separators or control characters, no leading dot,
// and short enough for any file system (255 bytes), keeping the extension.
export function safeName(name: string, fallback: string): string {
  let cleaned = name
    .replace(/[\u0000-\u001f\u007f/\\]/g, "_")
    .trim()
    .replace(/^\.+/, "");
  if (!cleaned) cleaned = fallback;
  const encoder = new TextEncoder();
  if (encoder.encode(cleaned).byteLength <= 200) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : "";
  let stem = cleaned.slice(0, cleaned.length - extension.length);
  while (encoder.encode(stem + extension).byteLength > 200) stem = [...stem].slice(0, -1).join("");
  return stem.trim() + extension;
}

export function renderStorageTemplate(template: string, input: TemplateInput): string {
  const date = new Date(input.localDateTime);
  const values: Record<string, string> = {
    y: String(date.getUTCFullYear()),
    yy: String(date.getUTCFullYear()).slice(-2),
    MM: two(date.getUTCMonth() + 1),
    MMM: months[date.getUTCMonth()]!,
    dd: two(date.getUTCDate()),
    hh: two(date.getUTCHours()),
    mm: two(date.getUTCMinutes()),
    ss: two(date.getUTCSeconds()),
    filetype: input.type === "VIDEO" ? "VID" : "IMG",
    assetId: input.assetId,
    filename: safeName(input.originalFileName, input.assetId),
  };
  const segments = template.split("/").map((segment) =>
    safeName(
      segment.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole),
      "_",
    ),
  );
  const key = [safeName(input.label, input.assetId), ...segments].join("/");
  assertStorageKey(key);
  return key;
}

// The n-th alternative when a key is taken: "IMG_0001+1.HEIC", as Immich names them.
export function alternativeKey(key: string, n: number): string {
  const slash = key.lastIndexOf("/");
  const dot = key.lastIndexOf(".");
  return dot > slash + 1 ? `${key.slice(0, dot)}+${n}${key.slice(dot)}` : `${key}+${n}`;
}
