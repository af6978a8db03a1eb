// The CLIP embedding of an asset's preview, for search in words; made only when a CLIP model is set up.
import { queueDuplicateDetection } from "../../common/duplicates";
import { saveClipEmbedding } from "../../common/smart-search";
import { encodeImage } from "../ml/clip";
import { readPreview, type JobContext } from "./context";

export async function encodeClip(context: JobContext, { assetId }: { assetId: string }): Promise<void> {
  const dir = context.ml.clipModelDir;
  if (!context.ml.enabled || !dir) return;
  const image = await readPreview(context, assetId, "CLIP");
  if (!image) return;
  await saveClipEmbedding(context.db, assetId, await encodeImage(dir, image));
  // Near-identical pictures have near-identical embeddings: the asset is compared again with them.
  await queueDuplicateDetection(context.db);
}
