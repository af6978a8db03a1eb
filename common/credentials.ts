// The credentials repository: sessions, API keys, and the count of attempts to prove a secret.
// Tokens and keys are looked up by their SHA-256; the secrets themselves are never stored.
import { and, desc, eq, gt, inArray, max, ne, sql, type SQL } from "drizzle-orm";
import type { Database } from "./db";
import { apiKeys, sessions, signInAttempts, users, type ApiKey, type Session, type User } from "./schema";

const activeUser = and(eq(users.status, "active"), ne(users.passwordHash, ""));

export async function createSession(
  db: Database,
  session: Pick<Session, "userId" | "tokenHash" | "deviceType" | "deviceOS">,
): Promise<Session> {
  const now = Date.now();
  const [created] = await db
    .insert(sessions)
    .values({ id: crypto.randomUUID(), ...session, createdAt: now, updatedAt: now })
    .returning();
  return created!;
}

// A session by its token's hash, unless it lay unused for longer than `idleMs`.
export async function findSession(
  db: Database,
  tokenHash: string,
  idleMs: number,
  now = Date.now(),
): Promise<{ session: Session; user: User } | undefined> {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.updatedAt, now - idleMs), activeUser))
    .limit(1);
  return row;
}

// Records that a session was used, at most once a minute so that reads stay reads; true when it did.
export async function touchSession(db: Database, session: Session, now = Date.now()): Promise<boolean> {
  if (now - session.updatedAt < 60_000) return false;
  await db.update(sessions).set({ updatedAt: now }).where(eq(sessions.id, session.id));
  return true;
}

export async function listSessions(db: Database, userId: string): Promise<Session[]> {
  return db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(desc(sessions.updatedAt));
}

export async function deleteSession(db: Database, userId: string, id: string): Promise<boolean> {
  const result = await db.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.id, id)));
  return result.rowsAffected > 0;
}

// Signs the user out everywhere but, when given, the session asking.
export async function deleteOtherSessions(db: Database, userId: string, keepId?: string): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.userId, userId), keepId ? ne(sessions.id, keepId) : undefined));
}

export async function createApiKey(
  db: Database,
  key: Pick<ApiKey, "userId" | "name" | "keyHash" | "permissions">,
): Promise<ApiKey> {
  const now = Date.now();
  const [created] = await db
    .insert(apiKeys)
    .values({ id: crypto.randomUUID(), ...key, createdAt: now, updatedAt: now })
    .returning();
  return created!;
}

export async function findApiKey(db: Database, keyHash: string): Promise<{ apiKey: ApiKey; user: User } | undefined> {
  const [row] = await db
    .select({ apiKey: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, keyHash), activeUser))
    .limit(1);
  return row;
}

export async function listApiKeys(db: Database, userId: string): Promise<ApiKey[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt));
}

export async function getApiKey(db: Database, userId: string, id: string): Promise<ApiKey | undefined> {
  const [key] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.id, id)))
    .limit(1);
  return key;
}

export async function updateApiKey(
  db: Database,
  userId: string,
  id: string,
  changes: Partial<Pick<ApiKey, "name" | "permissions">>,
): Promise<ApiKey | undefined> {
  const [key] = await db
    .update(apiKeys)
    .set({ ...changes, updatedAt: Date.now() })
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.id, id)))
    .returning();
  return key;
}

export async function deleteApiKey(db: Database, userId: string, id: string): Promise<boolean> {
  const result = await db.delete(apiKeys).where(and(eq(apiKeys.userId, userId), eq(apiKeys.id, id)));
  return result.rowsAffected > 0;
}

export interface AttemptLimit {
  maxAttempts: number;
  windowMs: number;
  refusalMs: number;
  maxRefusalMs: number;
}

export interface AttemptCounter {
  key: string;
  limit: AttemptLimit;
}

// Counts an attempt on every counter before the secret is checked, in one transaction, so that
// parallel attempts cannot all slip past a check made earlier. When one of the counters refuses
// attempts now, nothing is counted and the answer is until when. A counter forgets after windowMs
// without an attempt; the attempt that reaches maxAttempts still goes ahead, and the ones after it are
// refused for refusalMs, doubling with each further attempt up to maxRefusalMs.
export async function countAttempt(
  db: Database,
  counters: AttemptCounter[],
  now = Date.now(),
): Promise<{ refusedUntil?: number }> {
  const keys = counters.map((counter) => counter.key);
  const refusedNow = sql`EXISTS (SELECT 1 FROM ${signInAttempts} WHERE ${inArray(signInAttempts.key, keys)} AND ${signInAttempts.refusedUntil} > ${now})`;
  const [refusal, ...counted] = await db.batch([
    db
      .select({ until: max(signInAttempts.refusedUntil) })
      .from(signInAttempts)
      .where(and(inArray(signInAttempts.key, keys), gt(signInAttempts.refusedUntil, now))),
    ...counters.map(({ key, limit }) => {
      const count = sql`(CASE WHEN last_attempt_at <= ${now - limit.windowMs} THEN 1 ELSE count + 1 END)`;
      const refusal = (n: SQL) =>
        sql`CASE WHEN ${n} >= ${limit.maxAttempts} THEN ${now} + min(${limit.refusalMs} << min(${n} - ${limit.maxAttempts}, 30), ${limit.maxRefusalMs}) END`;
      return db.run(sql`
        INSERT INTO sign_in_attempts (key, count, last_attempt_at, refused_until)
        SELECT ${key}, 1, ${now}, ${refusal(sql`1`)} WHERE NOT ${refusedNow}
        ON CONFLICT (key) DO UPDATE SET count = ${count}, last_attempt_at = ${now}, refused_until = ${refusal(count)}`);
    }),
  ]);
  void counted;
  const until = refusal[0]?.until;
  return until ? { refusedUntil: until } : {};
}

// A proven secret: the attempt is taken back from these counters (it was no guess), and a counter
// below its limit again refuses nothing.
export async function forgiveAttempt(db: Database, counters: AttemptCounter[]): Promise<void> {
  await db.batch(
    counters.map(({ key, limit }) =>
      db.run(sql`
        UPDATE sign_in_attempts SET count = max(count - 1, 0),
          refused_until = CASE WHEN count - 1 < ${limit.maxAttempts} THEN NULL ELSE refused_until END
        WHERE key = ${key}`),
    ) as [ReturnType<Database["run"]>, ...ReturnType<Database["run"]>[]],
  );
}

export async function clearAttempts(db: Database, key: string): Promise<void> {
  await db.delete(signInAttempts).where(eq(signInAttempts.key, key));
}
