// One way to reach the database from either side: the stock libSQL web client (Hrana over HTTP)
// wrapped in drizzle. The worker points it at its own embedded Hrana server or at sqld/Turso;
// workerd passes the fetch of its DB service binding.
import { createClient, type Client } from "@libsql/client/web";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import { drizzle } from "drizzle-orm/libsql/web";
import * as schema from "./schema";

export type Database = LibSQLDatabase<typeof schema>;

export interface DatabaseConnection {
  client: Client;
  db: Database;
}

export interface DatabaseOptions {
  url: string;
  authToken?: string;
  fetch?: (request: Request) => Promise<Response>;
}

export function connectDatabase(options: DatabaseOptions): DatabaseConnection {
  const client = createClient({
    url: options.url,
    authToken: options.authToken,
    intMode: "number",
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { client, db: drizzle(client, { schema }) };
}

// A transaction can run everything the database can; query builders that may run inside one take this.
export type Executor = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];
