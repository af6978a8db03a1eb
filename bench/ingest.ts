// npm run bench:ingest [-- <folder>] [--concurrency N]
// Photos per second through the whole pipeline (upload, metadata, thumbnail, preview, thumbhash), and,
// as the baseline in the same run, the same image work done directly in this process with the same
// concurrency. Target: the pipeline reaches at least 0.8 of the direct rate.
import { readdirSync, readFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { detectMediaType, mediaExtensions } from "../common/media-types";
import { renderImageDerivatives } from "../workers/media/image";
import { readImageMetadata } from "../workers/media/image-metadata";
import { childPids, projectRoot, startShoebox, waitForQueuesToDrain, workerdPid } from "../tests/helpers/shoebox";
import { mib, PeakRss, printTable } from "./rss";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { concurrency: { type: "string", default: "2" } } });
const folder = resolve(positionals[0] ?? join(projectRoot, "../shared/media/bench"));
const concurrency = Number(values.concurrency);
const files = readdirSync(folder, { recursive: true, encoding: "utf8" })
  .map((name) => join(folder, name))
  .filter((path) => mediaExtensions.image.includes(extname(path).toLowerCase()));
if (files.length === 0) {
  console.error(`No photos under ${folder}`);
  process.exit(1);
}
const bytes = files.map((path) => readFileSync(path));

async function pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

// Baseline: the same metadata and image work, straight from this process.
const ownPid = process.pid;
const directMemory = new PeakRss([ownPid]);
let started = performance.now();
await pool(files, async (path) => {
  const media = detectMediaType(readFileSync(path).subarray(0, 512), path)!;
  await readImageMetadata(path, media.mimeType);
  await renderImageDerivatives(path, media.mimeType);
});
const directSeconds = (performance.now() - started) / 1000;
directMemory.stop();

const shoebox = await startShoebox({
  env: { JOB_CONCURRENCY: `metadataExtraction=${concurrency},thumbnailGeneration=${concurrency}`, JOB_POLL_MS: "1000" },
});
try {
  const workerPid = shoebox.process.pid!;
  const workerd = workerdPid(workerPid);
  const jobPids = childPids(workerPid).filter((pid) => pid !== workerd);
  const memory = new PeakRss([workerd, workerPid, ...jobPids]);
  started = performance.now();
  await pool(
    files.map((path, i) => ({ path, data: bytes[i]! })),
    async ({ path, data }) => {
      const form = new FormData();
      form.set("fileCreatedAt", new Date().toISOString());
      form.set("fileModifiedAt", new Date().toISOString());
      form.set("assetData", new Blob([data]), path.split("/").pop()!);
      const response = await shoebox.api("/api/assets", { method: "POST", body: form });
      if (response.status >= 400) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    },
  );
  await waitForQueuesToDrain(shoebox, 30 * 60_000);
  const pipelineSeconds = (performance.now() - started) / 1000;
  memory.stop();

  console.log(`\n${files.length} photos from ${folder}, concurrency ${concurrency}\n`);
  printTable([
    ["path", "photos/s", "seconds", "peak RSS"],
    ["direct sharp + exifr (baseline)", (files.length / directSeconds).toFixed(2), directSeconds.toFixed(1), `${mib(directMemory.peak.get(ownPid)!)} (this process)`],
    [
      "full pipeline",
      (files.length / pipelineSeconds).toFixed(2),
      pipelineSeconds.toFixed(1),
      `workerd ${mib(memory.peak.get(workerd)!)}, worker ${mib(memory.peak.get(workerPid)!)}, ` +
        `${jobPids.length} job processes ${jobPids.map((pid) => mib(memory.peak.get(pid)!)).join(" + ")}`,
    ],
  ]);
  console.log(`\npipeline / direct: ${(directSeconds / pipelineSeconds).toFixed(2)} (target ≥ 0.8)`);
} finally {
  await shoebox.stop();
}
