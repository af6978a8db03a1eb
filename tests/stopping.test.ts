// Stopping Shoebox: SIGINT or SIGTERM to the process `npm start` started stops every process, and a
// stop in the middle of work costs no job (it runs again after the next start, with no error).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { describe, it } from "node:test";
import { makeJpeg, upload } from "./helpers/media";
import {
  isAlive,
  makeDataDir,
  processTree,
  projectRoot,
  queueStates,
  startShoebox,
  waitFor,
  waitForQueuesToDrain,
} from "./helpers/shoebox";

describe("stopping", () => {
  it("Ctrl-C in the middle of 20 uploads, then a start: every photo processed, no job failed", async () => {
    const dataDir = makeDataDir();
    try {
      // Its own process group, signalled as a whole, as a terminal does on Ctrl-C.
      const first = await startShoebox({ dataDir, detached: true });
      const images = await Promise.all(
        Array.from({ length: 20 }, (_, i) => makeJpeg(900 + i, {}, { width: 2400, height: 1800 })),
      );
      const uploaded = new Map<number, string>();
      const uploads = (async () => {
        for (const [i, image] of images.entries()) {
          const result = await upload(first, image).catch(() => undefined);
          if (result?.status === 201) uploaded.set(i, result.body.id);
          else if (!result) break; // Stopped: the server no longer answers.
        }
      })();
      await waitFor(
        "a thumbnail job to be running",
        async () => {
          const thumbnails = (await queueStates(first)).find((q) => q.name === "thumbnailGeneration")!.statistics;
          return thumbnails.active > 0 && uploaded.size >= 5;
        },
        5 * 60_000,
      );
      const tree = processTree(first.process.pid!);
      process.kill(-first.process.pid!, "SIGINT");
      assert.equal(await first.exited, 0, first.output());
      await uploads;
      for (const pid of tree) await waitFor(`process ${pid} to be gone`, async () => !isAlive(pid));
      assert.ok(uploaded.size < images.length, "the stop came in the middle of the batch");
      console.log(
        `stopped after ${uploaded.size} uploads; jobs put back: ${first.output().split("job stopped; it will run again").length - 1}`,
      );

      const second = await startShoebox({ dataDir });
      try {
        // What the stop cut off is uploaded again, as a person would.
        for (const [i, image] of images.entries()) {
          if (uploaded.has(i)) continue;
          const result = await upload(second, image);
          assert.ok(result.status === 201 || result.status === 200, JSON.stringify(result.body));
          uploaded.set(i, result.body.id);
        }
        const queues = await waitForQueuesToDrain(second, 10 * 60_000);
        for (const { name, statistics } of queues) assert.equal(statistics.failed, 0, `${name} has no failed job`);
        for (const id of uploaded.values()) {
          const asset = (await (await second.api(`/api/assets/${id}`)).json()) as {
            thumbhash: string | null;
            processingError: string | null;
          };
          assert.equal(asset.processingError, null, `asset ${id} has no processing error`);
          assert.ok(asset.thumbhash, `asset ${id} has its thumbnails`);
        }
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} to the npm start process stops every process it started`, async () => {
      const dataDir = makeDataDir();
      try {
        const npm = spawn("npm", ["start"], {
          cwd: projectRoot,
          env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATA_DIR: dataDir, PORT: "0" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        npm.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
        npm.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
        const exited = new Promise((done) => npm.once("exit", done));
        const url = await waitFor(
          "npm start to listen",
          async () => output.match(/Shoebox is listening on (\S+)/)?.[1],
          5 * 60_000,
        );
        assert.equal((await fetch(`${url}/api/server/ping`)).status, 200);
        const tree = processTree(npm.pid!);
        assert.ok(tree.length >= 3, `npm, the worker and workerd: ${tree.join(", ")}`);
        npm.kill(signal);
        await exited;
        for (const pid of tree) await waitFor(`process ${pid} to be gone\n${output}`, async () => !isAlive(pid));
        assert.match(output, /stopping: (interrupted|terminated)/);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
