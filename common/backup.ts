// What a backup's manifest says about its database: how far its migrations went, and how many rows
// each table holds, so that a restore can tell the copy is the one the manifest describes.
import { sql } from "drizzle-orm";
import type { Database } from "./db";

export interface DatabaseSummary {
  // Rows of drizzle's __drizzle_migrations: how many migrations were applied, and the time stamp
  // (from migrations/meta/_journal.json) of the last.
  migrations: { applied: number; latest: number | null };
  tables: Record<string, number>;
}

export async function databaseSummary(db: Database): Promise<DatabaseSummary> {
  const names = await db.all<{ name: string }>(
    sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
  );
  const tables: Record<string, number> = {};
  for (const { name } of names) {
    const [row] = await db.all<{ count: number }>(sql`SELECT count(*) AS count FROM ${sql.identifier(name)}`);
    tables[name] = row?.count ?? 0;
  }
  const migrations = names.some((table) => table.name === "__drizzle_migrations")
    ? (
        await db.all<DatabaseSummary["migrations"]>(
          sql`SELECT count(*) AS applied, max(created_at) AS latest FROM __drizzle_migrations`,
        )
      )[0]!
    : { applied: 0, latest: null };
  return { migrations, tables };
}
