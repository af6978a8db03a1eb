// The embedded database's Hrana server, driven by the stock @libsql/client and by drizzle.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createClient, type Client } from "@libsql/client/web";
import { drizzle } from "drizzle-orm/libsql/web";
import { eq, sql } from "drizzle-orm";
import { integer, blob, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { startTestDatabase, type TestDatabase } from "./helpers/hrana";

describe("Hrana server with the stock libSQL client", () => {
  let database: TestDatabase;
  let client: Client;

  before(async () => {
    database = await startTestDatabase();
    client = createClient({ url: database.url, authToken: database.token, intMode: "bigint" });
    await client.executeMultiple(`
      CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, big INTEGER, data BLOB, ratio REAL);
      INSERT INTO items (name) VALUES ('first');
    `);
  });
  after(async () => {
    client.close();
    await database.close();
  });

  it("runs executeMultiple and plain queries", async () => {
    const result = await client.execute("SELECT id, name FROM items");
    assert.deepEqual(result.columns, ["id", "name"]);
    assert.equal(result.rows.length, 1);
    assert.equal(result.rows[0]!.name, "first");
  });

  it("round-trips 64-bit integers, blobs, floats, text and null", async () => {
    const big = 9223372036854775807n;
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    const inserted = await client.execute({
      sql: "INSERT INTO items (name, big, data, ratio) VALUES (?, ?, ?, ?)",
      args: ["types", big, bytes, 0.5],
    });
    assert.equal(inserted.rowsAffected, 1);
    assert.equal(typeof inserted.lastInsertRowid, "bigint");
    const { rows } = await client.execute({
      sql: "SELECT big, data, ratio, NULL AS empty FROM items WHERE name = :name",
      args: { name: "types" },
    });
    assert.equal(rows[0]!.big, big);
    assert.deepEqual(new Uint8Array(rows[0]!.data as ArrayBuffer), bytes);
    assert.equal(rows[0]!.ratio, 0.5);
    assert.equal(rows[0]!.empty, null);
    const negative = await client.execute({ sql: "SELECT ? AS n", args: [-9223372036854775808n] });
    assert.equal(negative.rows[0]!.n, -9223372036854775808n);
  });

  it("rolls back a whole batch when one statement breaks a constraint", async () => {
    await assert.rejects(
      client.batch(
        [
          { sql: "INSERT INTO items (name) VALUES (?)", args: ["batch-1"] },
          { sql: "INSERT INTO items (name) VALUES (?)", args: ["first"] },
        ],
        "write",
      ),
      (error: { code?: string }) => error.code?.startsWith("SQLITE_CONSTRAINT") === true,
    );
    const { rows } = await client.execute("SELECT count(*) AS n FROM items WHERE name = 'batch-1'");
    assert.equal(rows[0]!.n, 0n);
  });

  it("commits a batch that succeeds", async () => {
    const results = await client.batch(
      [
        { sql: "INSERT INTO items (name) VALUES (?)", args: ["batch-a"] },
        { sql: "UPDATE items SET big = 7 WHERE name = ? RETURNING big", args: ["batch-a"] },
      ],
      "write",
    );
    assert.equal(results[1]!.rowsAffected, 1);
    assert.equal(results[1]!.rows[0]!.big, 7n);
  });

  it("rolls back an interactive transaction", async () => {
    const tx = await client.transaction("write");
    await tx.execute({ sql: "INSERT INTO items (name) VALUES (?)", args: ["in-tx"] });
    const inside = await tx.execute("SELECT count(*) AS n FROM items WHERE name = 'in-tx'");
    assert.equal(inside.rows[0]!.n, 1n);
    await tx.rollback();
    const outside = await client.execute("SELECT count(*) AS n FROM items WHERE name = 'in-tx'");
    assert.equal(outside.rows[0]!.n, 0n);
  });

  it("makes a second writer wait for an open transaction instead of failing with SQLITE_BUSY", async () => {
    const first = await client.transaction("write");
    await first.execute("INSERT INTO items (name) VALUES ('tx-first')");
    const order: string[] = [];
    const second = (async () => {
      const tx = await client.transaction("write");
      await tx.execute("INSERT INTO items (name) VALUES ('tx-second')");
      await tx.commit();
      order.push("second committed");
    })();
    const plainWrite = client
      .execute("INSERT INTO items (name) VALUES ('plain')")
      .then(() => order.push("plain write"));
    await new Promise((r) => setTimeout(r, 200));
    order.push("first commits");
    await first.commit();
    await Promise.all([second, plainWrite]);
    assert.equal(order[0], "first commits");
    const { rows } = await client.execute(
      "SELECT count(*) AS n FROM items WHERE name IN ('tx-first', 'tx-second', 'plain')",
    );
    assert.equal(rows[0]!.n, 3n);
  });

  it("many concurrent writers all succeed", async () => {
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        if (i % 2) {
          const tx = await client.transaction("write");
          await tx.execute({ sql: "INSERT INTO items (name) VALUES (?)", args: [`c-${i}`] });
          await tx.commit();
        } else {
          await client.execute({ sql: "INSERT INTO items (name) VALUES (?)", args: [`c-${i}`] });
        }
      }),
    );
    const { rows } = await client.execute("SELECT count(*) AS n FROM items WHERE name LIKE 'c-%'");
    assert.equal(rows[0]!.n, 40n);
  });

  it("reports SQL errors with their SQLite code and keeps serving", async () => {
    await assert.rejects(client.execute("SELECT * FROM missing_table"), /no such table/);
    const { rows } = await client.execute("SELECT 1 AS one");
    assert.equal(rows[0]!.one, 1n);
  });

  it("refuses requests without the token", async () => {
    const stranger = createClient({ url: database.url, authToken: "wrong" });
    await assert.rejects(stranger.execute("SELECT 1"));
    stranger.close();
    const response = await fetch(`${database.url}/v2/pipeline`, {
      method: "POST",
      body: JSON.stringify({ requests: [] }),
    });
    assert.equal(response.status, 401);
  });

  it("refuses a baton that was already used", async () => {
    const headers = { authorization: `Bearer ${database.token}`, "content-type": "application/json" };
    const open = await fetch(`${database.url}/v2/pipeline`, {
      method: "POST",
      headers,
      body: JSON.stringify({ baton: null, requests: [{ type: "execute", stmt: { sql: "SELECT 1" } }] }),
    });
    const { baton } = (await open.json()) as { baton: string };
    const again = () =>
      fetch(`${database.url}/v2/pipeline`, {
        method: "POST",
        headers,
        body: JSON.stringify({ baton, requests: [{ type: "close" }] }),
      });
    assert.equal((await again()).status, 200);
    assert.equal((await again()).status, 400);
  });

  it("supports stored SQL, sequences and describe", async () => {
    const headers = { authorization: `Bearer ${database.token}`, "content-type": "application/json" };
    const response = await fetch(`${database.url}/v2/pipeline`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        requests: [
          { type: "store_sql", sql_id: 1, sql: "SELECT name FROM items WHERE id = ?" },
          { type: "execute", stmt: { sql_id: 1, args: [{ type: "integer", value: "1" }] } },
          { type: "describe", sql: "SELECT name FROM items WHERE id = :id AND name = ?" },
          { type: "sequence", sql: "CREATE TABLE seq_a (x); CREATE TABLE seq_b (y);" },
          { type: "close_sql", sql_id: 1 },
          { type: "execute", stmt: { sql_id: 1 } },
          { type: "close" },
        ],
      }),
    });
    const body = (await response.json()) as {
      baton: string | null;
      results: Array<{ type: string; response?: { result: { rows: unknown; params: unknown; is_readonly: boolean } } }>;
    };
    assert.equal(body.baton, null);
    assert.deepEqual(body.results[1]!.response?.result.rows, [[{ type: "text", value: "first" }]]);
    assert.deepEqual(body.results[2]!.response?.result.params, [{ name: ":id" }, { name: null }]);
    assert.equal(body.results[2]!.response?.result.is_readonly, true);
    assert.equal(body.results[3]!.type, "ok");
    assert.equal(body.results[5]!.type, "error");
  });

  it("works under drizzle, transactions included", async () => {
    const notes = sqliteTable("notes", {
      id: integer("id").primaryKey({ autoIncrement: true }),
      title: text("title").notNull().unique(),
      counter: integer("counter"),
      payload: blob("payload", { mode: "buffer" }),
    });
    await client.execute(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL UNIQUE, counter INTEGER, payload BLOB)",
    );
    const numbers = createClient({ url: database.url, authToken: database.token, intMode: "number" });
    const db = drizzle(numbers);
    await db.insert(notes).values({ title: "a", counter: 2 ** 52, payload: Buffer.from("hello") });
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.insert(notes).values({ title: "b" });
        await tx.insert(notes).values({ title: "a" });
      }),
    );
    const rows = await db.select().from(notes);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.counter, 2 ** 52);
    assert.equal(Buffer.from(rows[0]!.payload!).toString(), "hello");
    await db
      .update(notes)
      .set({ counter: sql`${notes.counter} + 1` })
      .where(eq(notes.title, "a"));
    const [updated] = await db.select({ counter: notes.counter }).from(notes);
    assert.equal(updated!.counter, 2 ** 52 + 1);
    numbers.close();
  });
});
