// Background work from a request: queueing work and waking the worker in one call, and the admin's
// commands on the queues (pause, resume, retry, empty, and a run over the whole library).
import type { Auth } from "../../common/access";
import { isAssetQueue, startAssetQueue } from "../../common/asset-jobs";
import { mlQueues } from "../../common/config";
import { badRequest, notFound } from "../../common/errors";
import type { QueueName } from "../../common/jobs";
import { listLibraries, queueLibraryScan } from "../../common/libraries";
import {
  emptyQueue as deleteQueuedJobs,
  getQueueStates,
  listJobs,
  retryFailedJobs,
  setQueuePaused,
  type QueueState,
} from "../../common/queue";
import type { Job } from "../../common/schema";
import { requireAdmin } from "./admin";
import type { ServiceContext as Ctx } from "./context";
import { notifyWorker } from "./worker";

// Nudges the worker, so it starts now rather than at its next poll.
export function nudgeWorker(c: Ctx): void {
  notifyWorker(c, "/internal/jobs/enqueued", "nudge the worker");
}

// Queues work and wakes the worker in one step: `write` enqueues and says whether it queued anything.
export async function queued<T>(c: Ctx, write: () => Promise<T>): Promise<T> {
  const result = await write();
  if (result) nudgeWorker(c);
  return result;
}

export async function queueStates(c: Ctx, admin: Auth): Promise<QueueState[]> {
  requireAdmin(admin);
  return getQueueStates(c.var.db);
}

export async function queueState(c: Ctx, admin: Auth, name: QueueName): Promise<QueueState> {
  const state = (await queueStates(c, admin)).find((queue) => queue.name === name);
  if (!state) throw notFound(`No queue named ${name}`);
  return state;
}

// The queue's jobs in these states, oldest first (at most 100).
export async function queueJobs(c: Ctx, admin: Auth, name: QueueName, statuses: Job["status"][]): Promise<Job[]> {
  requireAdmin(admin);
  return listJobs(c.var.db, name, statuses);
}

// A paused queue's jobs wait; resumed, the worker takes them up at once.
export async function pauseQueue(c: Ctx, admin: Auth, name: QueueName, isPaused: boolean): Promise<void> {
  requireAdmin(admin);
  await setQueuePaused(c.var.db, name, isPaused);
  if (!isPaused) nudgeWorker(c);
}

// Failed jobs wait again, each with a fresh set of attempts.
export async function retryFailed(c: Ctx, admin: Auth, name: QueueName): Promise<void> {
  requireAdmin(admin);
  await queued(c, () => retryFailedJobs(c.var.db, name));
}

// Removes the queue's waiting jobs, its failed ones, or both.
export async function emptyQueue(
  c: Ctx,
  admin: Auth,
  name: QueueName,
  which: { waiting: boolean; failed: boolean },
): Promise<void> {
  requireAdmin(admin);
  await deleteQueuedJobs(c.var.db, name, which);
}

// Runs a queue's work over the library: for the assets it has not done yet, or (`force`) all of
// them. The libraries queue scans every external library.
export async function startQueue(c: Ctx, admin: Auth, queue: QueueName, force: boolean): Promise<void> {
  requireAdmin(admin);
  if (mlQueues.includes(queue) && c.env.ML !== "on")
    throw badRequest("The image models are off (ML=off): there is nothing to run in this queue");
  if (isAssetQueue(queue)) await startAssetQueue(c.var.db, queue, force);
  else if (queue === "library")
    for (const library of await listLibraries(c.var.db)) await queueLibraryScan(c.var.db, library.id);
  else throw badRequest(`The ${queue} queue runs only what other work queues; there is nothing to start in it`);
  nudgeWorker(c);
}
