// The log and the request id, on real processes: JSON lines from workerd and the worker, a request's
// id from the edge into the worker's calls and back in the answer and its error bodies, one access
// line per request, LOG_LEVEL honoured, and nothing of the server's insides in a 500.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { finished } from "node:stream/promises";
import { after, before, describe, it } from "node:test";
import { logLines, type LogLine } from "./helpers/log-lines";
import { startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Lines a process wrote, once all of them are in: after it exited and its output closed (workerd,
// its child, writes to the same pipes).
async function allLines(shoebox: Shoebox): Promise<LogLine[]> {
  await shoebox.stop();
  await Promise.all([finished(shoebox.process.stdout!), finished(shoebox.process.stderr!)]);
  return logLines(shoebox.output());
}

describe("logging", () => {
  let shoebox: Shoebox;
  before(async () => {
    shoebox = await startShoebox({ env: { LOG_LEVEL: "debug" } });
  });
  after(async () => {
    await shoebox.stop();
  });

  it("writes JSON lines from both processes, and one access line per request", async () => {
    const requestId = `logging-${randomUUID()}`;
    const response = await fetch(`${shoebox.url}/api/server/ping`, { headers: { "x-request-id": requestId } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-request-id"), requestId);
    const access = await waitFor("the access line", async () =>
      logLines(shoebox.output()).find((line) => line.message === "request" && line.requestId === requestId),
    );
    assert.equal(access.process, "web");
    assert.equal(access.level, "info");
    assert.equal(access.method, "GET");
    assert.equal(access.path, "/api/server/ping");
    assert.equal(access.status, 200);
    assert.equal(typeof access.durationMs, "number");
    assert.ok(!Number.isNaN(Date.parse(access.time)));

    const lines = logLines(shoebox.output());
    assert.ok(lines.some((line) => line.process === "worker" && line.message === "worker ready"));
    // Whatever is not a JSON line is the one line that says where Shoebox listens.
    const other = shoebox
      .output()
      .split("\n")
      .filter((line) => line && !line.startsWith("{"));
    assert.deepEqual(
      other.filter((line) => !/^Shoebox is listening on /.test(line)),
      [],
    );
  });

  it("carries the request id into the worker's calls, and makes one when the client sends none or a bad one", async () => {
    const requestId = `logging-${randomUUID()}`;
    const me = await shoebox.api("/api/users/me", { headers: { "x-request-id": requestId } });
    assert.equal(me.status, 200);
    assert.equal(me.headers.get("x-request-id"), requestId);
    // The user is read from the database, which the worker serves: its lines carry the same id.
    await waitFor("the worker's line of the request", async () =>
      logLines(shoebox.output()).find(
        (line) => line.process === "worker" && line.requestId === requestId && line.message === "internal request",
      ),
    );

    const none = await fetch(`${shoebox.url}/api/server/ping`);
    assert.match(none.headers.get("x-request-id") ?? "", uuid);
    const bad = await fetch(`${shoebox.url}/api/server/ping`, { headers: { "x-request-id": "two words" } });
    assert.match(bad.headers.get("x-request-id") ?? "", uuid);
    const long = await fetch(`${shoebox.url}/api/server/ping`, { headers: { "x-request-id": "x".repeat(200) } });
    assert.match(long.headers.get("x-request-id") ?? "", uuid);
  });

  it("returns the request id as the correlationId of an error", async () => {
    const requestId = `logging-${randomUUID()}`;
    const unknown = await fetch(`${shoebox.url}/api/no-such-route`, { headers: { "x-request-id": requestId } });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { correlationId: string }).correlationId, requestId);
    const refused = await fetch(`${shoebox.url}/api/users/me`);
    assert.equal(refused.status, 401);
    assert.equal(
      ((await refused.json()) as { correlationId: string }).correlationId,
      refused.headers.get("x-request-id"),
    );
  });
});

describe("logging at LOG_LEVEL=warn, with the worker out of reach", () => {
  it("answers a server error without its insides, logs it with the request's id, and writes no info lines", async () => {
    // A web process whose worker (and so its database) cannot be reached: every read of the database fails.
    const web = await startShoebox({
      role: "web",
      signUp: false,
      env: { LOG_LEVEL: "warn", WORKER_URL: "http://127.0.0.1:9" },
    });
    try {
      const requestId = `logging-${randomUUID()}`;
      const response = await fetch(`${web.url}/api/users/me`, {
        headers: { "x-api-key": "some-key", "x-request-id": requestId },
      });
      assert.equal(response.status, 500);
      assert.equal(response.headers.get("x-request-id"), requestId);
      const text = await response.text();
      const body = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ["correlationId", "error", "message", "statusCode"]);
      assert.equal(body.correlationId, requestId);
      assert.doesNotMatch(text, /\bat \S+ \(|\.(ts|js):\d+|node_modules|\/work\/|Error:/, "no stack trace or path");
      assert.ok(!text.includes(web.dataDir));

      const lines = await allLines(web);
      const logged = lines.find((line) => line.level === "error" && line.requestId === requestId);
      assert.ok(logged, "the owner's log has the error under the request's id");
      assert.equal(logged.process, "web");
      assert.deepEqual(
        lines.filter((line) => line.level === "info" || line.level === "debug"),
        [],
      );
    } finally {
      await web.stop();
    }
  });

  it("writes no info lines from the worker either", async () => {
    const quiet = await startShoebox({ env: { LOG_LEVEL: "warn" } });
    const ping = await quiet.api("/api/users/me");
    assert.equal(ping.status, 200);
    const lines = await allLines(quiet);
    assert.deepEqual(
      lines.filter((line) => line.level === "info" || line.level === "debug"),
      [],
    );
  });
});
