import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { migrate } from "drizzle-orm/libsql/migrator";
import { connectDatabase } from "../common/db";
import { findActiveSharedLink, sealPlainLinkKeys, withKey } from "../common/shared-links";
import { adminExists, createFirstAdmin, placeholderOwnerId } from "../common/users";
import { migrateDatabase, migrationsFolder } from "../workers/db/migrate";
import { startTestDatabase } from "./helpers/hrana";

// A folder of the migrations up to and including `lastTag`, to make a database as an older Shoebox left it.
function migrationsUpTo(lastTag: string): string {
  const folder = mkdtempSync(join(tmpdir(), "shoebox-migrations-"));
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8")) as {
    entries: Array<{ tag: string }>;
  };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((entry) => entry.tag === lastTag) + 1);
  mkdirSync(join(folder, "meta"));
  writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify(journal));
  for (const { tag } of journal.entries) cpSync(join(migrationsFolder, `${tag}.sql`), join(folder, `${tag}.sql`));
  return folder;
}

describe("migrations", () => {
  it("apply once, and running them again changes nothing", async () => {
    const database = await startTestDatabase();
    const { client, db } = connectDatabase({ url: database.url, authToken: database.token });
    try {
      await migrateDatabase(db);
      const tables = async () =>
        (
          await client.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name")
        ).rows.map((r) => r.name);
      const first = await tables();
      for (const table of ["assets", "asset_files", "exif", "jobs", "queues"]) assert.ok(first.includes(table), table);

      await client.execute("INSERT INTO queues (name, is_paused) VALUES ('marker', 1)");
      await migrateDatabase(db);
      assert.deepEqual(await tables(), first);
      const applied = await client.execute("SELECT count(*) AS n FROM __drizzle_migrations");
      assert.equal(applied.rows[0]!.n, readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql")).length);
      const marker = await client.execute("SELECT is_paused FROM queues WHERE name = 'marker'");
      assert.equal(marker.rows[0]!.is_paused, 1);
    } finally {
      client.close();
      await database.close();
    }
  });
});

describe("the accounts migration", () => {
  it("keeps an older library whole and hands it to the first admin", async () => {
    // A database as it was before accounts: only the first two migrations.
    const olderFolder = migrationsUpTo("0001_ingest");

    const database = await startTestDatabase();
    const { client, db } = connectDatabase({ url: database.url, authToken: database.token });
    try {
      await migrate(db, { migrationsFolder: olderFolder });
      await client.batch([
        `INSERT INTO assets (id, type, original_file_name, original_mime_type, original_key, checksum, file_size_in_byte, file_created_at, file_modified_at, local_date_time, created_at, updated_at)
         VALUES ('a1', 'IMAGE', 'beach.jpg', 'image/jpeg', 'originals/a1.jpg', 'c1', 1234, 1, 1, 1, 1, 1)`,
        "INSERT INTO exif (asset_id, make, city) VALUES ('a1', 'Canon', 'Lisbon')",
        "INSERT INTO asset_files (asset_id, type, key, mime_type) VALUES ('a1', 'thumbnail', 'thumbs/a1.webp', 'image/webp')",
        "INSERT INTO albums (id, album_name, album_thumbnail_asset_id, created_at, updated_at) VALUES ('al1', 'Summer', 'a1', 1, 1)",
        "INSERT INTO album_assets (album_id, asset_id, added_at) VALUES ('al1', 'a1', 1)",
      ]);

      await migrateDatabase(db);
      const asset = await client.execute("SELECT owner_id FROM assets WHERE id = 'a1'");
      assert.equal(asset.rows[0]!.owner_id, placeholderOwnerId);
      // Rebuilding the assets table must not cascade into the rows that point at it.
      assert.equal((await client.execute("SELECT city FROM exif WHERE asset_id = 'a1'")).rows[0]!.city, "Lisbon");
      assert.equal((await client.execute("SELECT count(*) AS n FROM asset_files")).rows[0]!.n, 1);
      assert.equal((await client.execute("SELECT count(*) AS n FROM album_assets")).rows[0]!.n, 1);
      const album = await client.execute("SELECT owner_id, album_thumbnail_asset_id FROM albums WHERE id = 'al1'");
      assert.deepEqual({ ...album.rows[0] }, { owner_id: placeholderOwnerId, album_thumbnail_asset_id: "a1" });
      assert.equal((await client.execute("PRAGMA foreign_key_check")).rows.length, 0);

      assert.equal(await adminExists(db), false, "the placeholder owner is no admin anyone can use");
      const admin = await createFirstAdmin(db, {
        email: "Owner@Example.com",
        name: "Owner",
        passwordHash: "scrypt$test",
      });
      assert.equal(admin?.id, placeholderOwnerId);
      assert.equal(admin?.email, "owner@example.com");
      assert.equal(await adminExists(db), true);
      assert.equal(
        await createFirstAdmin(db, { email: "second@example.com", name: "Second", passwordHash: "scrypt$test" }),
        undefined,
      );
    } finally {
      client.close();
      await database.close();
    }
  });
});

const asset = (id: string, updatedAt = 1) =>
  `INSERT INTO assets (id, owner_id, type, original_file_name, original_mime_type, original_key, checksum, file_size_in_byte, file_created_at, file_modified_at, local_date_time, created_at, updated_at)
   VALUES ('${id}', 'u1', 'IMAGE', '${id}.jpg', 'image/jpeg', 'originals/${id}.jpg', 'c-${id}', 1, 1, 1, 1, 1, ${updatedAt})`;

describe("the migration that records which models have seen an asset", () => {
  it("marks assets with faces or tags, and queues a run of both queues over the rest once", async () => {
    const database = await startTestDatabase();
    const { client, db } = connectDatabase({ url: database.url, authToken: database.token });
    try {
      await migrate(db, { migrationsFolder: migrationsUpTo("0010_object_tags") });
      const embedding = `[${Array.from({ length: 1024 }, (_, i) => (i % 7) / 7).join(",")}]`;
      await client.batch([
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES ('u1', 'u1@example.com', 'U', 'x', 1, 1)",
        asset("with-face", 5),
        asset("with-tag", 5),
        asset("untouched", 5),
        {
          sql: "INSERT INTO faces (id, asset_id, image_width, image_height, bounding_box_x1, bounding_box_y1, bounding_box_x2, bounding_box_y2, landmarks, score, embedding, created_at) VALUES ('f1', 'with-face', 10, 10, 1, 1, 5, 5, '[]', 0.9, vector32(?), 1)",
          args: [embedding],
        },
        "INSERT INTO asset_tags (asset_id, tag, score) VALUES ('with-tag', 'dog', 0.6)",
      ]);
      // This migration alone: later ones run the queues again for their own reasons.
      await migrate(db, { migrationsFolder: migrationsUpTo("0011_rerun_and_clip") });
      const marks = await client.execute("SELECT id, faces_detected_at, objects_tagged_at FROM assets ORDER BY id");
      assert.deepEqual(
        marks.rows.map((row) => ({ ...row })),
        [
          { id: "untouched", faces_detected_at: null, objects_tagged_at: null },
          { id: "with-face", faces_detected_at: 5, objects_tagged_at: null },
          { id: "with-tag", faces_detected_at: null, objects_tagged_at: 5 },
        ],
      );
      const queued = await client.execute("SELECT queue, payload FROM jobs WHERE name = 'queueAssetJobs' ORDER BY id");
      assert.deepEqual(
        queued.rows.map((row) => [row.queue, JSON.parse(String(row.payload))]),
        [
          ["backgroundTask", { queue: "faceDetection", force: false }],
          ["backgroundTask", { queue: "smartSearch", force: false }],
        ],
      );
    } finally {
      client.close();
      await database.close();
    }
  });

  it("queues nothing for an empty library", async () => {
    const database = await startTestDatabase();
    const { client, db } = connectDatabase({ url: database.url, authToken: database.token });
    try {
      await migrateDatabase(db);
      assert.equal((await client.execute("SELECT count(*) AS n FROM jobs")).rows[0]!.n, 0);
    } finally {
      client.close();
      await database.close();
    }
  });
});

describe("the migration that stops keeping shared links' keys", () => {
  it("keeps older links working, with their keys hashed and sealed rather than kept", async () => {
    const database = await startTestDatabase();
    const { client, db } = connectDatabase({ url: database.url, authToken: database.token });
    try {
      await migrate(db, { migrationsFolder: migrationsUpTo("0011_rerun_and_clip") });
      await client.batch([
        "INSERT INTO users (id, email, name, password_hash, status, created_at, updated_at) VALUES ('u1', 'u1@example.com', 'U', 'x', 'active', 1, 1)",
        "INSERT INTO shared_links (id, user_id, key, type, allow_download, allow_upload, show_metadata, created_at) VALUES ('l1', 'u1', 'the-old-key', 'INDIVIDUAL', 1, 0, 1, 1)",
      ]);
      await migrateDatabase(db);
      const secret = "server secret";
      assert.equal(await sealPlainLinkKeys(db, secret), 1);
      assert.equal(await sealPlainLinkKeys(db, secret), 0, "sealed once");
      const columns = (await client.execute("SELECT * FROM shared_links")).rows[0]!;
      assert.ok(!Object.values(columns).includes("the-old-key"), "the key is not kept as it is");
      const found = await findActiveSharedLink(db, "the-old-key");
      assert.equal(found?.id, "l1");
      assert.equal((await withKey(secret, found!)).key, "the-old-key");
    } finally {
      client.close();
      await database.close();
    }
  });
});

describe("the migration that keeps every date taken in UTC", () => {
  it("turns dates set with an offset into instants, with the offset as their zone", async () => {
    const database = await startTestDatabase();
    const { client, db } = connectDatabase({ url: database.url, authToken: database.token });
    try {
      await migrate(db, { migrationsFolder: migrationsUpTo("0011_rerun_and_clip") });
      await client.batch([
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES ('u1', 'u1@example.com', 'U', 'x', 1, 1)",
        asset("by-hand"),
        asset("from-file"),
        asset("no-date"),
        "INSERT INTO exif (asset_id, date_time_original, time_zone) VALUES ('by-hand', '2020-02-29T23:30:00.123+09:00', 'Europe/Rome')",
        "INSERT INTO exif (asset_id, date_time_original, time_zone) VALUES ('from-file', '2008-10-22T14:52:00.000Z', 'Europe/Rome')",
        "INSERT INTO exif (asset_id, date_time_original, time_zone) VALUES ('no-date', NULL, NULL)",
      ]);
      await migrateDatabase(db);
      const rows = await client.execute("SELECT asset_id, date_time_original, time_zone FROM exif ORDER BY asset_id");
      assert.deepEqual(
        rows.rows.map((row) => ({ ...row })),
        [
          { asset_id: "by-hand", date_time_original: "2020-02-29T14:30:00.123Z", time_zone: "UTC+09:00" },
          { asset_id: "from-file", date_time_original: "2008-10-22T14:52:00.000Z", time_zone: "Europe/Rome" },
          { asset_id: "no-date", date_time_original: null, time_zone: null },
        ],
      );
    } finally {
      client.close();
      await database.close();
    }
  });
});

describe("the migration that brings full-size copies", () => {
  it("queues one missing run of the thumbnail queue, for a library with photos", async () => {
    const database = await startTestDatabase();
    const { client, db } = connectDatabase({ url: database.url, authToken: database.token });
    try {
      await migrate(db, { migrationsFolder: migrationsUpTo("0014_dates_in_utc") });
      await client.batch([
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES ('u1', 'u1@example.com', 'U', 'x', 1, 1)",
        asset("heic"),
      ]);
      await migrate(db, { migrationsFolder: migrationsUpTo("0015_fullsize_copies") });
      const queued = await client.execute("SELECT queue, payload FROM jobs WHERE name = 'queueAssetJobs'");
      assert.deepEqual(
        queued.rows.map((row) => [row.queue, JSON.parse(String(row.payload))]),
        [["backgroundTask", { queue: "thumbnailGeneration", force: false }]],
      );
    } finally {
      client.close();
      await database.close();
    }
  });
});
