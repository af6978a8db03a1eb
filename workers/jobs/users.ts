import { deleteAssets, someAssetIdsOf } from "../../common/assets";
import { deleteUserRow, getUser } from "../../common/users";
import type { JobContext } from "./context";

// Removes a user an admin removed: their assets in batches (each batch queues the deletion of its
// files), then the account, which takes sessions, keys, albums, links and partnerships with it.
export async function deleteUser(context: JobContext, { userId }: { userId: string }): Promise<void> {
  const user = await getUser(context.db, userId);
  if (!user || user.status !== "removing") return;
  for (;;) {
    const ids = await someAssetIdsOf(context.db, userId, 500);
    if (ids.length === 0) break;
    await deleteAssets(context.db, ids, context.maxAttempts);
    context.wake();
  }
  await deleteUserRow(context.db, userId);
}
