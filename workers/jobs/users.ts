// The job that removes a deleted user's assets and account.
import { deleteAssetsInBatches } from "../../common/assets";
import { deleteUserRow, getUser } from "../../common/users";
import type { JobContext } from "./context";

// Removes a user an admin removed: their assets in batches (each batch queues the deletion of its
// files), then the account, which takes sessions, keys, albums, links and partnerships with it.
export async function deleteUser(context: JobContext, { userId }: { userId: string }): Promise<void> {
  const user = await getUser(context.db, userId);
  if (user?.status !== "removing") return;
  if (await deleteAssetsInBatches(context.db, { ownerId: userId, trashedOnly: false })) context.wake();
  await deleteUserRow(context.db, userId);
}
