// The job that removes the stored files of assets deleted for good.
import type { JobContext } from "./context";

// Removes the files of assets deleted for good (the rows went in the same transaction that queued this).
export async function deleteFiles(context: JobContext, { keys }: { keys: string[] }): Promise<void> {
  for (const key of keys) await context.storage.delete(key);
}
