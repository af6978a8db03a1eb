// Static files of public/ (htmx, leaflet, styles; vendored by the build so that no CDN is needed),
// read through the ASSETS disk binding, which knows nothing of content types.
import type { Context } from "hono";
import type { AppEnv } from "./env";

const contentTypes: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
  ".woff2": "font/woff2",
};

export async function serveStatic(c: Context<AppEnv>): Promise<Response> {
  const path = c.req.path.slice("/static".length);
  const file = await c.env.ASSETS.fetch(new URL(path, "http://assets/").toString(), { method: c.req.method });
  // The disk service lists folders as JSON; nobody needs to browse public/.
  if (!file.ok || (file.headers.get("content-type") === "application/json" && !path.endsWith(".json"))) {
    return c.notFound();
  }
  const extension = path.slice(path.lastIndexOf(".")).toLowerCase();
  const headers = new Headers(file.headers);
  headers.set("content-type", contentTypes[extension] ?? "application/octet-stream");
  headers.set("cache-control", "public, max-age=3600");
  headers.set("x-content-type-options", "nosniff");
  return new Response(file.body, { status: file.status, headers });
}
