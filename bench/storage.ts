// npm run bench:storage [-- --size-mb N]
// One large file (512 MB by default) into the library by each way in: through workerd on a local
// volume and into a bucket, as a multipart upload and as a direct upload. Prints the rate and the
// peak memory growth of workerd and the worker. Baselines, measured in the same run: the same bytes
// written to a file by this process, and PUT into the bucket by this process.
import { createWriteStream, rmSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { startLocalS3 } from "../tests/helpers/s3";
import { startShoebox, workerdPid, type Shoebox } from "../tests/helpers/shoebox";
import { mib, mp4Body, PeakRss, printTable } from "./rss";

const { values } = parseArgs({ options: { "size-mb": { type: "string", default: "512" } } });
const size = Number(values["size-mb"]) * 1024 * 1024;
// The file, different per seed so that no upload is a duplicate of another.
const body = (seed: number, prefix = "", suffix = "") => mp4Body(size, { seed, prefix, suffix });

const streaming = { duplex: "half" } as RequestInit;

async function timed<T>(run: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { seconds: (performance.now() - started) / 1000, result };
}

async function multipartUpload(shoebox: Shoebox, seed: number): Promise<void> {
  const head =
    `--b\r\nContent-Disposition: form-data; name="fileCreatedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n` +
    `--b\r\nContent-Disposition: form-data; name="fileModifiedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n` +
    `--b\r\nContent-Disposition: form-data; name="assetData"; filename="large-${seed}.mp4"\r\n\r\n`;
  const response = await shoebox.api("/api/assets", {
    method: "POST",
    headers: { "content-type": "multipart/form-data; boundary=b" },
    body: body(seed, head, "\r\n--b--\r\n"),
    ...streaming,
  });
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
}

// Announce, PUT to the URL answered, complete: the PUT's and the completion's seconds.
async function directUpload(shoebox: Shoebox, seed: number): Promise<{ put: number; complete: number }> {
  const announced = await shoebox.api("/api/uploads", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ filename: `direct-${seed}.mp4`, size }),
  });
  const ticket = (await announced.json()) as { uploadId: string; url: string; headers: Record<string, string> };
  const put = await timed(() =>
    fetch(ticket.url, { method: "PUT", headers: ticket.headers, body: body(seed), ...streaming }),
  );
  if (put.result.status !== 200) throw new Error(`PUT failed: ${put.result.status} ${await put.result.text()}`);
  const complete = await timed(() => shoebox.api(`/api/uploads/${ticket.uploadId}/complete`, { method: "POST" }));
  if (complete.result.status !== 201)
    throw new Error(`completion failed: ${complete.result.status} ${await complete.result.text()}`);
  return { put: put.seconds, complete: complete.seconds };
}

const megabytes = size / 1e6;
const rate = (seconds: number) => (megabytes / seconds).toFixed(0);
const rows: string[][] = [["path", "MB/s", "seconds", "workerd RSS growth", "worker RSS growth"]];
// Jobs off: only the way in is measured.
const jobsOff = { JOB_CONCURRENCY: "metadataExtraction=0,thumbnailGeneration=0,videoConversion=0,backgroundTask=0" };

async function measure(
  label: string,
  shoebox: Shoebox,
  run: () => Promise<number | { put: number; complete: number }>,
): Promise<void> {
  const worker = shoebox.process.pid!;
  const workerd = workerdPid(worker);
  const memory = new PeakRss([workerd, worker]);
  const started = performance.now();
  const parts = await run();
  const seconds = (performance.now() - started) / 1000;
  memory.stop();
  const detail =
    typeof parts === "number" ? "" : ` (PUT ${parts.put.toFixed(1)} + complete ${parts.complete.toFixed(1)})`;
  rows.push([
    label,
    rate(seconds),
    `${seconds.toFixed(1)}${detail}`,
    mib(memory.growth(workerd)),
    mib(memory.growth(worker)),
  ]);
}

const s3 = await startLocalS3("bench");
const local = await startShoebox({ env: jobsOff });
const bucket = await startShoebox({ env: { ...jobsOff, ...s3.env } });
try {
  const file = join(local.dataDir, "baseline.bin");
  const write = await timed(() => body(0).pipeTo(Writable.toWeb(createWriteStream(file))));
  rmSync(file);
  rows.push(["file write in Node (baseline)", rate(write.seconds), write.seconds.toFixed(1), "-", "-"]);
  const put = await timed(() => s3.bucket.put("bench/baseline.bin", body(0)));
  await s3.bucket.delete("bench/baseline.bin");
  rows.push(["PUT into the bucket from Node (baseline)", rate(put.seconds), put.seconds.toFixed(1), "-", "-"]);

  await measure("local: POST /api/assets", local, async () => {
    await multipartUpload(local, 1);
    return 0;
  });
  await measure("local: direct upload", local, () => directUpload(local, 2));
  await measure("bucket: POST /api/assets", bucket, async () => {
    await multipartUpload(bucket, 3);
    return 0;
  });
  await measure("bucket: direct upload (presigned PUT)", bucket, () => directUpload(bucket, 4));

  console.log(`\nOne ${(size / 1048576).toFixed(0)} MiB file, each way in\n`);
  printTable(rows);
  console.log(
    "\nA direct upload into the bucket passes no byte through Shoebox's PUT; its completion reads the object once to check it.",
  );
} finally {
  await Promise.all([local.stop(), bucket.stop()]);
  await s3.stop();
}
