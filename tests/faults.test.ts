// Crashes in the middle of work: nothing is lost, nothing is done twice, nothing is left behind.
import assert from "node:assert/strict";
import { readdirSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createClient } from "@libsql/client/web";
import { makeJpeg, upload } from "./helpers/media";
import {
  childPids,
  filesUnder,
  isAlive,
  makeDataDir,
  queueStates,
  startShoebox,
  waitFor,
  waitForQueuesToDrain,
  workerdPid,
} from "./helpers/shoebox";

describe("faults", () => {
  it("a worker killed mid-batch: after a restart every asset is processed once, with no leftovers", async () => {
    const dataDir = makeDataDir();
    const env = {
      JOB_LEASE_MS: "1500",
      STALE_AFTER_MS: "1000",
      JOB_CONCURRENCY: "metadataExtraction=1,thumbnailGeneration=1",
    };
    try {
      const first = await startShoebox({ dataDir, env });
      const images = await Promise.all(
        Array.from({ length: 12 }, (_, i) => makeJpeg(500 + i, {}, { width: 2400, height: 1800 })),
      );
      const ids: string[] = [];
      for (const image of images) ids.push((await upload(first, image)).body.id);

      await waitFor("some thumbnails to be made", async () => {
        const thumbs = (await queueStates(first)).find((q) => q.name === "thumbnailGeneration")!.statistics;
        return thumbs.completed >= 2 && thumbs.completed < images.length;
      });
      const children = childPids(first.process.pid!);
      first.process.kill("SIGKILL");
      await first.exited;
      for (const pid of children)
        await waitFor(`workerd (${pid}) to go with its worker`, async () => !isAlive(pid), 5000);

      // Long enough for the dead worker's scratch folder and leases to go stale.
      await new Promise((r) => setTimeout(r, 1600));
      const second = await startShoebox({ dataDir, env });
      const queues = await waitForQueuesToDrain(second);
      for (const name of ["metadataExtraction", "thumbnailGeneration"]) {
        const s = queues.find((q) => q.name === name)!.statistics;
        assert.equal(s.completed, images.length, `${name}: each asset's job completed once`);
        assert.equal(s.failed, 0);
      }
      for (const id of ids) {
        const asset = (await (await second.api(`/api/assets/${id}`)).json()) as {
          thumbhash: string | null;
          width: number;
        };
        assert.ok(asset.thumbhash, `asset ${id} has its thumbnails`);
        assert.equal(asset.width, 2400);
      }
      const library = join(dataDir, "library");
      assert.equal(
        filesUnder(join(library, "thumbs")).length,
        images.length * 2,
        "one thumbnail and one preview per asset",
      );
      const scratch = filesUnder(join(library, ".tmp")).filter((f) => !f.endsWith(".alive"));
      assert.deepEqual(scratch, [], "no temporary files left");
      await second.stop();
      assert.deepEqual(
        readdirSync(join(library, ".tmp")),
        [],
        "a worker that stops cleanly removes its scratch folder",
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("workerd killed mid-upload: no asset and no stray bytes", async () => {
    const dataDir = makeDataDir();
    const env = { STALE_AFTER_MS: "500" };
    let socket: Socket | undefined;
    try {
      const first = await startShoebox({ dataDir, env });
      const boundary = "crash";
      const head =
        `--${boundary}\r\nContent-Disposition: form-data; name="fileCreatedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="fileModifiedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="assetData"; filename="clip.mp4"\r\n\r\n`;
      const mp4 = Buffer.alloc(2_000_000, 1);
      mp4.set([0, 0, 0, 0x18, ...Buffer.from("ftypmp42")]);
      socket = connect(Number(new URL(first.url).port), "127.0.0.1");
      socket.on("error", () => undefined);
      socket.write(
        `POST /api/assets HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: ${first.apiKey}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 50000000\r\n\r\n${head}`,
      );
      socket.write(mp4);

      const originals = join(dataDir, "library/originals");
      await waitFor("the upload to reach the disk", async () => filesUnder(originals).length > 0);
      process.kill(workerdPid(first.process.pid!), "SIGKILL");
      assert.equal(await first.exited, 1, "the worker stops when workerd dies");
      socket.destroy();

      await new Promise((r) => setTimeout(r, 700));
      const second = await startShoebox({ dataDir, env });
      const db = createClient({ url: second.workerUrl, authToken: second.token() });
      try {
        assert.deepEqual(filesUnder(originals), []);
        assert.equal((await db.execute("SELECT count(*) AS n FROM assets")).rows[0]!.n, 0);
        assert.equal((await db.execute("SELECT count(*) AS n FROM uploads_in_progress")).rows[0]!.n, 0);
      } finally {
        db.close();
        await second.stop();
      }
    } finally {
      socket?.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
