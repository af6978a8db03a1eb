// The request handlers: every HTTP request to Shoebox is answered here, on workerd.
import { Hono } from "hono";
import { assetRoutes } from "./api/assets";
import { queueRoutes } from "./api/queues";
import { serverRoutes } from "./api/server";
import type { AppEnv } from "./env";
import { handleError, handleNotFound } from "./errors";
import { services } from "./middleware/services";
import { createRouter } from "./router";

const api = createRouter();
api.use("*", services);
api.route("/assets", assetRoutes);
api.route("/server", serverRoutes);
api.route("/queues", queueRoutes);
api.doc31("/spec.json", (c) => ({
  openapi: "3.1.0",
  info: { title: "Shoebox", version: c.env.VERSION, description: "Shoebox's JSON API; its shapes follow Immich's public API." },
}));

const app = new Hono<AppEnv>();
app.route("/api", api);
// Static files of public/ (htmx, leaflet, styles), copied there by the build; no CDN.
app.get("/static/*", (c) => c.env.ASSETS.fetch(new URL(c.req.path.slice("/static".length), "http://assets/").toString()));
app.onError(handleError);
app.notFound(handleNotFound);

export default app;
