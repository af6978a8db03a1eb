// A runaway video: a 4 KB file whose two frames are stamped 10 hours apart. Made into a 30 fps web
// copy, it would keep ffmpeg busy for hours while another person's video waited behind it. Shoebox
// must refuse it at once with the reason, run the other person's video, and keep answering meanwhile
// (the ping's p95 during the attack is printed, not judged: timings belong in bench/).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { videoTools } from "../workers/media/video";
import { login, signIn } from "./helpers/accounts";
import { upload, uploadForm } from "./helpers/media";
import { admin, processTree, startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";

describe("a video that claims to last 10 hours", () => {
  let shoebox: Shoebox;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "shoebox-hostile-"));
    shoebox = await startShoebox();
  });
  after(async () => {
    await shoebox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gets no web copy, and does not hold up another person's video or the server", async () => {
    const { ffmpeg } = await videoTools();
    const hostile = join(dir, "ten-hours.mkv");
    execFileSync(ffmpeg, [
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      "color=c=gray:s=1280x720:r=30",
      "-frames:v",
      "2",
      "-vf",
      "setpts=N*36000/TB",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-f",
      "matroska",
      hostile,
    ]);
    const honest = join(dir, "honest.avi");
    execFileSync(ffmpeg, [
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=320x240:rate=10",
      "-t",
      "2",
      "-c:v",
      "mpeg4",
      honest,
    ]);

    const other = await signIn(shoebox.url, {
      email: "other@example.com",
      password: "other-password",
      name: "Other",
      createdBy: await login(shoebox.url, admin.email, admin.password),
    });
    const attack = await upload(shoebox, { bytes: readFileSync(hostile), name: "ten-hours.mkv" });
    assert.equal(attack.status, 201);
    const victim = await other.fetch("/api/assets", {
      method: "POST",
      body: uploadForm({ bytes: readFileSync(honest), name: "honest.avi" }),
    });
    assert.equal(victim.status, 201);
    const victimId = ((await victim.json()) as { id: string }).id;

    // Pings every 50 ms (at most 12,000 of them) until the other person's video plays.
    const latencies: number[] = [];
    let played = false;
    const pinging = (async () => {
      for (let i = 0; i < 12_000 && !played; i++) {
        const started = performance.now();
        assert.equal((await fetch(`${shoebox.url}/api/server/ping`)).status, 200);
        latencies.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await waitFor(
      "the other person's video to get its web copy",
      async () => {
        const response = await other.fetch(`/api/assets/${victimId}/video/playback`, {
          headers: { range: "bytes=0-99" },
        });
        await response.body?.cancel();
        return response.headers.get("content-type") === "video/mp4";
      },
      10 * 60_000,
    ).finally(() => (played = true));
    await pinging;

    const refused = await waitFor("the runaway video's reason", async () => {
      const asset = (await (await shoebox.api(`/api/assets/${attack.body.id}`)).json()) as {
        processingError: string | null;
      };
      return asset.processingError ?? undefined;
    });
    assert.match(
      refused,
      /claims to last 10 h 0 min but holds 2 frames in \d+ KB, so its timestamps cannot be trusted/,
    );
    const ffmpegs = processTree(shoebox.process.pid!).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("ffmpeg");
      } catch {
        return false;
      }
    });
    assert.deepEqual(ffmpegs, [], "no ffmpeg left running");

    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))]!;
    console.log(
      `ping during the attack: ${latencies.length} pings, p95 ${p95.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
    );
  });
});
