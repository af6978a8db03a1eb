// The front door: proving a password, at sign-in or to open a shared link, with limits on guessing.
// Every attempt is counted before the password is checked (common/credentials.ts), so that parallel
// guesses cannot all pass one check. The counters:
//   account and address  few guesses for one account from one client address;
//   address              more, for one address trying many accounts;
//   account              an account guessed from everywhere slows down (a refusal window that
//                        doubles), except on a device that signed in to it before: an attack from
//                        many addresses cannot lock the owner out of their own account.
// Addresses come from the connection, or from X-Forwarded-For when a trusted proxy sent it.
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { clientAddress, parseNetworks, peerAddress } from "../../common/client-address";
import { defaults } from "../../common/config";
import { countAttempt, forgiveAttempt, type AttemptCounter } from "../../common/credentials";
import { AppError } from "../../common/errors";
import type { SharedLink, User } from "../../common/schema";
import { hmac, signingKey } from "../../common/server-keys";
import { findUserByEmail, isActive } from "../../common/users";
import type { AppEnv, Bindings } from "../env";
import { callWorker } from "./worker";

export async function hashPassword(env: Bindings, password: string): Promise<string> {
  return (await callWorker<{ hash: string }>(env, "/internal/passwords/hash", { password })).hash;
}

// With no hash (no such account), the worker answers no after as long as a check takes.
export async function verifyPassword(env: Bindings, password: string, hash: string | null): Promise<boolean> {
  return (await callWorker<{ match: boolean }>(env, "/internal/passwords/verify", { password, hash })).match;
}

// Parsed once per isolate: the setting does not change while workerd runs.
let trusted: { list: string; networks: ReturnType<typeof parseNetworks> } | undefined;

// The address of the client: the peer workerd saw, or the one a trusted proxy reported.
export function clientAddressOf<E extends AppEnv>(c: Context<E>): string {
  if (trusted?.list !== c.env.TRUSTED_PROXIES)
    trusted = { list: c.env.TRUSTED_PROXIES, networks: parseNetworks(c.env.TRUSTED_PROXIES) };
  const cf = c.req.raw.cf as { clientIp?: string } | undefined;
  return clientAddress(peerAddress(cf?.clientIp), c.req.header("x-forwarded-for"), trusted.networks);
}

function tooManyAttempts(until: number): AppError {
  const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
  const wait = seconds < 90 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${Math.ceil(seconds / 60)} minutes`;
  return new AppError(429, `Too many failed attempts. Try again in ${wait}.`, seconds);
}

// The cookie that marks a browser an account signed in on, one per account: a MAC of its id that
// only this server can make.
const knownDeviceCookie = (user: User) => `shoebox_device_${user.id.slice(0, 8)}`;
const knownDeviceMac = async (env: Bindings, user: User) =>
  hmac(await signingKey(env.INTERNAL_TOKEN, "shoebox known device"), user.id);

async function isKnownDevice<E extends AppEnv>(c: Context<E>, user: User): Promise<boolean> {
  const presented = getCookie(c, knownDeviceCookie(user));
  return presented !== undefined && presented === (await knownDeviceMac(c.env, user));
}

async function rememberDevice<E extends AppEnv>(c: Context<E>, user: User): Promise<void> {
  setCookie(c, knownDeviceCookie(user), await knownDeviceMac(c.env, user), {
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/",
    maxAge: Math.floor(defaults.knownDeviceMs / 1000),
  });
}

// Counts the attempt on these counters and proves the password; the attempt is forgiven when it
// was right. Refused attempts (429) never reach the password.
async function proveSecret<E extends AppEnv>(
  c: Context<E>,
  counters: AttemptCounter[],
  check: () => Promise<boolean>,
): Promise<boolean> {
  const { refusedUntil } = await countAttempt(c.var.db, counters);
  if (refusedUntil) throw tooManyAttempts(refusedUntil);
  if (!(await check())) return false;
  await forgiveAttempt(c.var.db, counters);
  return true;
}

// Checks email and password within the limits above; the user on success.
export async function checkCredentials<E extends AppEnv>(
  c: Context<E>,
  email: string,
  password: string,
): Promise<User> {
  const account = email.trim().toLowerCase();
  const address = clientAddressOf(c);
  const limits = defaults.signInLimits;
  const found = await findUserByEmail(c.var.db, account);
  const user = found && isActive(found) ? found : undefined;
  const counters: AttemptCounter[] = [
    { key: `account-address:${account}|${address}`, limit: limits.accountAddress },
    { key: `address:${address}`, limit: limits.address },
  ];
  if (!user || !(await isKnownDevice(c, user))) counters.push({ key: `account:${account}`, limit: limits.account });
  const proven = await proveSecret(c, counters, () => verifyPassword(c.env, password, user?.passwordHash ?? null));
  if (!proven || !user) throw new AppError(401, "Incorrect email or password");
  await rememberDevice(c, user);
  return user;
}

// A shared link's password, with the same kind of limits, counted per link.
export async function checkLinkPassword<E extends AppEnv>(
  c: Context<E>,
  link: SharedLink,
  password: string,
): Promise<boolean> {
  const limits = defaults.signInLimits;
  const address = clientAddressOf(c);
  const counters: AttemptCounter[] = [
    { key: `link-address:${link.id}|${address}`, limit: limits.accountAddress },
    { key: `address:${address}`, limit: limits.address },
    { key: `link:${link.id}`, limit: limits.account },
  ];
  return proveSecret(c, counters, () => verifyPassword(c.env, password, link.passwordHash));
}
