// The external libraries table: where each imported-in-place folder is and whose it is.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";

// External libraries: read-only folders on the server whose files are imported in place for one user.
export const libraries = sqliteTable(
  "libraries",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    importPaths: text("import_paths", { mode: "json" }).notNull().$type<string[]>(),
    exclusionPatterns: text("exclusion_patterns", { mode: "json" }).notNull().$type<string[]>(),
    // Watch the folders for new and changed files between scans.
    watch: integer("watch", { mode: "boolean" }).notNull().default(false),
    // Progress of the running (or last) scan.
    scanTotal: integer("scan_total").notNull().default(0),
    scanDone: integer("scan_done").notNull().default(0),
    scanStartedAt: integer("scan_started_at"),
    refreshedAt: integer("refreshed_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("libraries_owner_idx").on(t.ownerId)],
);

export type Library = typeof libraries.$inferSelect;
