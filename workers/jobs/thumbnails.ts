import { getAsset, saveAssetFiles } from "../../common/assets";
import { derivativeKey } from "../../common/storage";
import { renderImageDerivatives } from "../media/image";
import type { JobContext } from "./context";

const streamOf = (buffer: Buffer) => new Blob([buffer]).stream();

// Makes the grid thumbnail, the viewer's preview and the thumbhash placeholder of an image.
export async function generateThumbnails({ db, storage }: JobContext, { assetId }: { assetId: string }): Promise<void> {
  const asset = await getAsset(db, assetId);
  if (!asset) return; // Deleted since the job was queued.
  const rendered = await renderImageDerivatives(storage.path(asset.originalKey));
  const thumbnail = { type: "thumbnail" as const, key: derivativeKey(assetId, "thumbnail", ".webp"), mimeType: "image/webp" };
  const preview = { type: "preview" as const, key: derivativeKey(assetId, "preview", ".jpeg"), mimeType: "image/jpeg" };
  await storage.put(thumbnail.key, streamOf(rendered.thumbnail));
  await storage.put(preview.key, streamOf(rendered.preview));
  await saveAssetFiles(db, assetId, [thumbnail, preview], rendered.thumbhash);
}
