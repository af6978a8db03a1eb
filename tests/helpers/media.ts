// Small images made by the tests themselves (no binary fixtures in the repo), and upload helpers.
import sharp from "sharp";
import type { Shoebox } from "./shoebox";

export interface MadeImage {
  bytes: Buffer;
  name: string;
}

// A JPEG with a distinct pattern per seed (so checksums differ) and the EXIF given.
export async function makeJpeg(
  seed: number,
  exif: Record<string, Record<string, string>> = {},
  size = { width: 64, height: 48 },
): Promise<MadeImage> {
  const { width, height } = size;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + seed * 97) % 251;
  const bytes = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .withExif(exif)
    .jpeg({ quality: 90 })
    .toBuffer();
  return { bytes, name: `made-${seed}.jpg` };
}

export function uploadForm(file: { bytes: Uint8Array; name: string }, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.set("deviceAssetId", `${file.name}-${file.bytes.length}`);
  form.set("deviceId", "test");
  form.set("fileCreatedAt", fields.fileCreatedAt ?? "2024-05-01T10:00:00.000Z");
  form.set("fileModifiedAt", fields.fileModifiedAt ?? "2024-05-01T10:00:00.000Z");
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  form.set("assetData", new Blob([file.bytes]), file.name);
  return form;
}

export async function upload(
  { api }: Pick<Shoebox, "api">,
  file: { bytes: Uint8Array; name: string },
  fields: Record<string, string> = {},
) {
  const response = await api("/api/assets", { method: "POST", body: uploadForm(file, fields) });
  return { status: response.status, body: (await response.json()) as { id: string; status: string; message?: string } };
}
