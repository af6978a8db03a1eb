// The job queue's tables: the jobs the worker runs, and each queue's pause switch and completed count.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    queue: text("queue").notNull(),
    name: text("name").notNull(),
    payload: text("payload", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    // Whose photo the job is about (set from the payload's assetId by a trigger, see migration 0013),
    // so that claims take turns between people; null for work of the whole library.
    ownerId: text("owner_id"),
    // 'waiting' (possibly delayed by run_after), 'active' (leased by a worker), 'failed' (out of attempts).
    // A completed job is deleted and counted in queues.completed.
    status: text("status", { enum: ["waiting", "active", "failed"] })
      .notNull()
      .default("waiting"),
    priority: integer("priority").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    runAfter: integer("run_after").notNull(),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: integer("lease_expires_at"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    // claimNextJob scans this index in claim order.
    index("jobs_claim_idx").on(t.queue, t.status, t.priority, t.runAfter, t.id),
    index("jobs_lease_idx").on(t.status, t.leaseExpiresAt),
  ],
);

export const queues = sqliteTable("queues", {
  name: text("name").primaryKey(),
  isPaused: integer("is_paused", { mode: "boolean" }).notNull().default(false),
  completed: integer("completed").notNull().default(0),
  updatedAt: integer("updated_at").notNull().default(sql`(unixepoch('subsec') * 1000)`),
});

export type Job = typeof jobs.$inferSelect;
