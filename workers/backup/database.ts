// The database as backups and restores handle it: a consistent copy taken while the server runs,
// whether the worker embeds the file or a libSQL server (sqld, Turso) holds it, and a copy put back
// in place of the embedded file while the server is stopped.
import { createClient, type Row } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import Libsql from "libsql";
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import type { DatabaseConnection } from "../../common/db";
import * as schema from "../../common/schema";

const readOnly = (path: string) => `${pathToFileURL(path).href}?mode=ro`;

// A database file opened in this process, for the repository functions of common/: a backup's copy,
// or the embedded database beside the running server (WAL lets another process read it).
export function openDatabaseFile(path: string): DatabaseConnection {
  if (!existsSync(path)) throw new Error(`There is no database at ${path}: is DATA_DIR right?`);
  const client = createClient({ url: pathToFileURL(path).href, intMode: "number" });
  return { client, db: drizzle(client, { schema }) };
}

// VACUUM INTO writes one read snapshot of the file into a new, compact one. WAL mode lets it read
// beside the server's writers, which neither wait for it nor are seen half-way.
export function snapshotEmbedded(source: string, target: string): void {
  const db = new Libsql(readOnly(source));
  try {
    db.pragma("busy_timeout = 10000");
    db.prepare("VACUUM INTO ?").run(target);
  } finally {
    db.close();
  }
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

// A blob comes from the client as an ArrayBuffer; libsql binds Buffers.
const bindable = (value: Row[number]) => (value instanceof ArrayBuffer ? Buffer.from(value) : value);

// Copies a libSQL server's database into a new file, in one read transaction: the schema from
// sqlite_master, then every table in pages of rows. Indexes and triggers come after the rows, so
// that triggers (the summary tables') do not count them a second time.
export async function snapshotRemote(url: string, authToken: string | undefined, target: string): Promise<void> {
  const client = createClient({ url, authToken, intMode: "bigint" });
  const out = new Libsql(target);
  out.defaultSafeIntegers(true);
  // Tables come over in the order they were created, not that of their references; the rows were
  // consistent where they came from.
  out.pragma("foreign_keys = OFF");
  const transaction = await client.transaction("read");
  try {
    const all = (
      await transaction.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
      )
    ).rows;
    // A vector index (libsql_vector_idx) keeps its graph in shadow tables of its own, which creating
    // the index again, after the rows, rebuilds: they are not copied.
    const vectorIndexes = all
      .filter((entry) => entry.type === "index" && /libsql_vector_idx\s*\(/i.test(String(entry.sql)))
      .map((entry) => String(entry.name));
    const shadows = new Set(["libsql_vector_meta_shadow", ...vectorIndexes.map((name) => `${name}_shadow`)]);
    const schema = all.filter((entry) => !shadows.has(String(entry.tbl_name)));
    const tables = schema.filter((entry) => entry.type === "table");
    out.exec("BEGIN");
    for (const table of tables) out.exec(String(table.sql));
    for (const table of tables) {
      const name = quote(String(table.name));
      // Every table drizzle makes has a rowid to page by.
      for (let after: Row[number] = -1n; ; ) {
        const page = await transaction.execute({
          sql: `SELECT rowid, * FROM ${name} WHERE rowid > ? ORDER BY rowid LIMIT 500`,
          args: [after],
        });
        if (page.rows.length === 0) break;
        const columns = page.columns.slice(1);
        const insert = out.prepare(
          `INSERT INTO ${name} (${columns.map(quote).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
        );
        for (const row of page.rows) insert.run(...Array.from(row).slice(1).map(bindable));
        after = page.rows.at(-1)![0]!;
      }
    }
    // AUTOINCREMENT counters, so that the ids of deleted rows are not handed out again.
    if ((await transaction.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).rows.length) {
      out.exec("DELETE FROM sqlite_sequence");
      const insert = out.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)");
      for (const counter of (await transaction.execute("SELECT name, seq FROM sqlite_sequence")).rows)
        insert.run(counter.name, counter.seq);
    }
    for (const entry of schema) if (entry.type !== "table") out.exec(String(entry.sql));
    out.exec("COMMIT");
  } finally {
    transaction.close();
    client.close();
    out.close();
  }
}

// Whether a process has the database open. While the server runs, its worker holds the file open in
// WAL mode, which keeps anyone else from locking it exclusively. File locks hold across processes and
// containers that share the volume, where a PID file would not.
export function databaseInUse(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Libsql(path);
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("ROLLBACK");
    return false;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY")) return true;
    throw error;
  } finally {
    db.close();
  }
}

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// Puts `source` in place of the database at `target` so that a crash at any moment leaves the old
// database or the new one: a copy beside it, flushed, then renamed over it once the old one's
// write-ahead log is out of the way (an old log must never meet the new file). The database
// replaced is kept, with its log, under `keepAs`.
export function installDatabase(source: string, target: string, keepAs: string): { kept: boolean } {
  mkdirSync(dirname(target), { recursive: true });
  const incoming = `${target}.restoring`;
  copyFileSync(source, incoming);
  fsyncPath(incoming, "r+");
  const kept = existsSync(target);
  if (kept) {
    copyFileSync(target, keepAs);
    if (existsSync(`${target}-wal`)) renameSync(`${target}-wal`, `${keepAs}-wal`);
  }
  rmSync(`${target}-wal`, { force: true });
  rmSync(`${target}-shm`, { force: true });
  renameSync(incoming, target);
  fsyncPath(dirname(target), "r");
  return { kept };
}
