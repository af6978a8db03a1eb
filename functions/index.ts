// The request handlers: every HTTP request to Shoebox is answered here, on workerd.
import type { Context } from "hono";
import { adminUserRoutes } from "./api/admin-users";
import { albumRoutes } from "./api/albums";
import { apiKeyRoutes } from "./api/api-keys";
import { assetRoutes } from "./api/assets";
import { authRoutes } from "./api/auth";
import { downloadRoutes } from "./api/download";
import { duplicateRoutes } from "./api/duplicates";
import { integrityRoutes } from "./api/integrity";
import { libraryRoutes } from "./api/libraries";
import { mapRoutes } from "./api/map";
import { partnerRoutes } from "./api/partners";
import { faceRoutes, peopleRoutes } from "./api/people";
import { jobRoutes, queueRoutes } from "./api/queues";
import { searchRoutes } from "./api/search";
import { serverRoutes } from "./api/server";
import { sessionRoutes } from "./api/sessions";
import { sharedLinkRoutes } from "./api/shared-links";
import { syncRoutes } from "./api/sync";
import { timelineRoutes } from "./api/timeline";
import { trashRoutes } from "./api/trash";
import { uploadRoutes } from "./api/uploads";
import { userRoutes } from "./api/users";
import { wellKnownRoutes } from "./api/well-known";
import { handleError, handleNotFound } from "./errors";
import { pages } from "./middleware/pages";
import { requestContext } from "./middleware/request-context";
import { securityHeaders } from "./middleware/security-headers";
import { serverTiming } from "./middleware/server-timing";
import { services } from "./middleware/services";
import { adminPages } from "./pages/admin/index";
import { albumPages } from "./pages/albums";
import { authPages } from "./pages/auth";
import { duplicatePages } from "./pages/duplicates";
import { handlePageError, handlePageNotFound } from "./pages/errors";
import { mapPage } from "./pages/map";
import { peoplePage } from "./pages/people";
import { explorePage } from "./pages/explore";
import { searchPage } from "./pages/search";
import { sharePages } from "./pages/share";
import { timelinePages } from "./pages/timeline";
import { viewerPages } from "./pages/viewer";
import { createRouter } from "./router";
import { serveStatic } from "./static";

const app = createRouter();

app.use("*", requestContext, securityHeaders);
app.use("/api/*", serverTiming, services);
app.route("/api/admin/users", adminUserRoutes);
app.route("/api/admin/integrity", integrityRoutes);
app.route("/api/albums", albumRoutes);
app.route("/api/api-keys", apiKeyRoutes);
app.route("/api/assets", assetRoutes);
app.route("/api/auth", authRoutes);
app.route("/api/download", downloadRoutes);
app.route("/api/faces", faceRoutes);
app.route("/api/duplicates", duplicateRoutes);
app.route("/api/libraries", libraryRoutes);
app.route("/api/map", mapRoutes);
app.route("/api/partners", partnerRoutes);
app.route("/api/people", peopleRoutes);
app.route("/api/queues", queueRoutes);
app.route("/api/jobs", jobRoutes);
app.route("/api/search", searchRoutes);
app.route("/api/server", serverRoutes);
app.route("/api/sessions", sessionRoutes);
app.route("/api/shared-links", sharedLinkRoutes);
app.route("/api/sync", syncRoutes);
app.route("/api/timeline", timelineRoutes);
app.route("/api/trash", trashRoutes);
app.route("/api/uploads", uploadRoutes);
app.route("/api/users", userRoutes);
app.route("/.well-known", wellKnownRoutes);
app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
app.openAPIRegistry.registerComponent("securitySchemes", "cookie", {
  type: "apiKey",
  in: "cookie",
  name: "immich_access_token",
});
app.openAPIRegistry.registerComponent("securitySchemes", "api_key", {
  type: "apiKey",
  in: "header",
  name: "x-api-key",
});
app.doc31("/api/spec.json", (c) => ({
  openapi: "3.1.0",
  info: {
    title: "Shoebox",
    version: c.env.VERSION,
    description: "Shoebox's JSON API; its shapes follow Immich's public API.",
  },
}));

app.use("*", pages);
app.route("/", timelinePages);
app.route("/photos", viewerPages);
app.route("/admin", adminPages);
app.route("/albums", albumPages);
app.route("/auth", authPages);
app.route("/duplicates", duplicatePages);
app.route("/map", mapPage);
app.route("/people", peoplePage);
app.route("/explore", explorePage);
app.route("/search", searchPage);
app.route("/share", sharePages);

app.on(["GET", "HEAD"], "/static/*", serveStatic);

// The API answers in JSON, pages with a page.
const isApi = (c: Context) => c.req.path.startsWith("/api/");
app.onError((error, c) => (isApi(c) ? handleError(error, c) : handlePageError(error, c)));
app.notFound((c) => (isApi(c) ? handleNotFound(c) : handlePageNotFound(c)));

export default app;
