// The one job runner: claims jobs with a lease, runs each in a job process (./sandbox.ts) while renewing
// the lease, and completes, fails or puts it back.
//
// One pool of job processes serves every queue: at most `processes` jobs run at once (one per core by
// default), at most a queue's concurrency of them from that queue. A process serves one queue, so it
// loads only that queue's code; it starts when there is a job for it, takes the queue's next jobs, and
// exits after its idle time with nothing to do (it runs nothing meanwhile, so it does not count
// against the pool; keeping it spares the next job a start and the reloading of what it loaded).
//
// Order and fairness: a free slot goes to the queues in the order of common/jobs.ts, so that what
// makes a photo browsable (metadata, thumbnails) comes before what indexes it (faces, things). Within
// a queue people take turns: the runner remembers whose jobs it has claimed since the turn began and
// passes over their jobs while anyone else has one due; when nobody else has, a new turn begins. So a
// thousand videos from one person, or one that takes hours, make the next person's wait for one job
// at most.
import { randomUUID } from "node:crypto";
import type { Config } from "../../common/config";
import type { Database } from "../../common/db";
import { queueNames, type QueueName } from "../../common/jobs";
import { claimNextJob, completeJob, failAbandonedJobs, failJob, releaseJob, renewLease } from "../../common/queue";
import type { Job } from "../../common/schema";
import { log } from "../log";
import { UnprocessableMediaError } from "./errors";
import { JobInterruptedError, type JobProcess } from "./sandbox";

export interface JobRunnerOptions {
  db: Database;
  settings: Config["jobs"];
  workerId: string;
  startProcess: (queue: QueueName) => JobProcess;
  // How long a process of this queue may stay without a job before it exits.
  idleMs: (queue: QueueName) => number;
  // Called once a job has failed for good.
  onFailed?: (job: Job, message: string) => Promise<void>;
}

// A job's lines say which queue and job they are about.
const jobLog = (job: Job) => log.with({ queue: job.queue, job: { id: job.id, name: job.name } });

interface RunningJob {
  queue: QueueName;
  process: JobProcess;
  done: Promise<void>;
}

export class JobRunner {
  private readonly db: Database;
  private readonly settings: Config["jobs"];
  private stopped = false;
  private sleepers = new Set<() => void>();
  private dispatching: Promise<void> = Promise.resolve();
  private readonly running = new Set<RunningJob>();
  // Processes without a job, each with the timer that ends it.
  private readonly idle = new Map<JobProcess, NodeJS.Timeout>();
  // Per queue, the owners whose jobs were claimed since their turn began.
  private readonly served = new Map<QueueName, string[]>();

  constructor(private readonly options: JobRunnerOptions) {
    ({ db: this.db, settings: this.settings } = options);
  }

  start(): void {
    this.dispatching = this.dispatch();
    log.info("job runner started", {
      workerId: this.options.workerId,
      processes: this.settings.processes,
      concurrency: this.settings.concurrency,
    });
  }

  // New jobs were enqueued, or a process became free: look now instead of at the next poll.
  wake(): void {
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  // Claims nothing more, puts the running jobs back (they run again after the next start, their
  // attempt not counted) and ends every process.
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.dispatching;
    for (const { process } of this.running) process.interrupt();
    await Promise.all([...this.running].map(({ done }) => done));
    await Promise.all([...this.idle.keys()].map((process) => this.retire(process)));
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

  private hasRoomFor(queue: QueueName): boolean {
    const inQueue = [...this.running].filter((running) => running.queue === queue).length;
    return this.running.size < this.settings.processes && inQueue < this.settings.concurrency[queue];
  }

  private async dispatch(): Promise<void> {
    while (!this.stopped) {
      let claimed = 0;
      try {
        for (const queue of queueNames) {
          while (!this.stopped && this.hasRoomFor(queue)) {
            const leaseToken = `${this.options.workerId}-${randomUUID().slice(0, 8)}`;
            const job = await this.claim(queue, leaseToken);
            if (!job) break;
            claimed++;
            this.launch(queue, job, leaseToken);
          }
        }
        if (claimed === 0) await failAbandonedJobs(this.db, this.settings.maxAttempts);
      } catch (error) {
        // The database is unreachable or refused the claim: try again later rather than spin.
        log.error("job queue unavailable", { error });
        await this.sleep(Math.max(this.settings.pollMs, 1000));
        continue;
      }
      if (claimed === 0 && !this.stopped) await this.sleep(this.settings.pollMs);
    }
  }

  // The next job of the queue, someone else's than those served this turn if anyone else has one due.
  private async claim(queue: QueueName, leaseToken: string): Promise<Job | undefined> {
    let turn = this.served.get(queue) ?? [];
    let job = await claimNextJob(this.db, queue, leaseToken, this.settings.leaseMs, { passOver: turn });
    if (!job && turn.length) {
      turn = [];
      job = await claimNextJob(this.db, queue, leaseToken, this.settings.leaseMs);
    }
    this.served.set(queue, job?.ownerId ? [...turn, job.ownerId] : turn);
    return job;
  }

  private launch(queue: QueueName, job: Job, leaseToken: string): void {
    const process = this.processFor(queue);
    const running: RunningJob = { queue, process, done: Promise.resolve() };
    this.running.add(running);
    running.done = this.run(job, leaseToken, process, this.settings.timeoutMs[queue])
      .catch((error: unknown) => jobLog(job).error("could not record how a job ended", { error }))
      .finally(() => {
        this.running.delete(running);
        this.keepIdle(process);
        this.wake();
      });
  }

  // An idle process of the queue, or a new one.
  private processFor(queue: QueueName): JobProcess {
    for (const [process, timer] of this.idle) {
      if (process.queue !== queue || !process.alive) continue;
      clearTimeout(timer);
      this.idle.delete(process);
      return process;
    }
    const process = this.options.startProcess(queue);
    void process.exited.then(() => {
      if (this.idle.has(process)) void this.retire(process);
    });
    return process;
  }

  private keepIdle(process: JobProcess): void {
    if (!process.alive) return;
    if (this.stopped) {
      void this.retire(process);
      return;
    }
    this.idle.set(
      process,
      setTimeout(() => void this.retire(process), this.options.idleMs(process.queue)),
    );
  }

  private async retire(process: JobProcess): Promise<void> {
    clearTimeout(this.idle.get(process));
    this.idle.delete(process);
    await process.close();
  }

  private async run(job: Job, leaseToken: string, process: JobProcess, timeoutMs: number): Promise<void> {
    const log = jobLog(job);
    const renewal = setInterval(
      () => {
        renewLease(this.db, job, leaseToken, this.settings.leaseMs).then(
          (held) => held || log.warn("job lease lost; another worker may run it again"),
          (error: unknown) => log.warn("could not renew job lease", { error }),
        );
      },
      Math.max(50, Math.floor(this.settings.leaseMs / 3)),
    );
    const started = Date.now();
    log.debug("job started", { attempt: job.attempts });
    try {
      await process.run(job, timeoutMs);
      clearInterval(renewal);
      await completeJob(this.db, job, leaseToken);
      log.debug("job completed", { ms: Date.now() - started });
    } catch (error) {
      clearInterval(renewal);
      if (error instanceof JobInterruptedError) {
        await releaseJob(this.db, job, leaseToken);
        log.info("job stopped; it will run again");
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof UnprocessableMediaError;
      const outcome = await failJob(this.db, job, leaseToken, message, this.settings, { permanent });
      if (outcome === "failed") await this.options.onFailed?.(job, message);
      log.warn(`job ${outcome === "failed" ? "failed for good" : "failed, will retry"}`, {
        attempt: job.attempts,
        reason: message,
      });
    }
  }
}
