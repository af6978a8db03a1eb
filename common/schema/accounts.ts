// Accounts and what signs them in: users, sessions, API keys, sign-in attempts and partner sharing.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// People with an account. Passwords are scrypt hashes made by the worker (workers/auth/passwords.ts).
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    // Stored lower-case: sign-in is case-insensitive.
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
    shouldChangePassword: integer("should_change_password", { mode: "boolean" }).notNull().default(false),
    // Null means no limit.
    quotaSizeInBytes: integer("quota_size_in_bytes"),
    // Bytes of originals the user owns, kept up to date with every upload and deletion.
    quotaUsageInBytes: integer("quota_usage_in_bytes").notNull().default(0),
    // The folder name of the user's originals in the storage template; null: the user's id.
    storageLabel: text("storage_label"),
    // Set when an admin removes the user; the account and its files go after a grace period.
    deletedAt: integer("deleted_at"),
    // 'removing' once the purge is queued: the account can no longer be restored.
    status: text("status", { enum: ["active", "deleted", "removing"] })
      .notNull()
      .default("active"),
    // The preferences the user set (Immich's UserPreferencesUpdateDto, merged), over Immich's
    // defaults (functions/services/preferences.ts); null: all defaults.
    preferences: text("preferences", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    // The sync clock's value at the row's last change (common/sync/clock.ts): what the phone app's
    // sync stream sends after a checkpoint.
    updateId: integer("update_id"),
  },
  (t) => [uniqueIndex("users_email_idx").on(t.email)],
);

export type User = typeof users.$inferSelect;

// Signed-in browsers and apps. Only a SHA-256 of the token is kept, so a copy of the database
// signs nobody in.
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    deviceType: text("device_type").notNull().default(""),
    deviceOS: text("device_os").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    // Last use, refreshed at most once a minute.
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("sessions_token_idx").on(t.tokenHash), index("sessions_user_idx").on(t.userId)],
);

export type Session = typeof sessions.$inferSelect;

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    // Immich's permission names, or ["all"].
    permissions: text("permissions", { mode: "json" }).notNull().$type<string[]>(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("api_keys_key_idx").on(t.keyHash), index("api_keys_user_idx").on(t.userId)],
);

export type ApiKey = typeof apiKeys.$inferSelect;

// Attempts to prove a secret (a password at sign-in, a shared link's password) per counter: an account,
// an address, both, or a link. See common/credentials.ts.
export const signInAttempts = sqliteTable("sign_in_attempts", {
  key: text("key").primaryKey(),
  count: integer("count").notNull(),
  lastAttemptAt: integer("last_attempt_at").notNull(),
  // The next attempt is refused until then.
  refusedUntil: integer("refused_until"),
});

// One user lets another see their whole library, read-only.
export const partners = sqliteTable(
  "partners",
  {
    sharedById: text("shared_by_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sharedWithId: text("shared_with_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // Whether the partner's photos appear in the timeline of the one they are shared with.
    inTimeline: integer("in_timeline", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    // The sync clock's value at the row's last change (common/sync/clock.ts): what the phone app's
    // sync stream sends after a checkpoint.
    updateId: integer("update_id"),
    // The sync clock's value when the row was made: whoever it lets see things gets them all from then.
    createId: integer("create_id"),
  },
  (t) => [
    primaryKey({ columns: [t.sharedById, t.sharedWithId] }),
    index("partners_shared_with_idx").on(t.sharedWithId),
  ],
);
