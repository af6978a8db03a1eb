// A run of a queue over the library, a page at a time (common/asset-jobs.ts).
import { assetJobsPage, isAssetQueue, releaseUnconfirmedFaces } from "../../common/asset-jobs";
import { mlQueues } from "../../common/config";
import type { JobPayloads } from "../../common/jobs";
import type { JobContext } from "./context";

export async function queueAssetJobs(
  context: JobContext,
  { queue, force, after }: JobPayloads["queueAssetJobs"],
): Promise<void> {
  if (!isAssetQueue(queue) || (mlQueues.includes(queue) && !context.ml.enabled)) return;
  if (queue === "facialRecognition" && force && after === undefined) await releaseUnconfirmedFaces(context.db);
  const page = await assetJobsPage(context.db, queue, { force, clip: context.ml.clipModelDir !== undefined }, after);
  await context.enqueue([
    ...page.jobs,
    ...(page.next ? [{ name: "queueAssetJobs" as const, payload: { queue, force, after: page.next } }] : []),
  ]);
}
