// Background work, as the admin sees it: Immich's /api/queues shapes, plus retrying failed jobs; and
// Immich's older /api/jobs, whose start command runs a queue over the whole library.
import { z } from "@hono/zod-openapi";
import type { Auth } from "../../common/access";
import { queueNames, type QueueName } from "../../common/jobs";
import type { QueueState } from "../../common/queue";
import { createRouter, json, route } from "../router";
import type { ServiceContext } from "../services/context";
import { emptyQueue, pauseQueue, queueJobs, queueState, queueStates, retryFailed, startQueue } from "../services/jobs";

const QueueNameParam = z.object({ name: z.enum(queueNames as [QueueName, ...QueueName[]]) });

const QueueStatistics = z
  .object({
    active: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    delayed: z.number().int(),
    waiting: z.number().int(),
    paused: z.number().int(),
  })
  .openapi("QueueStatisticsDto");

const Queue = z
  .object({
    name: z.enum(queueNames as [QueueName, ...QueueName[]]),
    isPaused: z.boolean(),
    statistics: QueueStatistics,
  })
  .openapi("QueueResponseDto");

const JobStatus = z.enum(["waiting", "active", "failed"]);

const QueueJob = z
  .object({
    id: z.string(),
    name: z.string(),
    data: z.record(z.string(), z.unknown()),
    timestamp: z.number().int(),
    failedReason: z.string().optional(),
    attemptsMade: z.number().int(),
  })
  .openapi("QueueJobResponseDto");

const list = route(
  { permission: "job.read", admin: true },
  {
    method: "get",
    path: "/",
    tags: ["Queues"],
    responses: { 200: json(z.array(Queue), "Every queue with its job counts") },
  },
);

const get = route(
  { permission: "job.read", admin: true },
  {
    method: "get",
    path: "/{name}",
    tags: ["Queues"],
    request: { params: QueueNameParam },
    responses: { 200: json(Queue, "One queue with its job counts") },
  },
);

const update = route(
  { permission: "job.create", admin: true },
  {
    method: "put",
    path: "/{name}",
    tags: ["Queues"],
    request: {
      params: QueueNameParam,
      body: {
        content: {
          "application/json": { schema: z.object({ isPaused: z.boolean().optional() }).openapi("QueueUpdateDto") },
        },
      },
    },
    responses: { 200: json(Queue, "The queue after the change") },
  },
);

const jobsOf = route(
  { permission: "job.read", admin: true },
  {
    method: "get",
    path: "/{name}/jobs",
    tags: ["Queues"],
    request: {
      params: QueueNameParam,
      query: z.object({ status: z.union([JobStatus, z.array(JobStatus)]).optional() }),
    },
    responses: { 200: json(z.array(QueueJob), "Jobs of the queue, oldest first (at most 100)") },
  },
);

const empty = route(
  { permission: "job.create", admin: true },
  {
    method: "delete",
    path: "/{name}/jobs",
    tags: ["Queues"],
    request: {
      params: QueueNameParam,
      body: {
        required: false,
        content: {
          "application/json": { schema: z.object({ failed: z.boolean().optional() }).openapi("QueueDeleteDto") },
        },
      },
    },
    responses: { 204: { description: "Waiting jobs (and failed ones, if asked) were removed" } },
  },
);

const retry = route(
  { permission: "job.create", admin: true },
  {
    method: "post",
    path: "/{name}/retry",
    tags: ["Queues"],
    request: { params: QueueNameParam },
    responses: { 200: json(Queue, "Failed jobs are waiting again, each with a fresh set of attempts") },
  },
);

export const queueRoutes = createRouter()
  .openapi(list, async (c) => c.json(await queueStates(c, c.var.auth)))
  .openapi(get, async (c) => c.json(await queueState(c, c.var.auth, c.req.valid("param").name)))
  .openapi(update, async (c) => {
    const { name } = c.req.valid("param");
    const { isPaused } = c.req.valid("json");
    if (isPaused !== undefined) await pauseQueue(c, c.var.auth, name, isPaused);
    return c.json(await queueState(c, c.var.auth, name));
  })
  .openapi(jobsOf, async (c) => {
    const { status } = c.req.valid("query");
    const statuses = status === undefined ? JobStatus.options : Array.isArray(status) ? status : [status];
    const jobs = await queueJobs(c, c.var.auth, c.req.valid("param").name, statuses);
    return c.json(
      jobs.map((job) => ({
        id: String(job.id),
        name: job.name,
        data: job.payload,
        timestamp: job.createdAt,
        ...(job.lastError ? { failedReason: job.lastError } : {}),
        attemptsMade: job.attempts,
      })),
    );
  })
  .openapi(empty, async (c) => {
    const body = c.req.header("content-type")?.includes("json") ? c.req.valid("json") : {};
    await emptyQueue(c, c.var.auth, c.req.valid("param").name, { waiting: true, failed: body?.failed ?? false });
    return c.body(null, 204);
  })
  .openapi(retry, async (c) => {
    const { name } = c.req.valid("param");
    await retryFailed(c, c.var.auth, name);
    return c.json(await queueState(c, c.var.auth, name));
  });

const JobStatusResponse = z
  .object({
    jobCounts: QueueStatistics,
    queueStatus: z.object({ isActive: z.boolean(), isPaused: z.boolean() }),
  })
  .openapi("JobStatusResponseDto");

const toJobStatusResponse = ({ isPaused, statistics }: QueueState) => ({
  jobCounts: statistics,
  queueStatus: { isActive: statistics.active > 0, isPaused },
});

const JobCommand = z.enum(["start", "pause", "resume", "empty", "clear-failed"]);

const allJobs = route(
  { permission: "job.read", admin: true },
  {
    method: "get",
    path: "/",
    tags: ["Jobs"],
    responses: { 200: json(z.record(z.string(), JobStatusResponse), "Every queue's counts, by name") },
  },
);

const command = route(
  { permission: "job.create", admin: true },
  {
    method: "put",
    path: "/{name}",
    tags: ["Jobs"],
    description:
      "`start` runs the queue over the library: its work for every asset that lacks it, or with `force` for all of them (for face recognition, `force` clusters again every face but those of people named or hidden); for `library`, a scan of every external library. `pause`, `resume`, `empty` (waiting jobs) and `clear-failed` act on the queue's jobs.",
    request: {
      params: QueueNameParam,
      body: {
        content: {
          "application/json": {
            schema: z.object({ command: JobCommand, force: z.boolean().optional() }).openapi("JobCommandDto"),
          },
        },
      },
    },
    responses: { 200: json(JobStatusResponse, "The queue after the command") },
  },
);

// Immich's job commands, each one of the queue commands the admin page has too.
const commands: Record<
  z.infer<typeof JobCommand>,
  (c: ServiceContext, auth: Auth, name: QueueName, force: boolean) => Promise<void>
> = {
  start: startQueue,
  pause: (c, auth, name) => pauseQueue(c, auth, name, true),
  resume: (c, auth, name) => pauseQueue(c, auth, name, false),
  empty: (c, auth, name) => emptyQueue(c, auth, name, { waiting: true, failed: false }),
  "clear-failed": (c, auth, name) => emptyQueue(c, auth, name, { waiting: false, failed: true }),
};

export const jobRoutes = createRouter()
  .openapi(allJobs, async (c) =>
    c.json(
      Object.fromEntries((await queueStates(c, c.var.auth)).map((state) => [state.name, toJobStatusResponse(state)])),
    ),
  )
  .openapi(command, async (c) => {
    const { name } = c.req.valid("param");
    const { command, force } = c.req.valid("json");
    await commands[command](c, c.var.auth, name, force ?? false);
    return c.json(toJobStatusResponse(await queueState(c, c.var.auth, name)), 200);
  });
