// Nudges the worker after jobs were queued, so it starts now rather than at its next poll.
import type { Context } from "hono";
import type { AppEnv } from "../env";

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
