// npm run bench:footprint [-- <folder>] [--idle-minutes N]
// What Shoebox costs a small machine, measured on `npm start` as a newcomer runs it: the time from
// `npm start` to the first answer of /api/server/ping (first start, then a warm one), the memory of
// the whole process tree (PSS, each shared page counted once, and RSS) 30 s after start with ML on
// and with ML=off, the peak while ingesting a folder of photos (../shared/media/bench), and again
// after the last job plus the idle period (10 minutes by default), when models and job processes
// should be gone. Targets on a 2-core machine: first answer under 3 s warm; idle under 300 MB PSS
// with ML on and 200 MB with it off; under 350 MB after the idle period.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { mediaExtensions } from "../common/media-types";
import { createApiKey, login, signUpAdmin } from "../tests/helpers/accounts";
import { admin, processTree, projectRoot, waitForQueuesToDrain } from "../tests/helpers/shoebox";
import { printTable } from "./rss";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { "idle-minutes": { type: "string", default: "10" } },
});
const folder = resolve(positionals[0] ?? join(projectRoot, "../shared/media/bench"));
const idleMs = Number(values["idle-minutes"]) * 60_000;
const files = readdirSync(folder, { recursive: true, encoding: "utf8" })
  .map((name) => join(folder, name))
  .filter((path) => mediaExtensions.image.includes(extname(path).toLowerCase()));
const dataDir = mkdtempSync(join(tmpdir(), "shoebox-footprint-"));

interface Memory {
  pss: number;
  rss: number;
  processes: number;
}

// PSS and RSS of one process, from smaps_rollup (0 for a process gone meanwhile).
function memoryOf(pid: number): { pss: number; rss: number } {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const field = (name: string) => Number(rollup.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0) * 1024;
    return { pss: field("Pss"), rss: field("Rss") };
  } catch {
    return { pss: 0, rss: 0 };
  }
}

function treeMemory(root: number): Memory {
  const pids = processTree(root);
  const each = pids.map(memoryOf);
  return {
    pss: each.reduce((sum, m) => sum + m.pss, 0),
    rss: each.reduce((sum, m) => sum + m.rss, 0),
    processes: pids.length,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Started {
  child: ChildProcess;
  url: string;
  secondsToPing: number;
}

// `npm start` as the README says, with its port picked by the OS; resolves at the first pong.
async function npmStart(env: Record<string, string> = {}): Promise<Started> {
  const started = performance.now();
  const child = spawn("npm", ["start"], {
    cwd: projectRoot,
    env: { ...process.env, DATA_DIR: dataDir, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let url: string | undefined;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
    url ??= output.match(/Shoebox is listening on (\S+)/)?.[1];
    if (url) {
      const pong = await fetch(`${url}/api/server/ping`).then(
        (r) => r.ok,
        () => false,
      );
      if (pong) return { child, url, secondsToPing: (performance.now() - started) / 1000 };
    }
    await sleep(20);
  }
}

// SIGTERM to the npm process, as a service manager sends it; what is still running 15 s later is
// reported (and killed, so that the next start has the data folder to itself).
const leftBehind: string[] = [];
async function stop({ child }: Started, moment: string): Promise<void> {
  const tree = processTree(child.pid!);
  child.kill("SIGTERM");
  for (let i = 0; i < 150 && tree.some(alive); i++) await sleep(100);
  const left = tree.filter(alive);
  if (left.length)
    leftBehind.push(`${moment}: ${left.length} of ${tree.length} processes still running 15 s after SIGTERM`);
  for (const pid of left) process.kill(pid, "SIGKILL");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const rows: string[][] = [["moment", "PSS", "RSS", "processes", "target"]];
const row = (moment: string, memory: Memory, target: string) =>
  rows.push([moment, mb(memory.pss), mb(memory.rss), String(memory.processes), target]);

try {
  const first = await npmStart();
  await signUpAdmin(first.url, admin);
  await stop(first, "first start");

  const warm = await npmStart();
  await sleep(30_000);
  row("idle 30 s after start, ML on", treeMemory(warm.child.pid!), "< 300 MB PSS");
  await stop(warm, "warm start");

  const mlOff = await npmStart({ ML: "off" });
  await sleep(30_000);
  row("idle 30 s after start, ML=off", treeMemory(mlOff.child.pid!), "< 200 MB PSS");
  await stop(mlOff, "ML=off");

  const ingest = await npmStart();
  const key = await createApiKey(await login(ingest.url, admin.email, admin.password), ["all"]);
  let peak: Memory = { pss: 0, rss: 0, processes: 0 };
  const sampler = setInterval(() => {
    const now = treeMemory(ingest.child.pid!);
    if (now.pss > peak.pss) peak = now;
  }, 250);
  for (const path of files) {
    const form = new FormData();
    form.set("fileCreatedAt", new Date().toISOString());
    form.set("fileModifiedAt", new Date().toISOString());
    form.set("assetData", new Blob([readFileSync(path)]), path.split("/").pop()!);
    const response = await fetch(`${ingest.url}/api/assets`, {
      method: "POST",
      body: form,
      headers: { "x-api-key": key },
    });
    if (response.status >= 400) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  }
  const api = (path: string) => fetch(`${ingest.url}${path}`, { headers: { "x-api-key": key } });
  await waitForQueuesToDrain({ api }, 60 * 60_000);
  clearInterval(sampler);
  row(`peak while ingesting ${files.length} photos`, peak, "");
  await sleep(idleMs);
  row(`${values["idle-minutes"]} min after the last job`, treeMemory(ingest.child.pid!), "< 350 MB PSS");
  await stop(ingest, "ingest");

  console.log(
    `\nnpm start → first /api/server/ping: ${first.secondsToPing.toFixed(2)} s on the first start, ${warm.secondsToPing.toFixed(2)} s warm (target < 3 s)\n`,
  );
  printTable(rows);
  console.log(
    leftBehind.length ? `\n${leftBehind.join("\n")}` : "\nSIGTERM to npm start stopped every process each time",
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
