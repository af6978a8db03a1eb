// Moves an original to its readable place under the storage template (local volumes only: a bucket
// keeps the keys uploads got). The move is safe at every step: the file gets its new name beside the
// old one (never over another file), the asset is pointed at it, then the old name goes. A crash in
// between leaves at worst a second name for the same file, which the next run picks up again.
import { getAsset } from "../../common/assets";
import { isOriginalKeyTaken, moveOriginalKey, storageLabelOf } from "../../common/originals";
import { alternativeKey, renderStorageTemplate } from "../../common/storage-template";
import type { JobContext } from "./context";

const maxAlternatives = 1000;

export async function applyStorageTemplate(context: JobContext, { assetId }: { assetId: string }): Promise<void> {
  const template = context.storageTemplate;
  const asset = await getAsset(context.db, assetId);
  if (!template || !asset || asset.externalPath !== null) return;
  const wanted = renderStorageTemplate(template, {
    label: await storageLabelOf(context.db, asset.ownerId),
    assetId,
    type: asset.type,
    originalFileName: asset.originalFileName,
    localDateTime: asset.localDateTime,
  });
  for (let n = 0; n <= maxAlternatives; n++) {
    const key = n === 0 ? wanted : alternativeKey(wanted, n);
    if (key === asset.originalKey) return;
    if (await isOriginalKeyTaken(context.db, key, assetId)) continue;
    if (!(await context.storage.copyIfAbsent(asset.originalKey, key))) continue;
    if (await moveOriginalKey(context.db, assetId, asset.originalKey, key)) {
      await context.storage.delete(asset.originalKey);
    } else {
      // The asset changed meanwhile (deleted, or moved by another run): the new name is not needed.
      await context.storage.delete(key);
    }
    return;
  }
  throw new Error(`No free name for ${wanted} after ${maxAlternatives} tries`);
}
