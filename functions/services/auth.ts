// Credentials: who a request comes from. The API takes a session (cookie or bearer token), an API key,
// or a shared link's key; pages take the browser's session cookie only. Sign-in itself, with its
// limits on guessing, is in ./sign-in.ts.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Auth } from "../../common/access";
import { defaults } from "../../common/config";
import { createSession, findApiKey, findSession, touchSession } from "../../common/credentials";
import { AppError } from "../../common/errors";
import type { SharedLink, User } from "../../common/schema";
import { findActiveSharedLink, type KeyedSharedLink } from "../../common/shared-links";
import { base64url, sha256 } from "../../common/server-keys";
import { getUser } from "../../common/users";
import type { AppEnv } from "../env";
import { checkLinkPassword } from "./sign-in";

export const sessionCookie = "immich_access_token";
const linkGrantCookie = "immich_shared_link_token";
// Browsers keep no cookie longer than 400 days (RFC 6265bis); a longer expiry is refused outright.
const maxCookieMs = 400 * 24 * 60 * 60_000;

const encoder = new TextEncoder();

// 32 random bytes: session tokens, API keys and shared-link keys. Drawn again when it would start
// with "-": keys are pasted as command-line arguments (the Immich CLI's `login URL KEY`), where a
// leading dash reads as an option.
export function randomToken(): string {
  for (;;) {
    const token = base64url(crypto.getRandomValues(new Uint8Array(32)));
    if (!token.startsWith("-")) return token;
  }
}

function sameText(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  return left.byteLength === right.byteLength && crypto.subtle.timingSafeEqual(left, right);
}

const secureCookie = <E extends AppEnv>(c: Context<E>) => new URL(c.req.url).protocol === "https:";

// Starts a session: its token goes to the client once, as a cookie for browsers and in the body for apps.
export async function startSession<E extends AppEnv>(c: Context<E>, user: User): Promise<string> {
  const token = randomToken();
  const agent = c.req.header("user-agent") ?? "";
  await createSession(c.var.db, {
    userId: user.id,
    tokenHash: await sha256(token),
    deviceType: /mobile/i.test(agent) ? "Mobile" : /immich|curl|node/i.test(agent) ? "CLI" : "Browser",
    deviceOS: /android/i.test(agent)
      ? "Android"
      : /iphone|ipad|ios/i.test(agent)
        ? "iOS"
        : /mac os/i.test(agent)
          ? "macOS"
          : /windows/i.test(agent)
            ? "Windows"
            : /linux/i.test(agent)
              ? "Linux"
              : "",
  });
  setSessionCookie(c, token);
  return token;
}

// The session cookie lives as long as an unused session does, from the last time it was used.
function setSessionCookie<E extends AppEnv>(c: Context<E>, token: string): void {
  setCookie(c, sessionCookie, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secureCookie(c),
    path: "/",
    maxAge: Math.floor(Math.min(defaults.sessionIdleMs, maxCookieMs) / 1000),
  });
}

export function endSessionCookie<E extends AppEnv>(c: Context<E>): void {
  deleteCookie(c, sessionCookie, { path: "/" });
}

function bearerToken<E extends AppEnv>(c: Context<E>): string | undefined {
  const header = c.req.header("authorization");
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
}

// The CSRF token of a browser session: derived from its secret cookie, so a page of another site
// cannot know it. Pages put it in their forms and htmx headers.
export async function csrfToken(sessionToken: string): Promise<string> {
  return sha256(`csrf:${sessionToken}`);
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

// What a browser says about where a request comes from. Every browser of recent years sends
// Sec-Fetch-Site or Origin (mostly both) with every request that is not a GET or HEAD, and a page
// cannot remove or forge either; a native app (Immich's phone app, a script) sends neither.
// "cross-site" also covers a foreign Origin, and "null", which sandboxed or privacy-minded pages send.
export type RequestSite = "same-origin" | "cross-site" | "other-browser" | "not-a-browser";

export function requestSite<E extends AppEnv>(c: Context<E>): RequestSite {
  const fetchSite = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.req.url).origin) return "cross-site";
  if (fetchSite === "cross-site" || fetchSite === "same-site") return "cross-site";
  if (fetchSite === "same-origin" || origin !== undefined) return "same-origin";
  return fetchSite === undefined ? "not-a-browser" : "other-browser";
}

// A change made with the ambient session cookie. From a browser it must come from our own pages:
// not cross-site (nor same-site: a sibling subdomain is another party), and carrying the session's
// CSRF token, in the x-csrf-token header or a plain form's _csrf field. Only a form of a stated,
// small length is read for it; never a multipart body, which may be an upload. A client that is no
// browser (no Sec-Fetch-Site, no Origin) cannot be made to send a request by another site, and
// needs no token: Immich's app holds only the cookie. (Browsers too old to send either header
// support SameSite, and the session cookie is SameSite=Lax: a cross-site post carries no session.)
async function checkCsrf<E extends AppEnv>(c: Context<E>, sessionToken: string): Promise<void> {
  if (safeMethods.has(c.req.method)) return;
  const site = requestSite(c);
  if (site === "cross-site") throw new AppError(403, "Cross-site request refused");
  if (site === "not-a-browser") return;
  let given = c.req.header("x-csrf-token");
  const length = Number(c.req.header("content-length") ?? Number.NaN);
  if (
    !given &&
    /^application\/x-www-form-urlencoded/.test(c.req.header("content-type") ?? "") &&
    length <= defaults.bodyLimits.form
  ) {
    const form = await c.req.parseBody();
    given = typeof form._csrf === "string" ? form._csrf : undefined;
  }
  if (!given || !sameText(given, await csrfToken(sessionToken)))
    throw new AppError(403, "Missing or wrong CSRF token: reload the page and try again");
}

// A session by its token; `fromCookie`: the cookie is sent again whenever the session's use is
// recorded, so that it expires with the session and not before.
async function sessionAuth<E extends AppEnv>(
  c: Context<E>,
  token: string,
  fromCookie: boolean,
): Promise<Auth | undefined> {
  const found = await findSession(c.var.db, await sha256(token), defaults.sessionIdleMs);
  if (!found) return undefined;
  // Awaited, not left to waitUntil: the request's database client closes when the response is made.
  if ((await touchSession(c.var.db, found.session)) && fromCookie) setSessionCookie(c, token);
  return { user: found.user, session: { id: found.session.id } };
}

// The user signed in by session or API key, if any. Invalid credentials are an error, not a
// fallback to anonymous: a client with a revoked key should learn so.
export async function authenticateUser<E extends AppEnv>(c: Context<E>): Promise<Auth | undefined> {
  const apiKey = c.req.header("x-api-key");
  if (apiKey) {
    const found = await findApiKey(c.var.db, await sha256(apiKey));
    if (!found) throw new AppError(401, "Invalid API key");
    return { user: found.user, apiKey: { id: found.apiKey.id, permissions: found.apiKey.permissions } };
  }
  const bearer = bearerToken(c);
  if (bearer) {
    const auth = await sessionAuth(c, bearer, false);
    if (!auth) throw new AppError(401, "Invalid or expired session: sign in again");
    return auth;
  }
  return authenticateBrowser(c);
}

// The user of a browser session: the session cookie, and for a change, the session's CSRF token.
// A stale cookie is no error: the browser is simply signed out.
export async function authenticateBrowser<E extends AppEnv>(c: Context<E>): Promise<Auth | undefined> {
  const cookie = getCookie(c, sessionCookie);
  const auth = cookie ? await sessionAuth(c, cookie, true) : undefined;
  if (auth) await checkCsrf(c, cookie!);
  return auth;
}

// What proves a visitor knows a link's password: a MAC of the link's id keyed by the password's
// hash, so it needs no server-side state and dies when the password changes.
export async function linkGrant(link: SharedLink): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(link.passwordHash ?? ""),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return base64url(await crypto.subtle.sign("HMAC", key, encoder.encode(link.id)));
}

// Kept until the link expires, or as long as a browser keeps any cookie.
export function rememberLinkGrant<E extends AppEnv>(c: Context<E>, link: SharedLink, grant: string): void {
  setCookie(c, `${linkGrantCookie}_${link.id}`, grant, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secureCookie(c),
    path: "/",
    expires: new Date(Math.min(link.expiresAt ?? Number.POSITIVE_INFINITY, Date.now() + maxCookieMs)),
  });
}

export type LinkAccess = { link: KeyedSharedLink; unlocked: boolean };

// The shared link named by `?key=` (or the x-immich-share-key header), and whether the visitor has
// proved its password (by `?password=`, `?token=` or the grant cookie).
export async function findLinkAccess<E extends AppEnv>(c: Context<E>, key: string): Promise<LinkAccess | undefined> {
  const link = await findActiveSharedLink(c.var.db, key);
  if (!link) return undefined;
  if (!link.passwordHash) return { link, unlocked: true };
  const grant = await linkGrant(link);
  const offered = c.req.query("token") ?? getCookie(c, `${linkGrantCookie}_${link.id}`);
  if (offered && sameText(offered, grant)) return { link, unlocked: true };
  const password = c.req.query("password");
  if (password && (await checkLinkPassword(c, link, password))) {
    rememberLinkGrant(c, link, grant);
    return { link, unlocked: true };
  }
  return { link, unlocked: false };
}

export function sharedLinkKey<E extends AppEnv>(c: Context<E>): string | undefined {
  return c.req.query("key") ?? c.req.header("x-immich-share-key") ?? undefined;
}

// A visitor through a shared link acts as the link's owner, limited to what the link shares.
export async function authenticateLinkVisitor<E extends AppEnv>(c: Context<E>, key: string): Promise<Auth> {
  const access = await findLinkAccess(c, key);
  if (!access) throw new AppError(401, "This link is invalid or has expired");
  if (!access.unlocked) throw new AppError(401, "This link needs its password");
  const owner = await getUser(c.var.db, access.link.userId);
  if (!owner) throw new AppError(401, "This link is invalid or has expired");
  return { user: owner, sharedLink: access.link };
}
