// The jobs that make an asset's thumbnails, preview, thumbhash and perceptual hash.
import sharp from "sharp";
import { getAsset, getAssetFile, saveAssetFiles } from "../../common/assets";
import { queueDuplicateDetection, savePerceptualHash } from "../../common/duplicates";
import { derivativeKey } from "../../common/storage";
import { perceptualHash, renderDerivatives, renderImageDerivatives, type ImageDerivatives } from "../media/image";
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

// Makes the grid thumbnail, the viewer's preview, the thumbhash placeholder and the perceptual hash
// of a photo or video (and the full-size copy of a photo browsers cannot show), then has the
// owner's library searched for duplicates of it.
export async function generateThumbnails(context: JobContext, { assetId }: { assetId: string }): Promise<void> {
  const asset = await getAsset(context.db, assetId);
  if (!asset) return; // Deleted since the job was queued.
  const rendered = await withOriginal(context, asset, (path) =>
    asset.type === "VIDEO" ? renderVideoDerivatives(path) : renderImageDerivatives(path, asset.originalMimeType),
  );
  const files = [
    {
      type: "thumbnail" as const,
      key: derivativeKey(assetId, "thumbnail", ".webp"),
      mimeType: "image/webp",
      bytes: rendered.thumbnail,
    },
    {
      type: "preview" as const,
      key: derivativeKey(assetId, "preview", ".jpeg"),
      mimeType: "image/jpeg",
      bytes: rendered.preview,
    },
    ...(rendered.fullsize
      ? [
          {
            type: "fullsize" as const,
            key: derivativeKey(assetId, "fullsize", ".jpeg"),
            mimeType: "image/jpeg",
            bytes: rendered.fullsize,
          },
        ]
      : []),
  ];
  for (const file of files) await context.storage.put(file.key, streamOf(file.bytes));
  await saveAssetFiles(
    context.db,
    assetId,
    files.map(({ type, key, mimeType }) => ({ type, key, mimeType })),
    rendered.thumbhash,
    rendered.perceptualHash,
  );
  await queueDuplicateDetection(context.db);
  // Faces are found on the preview (of a photo, or a video's poster frame). So are the things in
  // it, for tags, and its CLIP embedding.
  if (context.ml.enabled)
    await context.enqueue([
      { name: "detectFaces", payload: { assetId } },
      { name: "tagObjects", payload: { assetId } },
      ...(context.ml.clipModelDir ? [{ name: "encodeClip" as const, payload: { assetId } }] : []),
    ]);
}

// The perceptual hash of a thumbnail made before there were any (see migrations/0008).
export async function computePerceptualHash(context: JobContext, { assetId }: { assetId: string }): Promise<void> {
  const asset = await getAsset(context.db, assetId);
  const file = asset && (await getAssetFile(context.db, assetId, "thumbnail"));
  if (!file || asset.perceptualHash) return; // Gone, or hashed with a new thumbnail meanwhile.
  const thumbnail = await context.storage.get(file.key);
  if (!thumbnail) return; // The thumbnail is missing: the integrity check reports it; a new one brings a hash.
  let hash: string;
  try {
    hash = await perceptualHash(Buffer.from(await new Response(thumbnail.body).arrayBuffer()));
  } catch (error) {
    throw new UnprocessableMediaError(`The thumbnail cannot be decoded: ${(error as Error).message}`);
  }
  await savePerceptualHash(context.db, assetId, hash);
  await queueDuplicateDetection(context.db);
}
