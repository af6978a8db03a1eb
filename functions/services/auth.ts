// Credentials: who a request comes from (a session cookie or token, an API key, or a shared link's
// key), sign-in with its rate limits, and the password hashing the worker does for us.
import type { Context } from "hono";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import type { Auth } from "../../common/access";
import { defaults } from "../../common/config";
import { clearLoginFailures, createSession, findApiKey, findSession, loginBlockedUntil, recordLoginFailure, touchSession } from "../../common/credentials";
import { AppError } from "../../common/errors";
import type { SharedLink, User } from "../../common/schema";
import { findActiveSharedLink } from "../../common/shared-links";
import { findUserByEmail, getUser, isActive } from "../../common/users";
import type { AppEnv, Bindings } from "../env";
import { callWorker } from "./worker";

export const sessionCookie = "immich_access_token";
const linkGrantCookie = "immich_shared_link_token";

const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// 32 random bytes: session tokens, API keys and shared-link keys. Drawn again when it would start
// with "-": keys are pasted as command-line arguments (the Immich CLI's `login URL KEY`), where a
// leading dash reads as an option.
export function randomToken(): string {
  for (;;) {
    const token = base64url(crypto.getRandomValues(new Uint8Array(32)));
    if (!token.startsWith("-")) return token;
  }
}

export async function sha256(value: string): Promise<string> {
  return base64url(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

function sameText(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  return left.byteLength === right.byteLength && crypto.subtle.timingSafeEqual(left, right);
}

export async function hashPassword(env: Bindings, password: string): Promise<string> {
  return (await callWorker<{ hash: string }>(env, "/internal/passwords/hash", { password })).hash;
}

export async function verifyPassword(env: Bindings, password: string, hash: string): Promise<boolean> {
  return (await callWorker<{ match: boolean }>(env, "/internal/passwords/verify", { password, hash })).match;
}

// A hash of a password nobody has, checked when the account does not exist, so that a wrong email
// takes as long as a wrong password. The string is kept, not the promise: workerd cancels what a
// finished request left pending, and a cached promise from such a request would never settle.
let decoyHash: string | undefined;

// The address of the client, as the nearest reverse proxy reports it. workerd does not see the
// peer's address; without a proxy every direct client shares one bucket.
export function clientAddress<E extends AppEnv>(c: Context<E>): string {
  const forwarded = c.req.header("x-forwarded-for")?.split(",").pop()?.trim();
  return forwarded || c.req.header("x-real-ip")?.trim() || "direct";
}

function tooManyAttempts(until: number): AppError {
  const minutes = Math.max(1, Math.ceil((until - Date.now()) / 60_000));
  return new AppError(429, `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
}

// Checks email and password, with per-account and per-address rate limits; the user on success.
export async function checkCredentials<E extends AppEnv>(c: Context<E>, email: string, password: string): Promise<User> {
  const db = c.var.db;
  const accountKey = `email:${email.trim().toLowerCase()}`;
  const addressKey = `address:${clientAddress(c)}`;
  const blocked = await loginBlockedUntil(db, [accountKey, addressKey]);
  if (blocked) {
    c.header("retry-after", String(Math.ceil((blocked - Date.now()) / 1000)));
    throw tooManyAttempts(blocked);
  }
  const user = await findUserByEmail(db, email);
  const usable = user && isActive(user);
  const match = await verifyPassword(c.env, password, usable ? user.passwordHash : (decoyHash ??= await hashPassword(c.env, randomToken())));
  if (!usable || !match) {
    await Promise.all([recordLoginFailure(db, accountKey, defaults.loginLimits.account), recordLoginFailure(db, addressKey, defaults.loginLimits.address)]);
    throw new AppError(401, "Incorrect email or password");
  }
  await clearLoginFailures(db, accountKey);
  return user;
}

// Starts a session: its token goes to the client once, as a cookie for browsers and in the body for apps.
export async function startSession<E extends AppEnv>(c: Context<E>, user: User): Promise<string> {
  const token = randomToken();
  const agent = c.req.header("user-agent") ?? "";
  await createSession(c.var.db, {
    userId: user.id,
    tokenHash: await sha256(token),
    deviceType: /mobile/i.test(agent) ? "Mobile" : /immich|curl|node/i.test(agent) ? "CLI" : "Browser",
    deviceOS: /android/i.test(agent) ? "Android" : /iphone|ipad|ios/i.test(agent) ? "iOS" : /mac os/i.test(agent) ? "macOS" : /windows/i.test(agent) ? "Windows" : /linux/i.test(agent) ? "Linux" : "",
  });
  setCookie(c, sessionCookie, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/",
    maxAge: Math.floor(defaults.sessionIdleMs / 1000),
  });
  return token;
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

// A change made with the ambient session cookie must come from our own pages: same origin, and
// carrying the session's CSRF token.
async function checkCsrf<E extends AppEnv>(c: Context<E>, sessionToken: string): Promise<void> {
  if (safeMethods.has(c.req.method)) return;
  const origin = c.req.header("origin");
  if (origin && origin !== new URL(c.req.url).origin) throw new AppError(403, "Cross-site request refused");
  let given = c.req.header("x-csrf-token");
  if (!given && /^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(c.req.header("content-type") ?? "")) {
    const form = await c.req.parseBody();
    given = typeof form._csrf === "string" ? form._csrf : undefined;
  }
  if (!given || !sameText(given, await csrfToken(sessionToken))) throw new AppError(403, "Missing or wrong CSRF token: reload the page and try again");
}

// The user signed in by session or API key, if any. Invalid credentials are an error, not a
// fallback to anonymous: a client with a revoked key should learn so.
export async function authenticateUser<E extends AppEnv>(c: Context<E>): Promise<Auth | undefined> {
  const db = c.var.db;
  const apiKey = c.req.header("x-api-key");
  if (apiKey) {
    const found = await findApiKey(db, await sha256(apiKey));
    if (!found) throw new AppError(401, "Invalid API key");
    return { user: found.user, apiKey: { id: found.apiKey.id, permissions: found.apiKey.permissions } };
  }
  const bearer = bearerToken(c);
  const cookie = bearer ? undefined : getCookie(c, sessionCookie);
  const token = bearer ?? cookie;
  if (!token) return undefined;
  const found = await findSession(db, await sha256(token), defaults.sessionIdleMs);
  if (!found) {
    if (cookie) return undefined;
    throw new AppError(401, "Invalid or expired session: sign in again");
  }
  if (cookie) await checkCsrf(c, cookie);
  // Awaited, not left to waitUntil: the request's database client closes when the response is made.
  await touchSession(db, found.session);
  return { user: found.user, session: { id: found.session.id } };
}

// What proves a visitor knows a link's password: a MAC of the link's id keyed by the password's
// hash, so it needs no server-side state and dies when the password changes.
export async function linkGrant(link: SharedLink): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(link.passwordHash ?? ""), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return base64url(await crypto.subtle.sign("HMAC", key, encoder.encode(link.id)));
}

export function rememberLinkGrant<E extends AppEnv>(c: Context<E>, link: SharedLink, grant: string): void {
  setCookie(c, `${linkGrantCookie}_${link.id}`, grant, {
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/",
    ...(link.expiresAt ? { expires: new Date(link.expiresAt) } : {}),
  });
}

export type LinkAccess = { link: SharedLink; unlocked: true } | { link: SharedLink; unlocked: false };

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

// A link's password, with the same limit on guessing as a sign-in, counted per link.
export async function checkLinkPassword<E extends AppEnv>(c: Context<E>, link: SharedLink, password: string): Promise<boolean> {
  const key = `link:${link.id}`;
  const blocked = await loginBlockedUntil(c.var.db, [key]);
  if (blocked) throw tooManyAttempts(blocked);
  if (link.passwordHash && (await verifyPassword(c.env, password, link.passwordHash))) return true;
  await recordLoginFailure(c.var.db, key, defaults.loginLimits.account);
  return false;
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
