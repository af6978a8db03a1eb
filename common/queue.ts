// The job queue: the only code that reads or writes the jobs and queues tables.
// Rows live in libSQL so that any number of worker processes can share one database;
// every state change is one statement (or one batch), so two claimers never take one job.
import { and, asc, count, eq, inArray, isNull, lte, lt, notExists, notInArray, or, sql } from "drizzle-orm";
import type { Database, Executor } from "./db";
import { jobQueue, queueNames, type JobName, type JobPayloads, type QueueName } from "./jobs";
import { assets, jobs, queues, type Job } from "./schema";

export interface NewJob<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  // Run no earlier than this (ms since the epoch).
  runAfter?: number;
  priority?: number;
}

export interface QueueStatistics {
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  waiting: number;
  paused: number;
}

export interface QueueState {
  name: QueueName;
  isPaused: boolean;
  statistics: QueueStatistics;
}

export async function ensureQueues(db: Database): Promise<void> {
  await db
    .insert(queues)
    .values(queueNames.map((name) => ({ name })))
    .onConflictDoNothing();
}

export function enqueueJobsQuery(db: Executor, newJobs: NewJob[], now = Date.now()) {
  return db.insert(jobs).values(
    newJobs.map((job) => ({
      queue: jobQueue[job.name],
      name: job.name,
      payload: job.payload as Record<string, unknown>,
      priority: job.priority ?? 0,
      runAfter: job.runAfter ?? now,
      createdAt: now,
      updatedAt: now,
    })),
  );
}

// Queues jobs for an asset only if the asset exists: in a batch that tried to create it, the jobs
// come with the asset or not at all (a duplicate upload creates neither).
export function enqueueAssetJobsQuery(db: Executor, assetId: string, newJobs: NewJob[], now = Date.now()) {
  const columns = [
    jobs.queue,
    jobs.name,
    jobs.payload,
    jobs.status,
    jobs.priority,
    jobs.attempts,
    jobs.runAfter,
    jobs.createdAt,
    jobs.updatedAt,
  ];
  const rows = newJobs.map(
    (job) =>
      sql`(${jobQueue[job.name]}, ${job.name}, ${JSON.stringify(job.payload)}, 'waiting', ${job.priority ?? 0}, 0, ${job.runAfter ?? now}, ${now}, ${now})`,
  );
  return db.run(sql`
    INSERT INTO ${jobs} (${sql.join(
      columns.map((column) => sql.identifier(column.name)),
      sql`, `,
    )})
    SELECT * FROM (VALUES ${sql.join(rows, sql`, `)})
    WHERE EXISTS (SELECT 1 FROM ${assets} WHERE ${assets.id} = ${assetId})`);
}

export async function enqueueJobs(db: Database, newJobs: NewJob[]): Promise<void> {
  if (newJobs.length > 0) await enqueueJobsQuery(db, newJobs);
}

// Takes the next due job of a queue, or one whose worker's lease ran out, and leases it to `leaseToken`.
// `passOver`: people whose turn it is not (the runner takes turns between owners); their jobs are
// taken only when nobody else has one due.
export async function claimNextJob(
  db: Database,
  queue: QueueName,
  leaseToken: string,
  leaseMs: number,
  { passOver = [], now = Date.now() }: { passOver?: string[]; now?: number } = {},
): Promise<Job | undefined> {
  const due = or(
    and(eq(jobs.status, "waiting"), lte(jobs.runAfter, now)),
    and(eq(jobs.status, "active"), lt(jobs.leaseExpiresAt, now)),
  );
  const next = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        eq(jobs.queue, queue),
        due,
        passOver.length ? or(isNull(jobs.ownerId), notInArray(jobs.ownerId, passOver)) : undefined,
        notExists(
          db
            .select({ one: sql`1` })
            .from(queues)
            .where(and(eq(queues.name, queue), eq(queues.isPaused, true))),
        ),
      ),
    )
    .orderBy(asc(jobs.priority), asc(jobs.runAfter), asc(jobs.id))
    .limit(1);
  const [job] = await db
    .update(jobs)
    .set({
      status: "active",
      attempts: sql`${jobs.attempts} + 1`,
      leaseOwner: leaseToken,
      leaseExpiresAt: now + leaseMs,
      updatedAt: now,
    })
    .where(and(inArray(jobs.id, next), due))
    .returning();
  return job;
}

// False when the lease was lost (it expired and another worker took the job).
export async function renewLease(db: Database, job: Job, leaseToken: string, leaseMs: number): Promise<boolean> {
  const now = Date.now();
  const result = await db
    .update(jobs)
    .set({ leaseExpiresAt: now + leaseMs, updatedAt: now })
    .where(and(eq(jobs.id, job.id), eq(jobs.leaseOwner, leaseToken), eq(jobs.status, "active")));
  return result.rowsAffected === 1;
}

export async function completeJob(db: Database, job: Job, leaseToken: string): Promise<void> {
  await db.batch([
    db.delete(jobs).where(and(eq(jobs.id, job.id), eq(jobs.leaseOwner, leaseToken), eq(jobs.status, "active"))),
    // changes() is the row count of the DELETE above: a job whose lease was lost is not counted twice.
    db
      .update(queues)
      .set({ completed: sql`${queues.completed} + changes()` })
      .where(eq(queues.name, job.queue)),
  ]);
}

// How often a failing job is tried, and how long before the first retry (doubling after each).
// Read from the configuration by the runner, so a changed JOB_MAX_ATTEMPTS applies to queued jobs too.
export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
}

// Schedules another attempt with exponential backoff, or marks the job failed once out of attempts
// (or at once, for an error that no retry can cure).
export async function failJob(
  db: Database,
  job: Job,
  leaseToken: string,
  error: string,
  { maxAttempts, retryBaseMs }: RetryPolicy,
  options: { permanent?: boolean; now?: number } = {},
): Promise<"retrying" | "failed"> {
  const now = options.now ?? Date.now();
  const outOfAttempts = options.permanent === true || job.attempts >= maxAttempts;
  await db
    .update(jobs)
    .set({
      status: outOfAttempts ? "failed" : "waiting",
      runAfter: outOfAttempts ? job.runAfter : now + retryBaseMs * 2 ** (job.attempts - 1),
      leaseOwner: null,
      leaseExpiresAt: null,
      lastError: error.slice(0, 4000),
      updatedAt: now,
    })
    .where(and(eq(jobs.id, job.id), eq(jobs.leaseOwner, leaseToken), eq(jobs.status, "active")));
  return outOfAttempts ? "failed" : "retrying";
}

// Puts back a job that was stopped from outside (the worker shutting down), not by its file: it waits
// again, due at once, and the attempt it was on does not count.
export async function releaseJob(db: Database, job: Job, leaseToken: string, now = Date.now()): Promise<void> {
  await db
    .update(jobs)
    .set({
      status: "waiting",
      attempts: sql`max(${jobs.attempts} - 1, 0)`,
      runAfter: now,
      leaseOwner: null,
      leaseExpiresAt: null,
      updatedAt: now,
    })
    .where(and(eq(jobs.id, job.id), eq(jobs.leaseOwner, leaseToken), eq(jobs.status, "active")));
}

// A job whose worker died on its last attempt would otherwise be claimed forever.
export async function failAbandonedJobs(db: Database, maxAttempts: number, now = Date.now()): Promise<number> {
  const result = await db
    .update(jobs)
    .set({
      status: "failed",
      leaseOwner: null,
      leaseExpiresAt: null,
      lastError: sql`coalesce(${jobs.lastError} || char(10), '') || 'The worker running this job stopped responding on its last attempt.'`,
      updatedAt: now,
    })
    .where(and(eq(jobs.status, "active"), lt(jobs.leaseExpiresAt, now), sql`${jobs.attempts} >= ${maxAttempts}`));
  return result.rowsAffected;
}

export async function getQueueStates(db: Database, now = Date.now()): Promise<QueueState[]> {
  const [counts, states] = await Promise.all([
    db
      .select({
        queue: jobs.queue,
        active: sql<number>`sum(${jobs.status} = 'active')`,
        failed: sql<number>`sum(${jobs.status} = 'failed')`,
        delayed: sql<number>`sum(${jobs.status} = 'waiting' and ${jobs.runAfter} > ${now})`,
        waiting: sql<number>`sum(${jobs.status} = 'waiting' and ${jobs.runAfter} <= ${now})`,
      })
      .from(jobs)
      .groupBy(jobs.queue),
    db.select().from(queues),
  ]);
  return queueNames.map((name) => {
    const count = counts.find((c) => c.queue === name);
    const state = states.find((s) => s.name === name);
    const isPaused = state?.isPaused ?? false;
    const waiting = Number(count?.waiting ?? 0);
    return {
      name,
      isPaused,
      statistics: {
        active: Number(count?.active ?? 0),
        completed: state?.completed ?? 0,
        failed: Number(count?.failed ?? 0),
        delayed: Number(count?.delayed ?? 0),
        // As in Immich: the jobs of a paused queue count as paused, not waiting.
        waiting: isPaused ? 0 : waiting,
        paused: isPaused ? waiting : 0,
      },
    };
  });
}

export async function setQueuePaused(db: Database, name: QueueName, isPaused: boolean): Promise<void> {
  await db
    .insert(queues)
    .values({ name, isPaused, updatedAt: Date.now() })
    .onConflictDoUpdate({ target: queues.name, set: { isPaused, updatedAt: Date.now() } });
}

// Gives every failed job of a queue a fresh set of attempts, due now.
export async function retryFailedJobs(db: Database, name: QueueName, now = Date.now()): Promise<number> {
  const result = await db
    .update(jobs)
    .set({ status: "waiting", attempts: 0, runAfter: now, updatedAt: now })
    .where(and(eq(jobs.queue, name), eq(jobs.status, "failed")));
  return result.rowsAffected;
}

// Removes the waiting jobs of a queue, its failed ones, or both; active jobs finish.
export async function emptyQueue(
  db: Database,
  name: QueueName,
  which: { waiting: boolean; failed: boolean },
): Promise<number> {
  const statuses: Job["status"][] = [
    ...(which.waiting ? ["waiting" as const] : []),
    ...(which.failed ? ["failed" as const] : []),
  ];
  if (!statuses.length) return 0;
  const result = await db.delete(jobs).where(and(eq(jobs.queue, name), inArray(jobs.status, statuses)));
  return result.rowsAffected;
}

export async function listJobs(db: Database, name: QueueName, statuses: Job["status"][], limit = 100): Promise<Job[]> {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.queue, name), inArray(jobs.status, statuses)))
    .orderBy(asc(jobs.id))
    .limit(limit);
}

// The payloads of the jobs of a name still to run (waiting, or running now).
export async function pendingJobPayloads<N extends JobName>(db: Database, name: N): Promise<Array<JobPayloads[N]>> {
  const rows = await db
    .select({ payload: jobs.payload })
    .from(jobs)
    .where(and(eq(jobs.name, name), inArray(jobs.status, ["waiting", "active"])));
  return rows.map((row) => row.payload as JobPayloads[N]);
}

// Whether any job of these names is still to run (waiting, or running now).
export async function jobsPending(db: Database, names: JobName[]): Promise<boolean> {
  const [row] = await db
    .select({ n: count() })
    .from(jobs)
    .where(and(inArray(jobs.name, names), inArray(jobs.status, ["waiting", "active"])));
  return (row?.n ?? 0) > 0;
}

// Queues a job unless one of the same name (with `samePayload`, and payload) is waiting (or, with
// `orRunning`, running too), in one statement so that two callers at once queue one; whether it was queued.
export async function enqueueJobUnlessPending(
  db: Database,
  job: NewJob,
  {
    orRunning = true,
    samePayload = false,
    now = Date.now(),
  }: { orRunning?: boolean; samePayload?: boolean; now?: number } = {},
): Promise<boolean> {
  const pending = orRunning ? sql`('waiting', 'active')` : sql`('waiting')`;
  const payload = JSON.stringify(job.payload);
  const result = await db.run(sql`
    INSERT INTO ${jobs} (queue, name, payload, status, priority, attempts, run_after, created_at, updated_at)
    SELECT ${jobQueue[job.name]}, ${job.name}, ${payload}, 'waiting', ${job.priority ?? 0}, 0, ${job.runAfter ?? now}, ${now}, ${now}
    WHERE NOT EXISTS (
      SELECT 1 FROM ${jobs} WHERE ${jobs.name} = ${job.name} AND ${jobs.status} IN ${pending} ${samePayload ? sql`AND ${jobs.payload} = ${payload}` : sql``})`);
  return result.rowsAffected === 1;
}
