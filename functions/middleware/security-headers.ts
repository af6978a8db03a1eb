// Headers every response carries: a strict Content-Security-Policy (our own scripts and styles
// only, no inline code), no framing, no MIME sniffing, and no Referer that could carry a shared
// link's key to another site. Our own requests keep theirs: under "no-referrer", browsers send
// `Origin: null` with form posts, and the CSRF check refuses a post it cannot tell is ours.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set("content-security-policy", contentSecurityPolicy);
  headers.set("x-content-type-options", "nosniff");
  headers.set("x-frame-options", "DENY");
  headers.set("referrer-policy", "same-origin");
  headers.set("cross-origin-opener-policy", "same-origin");
  headers.set("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  if (new URL(c.req.url).protocol === "https:") headers.set("strict-transport-security", "max-age=31536000");
});
