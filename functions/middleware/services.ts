// Sets up the per-request services from the bindings: nothing outlives the request.
import { createMiddleware } from "hono/factory";
import { connectDatabase } from "../../common/db";
import type { AppEnv } from "../env";
import { createStorage } from "../storage";

export const services = createMiddleware<AppEnv>(async (c, next) => {
  const { client, db } = connectDatabase({
    url: c.env.DB_URL,
    authToken: c.env.DB_AUTH_TOKEN || undefined,
    fetch: (request) => c.env.DB.fetch(request),
  });
  c.set("db", db);
  c.set("storage", createStorage(c.env));
  try {
    await next();
  } finally {
    client.close();
  }
});
