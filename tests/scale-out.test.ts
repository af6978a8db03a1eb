// Two workers and two workerd processes against one database and one volume, ingesting together:
// no job runs twice and nothing is lost.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { makeJpeg, upload } from "./helpers/media";
import { makeDataDir, startShoebox, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";
import { logLines } from "./helpers/log-lines";

// The jobs a worker started of the ones every upload gets: metadata, thumbnails, and the move under
// the storage template.
const perUpload = new Set(["extractMetadata", "generateThumbnails", "applyStorageTemplate"]);
const jobsStarted = (output: string) =>
  logLines(output)
    .filter((line) => line.message === "job started")
    .map((line) => line.job as { id: number; name: string })
    .filter((job) => perUpload.has(job.name))
    .map((job) => job.id);

describe("scale-out", () => {
  const dataDir = makeDataDir();
  let first: Shoebox;
  let second: Shoebox;

  before(async () => {
    const env = { LOG_LEVEL: "debug", JOB_CONCURRENCY: "metadataExtraction=2,thumbnailGeneration=2" };
    first = await startShoebox({ dataDir, env });
    // The second process pair reaches the database through the first worker's Hrana endpoint, as it
    // would reach sqld or Turso, and shares the volume.
    second = await startShoebox({
      dataDir,
      env: { ...env, DATABASE_URL: first.workerUrl, DATABASE_AUTH_TOKEN: first.token() },
    });
  });
  after(async () => {
    await second?.stop();
    await first?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("shares the work without running a job twice or losing an upload", async () => {
    const images = await Promise.all(Array.from({ length: 40 }, (_, i) => makeJpeg(1000 + i)));
    const servers = [first, second];
    // Every image goes to one server, and every fifth one to both at once, racing its own duplicate.
    const uploads = images.flatMap((image, i) =>
      i % 5 === 0 ? [servers.map((server) => ({ server, image }))] : [[{ server: servers[i % 2]!, image }]],
    );
    const results: Array<{ status: number; body: { id: string; status: string } }> = [];
    for (let i = 0; i < uploads.length; i += 8) {
      const batch = uploads.slice(i, i + 8).flat();
      results.push(...(await Promise.all(batch.map(({ server, image }) => upload(server, image)))));
    }
    const created = results.filter((r) => r.status === 201);
    assert.equal(created.length, images.length, "each distinct image created exactly once");
    assert.equal(results.filter((r) => r.status === 200 && r.body.status === "duplicate").length, 8);

    const queues = await waitForQueuesToDrain(first);
    for (const name of ["metadataExtraction", "thumbnailGeneration"]) {
      const queue = queues.find((q) => q.name === name)!;
      assert.equal(queue.statistics.completed, images.length, `${name} completed once per asset`);
      assert.equal(queue.statistics.failed, 0);
    }

    const startedByFirst = jobsStarted(first.output());
    const startedBySecond = jobsStarted(second.output());
    assert.ok(startedByFirst.length > 0 && startedBySecond.length > 0, "both workers took jobs");
    const all = [...startedByFirst, ...startedBySecond];
    assert.equal(all.length, images.length * perUpload.size, "every job started exactly once");
    assert.equal(new Set(all).size, all.length);

    for (const { body } of created) {
      const asset = (await (await second.api(`/api/assets/${body.id}`)).json()) as {
        thumbhash: string | null;
        width: number;
      };
      assert.ok(asset.thumbhash, `asset ${body.id} has its thumbnails`);
      assert.equal(asset.width, 64);
    }
    await waitForQueuesToDrain(first);
    const originals = readdirSync(join(dataDir, "library"), { recursive: true, withFileTypes: true }).filter(
      (e) => e.isFile() && !e.parentPath.includes("/thumbs") && !e.parentPath.includes("/.tmp"),
    );
    assert.equal(originals.length, images.length, "one original per asset, no strays");
  });
});
