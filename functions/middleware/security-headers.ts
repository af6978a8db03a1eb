// Headers every response carries: a strict Content-Security-Policy (our own scripts and styles
// only, no inline code), no framing, no MIME sniffing, and no Referer that could carry a shared
// link's key to another site. Our own requests keep theirs: under "no-referrer", browsers send
// `Origin: null` with form posts, and the CSRF check refuses a post it cannot tell is ours.
import { createMiddleware } from "hono/factory";
import { mapTileSource } from "../../common/config";
import type { AppEnv } from "../env";

// Images from elsewhere: the map's tiles (MAP_TILE_URL; none when tiles are off), and photos and
// videos redirected to the bucket (S3_SERVE=redirect).
function policyFor(tileSource: string, bucketSource: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${tileSource ? ` ${tileSource}` : ""}${bucketSource ? ` ${bucketSource}` : ""}`,
    `media-src 'self' blob:${bucketSource ? ` ${bucketSource}` : ""}`,
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

function contentSecurityPolicy(tileUrl = "", bucketUrl = ""): string {
  const cacheKey = `${tileUrl} ${bucketUrl}`;
  let policy = policies.get(cacheKey);
  if (policy === undefined) {
    let source = "";
    try {
      if (tileUrl) source = mapTileSource(tileUrl);
    } catch {}
    policy = policyFor(source, bucketUrl ? new URL(bucketUrl).origin : "");
    policies.set(cacheKey, policy);
  }
  return policy;
}

// Where redirected files come from: the bucket's public endpoint, with the bucket as a subdomain
// unless paths name it.
function bucketOrigin(env: AppEnv["Bindings"]): string {
  const url = new URL(env.S3_PUBLIC_ENDPOINT);
  return env.S3_FORCE_PATH_STYLE ? url.origin : `${url.protocol}//${env.S3_BUCKET}.${url.host}`;
}

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set(
    "content-security-policy",
    contentSecurityPolicy(c.env.MAP_TILE_URL, c.env.S3_SERVE === "redirect" ? bucketOrigin(c.env) : ""),
  );
  headers.set("x-content-type-options", "nosniff");
  headers.set("x-frame-options", "DENY");
  headers.set("referrer-policy", "same-origin");
  headers.set("cross-origin-opener-policy", "same-origin");
  headers.set("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  if (new URL(c.req.url).protocol === "https:") headers.set("strict-transport-security", "max-age=31536000");
});
