// Starting background work from a request: nudging the worker after jobs were queued, and an
// admin's run of a queue over the whole library.
import type { Context } from "hono";
import { isAssetQueue, startAssetQueue } from "../../common/asset-jobs";
import { mlQueues } from "../../common/config";
import { badRequest } from "../../common/errors";
import type { QueueName } from "../../common/jobs";
import { listLibraries, queueLibraryScan } from "../../common/libraries";
import type { AppEnv } from "../env";
import type { ServiceContext as Ctx } from "./context";


// Nudges the worker, so it starts now rather than at its next poll.
export function nudgeWorker(c: Pick<Context<AppEnv>, "env" | "executionCtx">): void {
  const nudge = c.env.WORKER.fetch("http://worker/internal/jobs/enqueued", {
    method: "POST",
    headers: { authorization: `Bearer ${c.env.INTERNAL_TOKEN}` },
  }).then(
    (response) => response.body?.cancel(),
    // The worker polls anyway: a lost nudge only delays the job.
    (error: unknown) => console.warn(JSON.stringify({ level: "warn", message: "could not nudge the worker", error: String(error) })),
  );
  c.executionCtx.waitUntil(nudge);
}

// Queues work and wakes the worker in one step: `write` enqueues and says whether it queued anything.
export async function queued<T>(c: Pick<Context<AppEnv>, "env" | "executionCtx">, write: () => Promise<T>): Promise<T> {
  const result = await write();
  if (result) nudgeWorker(c);
  return result;
}

// Runs a queue's work over the library: for the assets it has not done yet, or (`force`) all of
// them. The libraries queue scans every external library.
export async function startQueue(c: Ctx, queue: QueueName, force: boolean): Promise<void> {
  if (mlQueues.includes(queue) && c.env.ML !== "on") throw badRequest("The image models are off (ML=off): there is nothing to run in this queue");
  if (isAssetQueue(queue)) await startAssetQueue(c.var.db, queue, force);
  else if (queue === "library") for (const library of await listLibraries(c.var.db)) await queueLibraryScan(c.var.db, library.id);
  else throw badRequest(`The ${queue} queue runs only what other work queues; there is nothing to start in it`);
  nudgeWorker(c);
}
