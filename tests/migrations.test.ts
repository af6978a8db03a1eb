import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { connectDatabase } from "../common/db";
import { migrateDatabase, migrationsFolder } from "../workers/db/migrate";
import { startTestDatabase } from "./helpers/hrana";

describe("migrations", () => {
  it("apply once, and running them again changes nothing", async () => {
    const database = await startTestDatabase();
    const { client, db } = connectDatabase({ url: database.url, authToken: database.token });
    try {
      await migrateDatabase(db);
      const tables = async () =>
        (await client.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name")).rows.map((r) => r.name);
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
