// The pool of job processes: started when there is work, each loading only what its queue needs
// (the image models' onnxruntime only in the model queues' processes), and let go when idle.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { makeJpeg, upload } from "./helpers/media";
import { childPids, startShoebox, waitFor, waitForQueuesToDrain, workerdPid, type Shoebox } from "./helpers/shoebox";

// The queue a job process serves, from the settings the worker hands it.
function queueOf(pid: number): string | undefined {
  try {
    const settings = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").find((v) => v.startsWith("SHOEBOX_JOB_PROCESS="));
    return settings ? (JSON.parse(settings.slice("SHOEBOX_JOB_PROCESS=".length)) as { queue: string }).queue : undefined;
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
    await shoebox.stop();
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
    for (let i = 0; i < 3; i++) assert.equal((await upload(shoebox, await makeJpeg(300 + i, {}, { width: 1200, height: 900 }))).status, 201);
    await waitForQueuesToDrain(shoebox, 10 * 60_000);
    await waitFor("every job process to exit once idle", async () => jobProcesses().length === 0, 60_000);
    sampling = false;
    await sampler;

    assert.equal(seen.get("metadataExtraction"), false, "the metadata process never loads onnxruntime");
    assert.equal(seen.get("thumbnailGeneration"), false, "the thumbnail process never loads onnxruntime");
    assert.equal(seen.get("faceDetection"), true, "the face detection process does (the check sees it)");
  });
});
