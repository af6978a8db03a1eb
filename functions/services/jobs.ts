// Enqueues jobs for the worker and nudges it, so it starts now rather than at its next poll.
import type { Context } from "hono";
import type { NewJob } from "../../common/queue";
import { enqueueJobs } from "../../common/queue";
import type { AppEnv } from "../env";

export async function queueJobs(c: Context<AppEnv>, jobs: NewJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await enqueueJobs(c.var.db, jobs, Number(c.env.JOB_MAX_ATTEMPTS));
  nudgeWorker(c);
}

export function nudgeWorker(c: Context<AppEnv>): void {
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
