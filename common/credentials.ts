// The credentials repository: sessions, API keys, and the count of failed sign-ins.
// Tokens and keys are looked up by their SHA-256; the secrets themselves are never stored.
import { and, desc, eq, gt, inArray, max, ne, sql } from "drizzle-orm";
import type { Database } from "./db";
import { apiKeys, loginFailures, sessions, users, type ApiKey, type Session, type User } from "./schema";

const activeUser = and(eq(users.status, "active"), ne(users.passwordHash, ""));

export async function createSession(db: Database, session: Pick<Session, "userId" | "tokenHash" | "deviceType" | "deviceOS">): Promise<Session> {
  const now = Date.now();
  const [created] = await db
    .insert(sessions)
    .values({ id: crypto.randomUUID(), ...session, createdAt: now, updatedAt: now })
    .returning();
  return created!;
}

// A session by its token's hash, unless it lay unused for longer than `idleMs`.
export async function findSession(db: Database, tokenHash: string, idleMs: number, now = Date.now()): Promise<{ session: Session; user: User } | undefined> {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.updatedAt, now - idleMs), activeUser))
    .limit(1);
  return row;
}

// Records that a session was used, at most once a minute so that reads stay reads.
export async function touchSession(db: Database, session: Session, now = Date.now()): Promise<void> {
  if (now - session.updatedAt < 60_000) return;
  await db.update(sessions).set({ updatedAt: now }).where(eq(sessions.id, session.id));
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

export async function createApiKey(db: Database, key: Pick<ApiKey, "userId" | "name" | "keyHash" | "permissions">): Promise<ApiKey> {
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

export async function updateApiKey(db: Database, userId: string, id: string, changes: Partial<Pick<ApiKey, "name" | "permissions">>): Promise<ApiKey | undefined> {
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

export interface LoginLimit {
  maxFailures: number;
  windowMs: number;
  blockMs: number;
}

// When the first of these keys is blocked until, or undefined when none is.
export async function loginBlockedUntil(db: Database, keys: string[], now = Date.now()): Promise<number | undefined> {
  const [row] = await db
    .select({ until: max(loginFailures.blockedUntil) })
    .from(loginFailures)
    .where(and(inArray(loginFailures.key, keys), gt(loginFailures.blockedUntil, now)));
  return row?.until ?? undefined;
}

// Counts a failed sign-in against a key; after too many within the window, the key is blocked.
export async function recordLoginFailure(db: Database, key: string, limit: LoginLimit, now = Date.now()): Promise<void> {
  await db.run(sql`
    INSERT INTO login_failures (key, count, window_started_at, blocked_until) VALUES (${key}, 1, ${now}, NULL)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN window_started_at <= ${now - limit.windowMs} THEN 1 ELSE count + 1 END,
      window_started_at = CASE WHEN window_started_at <= ${now - limit.windowMs} THEN ${now} ELSE window_started_at END,
      blocked_until = CASE
        WHEN window_started_at > ${now - limit.windowMs} AND count + 1 >= ${limit.maxFailures} THEN ${now + limit.blockMs}
        ELSE blocked_until END`);
}

export async function clearLoginFailures(db: Database, key: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, key));
}
