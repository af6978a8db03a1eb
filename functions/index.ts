// The request handlers: every HTTP request to Shoebox is answered here, on workerd.
import { albumRoutes } from "./api/albums";
import { assetRoutes } from "./api/assets";
import { queueRoutes } from "./api/queues";
import { serverRoutes } from "./api/server";
import { handleError, handleNotFound } from "./errors";
import { services } from "./middleware/services";
import { createRouter } from "./router";
import { serveStatic } from "./static";

const app = createRouter();

app.use("/api/*", services);
app.route("/api/albums", albumRoutes);
app.route("/api/assets", assetRoutes);
app.route("/api/server", serverRoutes);
app.route("/api/queues", queueRoutes);
app.doc31("/api/spec.json", (c) => ({
  openapi: "3.1.0",
  info: { title: "Shoebox", version: c.env.VERSION, description: "Shoebox's JSON API; its shapes follow Immich's public API." },
}));

app.on(["GET", "HEAD"], "/static/*", serveStatic);
app.onError(handleError);
app.notFound(handleNotFound);

export default app;
