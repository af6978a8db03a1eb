// A job process: runs the job handlers for one slot of the job runner, one job at a time. Media
// files are hostile input: a parser that loops forever or a decoder that crashes takes down this
// process only, never the worker that serves the database (see ./sandbox.ts).
import sharp from "sharp";
import { connectDatabase } from "../../common/db";
import { enqueueJobs } from "../../common/queue";
import type { JobName, JobPayloads } from "../../common/jobs";
import type { Job } from "../../common/schema";
import type { MlConfig, StorageConfig } from "../../common/config";
import { createWorkerStorage } from "../storage";
import type { JobContext } from "./context";
import { UnprocessableMediaError } from "./errors";
import { jobHandlers } from "./index";
import type { JobHandler } from "./runner";

export interface JobProcessSettings {
  databaseUrl: string;
  databaseAuthToken?: string;
  storage: StorageConfig;
  scratchRoot: string;
  workerId: string;
  maxAttempts: number;
  ml: MlConfig;
}

export type ToJobProcess = { type: "run"; job: Job };
export type FromJobProcess =
  | { type: "ready" }
  | { type: "done" }
  | { type: "failed"; message: string; permanent: boolean }
  | { type: "wake" };

const send = (message: FromJobProcess) => process.send!(message);

const settings = JSON.parse(process.env.SHOEBOX_JOB_PROCESS ?? "{}") as JobProcessSettings;
// Parallelism comes from running several job processes; libvips threads on top of that would only
// fight over the same cores.
sharp.concurrency(1);
const { db } = connectDatabase({ url: settings.databaseUrl, authToken: settings.databaseAuthToken });
const context: JobContext = {
  db,
  storage: createWorkerStorage(settings.storage, settings.scratchRoot, settings.workerId),
  maxAttempts: settings.maxAttempts,
  storageTemplate: settings.storage.kind === "local" ? settings.storage.template : undefined,
  ml: settings.ml,
  wake: () => send({ type: "wake" }),
  enqueue: async (jobs) => {
    await enqueueJobs(db, jobs, settings.maxAttempts);
    send({ type: "wake" });
  },
};
const handlers = jobHandlers(context);

process.on("message", (message: ToJobProcess) => {
  const { job } = message;
  const handler = handlers[job.name as JobName] as JobHandler<JobName> | undefined;
  const work = handler ? handler(job.payload as JobPayloads[JobName], job) : Promise.reject(new Error(`No handler for job "${job.name}"`));
  work.then(
    () => send({ type: "done" }),
    (error: unknown) =>
      send({
        type: "failed",
        message: error instanceof Error ? error.message : String(error),
        permanent: error instanceof UnprocessableMediaError,
      }),
  );
});
// The worker went away: nothing is left to report to.
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
