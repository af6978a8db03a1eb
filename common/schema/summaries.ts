// Per-user summaries kept current by SQLite triggers: timeline months and map clusters.
import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

// How many assets each user has per month of date taken, by what the timeline filters on. SQLite
// triggers keep it current (migrations/0003_timeline.sql), so the month list of a library of a
// million photos reads a few hundred rows instead of a million.
export const timelineMonths = sqliteTable(
  "timeline_months",
  {
    ownerId: text("owner_id").notNull(),
    // 'YYYY-MM' of local_date_time.
    month: text("month").notNull(),
    visibility: text("visibility", { enum: ["timeline", "archive", "hidden", "locked"] }).notNull(),
    isFavorite: integer("is_favorite", { mode: "boolean" }).notNull(),
    isTrashed: integer("is_trashed", { mode: "boolean" }).notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.month, t.visibility, t.isFavorite, t.isTrashed] })],
);

// Geotagged timeline assets counted in a grid per zoom level, kept current by triggers like
// timeline_months: the map's clusters come from here, whatever the size of the library.
export const mapCells = sqliteTable(
  "map_cells",
  {
    ownerId: text("owner_id").notNull(),
    // Cells are 360 / 2^(level + 3) degrees on a side.
    level: integer("level").notNull(),
    cellX: integer("cell_x").notNull(),
    cellY: integer("cell_y").notNull(),
    year: integer("year").notNull(),
    isFavorite: integer("is_favorite", { mode: "boolean" }).notNull(),
    count: integer("count").notNull(),
    // Sums of the coordinates, so that a cluster sits at the mean of its photos.
    latitudeSum: real("latitude_sum").notNull(),
    longitudeSum: real("longitude_sum").notNull(),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.level, t.cellX, t.cellY, t.year, t.isFavorite] })],
);

// The levels of map_cells, as rows the triggers can join with.
export const mapLevels = sqliteTable("map_levels", {
  level: integer("level").primaryKey(),
  cellsAround: integer("cells_around").notNull(),
});
