// The trash's rules, for the API and the pages alike: only an asset's owner moves it to the trash,
// restores it or deletes it for good; deleting for good queues the removal of its files. What stays
// 30 days goes by itself (workers/maintenance.ts).
import type { Auth } from "../../common/access";
import { deleteAssets, deleteAssetsInBatches, restoreAssets, trashAssets } from "../../common/assets";
import { ownedAssets } from "./assets";
import type { ServiceContext as Ctx } from "./context";
import { queued } from "./jobs";

// Moves the asker's assets (all of them, or a 404) to the trash.
export async function moveToTrash(c: Ctx, auth: Auth, ids: string[]): Promise<void> {
  await trashAssets(c.var.db, await ownedAssets(c, auth, ids));
}

// Deletes the asker's assets (all of them, or a 404) for good, with their files.
export async function deleteForGood(c: Ctx, auth: Auth, ids: string[]): Promise<void> {
  const owned = await ownedAssets(c, auth, ids);
  await queued(c, () => deleteAssets(c.var.db, owned));
}

// Takes assets out of the asker's trash: of those named, their own (others' are passed over), or
// all of it. How many came back.
export function restoreFromTrash(c: Ctx, auth: Auth, ids?: string[]): Promise<number> {
  return restoreAssets(c.var.db, auth.user.id, ids);
}

// Restores one asset the asker has open, which must be theirs (else a 404).
export async function restoreOwnAsset(c: Ctx, auth: Auth, id: string): Promise<void> {
  await restoreFromTrash(c, auth, await ownedAssets(c, auth, [id]));
}

// Deletes everything in the asker's trash for good; how many went.
export function emptyTrash(c: Ctx, auth: Auth): Promise<number> {
  return queued(c, () => deleteAssetsInBatches(c.var.db, { ownerId: auth.user.id, trashedOnly: true }));
}
