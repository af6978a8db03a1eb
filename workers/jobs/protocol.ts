// What the worker and a job process say to each other (./sandbox.ts and ./job-process.ts), kept apart
// so that neither loads the other's code.
import type { MlConfig, StorageConfig } from "../../common/config";
import type { QueueName } from "../../common/jobs";
import type { LogLevel } from "../../common/log";
import type { Job } from "../../common/schema";

export interface JobProcessSettings {
  queue: QueueName;
  databaseUrl: string;
  databaseAuthToken?: string;
  storage: StorageConfig;
  scratchRoot: string;
  workerId: string;
  ml: MlConfig;
  logLevel: LogLevel;
}

export type ToJobProcess = { type: "run"; job: Job; timeoutMs: number };
export type FromJobProcess =
  | { type: "ready" }
  | { type: "done" }
  | { type: "failed"; message: string; permanent: boolean }
  | { type: "wake" };

// The exit codes of a process stopped by SIGINT or SIGTERM (128 + the signal's number), which the
// runner reads as "stopped from outside", not as the file's fault.
export const stopExitCodes: Record<"SIGINT" | "SIGTERM", number> = { SIGINT: 130, SIGTERM: 143 };
