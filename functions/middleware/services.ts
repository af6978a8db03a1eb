// Sets up the per-request services from the bindings: nothing outlives the request.
import { createMiddleware } from "hono/factory";
import { connectDatabase, type DatabaseConnection } from "../../common/db";
import type { AppEnv, Bindings } from "../env";
import { createStorage } from "../storage";

// A connection to the database through the DB binding. The request's own closes when the handler
// returns; an answer streamed after that (the sync stream) opens one of its own.
export function connectBoundDatabase(env: Bindings): DatabaseConnection {
  return connectDatabase({
    url: env.DB_URL,
    authToken: env.DB_AUTH_TOKEN || undefined,
    fetch: (request) => env.DB.fetch(request),
  });
}

export const services = createMiddleware<AppEnv>(async (c, next) => {
  const { client, db } = connectBoundDatabase(c.env);
  c.set("db", db);
  c.set("storage", createStorage(c.env));
  try {
    await next();
  } finally {
    client.close();
  }
});
