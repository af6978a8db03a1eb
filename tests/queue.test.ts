// The job queue against a real libSQL file served over Hrana, with two independent clients
// standing in for two worker processes.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { connectDatabase, type DatabaseConnection } from "../common/db";
import { sql } from "drizzle-orm";
import { jobs } from "../common/schema";
import {
  claimNextJob,
  completeJob,
  emptyQueue,
  enqueueJobs,
  failAbandonedJobs,
  failJob,
  getQueueStates,
  listJobs,
  retryFailedJobs,
  setQueuePaused,
} from "../common/queue";
import { migrateDatabase } from "../workers/db/migrate";
import { startTestDatabase, type TestDatabase } from "./helpers/hrana";

describe("job queue", () => {
  let database: TestDatabase;
  let a: DatabaseConnection;
  let b: DatabaseConnection;

  before(async () => {
    database = await startTestDatabase();
    a = connectDatabase({ url: database.url, authToken: database.token });
    b = connectDatabase({ url: database.url, authToken: database.token });
    await migrateDatabase(a.db);
  });
  beforeEach(async () => {
    await a.db.delete(jobs);
    await setQueuePaused(a.db, "metadataExtraction", false);
  });
  after(async () => {
    a.client.close();
    b.client.close();
    await database.close();
  });

  const stats = async (queue = "metadataExtraction") =>
    (await getQueueStates(a.db)).find((q) => q.name === queue)!.statistics;

  it("never hands one job to two claimers", async () => {
    const count = 120;
    await enqueueJobs(
      a.db,
      Array.from({ length: count }, (_, i) => ({
        name: "extractMetadata" as const,
        payload: { assetId: `asset-${i}` },
      })),
    );
    const claimed: string[] = [];
    const claimer = async (connection: DatabaseConnection, name: string) => {
      for (;;) {
        const job = await claimNextJob(connection.db, "metadataExtraction", `${name}-${claimed.length}`, 60_000);
        if (!job) return;
        claimed.push((job.payload as { assetId: string }).assetId);
      }
    };
    // Four loops over two connections, all racing for the same rows.
    await Promise.all([claimer(a, "a1"), claimer(a, "a2"), claimer(b, "b1"), claimer(b, "b2")]);
    assert.equal(claimed.length, count);
    assert.equal(new Set(claimed).size, count);
    assert.equal((await stats()).active, count);
  });

  it("runs a job again once its worker's lease has expired", async () => {
    await enqueueJobs(a.db, [{ name: "extractMetadata", payload: { assetId: "x" } }]);
    const first = await claimNextJob(a.db, "metadataExtraction", "dead-worker", 50);
    assert.ok(first);
    assert.equal(await claimNextJob(b.db, "metadataExtraction", "live-worker", 60_000), undefined);
    await new Promise((r) => setTimeout(r, 80));
    const second = await claimNextJob(b.db, "metadataExtraction", "live-worker", 60_000);
    assert.equal(second?.id, first.id);
    assert.equal(second?.attempts, 2);
    // The dead worker's late completion does not count; the live one's does.
    await completeJob(a.db, first, "dead-worker");
    assert.equal((await stats()).active, 1);
    const before = (await stats()).completed;
    await completeJob(b.db, second!, "live-worker");
    assert.equal((await stats()).completed, before + 1);
    assert.equal((await stats()).active, 0);
  });

  it("retries a failing job with backoff, then keeps it failed with its error", async () => {
    await enqueueJobs(a.db, [{ name: "extractMetadata", payload: { assetId: "bad" } }]);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const job = await claimNextJob(a.db, "metadataExtraction", `w${attempt}`, 60_000);
      assert.ok(job, `attempt ${attempt} is claimable`);
      assert.equal(job.attempts, attempt);
      const outcome = await failJob(a.db, job, `w${attempt}`, `boom ${attempt}`, { maxAttempts: 3, retryBaseMs: 500 });
      assert.equal(outcome, attempt < 3 ? "retrying" : "failed");
      if (attempt < 3) {
        // Backoff: not due at once, due after the delay (500 ms, then 1 s).
        assert.equal(await claimNextJob(a.db, "metadataExtraction", "early", 60_000), undefined);
        assert.equal((await stats()).delayed, 1);
        await new Promise((r) => setTimeout(r, 500 * 2 ** (attempt - 1) + 20));
      }
    }
    assert.equal(await claimNextJob(a.db, "metadataExtraction", "after", 60_000), undefined);
    assert.equal((await stats()).failed, 1);
    const [failed] = await listJobs(a.db, "metadataExtraction", ["failed"]);
    assert.equal(failed?.lastError, "boom 3");

    assert.equal(await retryFailedJobs(a.db, "metadataExtraction"), 1);
    const again = await claimNextJob(a.db, "metadataExtraction", "retry", 60_000);
    assert.equal(again?.attempts, 1);
  });

  it("fails a job whose worker died on its last attempt", async () => {
    await enqueueJobs(a.db, [{ name: "extractMetadata", payload: { assetId: "crashy" } }]);
    assert.ok(await claimNextJob(a.db, "metadataExtraction", "dies", 20));
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(await failAbandonedJobs(b.db, 1), 1);
    const [failed] = await listJobs(a.db, "metadataExtraction", ["failed"]);
    assert.match(failed?.lastError ?? "", /stopped responding/);
  });

  it("holds the jobs of a paused queue until it is resumed", async () => {
    await setQueuePaused(a.db, "metadataExtraction", true);
    await enqueueJobs(a.db, [{ name: "extractMetadata", payload: { assetId: "p" } }]);
    assert.equal(await claimNextJob(b.db, "metadataExtraction", "w", 60_000), undefined);
    const paused = (await getQueueStates(a.db)).find((q) => q.name === "metadataExtraction")!;
    assert.equal(paused.isPaused, true);
    assert.equal(paused.statistics.paused, 1);
    assert.equal(paused.statistics.waiting, 0);
    await setQueuePaused(a.db, "metadataExtraction", false);
    assert.ok(await claimNextJob(b.db, "metadataExtraction", "w", 60_000));
  });

  it("empties waiting jobs, and failed ones when asked", async () => {
    await enqueueJobs(a.db, [
      { name: "extractMetadata", payload: { assetId: "1" } },
      { name: "extractMetadata", payload: { assetId: "2" } },
    ]);
    const job = await claimNextJob(a.db, "metadataExtraction", "w", 60_000);
    await failJob(a.db, job!, "w", "nope", { maxAttempts: 1, retryBaseMs: 0 });
    assert.equal(await emptyQueue(a.db, "metadataExtraction", { waiting: true, failed: false }), 1);
    assert.equal((await stats()).failed, 1);
    assert.equal(await emptyQueue(a.db, "metadataExtraction", { waiting: true, failed: true }), 1);
    assert.equal((await stats()).failed, 0);
  });

  it("knows whose photo a job is about, and passes over the people whose turn it is not", async () => {
    const now = Date.now();
    for (const owner of ["ann", "bob"]) {
      await a.db.run(
        sql`INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES (${owner}, ${`${owner}@example.com`}, ${owner}, 'x', ${now}, ${now}) ON CONFLICT DO NOTHING`,
      );
      for (const i of [1, 2, 3]) {
        await a.db.run(sql`INSERT INTO assets (id, owner_id, type, original_file_name, original_mime_type, original_key, checksum, file_size_in_byte,
          file_created_at, file_modified_at, local_date_time, created_at, updated_at)
          VALUES (${`${owner}-${i}`}, ${owner}, 'IMAGE', 'a.jpg', 'image/jpeg', ${`k-${owner}-${i}`}, ${`c-${owner}-${i}`}, 1, ${now}, ${now}, ${now}, ${now}, ${now})
          ON CONFLICT DO NOTHING`);
      }
    }
    // Ann's three first, then Bob's; and one about no photo.
    const names = ["ann-1", "ann-2", "ann-3", "bob-1", "bob-2", "bob-3"];
    await enqueueJobs(
      a.db,
      names.map((assetId) => ({ name: "extractMetadata" as const, payload: { assetId } })),
    );
    await enqueueJobs(a.db, [{ name: "nameAssetPlace", payload: { assetId: "none" } }]);
    const claimed = async (passOver: string[]) => {
      const job = await claimNextJob(a.db, "metadataExtraction", "w", 60_000, { passOver });
      return job && { owner: job.ownerId, asset: (job.payload as { assetId: string }).assetId };
    };
    assert.deepEqual(
      await claimed([]),
      { owner: "ann", asset: "ann-1" },
      "the owner comes from the asset, by a trigger",
    );
    assert.deepEqual(
      await claimed(["ann"]),
      { owner: "bob", asset: "bob-1" },
      "Ann's turn is over: Bob's job comes first",
    );
    assert.deepEqual(
      await claimed(["ann", "bob"]),
      { owner: null, asset: "none" },
      "a job about no photo is nobody's turn",
    );
    assert.equal(await claimed(["ann", "bob"]), undefined, "nobody else has a job: a new turn must begin");
    assert.deepEqual(await claimed(["bob"]), { owner: "ann", asset: "ann-2" });
  });
});
