// Tags of the things in a photo: the object model (CenterNet, COCO's 80 classes) on the asset's
// preview, its tags kept in place of those the asset had (common/tags.ts).
import { getAsset, getAssetFile } from "../../common/assets";
import { replaceAssetTags } from "../../common/tags";
import { tagObjectsInImage } from "../ml/object-tags";
import { readRgb, type RgbImage } from "../ml/runtime";
import { UnprocessableMediaError } from "./errors";
import type { JobContext } from "./context";

export async function tagObjects(context: JobContext, { assetId }: { assetId: string }): Promise<void> {
  if (!context.ml.enabled) return;
  const asset = await getAsset(context.db, assetId);
  const preview = asset && (await getAssetFile(context.db, assetId, "preview"));
  if (!preview) return; // Gone, or no preview yet: making one queues this job again.
  let image: RgbImage;
  try {
    image = await context.storage.withFile(preview.key, (path) => readRgb(path));
  } catch (error) {
    if ((await context.storage.size(preview.key)) === null) return; // The integrity check reports a missing preview.
    throw new UnprocessableMediaError(`The preview cannot be decoded for object tagging: ${(error as Error).message}`);
  }
  const { tags } = await tagObjectsInImage(image);
  await replaceAssetTags(
    context.db,
    assetId,
    tags.map((tag) => ({ tag: tag.label, score: tag.score })),
  );
}
