// The database schema, shared by the request handlers and the worker.
// `npm run db:generate` turns changes here into a SQL migration in migrations/.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    queue: text("queue").notNull(),
    name: text("name").notNull(),
    payload: text("payload", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    // 'waiting' (possibly delayed by run_after), 'active' (leased by a worker), 'failed' (out of attempts).
    // A completed job is deleted and counted in queues.completed.
    status: text("status", { enum: ["waiting", "active", "failed"] }).notNull().default("waiting"),
    priority: integer("priority").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
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

// Photos and videos. Field names follow Immich's AssetResponseDto where they are exposed.
export const assets = sqliteTable(
  "assets",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: ["IMAGE", "VIDEO"] }).notNull(),
    originalFileName: text("original_file_name").notNull(),
    originalMimeType: text("original_mime_type").notNull(),
    // Storage key of the original.
    originalKey: text("original_key").notNull(),
    // SHA-1 of the original, base64 as Immich reports it.
    checksum: text("checksum").notNull(),
    fileSizeInByte: integer("file_size_in_byte").notNull(),
    fileCreatedAt: integer("file_created_at").notNull(),
    fileModifiedAt: integer("file_modified_at").notNull(),
    // Date taken as a wall-clock time in the place it was taken, stored as if it were UTC.
    localDateTime: integer("local_date_time").notNull(),
    width: integer("width"),
    height: integer("height"),
    duration: text("duration"),
    thumbhash: text("thumbhash"),
    // Storage key of the XMP sidecar uploaded with the file, whose values win over embedded ones.
    sidecarKey: text("sidecar_key"),
    // Storage key of the web-playable copy of a video that browsers cannot play as it is.
    encodedVideoKey: text("encoded_video_key"),
    // The video half of a live or motion photo (hidden from listings, played from the photo).
    livePhotoVideoId: text("live_photo_video_id"),
    // Apple's Live Photo pairing key, on both halves.
    contentIdentifier: text("content_identifier"),
    // Why processing failed for good, shown with the asset; null when all is well.
    processingError: text("processing_error"),
    isFavorite: integer("is_favorite", { mode: "boolean" }).notNull().default(false),
    visibility: text("visibility", { enum: ["timeline", "archive", "hidden", "locked"] }).notNull().default("timeline"),
    deletedAt: integer("deleted_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("assets_checksum_idx").on(t.checksum),
    index("assets_timeline_idx").on(t.localDateTime),
    index("assets_content_identifier_idx").on(t.contentIdentifier),
  ],
);

export const exif = sqliteTable("exif", {
  assetId: text("asset_id")
    .primaryKey()
    .references(() => assets.id, { onDelete: "cascade" }),
  make: text("make"),
  model: text("model"),
  lensModel: text("lens_model"),
  fNumber: real("f_number"),
  focalLength: real("focal_length"),
  iso: integer("iso"),
  exposureTime: text("exposure_time"),
  // ISO 8601 with the offset of the place, when known.
  dateTimeOriginal: text("date_time_original"),
  timeZone: text("time_zone"),
  latitude: real("latitude"),
  longitude: real("longitude"),
  city: text("city"),
  state: text("state"),
  country: text("country"),
  orientation: text("orientation"),
  exifImageWidth: integer("exif_image_width"),
  exifImageHeight: integer("exif_image_height"),
  description: text("description"),
  rating: integer("rating"),
});

// Derivatives of an asset (thumbnail, preview), by storage key.
export const assetFiles = sqliteTable(
  "asset_files",
  {
    assetId: text("asset_id")
      .notNull()
      .references(() => assets.id, { onDelete: "cascade" }),
    type: text("type", { enum: ["thumbnail", "preview"] }).notNull(),
    key: text("key").notNull(),
    mimeType: text("mime_type").notNull(),
  },
  (t) => [primaryKey({ columns: [t.assetId, t.type] })],
);

export type Asset = typeof assets.$inferSelect;
export type Exif = typeof exif.$inferSelect;

// Uploads being written: a row lives from the first byte to the asset's creation, so that the
// worker can remove the partial file of an upload whose web process died mid-way.
export const uploadsInProgress = sqliteTable("uploads_in_progress", {
  key: text("key").primaryKey(),
  startedAt: integer("started_at").notNull(),
});

export const albums = sqliteTable("albums", {
  id: text("id").primaryKey(),
  albumName: text("album_name").notNull(),
  description: text("description").notNull().default(""),
  albumThumbnailAssetId: text("album_thumbnail_asset_id").references(() => assets.id, { onDelete: "set null" }),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const albumAssets = sqliteTable(
  "album_assets",
  {
    albumId: text("album_id")
      .notNull()
      .references(() => albums.id, { onDelete: "cascade" }),
    assetId: text("asset_id")
      .notNull()
      .references(() => assets.id, { onDelete: "cascade" }),
    addedAt: integer("added_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.albumId, t.assetId] }), index("album_assets_asset_idx").on(t.assetId)],
);

export type Album = typeof albums.$inferSelect;
