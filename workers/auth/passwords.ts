// Password hashing for the request handlers, which reach it through the worker's internal endpoint:
// workerd's WebCrypto caps PBKDF2 well below today's advice, while scrypt here is memory-hard and
// runs on libuv's thread pool, off the event loop. Hashing is the costliest thing an anonymous
// visitor can ask for, so only a few run at once and a short line waits; the rest are refused at once.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { availableParallelism } from "node:os";
import { InternalHttpError } from "../http";

// OWASP's scrypt setting for 32 MiB of memory per hash (N=2^15, r=8, p=3).
const cost = { N: 2 ** 15, r: 8, p: 3 };
const keyLength = 32;
const running = { now: 0, max: Math.max(1, Math.min(4, availableParallelism())) };
const waiting: Array<() => void> = [];
const maxWaiting = 16;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  const maxmem = 256 * options.N! * options.r! + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, keyLength, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

// Runs one hash when a place is free; with the line full, refuses (503) rather than queue more.
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running.now >= running.max) {
    if (waiting.length >= maxWaiting)
      throw new InternalHttpError(503, "Shoebox is busy checking other sign-ins. Try again in a moment.");
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running.now++;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    // The place passes straight to the next in line.
    if (next) next();
    else running.now--;
  }
}

// "scrypt$N$r$p$salt$key": the parameters travel with the hash, so they can be raised later.
export function hashPassword(password: string): Promise<string> {
  return limited(async () => {
    const salt = randomBytes(16);
    const key = await derive(password, salt, cost);
    return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), key.toString("base64url")].join("$");
  });
}

// How long the last verifications took, so that one for an account that does not exist can take as
// long without computing anything (a wrong email must not answer faster than a wrong password).
const recentDurations: number[] = [];

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = hash.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64url");
  const actual = await limited(async () => {
    const started = performance.now();
    const derived = await derive(password, Buffer.from(salt, "base64url"), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    });
    recentDurations.push(performance.now() - started);
    if (recentDurations.length > 32) recentDurations.shift();
    return derived;
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// The answer for an account that does not exist: no, after as long as a recent verification took.
// Until one has run, one is made on a throwaway hash to learn it.
export async function refuseLikeVerifying(password: string): Promise<false> {
  const sample = recentDurations[Math.floor(Math.random() * recentDurations.length)];
  if (sample === undefined) await verifyPassword(password, await hashPassword(randomBytes(16).toString("base64url")));
  else await new Promise((resolve) => setTimeout(resolve, sample));
  return false;
}
