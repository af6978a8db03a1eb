// The user repository: accounts, their quotas, and their removal.
import { and, asc, eq, isNotNull, isNull, lt, ne, sql } from "drizzle-orm";
import type { Database } from "./db";
import { enqueueJobsQuery } from "./queue";
import { sessions, users, type User } from "./schema";

// Owner of a library from before accounts (see migrations/0002_accounts.sql): it cannot sign in,
// and the first admin takes it over.
export const placeholderOwnerId = "00000000-0000-4000-8000-000000000000";

export type NewUser = Pick<User, "email" | "name" | "passwordHash"> &
  Partial<Pick<User, "isAdmin" | "shouldChangePassword" | "quotaSizeInBytes" | "storageLabel">>;

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function adminExists(db: Database): Promise<boolean> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.isAdmin, true), ne(users.passwordHash, "")))
    .limit(1);
  return row !== undefined;
}

// Creates the first admin, or takes over the placeholder owner of an older library. Undefined when
// an admin exists already (two first visitors at once: one wins).
export async function createFirstAdmin(
  db: Database,
  admin: Pick<User, "email" | "name" | "passwordHash">,
): Promise<User | undefined> {
  const now = Date.now();
  const noAdminYet = sql`NOT EXISTS (SELECT 1 FROM users WHERE is_admin = 1 AND password_hash != '')`;
  const email = normalizeEmail(admin.email);
  const [claimed] = await db
    .update(users)
    .set({ email, name: admin.name, passwordHash: admin.passwordHash, storageLabel: "admin", updatedAt: now })
    .where(and(eq(users.id, placeholderOwnerId), noAdminYet))
    .returning();
  if (claimed) return claimed;
  const id = crypto.randomUUID();
  await db.run(sql`
    INSERT INTO users (id, email, name, password_hash, is_admin, storage_label, created_at, updated_at)
    SELECT ${id}, ${email}, ${admin.name}, ${admin.passwordHash}, 1, 'admin', ${now}, ${now} WHERE ${noAdminYet}`);
  return getUser(db, id);
}

export async function createUser(db: Database, user: NewUser): Promise<User> {
  const now = Date.now();
  const [created] = await db
    .insert(users)
    .values({ id: crypto.randomUUID(), ...user, email: normalizeEmail(user.email), createdAt: now, updatedAt: now })
    .returning();
  return created!;
}

export async function getUser(db: Database, id: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user;
}

// Whether an account can sign in and be shared with: not removed, and not the placeholder owner.
export const isActive = (user: User) => user.status === "active" && user.passwordHash !== "";

// An account by id, if it is active.
export async function getActiveUser(db: Database, id: string): Promise<User | undefined> {
  const user = await getUser(db, id);
  return user && isActive(user) ? user : undefined;
}

export async function findUserByEmail(db: Database, email: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  return user;
}

export async function emailTaken(db: Database, email: string, exceptId?: string): Promise<boolean> {
  const found = await findUserByEmail(db, email);
  return found !== undefined && found.id !== exceptId;
}

// Users that can sign in and be shared with (neither removed nor a placeholder).
export async function listActiveUsers(db: Database): Promise<User[]> {
  return db
    .select()
    .from(users)
    .where(and(isNull(users.deletedAt), ne(users.passwordHash, "")))
    .orderBy(asc(users.createdAt));
}

export async function listAllUsers(db: Database, withDeleted: boolean): Promise<User[]> {
  return db
    .select()
    .from(users)
    .where(and(ne(users.passwordHash, ""), withDeleted ? undefined : isNull(users.deletedAt)))
    .orderBy(asc(users.createdAt));
}

export type UserChanges = Partial<
  Pick<
    User,
    "email" | "name" | "passwordHash" | "isAdmin" | "shouldChangePassword" | "quotaSizeInBytes" | "storageLabel"
  >
>;

// Storage labels name the folder of a user's originals, as ids name the folders of users without
// one: no label may be another user's label, nor another user's id.
export async function storageLabelTaken(db: Database, label: string, exceptUserId?: string): Promise<boolean> {
  const [found] = await db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        sql`(lower(${users.storageLabel}) = lower(${label}) OR lower(${users.id}) = lower(${label}))`,
        exceptUserId ? ne(users.id, exceptUserId) : undefined,
      ),
    )
    .limit(1);
  return found !== undefined;
}

// Merges `patch` into the user's preferences in one statement (SQLite's json_patch, RFC 7396:
// objects merge key by key), so that two changes at once both last.
export async function updateUserPreferences(
  db: Database,
  id: string,
  patch: Record<string, unknown>,
): Promise<User | undefined> {
  const [user] = await db
    .update(users)
    .set({
      preferences: sql`json_patch(coalesce(${users.preferences}, '{}'), ${JSON.stringify(patch)})`,
      updatedAt: Date.now(),
    })
    .where(eq(users.id, id))
    .returning();
  return user;
}

export async function updateUser(db: Database, id: string, changes: UserChanges): Promise<User | undefined> {
  const [user] = await db
    .update(users)
    .set({ ...changes, ...(changes.email ? { email: normalizeEmail(changes.email) } : {}), updatedAt: Date.now() })
    .where(eq(users.id, id))
    .returning();
  return user;
}

// Removal: the account stops working at once; its data goes after the grace period, or at once
// (status 'removing') when the admin forces it.
export async function markUserDeleted(db: Database, id: string, force: boolean): Promise<User | undefined> {
  const now = Date.now();
  const [[user]] = await db.batch([
    db
      .update(users)
      .set({ deletedAt: now, status: force ? "removing" : "deleted", updatedAt: now })
      .where(and(eq(users.id, id), ne(users.status, "removing")))
      .returning(),
    db.delete(sessions).where(eq(sessions.userId, id)),
    ...(force ? [enqueueUserDeletionQuery(db, [id], now)] : []),
  ]);
  return user;
}

function enqueueUserDeletionQuery(db: Database, ids: string[], now: number) {
  return enqueueJobsQuery(
    db,
    ids.map((userId) => ({ name: "deleteUser", payload: { userId } })),
    now,
  );
}

export async function restoreUser(db: Database, id: string): Promise<User | undefined> {
  const [user] = await db
    .update(users)
    .set({ deletedAt: null, status: "active", updatedAt: Date.now() })
    .where(and(eq(users.id, id), eq(users.status, "deleted")))
    .returning();
  return user;
}

// Queues the removal of users whose grace period is over; how many there were.
export async function queueExpiredUserDeletions(db: Database, deletedBefore: number): Promise<number> {
  const rows = await db
    .update(users)
    .set({ status: "removing" })
    .where(and(isNotNull(users.deletedAt), eq(users.status, "deleted"), lt(users.deletedAt, deletedBefore)))
    .returning({ id: users.id });
  if (rows.length)
    await enqueueUserDeletionQuery(
      db,
      rows.map((row) => row.id),
      Date.now(),
    );
  return rows.length;
}

export async function deleteUserRow(db: Database, id: string): Promise<void> {
  await db.delete(users).where(eq(users.id, id));
}
