// Starts real Shoebox processes for integration tests: the worker (and workerd under it) on
// loopback ports picked by the OS, with a temporary data folder. They run what `npm start` runs, the
// bundles of `npm run build` (which `npm test` does first).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createApiKey, login, signUpAdmin } from "./accounts";

export const projectRoot = resolve(import.meta.dirname, "../..");
export const builtMain = join(projectRoot, "dist/app/workers/main.js");

export interface Shoebox {
  url: string;
  // The worker's internal endpoint (Hrana and the job nudge).
  workerUrl: string;
  dataDir: string;
  process: ChildProcess;
  output(): string;
  token(): string;
  // Sends a signal and waits for the process to exit; resolves with its exit code.
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
  // The first admin's API key, with every permission (empty for role "worker" or signUp: false).
  apiKey: string;
  // fetch of a path on this server, with the API key.
  api: Api;
}

export type Api = (path: string, init?: RequestInit) => Promise<Response>;

export interface StartOptions {
  role?: "start" | "worker" | "web";
  dataDir?: string;
  env?: Record<string, string>;
  // Keep the data folder after stop (for a second start on the same data).
  keepData?: boolean;
  // Leave the server without accounts (to test the first run).
  signUp?: false;
  // Its own process group, so that a test can signal the whole tree as a terminal's Ctrl-C does.
  detached?: boolean;
}

// The account startShoebox signs up (or in with).
export const admin = { email: "admin@example.com", password: "test-password", name: "Admin" };

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), "shoebox-test-"));
}

export async function startShoebox(options: StartOptions = {}): Promise<Shoebox> {
  const role = options.role ?? "start";
  const dataDir = options.dataDir ?? makeDataDir();
  const child = spawn(process.execPath, [builtMain, role], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DATA_DIR: dataDir,
      PORT: "0",
      WORKER_PORT: "0",
      JOB_POLL_MS: "200",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));

  // However long a busy machine takes: the test's own timeout bounds a start that hangs.
  const ready = role === "worker" ? /Shoebox worker is listening on (\S+)/ : /Shoebox is listening on (\S+)/;
  const url = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const found = output.match(ready)?.[1];
      if (!found) return;
      child.stdout!.off("data", look);
      resolve(found);
    };
    child.stdout!.on("data", look);
    void exited.then((code) => reject(new Error(`Shoebox did not start (exit ${code}):\n${output}`)));
  });
  const workerUrl =
    role === "web" ? (options.env?.WORKER_URL ?? "") : (output.match(/"internal":"([^"]+)"/)?.[1] ?? "");
  const signsUp = role !== "worker" && options.signUp !== false;
  const apiKey = signsUp
    ? await createAdminApiKey(url).catch((error: Error) => {
        child.kill("SIGKILL");
        throw new Error(`${error.message}\n${output}`);
      })
    : "";

  return {
    url,
    workerUrl,
    dataDir,
    process: child,
    output: () => output,
    token: () => readFileSync(join(dataDir, "internal-token"), "utf8").trim(),
    exited,
    apiKey,
    api: apiClient(url, apiKey),
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      if (!options.keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

function apiClient(url: string, apiKey: string): Api {
  return (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (apiKey) headers.set("x-api-key", apiKey);
    return fetch(`${url}${path}`, { ...init, headers });
  };
}

// Signs up the first admin, or signs in where the database has one already (a second process pair,
// a restart on the same data), and makes an API key with every permission.
async function createAdminApiKey(url: string): Promise<string> {
  await signUpAdmin(url, admin);
  return createApiKey(await login(url, admin.email, admin.password), ["all"]);
}

// The PIDs of a process's children (from /proc), to check that none outlive it.
export function childPids(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return tasks ? tasks.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

// The worker's workerd child (its other children are job processes).
export function workerdPid(workerPid: number): number {
  const pid = childPids(workerPid).find((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, "utf8").includes("workerd");
    } catch {
      return false;
    }
  });
  if (pid === undefined) throw new Error(`worker ${workerPid} has no workerd child`);
  return pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// The timeout only bounds a hang: on a busy machine work may take minutes, so a check never judges speed.
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 5 * 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const sharedMedia = resolve(projectRoot, "../shared/media");

// Every file below a folder (none if it does not exist).
export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

export interface QueueState {
  name: string;
  statistics: Record<"active" | "completed" | "failed" | "delayed" | "waiting" | "paused", number>;
}

export async function queueStates({ api }: Pick<Shoebox, "api">): Promise<QueueState[]> {
  return (await (await api("/api/queues")).json()) as QueueState[];
}

// Waits until no queue has a job waiting, delayed or running, and returns the queues then.
export function waitForQueuesToDrain(shoebox: Pick<Shoebox, "api">, timeoutMs = 10 * 60_000): Promise<QueueState[]> {
  return waitFor(
    "every queue to drain",
    async () => {
      const queues = await queueStates(shoebox);
      return queues.every(({ statistics: s }) => s.waiting + s.active + s.delayed === 0) ? queues : undefined;
    },
    timeoutMs,
  );
}

// A process and all its descendants (from /proc).
export function processTree(pid: number): number[] {
  return [pid, ...childPids(pid).flatMap(processTree)];
}
