// The real processes: the worker and workerd on loopback, a temporary data folder.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { rmSync } from "node:fs";
import { childPids, isAlive, makeDataDir, startShoebox, waitFor, workerdPid, type Shoebox } from "./helpers/shoebox";

describe("a running Shoebox", () => {
  let shoebox: Shoebox;
  before(async () => {
    shoebox = await startShoebox();
  });
  after(async () => {
    await shoebox.stop();
  });

  it("answers ping and version in Immich's shapes", async () => {
    assert.deepEqual(await (await fetch(`${shoebox.url}/api/server/ping`)).json(), { res: "pong" });
    const version = (await (await fetch(`${shoebox.url}/api/server/version`)).json()) as Record<string, number | null>;
    assert.deepEqual(Object.keys(version).sort(), ["major", "minor", "patch", "prerelease"]);
    assert.ok([version.major, version.minor, version.patch].every(Number.isInteger));
    assert.equal(version.prerelease, null);
  });

  it("says it is ready once its database is migrated, for health checks", async () => {
    const ready = await fetch(`${shoebox.workerUrl}/ready`);
    assert.equal(ready.status, 200);
    assert.equal(await ready.text(), "ready");
  });

  it("tells Immich clients where its API is and what it does, without signing in", async () => {
    assert.deepEqual(await (await fetch(`${shoebox.url}/.well-known/immich`)).json(), { api: { endpoint: "/api" } });
    const features = (await (await fetch(`${shoebox.url}/api/server/features`)).json()) as Record<string, boolean>;
    assert.equal(features.trash, true);
    assert.equal(features.passwordLogin, true);
    assert.equal(features.smartSearch, false);
    assert.equal(features.oauth, false);
    const config = (await (await fetch(`${shoebox.url}/api/server/config`)).json()) as Record<string, unknown>;
    assert.equal(config.trashDays, 30);
    assert.equal(config.isInitialized, true);
  });

  it("lists the queues and pauses and resumes one", async () => {
    const queues = (await (await shoebox.api("/api/queues")).json()) as Array<{
      name: string;
      isPaused: boolean;
      statistics: Record<string, number>;
    }>;
    assert.ok(queues.some((q) => q.name === "thumbnailGeneration"));
    for (const q of queues) {
      assert.deepEqual(Object.keys(q.statistics).sort(), [
        "active",
        "completed",
        "delayed",
        "failed",
        "paused",
        "waiting",
      ]);
    }
    const put = (isPaused: unknown) =>
      shoebox.api("/api/queues/thumbnailGeneration", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ isPaused }),
      });
    assert.equal(((await (await put(true)).json()) as { isPaused: boolean }).isPaused, true);
    assert.equal(((await (await put(false)).json()) as { isPaused: boolean }).isPaused, false);
  });

  it("answers bad input with a 400 that names the field, and unknown paths with a 404", async () => {
    const bad = await shoebox.api("/api/queues/thumbnailGeneration", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ isPaused: "yes" }),
    });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /isPaused/);
    const unknown = await shoebox.api("/api/queues/noSuchQueue");
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { message: string }).message, /name/);
    const missing = await shoebox.api("/api/nothing-here");
    assert.equal(missing.status, 404);
    const broken = await shoebox.api("/api/queues/thumbnailGeneration", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    assert.equal(broken.status, 400);
  });

  it("publishes an OpenAPI document generated from the routes", async () => {
    const spec = (await (await fetch(`${shoebox.url}/api/spec.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.equal(spec.openapi, "3.1.0");
    assert.ok(spec.paths["/api/server/ping"]);
    assert.ok(spec.paths["/api/queues/{name}"]);
  });

  it("serves the vendored browser libraries from public/, with no CDN", async () => {
    const htmx = await fetch(`${shoebox.url}/static/vendor/htmx.min.js`);
    assert.equal(htmx.status, 200);
    assert.match(htmx.headers.get("content-type") ?? "", /javascript/);
    assert.match(await htmx.text(), /htmx/);
    assert.equal((await fetch(`${shoebox.url}/static/vendor/leaflet/leaflet.css`)).status, 200);
  });
});

describe("starting and stopping", () => {
  it("applies migrations on every start without harm, keeping the data", async () => {
    const dataDir = makeDataDir();
    try {
      const first = await startShoebox({ dataDir });
      await first.api("/api/queues/backgroundTask", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: '{"isPaused":true}',
      });
      assert.equal(await first.stop(), 0);
      const second = await startShoebox({ dataDir });
      const queue = (await (await second.api("/api/queues/backgroundTask")).json()) as { isPaused: boolean };
      assert.equal(queue.isPaused, true);
      assert.equal(await second.stop(), 0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`stops cleanly on ${signal}, leaving no process behind`, async () => {
      const shoebox = await startShoebox();
      const children = childPids(shoebox.process.pid!);
      assert.ok(children.includes(workerdPid(shoebox.process.pid!)), "workerd runs as a child of the worker");
      assert.equal(await shoebox.stop(signal), 0);
      for (const pid of children) await waitFor(`process ${pid} to exit`, async () => !isAlive(pid));
      assert.match(shoebox.output(), /stopping/);
    });
  }

  it("stops the worker, with the reason, when workerd dies", async () => {
    const shoebox = await startShoebox();
    process.kill(workerdPid(shoebox.process.pid!), "SIGKILL");
    const code = await shoebox.exited;
    assert.equal(code, 1);
    assert.match(shoebox.output(), /workerd was stopped by SIGKILL/);
    await shoebox.stop();
  });

  it("refuses a bad setting with a message that says which", async () => {
    const shoebox = startShoebox({ env: { JOB_CONCURRENCY: "noSuchQueue=2" } });
    await assert.rejects(shoebox, /JOB_CONCURRENCY names an unknown queue "noSuchQueue"/);
  });
});

describe("when the worker is killed outright", () => {
  it("takes workerd down with it", {
    skip: process.platform !== "linux" && "needs Linux's parent-death signal",
  }, async () => {
    const shoebox = await startShoebox();
    const children = childPids(shoebox.process.pid!);
    assert.ok(children.length > 0);
    shoebox.process.kill("SIGKILL");
    await shoebox.exited;
    for (const pid of children) await waitFor(`workerd (${pid}) to exit`, async () => !isAlive(pid), 5000);
    await shoebox.stop();
  });
});
