// Tags of the things in a photo: the object model (CenterNet, COCO's 80 classes) on the asset's
// preview, its tags kept in place of those the asset had (common/tags.ts).
import { replaceAssetTags } from "../../common/tags";
import { tagObjectsInImage } from "../ml/object-tags";
import { readPreview, type JobContext } from "./context";

export async function tagObjects(context: JobContext, { assetId }: { assetId: string }): Promise<void> {
  if (!context.ml.enabled) return;
  const image = await readPreview(context, assetId, "object tagging");
  if (!image) return;
  const { tags } = await tagObjectsInImage(image);
  await replaceAssetTags(
    context.db,
    assetId,
    tags.map((tag) => ({ tag: tag.label, score: tag.score })),
  );
}
