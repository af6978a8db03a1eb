// The phone app's sync: the clock, the removals it reports, and each app's checkpoints.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sessions } from "./accounts";

// The phone app's sync (common/sync/): one counter that every synced row takes its updateId from,
// bumped by triggers (migrations/0017_sync.sql), so that "what changed since" is one comparison.
export const syncClock = sqliteTable("sync_clock", {
  id: integer("id").primaryKey(),
  value: integer("value").notNull(),
});

// What was removed, for the sync stream's delete lines: the clock's value at the removal, what kind
// of thing it was, and who should hear of it (kinds in common/sync/clock.ts).
export const syncAudit = sqliteTable(
  "sync_audit",
  {
    updateId: integer("update_id").primaryKey(),
    kind: text("kind", {
      enum: ["user", "partner", "asset", "album", "album_user", "album_asset", "person", "face"],
    }).notNull(),
    // The user the removal concerns: the owner of an asset, person or face; the sharer of a partner;
    // the user who lost an album; null where anyone who can see the album hears of it.
    userId: text("user_id"),
    entityId: text("entity_id").notNull(),
    // The second half of a pair's key: the partner's sharedWithId, an album link's assetId or userId.
    otherId: text("other_id"),
    removedAt: integer("removed_at").notNull(),
  },
  (t) => [index("sync_audit_kind_idx").on(t.kind, t.userId, t.updateId)],
);

// How far each signed-in app has synced, per sync type: the last ack it sent back.
export const syncCheckpoints = sqliteTable(
  "sync_checkpoints",
  {
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    ack: text("ack").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.type] })],
);
