// npm run bench:upload [-- --size-mb N]
// Streams one large upload (2 GB by default) through workerd into the library and prints its rate and
// the peak memory growth of workerd and of the worker. Baseline, measured in the same run: the same
// bytes written straight to a file on the same disk by this process.
import { createWriteStream, rmSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { startShoebox, workerdPid } from "../tests/helpers/shoebox";
import { mib, mp4Body, PeakRss, printTable } from "./rss";

const { values } = parseArgs({ options: { "size-mb": { type: "string", default: "2048" } } });
const size = Number(values["size-mb"]) * 1024 * 1024;
const body = (prefix = "", suffix = "") => mp4Body(size, { prefix, suffix });

const shoebox = await startShoebox({
  env: { JOB_CONCURRENCY: "metadataExtraction=0,thumbnailGeneration=0,videoConversion=0" },
});
try {
  const baselineFile = join(shoebox.dataDir, "baseline.bin");
  let started = performance.now();
  await body().pipeTo(Writable.toWeb(createWriteStream(baselineFile)));
  const baselineSeconds = (performance.now() - started) / 1000;
  rmSync(baselineFile);

  const workerPid = shoebox.process.pid!;
  const workerd = workerdPid(workerPid);
  const memory = new PeakRss([workerd, workerPid]);
  const head =
    `--b\r\nContent-Disposition: form-data; name="fileCreatedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n` +
    `--b\r\nContent-Disposition: form-data; name="fileModifiedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n` +
    `--b\r\nContent-Disposition: form-data; name="assetData"; filename="large.mp4"\r\n\r\n`;
  started = performance.now();
  const response = await shoebox.api("/api/assets", {
    method: "POST",
    headers: { "content-type": "multipart/form-data; boundary=b" },
    body: body(head, "\r\n--b--\r\n"),
    duplex: "half",
  } as RequestInit);
  const result = await response.json();
  const uploadSeconds = (performance.now() - started) / 1000;
  memory.stop();
  if (response.status !== 201) {
    throw new Error(`upload failed: ${response.status} ${JSON.stringify(result)}\n${shoebox.output().slice(-2000)}`);
  }

  const megabytes = size / 1e6;
  console.log(`\nOne ${(size / 1073741824).toFixed(2)} GiB upload\n`);
  printTable([
    ["path", "MB/s", "seconds", "workerd RSS growth", "worker RSS growth"],
    ["file write in Node (baseline)", (megabytes / baselineSeconds).toFixed(0), baselineSeconds.toFixed(1), "-", "-"],
    [
      "POST /api/assets via workerd",
      (megabytes / uploadSeconds).toFixed(0),
      uploadSeconds.toFixed(1),
      mib(memory.growth(workerd)),
      mib(memory.growth(workerPid)),
    ],
  ]);
  console.log(
    `\nratio to baseline: ${(baselineSeconds / uploadSeconds).toFixed(2)}; target: workerd and worker each grow by under 64 MiB`,
  );
} finally {
  await shoebox.stop();
}
