// The pool of job processes: started when there is work, each loading only what its queue needs
// (the image models' onnxruntime only in the model queues' processes), and let go when idle.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseConfig } from "../common/config";
import { connectDatabase } from "../common/db";
import { claimNextJob } from "../common/queue";
import { startJobProcess } from "../workers/jobs/sandbox";
import { videoTools } from "../workers/media/video";
import { makeJpeg, upload } from "./helpers/media";
import { childPids, startShoebox, waitFor, waitForQueuesToDrain, workerdPid, type Shoebox } from "./helpers/shoebox";

// The queue a job process serves, from the settings the worker hands it.
function queueOf(pid: number): string | undefined {
  try {
    const settings = readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .find((v) => v.startsWith("SHOEBOX_JOB_PROCESS="));
    return settings
      ? (JSON.parse(settings.slice("SHOEBOX_JOB_PROCESS=".length)) as { queue: string }).queue
      : undefined;
  } catch {
    return undefined;
  }
}

const loadsOnnxRuntime = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/maps`, "utf8").includes("libonnxruntime");
  } catch {
    return undefined;
  }
};

describe("the job processes", () => {
  let shoebox: Shoebox;
  before(async () => {
    shoebox = await startShoebox({ env: { JOB_PROCESS_IDLE_MS: "2000", ML_MODEL_IDLE_MS: "2000" } });
  });
  after(async () => {
    await shoebox?.stop();
  });

  const jobProcesses = () => {
    const workerd = workerdPid(shoebox.process.pid!);
    return childPids(shoebox.process.pid!).filter((pid) => pid !== workerd);
  };

  it("start with work, load the models only for the model queues, and go when idle", async () => {
    assert.deepEqual(jobProcesses(), [], "no job process before there is a job");
    const seen = new Map<string, boolean>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const pid of jobProcesses()) {
          const queue = queueOf(pid);
          const onnx = loadsOnnxRuntime(pid);
          if (queue && onnx !== undefined) seen.set(queue, (seen.get(queue) ?? false) || onnx);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    for (let i = 0; i < 3; i++)
      assert.equal((await upload(shoebox, await makeJpeg(300 + i, {}, { width: 1200, height: 900 }))).status, 201);
    await waitForQueuesToDrain(shoebox, 10 * 60_000);
    await waitFor("every job process to exit once idle", async () => jobProcesses().length === 0, 60_000);
    sampling = false;
    await sampler;

    assert.equal(seen.get("metadataExtraction"), false, "the metadata process never loads onnxruntime");
    assert.equal(seen.get("thumbnailGeneration"), false, "the thumbnail process never loads onnxruntime");
    assert.equal(seen.get("faceDetection"), true, "the face detection process does (the check sees it)");
  });
});

describe("a job that outlives its time limit", () => {
  let shoebox: Shoebox;
  let dir: string;
  let clips: Array<{ bytes: Buffer; name: string }>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "shoebox-timeout-"));
    // A 2 s clip warms a job process up (ffmpeg's abilities are read once per process); a minute of
    // 720p takes far longer to convert than the limits below. Made first: a server's idle keep-alive
    // connections would be gone by the time they were.
    const { ffmpeg } = await videoTools();
    const clip = (name: string, size: string, seconds: number) => {
      const path = join(dir, name);
      execFileSync(ffmpeg, [
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        `testsrc=size=${size}:rate=30`,
        "-t",
        String(seconds),
        "-c:v",
        "mpeg4",
        "-q:v",
        "31",
        path,
      ]);
      return { bytes: readFileSync(path), name };
    };
    clips = [clip("short.avi", "320x240", 2), clip("long.avi", "1280x720", 60)];
    // The worker leaves video conversion alone: the test runs that job in a job process of its own.
    shoebox = await startShoebox({ env: { JOB_CONCURRENCY: "videoConversion=0" } });
  });
  after(async () => {
    await shoebox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is stopped with its whole process group, ffmpeg included; ffmpeg's own limit comes first", async () => {
    for (const file of clips) assert.equal((await upload(shoebox, file)).status, 201);

    const { db, client } = connectDatabase({ url: shoebox.workerUrl, authToken: shoebox.token() });
    const config = parseConfig({ DATA_DIR: shoebox.dataDir });
    const workerId = `timeout-test-${process.pid}`;
    const start = () =>
      startJobProcess(
        {
          queue: "videoConversion",
          databaseUrl: shoebox.workerUrl,
          databaseAuthToken: shoebox.token(),
          storage: config.storage,
          scratchRoot: config.scratchRoot,
          workerId,
          ml: config.ml,
          logLevel: config.logLevel,
        },
        () => undefined,
      );
    // ffmpeg writes into the scratch folder named after the worker id.
    const ffmpegs = () =>
      readdirSync("/proc").filter((pid) => {
        try {
          const command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
          return command.includes("ffmpeg") && command.includes(workerId);
        } catch {
          return false;
        }
      });
    try {
      const claim = (lease: string) =>
        waitFor("a conversion job", () => claimNextJob(db, "videoConversion", lease, 60 * 60_000), 60_000);
      const [short, long] = [await claim("short"), await claim("long")];
      // ffmpeg's own limit ends before the job's, so for the job's limit to be what stops it, the job
      // process must hang (stopped here with SIGSTOP) while ffmpeg goes on. Tried again should ffmpeg
      // end by its own limit before the process is stopped.
      for (let attempt = 1; ; attempt++) {
        const jobProcess = start();
        try {
          await jobProcess.run(short, 10 * 60_000);
          let settled = false;
          const running = jobProcess.run(long, 5000).finally(() => (settled = true));
          running.catch(() => undefined);
          let ffmpeg: string | undefined;
          for (ffmpeg = ffmpegs()[0]; !settled && !ffmpeg; ffmpeg = ffmpegs()[0])
            await new Promise((r) => setTimeout(r, 10));
          if (ffmpeg) {
            const parent = Number(readFileSync(`/proc/${ffmpeg}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
            process.kill(parent, "SIGSTOP");
            if (ffmpegs().includes(ffmpeg)) {
              await assert.rejects(running, /Processing took longer than 5 s and was stopped/);
              await waitFor("ffmpeg to be killed with its job process", async () => ffmpegs().length === 0, 5000);
              await jobProcess.exited;
              break;
            }
            process.kill(parent, "SIGCONT");
          }
          await running.catch(() => undefined);
          assert.ok(attempt < 5, "ffmpeg never ran long enough to be stopped by the job's limit");
        } finally {
          await jobProcess.close();
        }
      }

      // In a process that does not hang, ffmpeg's own limit (a minute before the job's, here at its
      // floor of 1 s) ends the conversion first, with ffmpeg's reason.
      const healthy = start();
      try {
        await assert.rejects(healthy.run(long, 30_000), /Video web transcode failed .* ffmpeg timed out after 1 s/);
        assert.ok(healthy.alive, "the job process lives on for the next job");
      } finally {
        await healthy.close();
      }
    } finally {
      client.close();
    }
  });
});
