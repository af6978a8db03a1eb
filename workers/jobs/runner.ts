// The one job runner: per queue, as many loops as its concurrency, each claiming a job with a lease,
// running it in its own slot (a job process, see ./sandbox.ts) while renewing the lease, and
// completing or failing it.
import { randomUUID } from "node:crypto";
import type { Config } from "../../common/config";
import type { Database } from "../../common/db";
import { queueNames, type JobName, type JobPayloads, type QueueName } from "../../common/jobs";
import { claimNextJob, completeJob, failAbandonedJobs, failJob, renewLease } from "../../common/queue";
import type { Job } from "../../common/schema";
import { log } from "../log";
import { UnprocessableMediaError } from "./errors";
import type { JobSlot } from "./sandbox";

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], job: Job) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

export interface JobRunnerOptions {
  db: Database;
  createSlot: () => JobSlot;
  settings: Config["jobs"];
  workerId: string;
  // Called once a job has failed for good.
  onFailed?: (job: Job, message: string) => Promise<void>;
}

export class JobRunner {
  private readonly db: Database;
  private readonly settings: Config["jobs"];
  private readonly workerId: string;
  private stopped = false;
  private sleepers = new Set<() => void>();
  private loops: Promise<void>[] = [];

  constructor(private readonly options: JobRunnerOptions) {
    ({ db: this.db, settings: this.settings, workerId: this.workerId } = options);
  }

  // Resolves once every slot's process is ready, so that the first jobs do not wait for start-up.
  async start(): Promise<void> {
    const slots = queueNames.flatMap((queue) => Array.from({ length: this.settings.concurrency[queue] }, () => ({ queue, slot: this.options.createSlot() })));
    await Promise.all(slots.map(({ slot }) => slot.ready));
    for (const { queue, slot } of slots) this.loops.push(this.loop(queue, slot));
    log.info("job runner started", { workerId: this.workerId, concurrency: this.settings.concurrency });
  }

  // New jobs were enqueued: idle loops look now instead of at their next poll.
  wake(): void {
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  // Lets running jobs finish; a job still running when the process exits is re-run once its lease expires.
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.all(this.loops);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private async loop(queue: QueueName, slot: JobSlot): Promise<void> {
    while (!this.stopped) {
      try {
        const leaseToken = `${this.workerId}-${randomUUID().slice(0, 8)}`;
        const job = await claimNextJob(this.db, queue, leaseToken, this.settings.leaseMs);
        if (job) {
          await this.run(job, leaseToken, slot, this.settings.timeoutMs[queue]);
        } else {
          await failAbandonedJobs(this.db);
          await this.sleep(this.settings.pollMs);
        }
      } catch (error) {
        // The database is unreachable or refused the claim: try again later rather than spin.
        log.error("job queue unavailable", { queue, error });
        await this.sleep(Math.max(this.settings.pollMs, 1000));
      }
    }
    await slot.close();
  }

  private async run(job: Job, leaseToken: string, slot: JobSlot, timeoutMs: number): Promise<void> {
    const renewal = setInterval(() => {
      renewLease(this.db, job, leaseToken, this.settings.leaseMs).then(
        (held) => held || log.warn("job lease lost; another worker may run it again", { jobId: job.id, name: job.name }),
        (error: unknown) => log.warn("could not renew job lease", { jobId: job.id, error }),
      );
    }, Math.max(50, Math.floor(this.settings.leaseMs / 3)));
    const started = Date.now();
    log.debug("job started", { jobId: job.id, name: job.name, attempt: job.attempts });
    try {
      await slot.run(job, timeoutMs);
      clearInterval(renewal);
      await completeJob(this.db, job, leaseToken);
      log.debug("job completed", { jobId: job.id, name: job.name, ms: Date.now() - started });
    } catch (error) {
      clearInterval(renewal);
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof UnprocessableMediaError;
      const outcome = await failJob(this.db, job, leaseToken, message, this.settings.retryBaseMs, { permanent });
      if (outcome === "failed") await this.options.onFailed?.(job, message);
      log.warn(`job ${outcome === "failed" ? "failed for good" : "failed, will retry"}`, {
        jobId: job.id,
        name: job.name,
        attempt: job.attempts,
        reason: message,
      });
    }
  }
}
