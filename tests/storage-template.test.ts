// Originals on a local volume end up as ordinary files under a readable path once their date is read.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createClient, type Client as DatabaseClient } from "@libsql/client/web";
import Libsql from "libsql";
import { makeJpeg, upload } from "./helpers/media";
import { projectRoot, startShoebox, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";

describe("storage template", () => {
  let shoebox: Shoebox;
  let db: DatabaseClient;

  before(async () => {
    shoebox = await startShoebox({ keepData: true });
    db = createClient({ url: shoebox.workerUrl, authToken: shoebox.token() });
  });
  after(async () => {
    db.close();
    await shoebox.stop();
    rmSync(shoebox.dataDir, { recursive: true, force: true });
  });

  const originalKeyOf = async (id: string) =>
    String(
      (await db.execute({ sql: "SELECT original_key FROM assets WHERE id = ?", args: [id] })).rows[0]!.original_key,
    );
  const taken = { IFD2: { DateTimeOriginal: "2021:07:04 18:30:00" } };

  it("moves an original to <label>/<yyyy>/<yyyy-mm-dd>/<name>, and another of the same name beside it", async () => {
    const first = await makeJpeg(301, taken);
    const second = await makeJpeg(302, taken);
    const a = await upload(shoebox, { ...first, name: "Beach day.jpg" });
    const b = await upload(shoebox, { ...second, name: "Beach day.jpg" });
    await waitForQueuesToDrain(shoebox);

    assert.deepEqual([await originalKeyOf(a.body.id), await originalKeyOf(b.body.id)].sort(), [
      "admin/2021/2021-07-04/Beach day+1.jpg",
      "admin/2021/2021-07-04/Beach day.jpg",
    ]);
    for (const [id, image] of [
      [a.body.id, first],
      [b.body.id, second],
    ] as const) {
      const key = await originalKeyOf(id);
      assert.deepEqual(
        readFileSync(join(shoebox.dataDir, "library", key)),
        Buffer.from(image.bytes),
        "an ordinary file, byte for byte",
      );
      const served = await shoebox.api(`/api/assets/${id}/original`);
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), Buffer.from(image.bytes));
    }
    assert.equal(
      existsSync(
        join(shoebox.dataDir, "library/originals", a.body.id.slice(0, 2), a.body.id.slice(2, 4), `${a.body.id}.jpg`),
      ),
      false,
      "the upload's first name is gone",
    );
  });

  it("moves a user's originals when the admin renames their folder, and deletes them from there", async () => {
    const image = await makeJpeg(303, taken);
    const created = await upload(shoebox, { ...image, name: "moved.jpg" });
    await waitForQueuesToDrain(shoebox);
    const me = (await (await shoebox.api("/api/users/me")).json()) as { id: string };
    const renamed = await shoebox.api(`/api/admin/users/${me.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ storageLabel: "Ada" }),
    });
    assert.equal(renamed.status, 200, await renamed.clone().text());
    assert.equal(((await renamed.json()) as { storageLabel: string }).storageLabel, "Ada");
    await waitForQueuesToDrain(shoebox);
    const key = await originalKeyOf(created.body.id);
    assert.equal(key, "Ada/2021/2021-07-04/moved.jpg");
    assert.ok(existsSync(join(shoebox.dataDir, "library", key)));

    const reserved = await shoebox.api(`/api/admin/users/${me.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ storageLabel: "thumbs" }),
    });
    assert.equal(reserved.status, 400);

    const removed = await shoebox.api("/api/assets", {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: [created.body.id], force: true }),
    });
    assert.equal(removed.status, 204);
    await waitForQueuesToDrain(shoebox);
    assert.equal(existsSync(join(shoebox.dataDir, "library", key)), false);
  });

  it("moves the originals of a library from before the template when it is upgraded", async () => {
    const image = await makeJpeg(304, taken);
    const created = await upload(shoebox, { ...image, name: "old.jpg" });
    await waitForQueuesToDrain(shoebox);
    // Put it back where uploads used to stay, as a library from before the template has it.
    const placed = await originalKeyOf(created.body.id);
    const old = `originals/${created.body.id.slice(0, 2)}/${created.body.id.slice(2, 4)}/${created.body.id}.jpg`;
    await shoebox.stop();
    mkdirSync(join(shoebox.dataDir, "library", old, ".."), { recursive: true });
    renameSync(join(shoebox.dataDir, "library", placed), join(shoebox.dataDir, "library", old));
    const file = new Libsql(join(shoebox.dataDir, "shoebox.db"));
    file.prepare("UPDATE assets SET original_key = ? WHERE id = ?").run(old, created.body.id);
    // What the upgrade does: the migration queues the moves (as it would against today's jobs table,
    // which no longer keeps max_attempts: migration 0019).
    const migration = readFileSync(join(projectRoot, "migrations/0007_storage_template.sql"), "utf8");
    file.exec(migration.replace("`max_attempts`, ", "").replace("'waiting', 0, 0, 3,", "'waiting', 0, 0,"));
    file.close();

    shoebox = await startShoebox({ dataDir: shoebox.dataDir, keepData: true });
    db.close();
    db = createClient({ url: shoebox.workerUrl, authToken: shoebox.token() });
    await waitForQueuesToDrain(shoebox);
    assert.equal(await originalKeyOf(created.body.id), placed);
    assert.deepEqual(readFileSync(join(shoebox.dataDir, "library", placed)), Buffer.from(image.bytes));
  });
});
