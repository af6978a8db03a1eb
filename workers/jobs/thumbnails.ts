import sharp from "sharp";
import { getAsset, saveAssetFiles } from "../../common/assets";
import { derivativeKey } from "../../common/storage";
import { renderDerivatives, renderImageDerivatives, type ImageDerivatives } from "../media/image";
import { extractPosterFrame, probeVideo } from "../media/video";
import { UnprocessableMediaError } from "./errors";
import { withOriginal, type JobContext } from "./context";

const streamOf = (buffer: Buffer) => new Blob([buffer]).stream();

async function renderVideoDerivatives(path: string): Promise<ImageDerivatives> {
  let poster: Buffer;
  try {
    poster = await extractPosterFrame(path, await probeVideo(path));
  } catch (error) {
    throw new UnprocessableMediaError(`No frame could be read from the video: ${(error as Error).message}`);
  }
  // ffmpeg has already turned the frame upright.
  return renderDerivatives(sharp(poster));
}

// Makes the grid thumbnail, the viewer's preview and the thumbhash placeholder of a photo or video.
export async function generateThumbnails(context: JobContext, { assetId }: { assetId: string }): Promise<void> {
  const asset = await getAsset(context.db, assetId);
  if (!asset) return; // Deleted since the job was queued.
  const rendered = await withOriginal(context, asset, (path) =>
    asset.type === "VIDEO" ? renderVideoDerivatives(path) : renderImageDerivatives(path, asset.originalMimeType),
  );
  const thumbnail = { type: "thumbnail" as const, key: derivativeKey(assetId, "thumbnail", ".webp"), mimeType: "image/webp" };
  const preview = { type: "preview" as const, key: derivativeKey(assetId, "preview", ".jpeg"), mimeType: "image/jpeg" };
  await context.storage.put(thumbnail.key, streamOf(rendered.thumbnail));
  await context.storage.put(preview.key, streamOf(rendered.preview));
  await saveAssetFiles(context.db, assetId, [thumbnail, preview], rendered.thumbhash);
}
