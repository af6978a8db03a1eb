// A job process as the runner sees it: started for one queue, given one job at a time, stopped with
// everything it started. Each leads its own process group, so that a timeout kills the job's tools
// (ffmpeg) with it, and a terminal's Ctrl-C reaches only the worker, which then stops it in order.
// How a job ends decides what it costs the file:
//   - it outlives its time limit, or its process dies (a decoder crash, memory exhausted): the job
//     fails for good with the reason (UnprocessableMediaError);
//   - its process is stopped from outside (the worker's shutdown, SIGINT or SIGTERM to the tree): the
//     job is not the file's fault and goes back to waiting (JobInterruptedError).
import { fork } from "node:child_process";
import type { QueueName } from "../../common/jobs";
import type { Job } from "../../common/schema";
import { log } from "../log";
import { entryPoint } from "../paths";
import { UnprocessableMediaError } from "./errors";
import { stopExitCodes, type FromJobProcess, type JobProcessSettings, type ToJobProcess } from "./protocol";

export class JobInterruptedError extends Error {
  override name = "JobInterruptedError";
}

export interface JobProcess {
  queue: QueueName;
  // False once the process has exited or is being stopped: it takes no more jobs.
  readonly alive: boolean;
  run(job: Job, timeoutMs: number): Promise<void>;
  // Stops the running job (SIGTERM to the group, SIGKILL if it lingers); its run() rejects with
  // JobInterruptedError.
  interrupt(): void;
  // Ends an idle process.
  close(): Promise<void>;
  exited: Promise<void>;
}

// How long a stopped process may take to exit before the rest of its group is killed.
const stopGraceMs = 3000;

const stoppedFromOutside = (code: number | null, signal: NodeJS.Signals | null) =>
  signal === "SIGINT" || signal === "SIGTERM" || Object.values(stopExitCodes).includes(code ?? -1);

export function startJobProcess(settings: JobProcessSettings, onWake: () => void): JobProcess {
  // From the sources, the child inherits this process's module loader (tsx) through execArgv.
  const child = fork(entryPoint("workers/jobs/job-process.ts"), [], {
    detached: true,
    env: { ...process.env, SHOEBOX_JOB_PROCESS: JSON.stringify(settings) },
    stdio: "inherit",
  });
  let exited = false;
  // Killed after a timeout, interrupted or closed: on its way out.
  let ending = false;
  let interrupted = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = true;
      // Whatever the job started dies with it.
      killGroup("SIGKILL");
      resolve({ code, signal });
    }),
  );
  const ready = new Promise<boolean>((resolve) => {
    child.on("message", (message: FromJobProcess) => message.type === "ready" && resolve(true));
    void exit.then(() => resolve(false));
  });
  child.on("message", (message: FromJobProcess) => message.type === "wake" && onWake());
  child.on("error", (error) => log.warn("job process error", { queue: settings.queue, error }));

  function killGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is gone already.
    }
  }

  return {
    queue: settings.queue,
    get alive() {
      return !exited && !ending;
    },
    exited: exit.then(() => undefined),
    async run(job, timeoutMs) {
      if (!(await ready)) {
        const { code, signal } = await exit;
        if (interrupted || stoppedFromOutside(code, signal))
          throw new JobInterruptedError("The job process was stopped before the job started");
        throw new Error(`The job process exited before it was ready (${signal ?? `exit code ${code}`})`);
      }
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        const settle = (outcome: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          child.off("message", onMessage);
          outcome();
        };
        const onMessage = (message: FromJobProcess) => {
          if (message.type === "done") settle(resolve);
          else if (message.type === "failed") {
            settle(() =>
              reject(message.permanent ? new UnprocessableMediaError(message.message) : new Error(message.message)),
            );
          }
        };
        void exit.then(({ code, signal }) =>
          settle(() =>
            reject(
              interrupted || stoppedFromOutside(code, signal)
                ? new JobInterruptedError(`The job was stopped (${signal ?? `exit code ${code}`}) and will run again`)
                : new UnprocessableMediaError(
                    `The process working on this file died (${signal ?? `exit code ${code}`}); the file may be damaged or hostile`,
                  ),
            ),
          ),
        );
        const timer = setTimeout(() => {
          ending = true;
          settle(() =>
            reject(
              new UnprocessableMediaError(
                `Processing took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`,
              ),
            ),
          );
          killGroup("SIGKILL");
        }, timeoutMs);
        child.on("message", onMessage);
        child.send({ type: "run", job, timeoutMs } satisfies ToJobProcess);
      });
    },
    interrupt() {
      if (exited) return;
      ending = true;
      interrupted = true;
      killGroup("SIGTERM");
      setTimeout(() => !exited && killGroup("SIGKILL"), stopGraceMs).unref();
    },
    async close() {
      if (exited) return;
      ending = true;
      if (child.connected) child.disconnect();
      const killer = setTimeout(() => killGroup("SIGKILL"), stopGraceMs);
      await exit;
      clearTimeout(killer);
    },
  };
}
