// Direct uploads (POST /api/uploads → PUT to a signed URL → complete), on a local volume and straight
// into an S3-compatible bucket.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createClient, type Client as DatabaseClient } from "@libsql/client/web";
import { originalKey } from "../common/storage";
import { makeJpeg } from "./helpers/media";
import { startLocalS3, type LocalS3 } from "./helpers/s3";
import { startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";

interface Ticket {
  uploadId: string;
  url: string;
  method: "PUT";
  headers: Record<string, string>;
  expiresAt: string;
}

for (const mode of ["local", "s3"] as const) {
  describe(`direct uploads (${mode} storage)`, () => {
    let shoebox: Shoebox;
    let s3: LocalS3 | undefined;
    let db: DatabaseClient;

    before(async () => {
      s3 = mode === "s3" ? await startLocalS3() : undefined;
      // Housekeeping every half second, for the test of abandoned uploads.
      shoebox = await startShoebox({ env: { ...s3?.env, STALE_AFTER_MS: "1000" } });
      db = createClient({ url: shoebox.workerUrl, authToken: shoebox.token() });
    });
    after(async () => {
      db.close();
      await shoebox.stop();
      await s3?.stop();
    });

    const announce = async (body: Record<string, unknown>) => {
      const response = await shoebox.api("/api/uploads", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        body: (await response.json()) as Ticket & { id: string; status: string; message: string },
      };
    };
    const put = (ticket: Ticket, bytes: Uint8Array, url = ticket.url) => fetch(url, { method: "PUT", body: bytes });
    const complete = async (uploadId: string) => {
      const response = await shoebox.api(`/api/uploads/${uploadId}/complete`, { method: "POST" });
      return {
        status: response.status,
        body: (await response.json()) as { id: string; status: string; message: string },
      };
    };
    const sha1 = (bytes: Uint8Array) => createHash("sha1").update(bytes).digest("hex");

    it("puts a photo at the URL and adds it to the library on completion", async () => {
      const image = await makeJpeg(
        101,
        { IFD2: { DateTimeOriginal: "2020:02:02 10:00:00" } },
        { width: 300, height: 200 },
      );
      const announced = await announce({
        filename: image.name,
        size: image.bytes.byteLength,
        checksum: sha1(image.bytes),
      });
      assert.equal(announced.status, 201, JSON.stringify(announced.body));
      const ticket = announced.body;
      assert.equal(ticket.method, "PUT");
      assert.equal(ticket.headers["content-length"], String(image.bytes.byteLength));
      assert.ok(Date.parse(ticket.expiresAt) > Date.now() + 10 * 60_000);
      // The bytes go to the bucket itself in S3 mode, never through Shoebox.
      assert.equal(
        new URL(ticket.url).origin,
        mode === "s3" ? new URL(s3!.settings.endpoint).origin : new URL(shoebox.url).origin,
      );

      const stored = await put(ticket, image.bytes);
      assert.equal(stored.status, 200, await stored.text());
      const completed = await complete(ticket.uploadId);
      assert.equal(completed.status, 201, JSON.stringify(completed.body));
      assert.deepEqual(completed.body, { id: ticket.uploadId, status: "created" });

      const asset = await waitFor("the direct upload to be processed", async () => {
        const { rows } = await db.execute({
          sql: "SELECT count(*) AS n FROM jobs WHERE json_extract(payload, '$.assetId') = ?",
          args: [ticket.uploadId],
        });
        if (rows[0]!.n !== 0) return undefined;
        const response = await shoebox.api(`/api/assets/${ticket.uploadId}`);
        return (await response.json()) as { thumbhash: string | null; localDateTime: string; originalFileName: string };
      });
      assert.ok(asset.thumbhash);
      assert.equal(asset.originalFileName, image.name);
      assert.equal(asset.localDateTime, "2020-02-02T10:00:00.000Z");
      const original = await shoebox.api(`/api/assets/${ticket.uploadId}/original`);
      assert.deepEqual(Buffer.from(await original.arrayBuffer()), Buffer.from(image.bytes));
      if (s3)
        assert.deepEqual(await s3.keys("uploads/"), [], "the staged object is gone once the original is in place");
    });

    it("refuses a tampered URL, a replayed URL and a second completion", async () => {
      const image = await makeJpeg(102);
      const { body: ticket } = await announce({ filename: image.name, size: image.bytes.byteLength });
      const [signatureName, expiresName] =
        mode === "s3" ? ["X-Amz-Signature", "X-Amz-Expires"] : ["signature", "expires"];
      const tampered = new URL(ticket.url);
      const signature = tampered.searchParams.get(signatureName)!;
      tampered.searchParams.set(signatureName, `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`);
      assert.equal((await put(ticket, image.bytes, tampered.toString())).status, 403, "a changed signature");
      const longer = new URL(ticket.url);
      longer.searchParams.set(expiresName, String(Number(longer.searchParams.get(expiresName)) + 3600));
      assert.equal((await put(ticket, image.bytes, longer.toString())).status, 403, "a longer life");
      const other = (await announce({ filename: "b.jpg", size: image.bytes.byteLength })).body;
      const elsewhere = new URL(other.url);
      elsewhere.searchParams.set(signatureName, new URL(ticket.url).searchParams.get(signatureName)!);
      assert.equal(
        (await put(other, image.bytes, elsewhere.toString())).status,
        403,
        "another upload with this URL's signature",
      );
      assert.equal((await complete(ticket.uploadId)).status, 409, "nothing was put yet");

      assert.equal((await put(ticket, image.bytes)).status, 200);
      assert.equal((await complete(ticket.uploadId)).status, 201);
      const second = await complete(ticket.uploadId);
      assert.equal(second.status, 409);
      assert.match(second.body.message, /already completed/);

      const replay = await put(ticket, new Uint8Array(image.bytes.byteLength).fill(7));
      // A bucket takes a presigned PUT again until it expires, but only into the staging key, which
      // is never ingested; Shoebox itself takes its URL once.
      assert.equal(replay.status, mode === "local" ? 403 : 200);
      const original = await shoebox.api(`/api/assets/${ticket.uploadId}/original`);
      assert.deepEqual(Buffer.from(await original.arrayBuffer()), Buffer.from(image.bytes));
    });

    it("refuses a file of another size than announced, and leaves nothing behind", async () => {
      const image = await makeJpeg(103);
      const { body: ticket } = await announce({ filename: image.name, size: image.bytes.byteLength + 10 });
      // Shoebox counts the bytes as they come; a bucket refuses a length other than the signed one.
      assert.equal((await put(ticket, image.bytes)).status, mode === "local" ? 400 : 403);
      assert.equal((await complete(ticket.uploadId)).status, 409);
      const { rows } = await db.execute({
        sql: "SELECT count(*) AS n FROM assets WHERE id = ?",
        args: [ticket.uploadId],
      });
      assert.equal(rows[0]!.n, 0);
      if (s3) assert.deepEqual(await s3.keys(`uploads/${ticket.uploadId}`), []);
      else assert.equal(existsSync(join(shoebox.dataDir, "library", originalKey(ticket.uploadId, ".jpg"))), false);
    });

    it("refuses a checksum that does not match, and a file that is not a photo", async () => {
      const image = await makeJpeg(104);
      const wrong = await announce({ filename: image.name, size: image.bytes.byteLength, checksum: "0".repeat(40) });
      assert.equal((await put(wrong.body, image.bytes)).status, 200);
      const refused = await complete(wrong.body.uploadId);
      assert.equal(refused.status, 400);
      assert.match(refused.body.message, /checksum/);

      const text = new TextEncoder().encode("not a photo at all, just text named like one");
      const fake = await announce({ filename: "holiday.jpg", size: text.byteLength });
      assert.equal((await put(fake.body, text)).status, 200);
      const notPhoto = await complete(fake.body.uploadId);
      assert.equal(notPhoto.status, 415);
      assert.match(notPhoto.body.message, /not a photo or video/);
      assert.equal((await announce({ filename: "notes.txt", size: 10 })).status, 415);
      if (s3) {
        const keys = await s3.keys();
        assert.ok(
          !keys.some((key) => key.includes(wrong.body.uploadId) || key.includes(fake.body.uploadId)),
          keys.join("\n"),
        );
      }
    });

    it("answers a file the library has as a duplicate, before any upload", async () => {
      const image = await makeJpeg(
        101,
        { IFD2: { DateTimeOriginal: "2020:02:02 10:00:00" } },
        { width: 300, height: 200 },
      );
      const announced = await announce({
        filename: "again.jpg",
        size: image.bytes.byteLength,
        checksum: sha1(image.bytes),
      });
      assert.equal(announced.status, 200);
      assert.equal(announced.body.status, "duplicate");
    });

    it("removes the object of an upload never completed once it has expired", async () => {
      const image = await makeJpeg(105);
      const { body: ticket } = await announce({ filename: image.name, size: image.bytes.byteLength });
      assert.equal((await put(ticket, image.bytes)).status, 200);
      const { rows } = await db.execute({
        sql: "SELECT key FROM direct_uploads WHERE id = ?",
        args: [ticket.uploadId],
      });
      const key = String(rows[0]!.key);
      // As if the URL had expired more than an hour ago.
      await db.execute({
        sql: "UPDATE direct_uploads SET expires_at = ? WHERE id = ?",
        args: [Date.now() - 2 * 3600_000, ticket.uploadId],
      });
      await waitFor("maintenance to remove the abandoned direct upload", async () => {
        const left = await db.execute({
          sql: "SELECT count(*) AS n FROM direct_uploads WHERE id = ?",
          args: [ticket.uploadId],
        });
        return left.rows[0]!.n === 0 ? true : undefined;
      });
      if (s3) assert.deepEqual(await s3.keys(key), []);
      else assert.equal(existsSync(join(shoebox.dataDir, "library", key)), false);
      assert.equal((await complete(ticket.uploadId)).status, 404);
    });
  });
}
