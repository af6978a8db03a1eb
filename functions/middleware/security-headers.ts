// Headers every response carries: a strict Content-Security-Policy (our own scripts and styles
// only, no inline code), no framing, no MIME sniffing, and no Referer that could carry a shared
// link's key to another site. Our own requests keep theirs: under "no-referrer", browsers send
// `Origin: null` with form posts, and the CSRF check refuses a post it cannot tell is ours.
import { createMiddleware } from "hono/factory";
import { mapTileSource } from "../../common/config";
import type { AppEnv } from "../env";

// The map's tiles are the one kind of image from elsewhere: img-src names the tile server's origin
// (MAP_TILE_URL; none when tiles are off).
function policyFor(tileSource: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${tileSource ? ` ${tileSource}` : ""}`,
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

// Worked out once per isolate. Shoebox checked the setting when it started; should a bad one get
// here anyway, the policy names no tile server rather than fail every request.
const policies = new Map<string, string>();

function contentSecurityPolicy(tileUrl = ""): string {
  let policy = policies.get(tileUrl);
  if (policy === undefined) {
    let source = "";
    try {
      if (tileUrl) source = mapTileSource(tileUrl);
    } catch {}
    policy = policyFor(source);
    policies.set(tileUrl, policy);
  }
  return policy;
}

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set("content-security-policy", contentSecurityPolicy(c.env.MAP_TILE_URL));
  headers.set("x-content-type-options", "nosniff");
  headers.set("x-frame-options", "DENY");
  headers.set("referrer-policy", "same-origin");
  headers.set("cross-origin-opener-policy", "same-origin");
  headers.set("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  if (new URL(c.req.url).protocol === "https:") headers.set("strict-transport-security", "max-age=31536000");
});
