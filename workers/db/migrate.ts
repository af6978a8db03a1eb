// Brings a database up to the project's migrations (migrations/) when the server starts.
import { join } from "node:path";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { Database } from "../../common/db";
import { ensureQueues } from "../../common/queue";
import { projectRoot } from "../paths";

export const migrationsFolder = join(projectRoot, "migrations");

// Applies the migrations drizzle-kit generated that the database lacks; a no-op when it is current.
export async function migrateDatabase(db: Database): Promise<void> {
  await migrate(db, { migrationsFolder });
  await ensureQueues(db);
}
