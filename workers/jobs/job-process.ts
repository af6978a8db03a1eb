// A job process: runs the jobs of one queue of the job runner, one at a time. Media files are hostile
// input: a parser that loops forever or a decoder that crashes takes down this process only, never the
// worker that serves the database (see ./sandbox.ts). It leads a process group of its own, so that the
// runner can stop it together with the tools it started (ffmpeg), and it loads each job's code on first
// use (./index.ts).
import sharp from "sharp";
import { connectDatabase } from "../../common/db";
import { enqueueJobs } from "../../common/queue";
import type { JobName, JobPayloads } from "../../common/jobs";
import type { Job } from "../../common/schema";
import { configureLog } from "../log";
import { configureModels } from "../ml/runtime";
import { createWorkerStorage } from "../storage";
import type { JobContext } from "./context";
import { UnprocessableMediaError } from "./errors";
import { jobHandlers, type JobHandler } from "./index";
import { stopExitCodes, type FromJobProcess, type JobProcessSettings, type ToJobProcess } from "./protocol";

const send = (message: FromJobProcess) => process.send!(message);

const settings = JSON.parse(process.env.SHOEBOX_JOB_PROCESS ?? "{}") as JobProcessSettings;
configureLog({ process: "job", level: settings.logLevel, context: { queue: settings.queue } });
// Parallelism comes from running several job processes; libvips threads on top of that would only
// fight over the same cores.
sharp.concurrency(1);
configureModels(settings.ml);
const { db } = connectDatabase({ url: settings.databaseUrl, authToken: settings.databaseAuthToken });
let deadline = Number.POSITIVE_INFINITY;
const context: JobContext = {
  db,
  storage: createWorkerStorage(settings.storage, settings.scratchRoot, settings.workerId),
  storageTemplate: settings.storage.kind === "local" ? settings.storage.template : undefined,
  ml: settings.ml,
  timeLeftMs: () => deadline - Date.now(),
  wake: () => send({ type: "wake" }),
  enqueue: async (jobs) => {
    await enqueueJobs(db, jobs);
    send({ type: "wake" });
  },
};

async function runJob(job: Job): Promise<void> {
  const load = jobHandlers[job.name as JobName] as (() => Promise<JobHandler<JobName>>) | undefined;
  if (!load) throw new Error(`No handler for job "${job.name}"`);
  await (await load())(context, job.payload as JobPayloads[JobName]);
}

process.on("message", ({ job, timeoutMs }: ToJobProcess) => {
  deadline = Date.now() + timeoutMs;
  // One job at a time: whatever this process logs until it ends is about this job.
  configureLog({ context: { queue: settings.queue, job: { id: job.id, name: job.name } } });
  runJob(job)
    .then(
      () => send({ type: "done" }),
      (error: unknown) =>
        send({
          type: "failed",
          message: error instanceof Error ? error.message : String(error),
          permanent: error instanceof UnprocessableMediaError,
        }),
    )
    .finally(() => configureLog({ context: { queue: settings.queue } }));
});
// Stopped from outside (the worker shutting down, or a service manager signalling every process):
// exiting runs the exit hooks that kill the tools this job started, and the worker puts the job back.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(stopExitCodes[signal]));
// The worker went away: nothing is left to report to.
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
