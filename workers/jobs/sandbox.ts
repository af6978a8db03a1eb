// Runs jobs in child processes, one per slot of the job runner. A job that outlives its time limit
// or whose process dies (a decoder crash, memory exhausted) fails for good with a reason; the next
// job gets a fresh process.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Job } from "../../common/schema";
import { log } from "../log";
import { UnprocessableMediaError } from "./errors";
import type { FromJobProcess, JobProcessSettings, ToJobProcess } from "./job-process";

const entry = fileURLToPath(new URL("./job-process.ts", import.meta.url));

export interface JobSlot {
  // Settles once the slot's process has loaded everything and can take a job.
  ready: Promise<void>;
  run(job: Job, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export function createProcessSlot(settings: JobProcessSettings, onWake: () => void): JobSlot {
  let child: ChildProcess | undefined;

  const start = () => {
    // Inherits this process's module loader (tsx), so the child runs the same TypeScript sources.
    const started = fork(entry, { env: { ...process.env, SHOEBOX_JOB_PROCESS: JSON.stringify(settings) }, stdio: "inherit" });
    started.on("message", (message: FromJobProcess) => message.type === "wake" && onWake());
    started.on("error", (error) => log.warn("job process error", { error }));
    return started;
  };

  const stop = (process: ChildProcess) => {
    process.removeAllListeners("exit");
    process.kill("SIGKILL");
    if (child === process) child = undefined;
  };

  // Started ahead of the first job: loading the media libraries takes a moment a job should not wait.
  const first = (child = start());
  const ready = new Promise<void>((resolve) => {
    const onMessage = (message: FromJobProcess) => message.type === "ready" && settle();
    const settle = () => {
      first.off("message", onMessage);
      first.off("exit", settle);
      resolve();
    };
    first.on("message", onMessage);
    first.once("exit", settle);
  });

  return {
    ready,
    run(job, timeoutMs) {
      const current = child && child.connected ? child : (child = start());
      return new Promise<void>((resolve, reject) => {
        const settle = (outcome: () => void) => {
          clearTimeout(timer);
          current.off("message", onMessage);
          current.off("exit", onExit);
          outcome();
        };
        const onMessage = (message: FromJobProcess) => {
          if (message.type === "done") settle(resolve);
          else if (message.type === "failed") {
            settle(() => reject(message.permanent ? new UnprocessableMediaError(message.message) : new Error(message.message)));
          }
        };
        const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
          if (child === current) child = undefined;
          settle(() =>
            reject(new UnprocessableMediaError(`The process working on this file died (${signal ?? `exit code ${code}`}); the file may be damaged or hostile`)),
          );
        };
        const timer = setTimeout(() => {
          settle(() => reject(new UnprocessableMediaError(`Processing took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`)));
          stop(current);
        }, timeoutMs);
        current.on("message", onMessage);
        current.once("exit", onExit);
        current.send({ type: "run", job } satisfies ToJobProcess);
      });
    },
    async close() {
      const current = child;
      child = undefined;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      await new Promise<void>((done) => {
        current.once("exit", () => done());
        // A job process that got the same signal as the worker (Ctrl-C reaches the whole process
        // group) may have let go of its channel already; it is on its way out.
        if (current.connected) current.disconnect();
        setTimeout(() => current.kill("SIGKILL"), 5000).unref();
      });
    },
  };
}
