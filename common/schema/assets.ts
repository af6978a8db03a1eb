// Photos and videos: assets, their EXIF and derivatives, uploads under way, and integrity findings.
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { libraries } from "./libraries";

// Photos and videos. Field names follow Immich's AssetResponseDto where they are exposed.
export const assets = sqliteTable(
  "assets",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
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
    visibility: text("visibility", { enum: ["timeline", "archive", "hidden", "locked"] })
      .notNull()
      .default("timeline"),
    deletedAt: integer("deleted_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    // Set for a file of an external library: it is read in place at externalPath, never from storage,
    // and never written or deleted by Shoebox.
    libraryId: text("library_id").references(() => libraries.id, { onDelete: "cascade" }),
    externalPath: text("external_path"),
    // A library file that was gone at the last scan; it comes back if the file does.
    isOffline: integer("is_offline", { mode: "boolean" }).notNull().default(false),
    // A 64-bit perceptual hash of the thumbnail, 16 hex digits (common/duplicates.ts): near-identical
    // pictures have hashes a few bits apart. Null until the thumbnail is made.
    perceptualHash: text("perceptual_hash"),
    // The owner's assets that look alike share this id (Immich's duplicateId); null when none was
    // found, or the owner said they are not duplicates.
    duplicateId: text("duplicate_id"),
    // When the asset was last compared with the rest of its owner's library.
    duplicatesDetectedAt: integer("duplicates_detected_at"),
    // When the face models and the object model last ran on the asset's preview (null: never, so a
    // "missing" run of their queue includes it).
    facesDetectedAt: integer("faces_detected_at"),
    objectsTaggedAt: integer("objects_tagged_at"),
    // The sync clock's value at the row's last change (common/sync/clock.ts): what the phone app's
    // sync stream sends after a checkpoint.
    updateId: integer("update_id"),
  },
  (t) => [
    // The same file may be in two people's libraries, but only once in each.
    uniqueIndex("assets_owner_checksum_idx").on(t.ownerId, t.checksum),
    index("assets_owner_timeline_idx").on(t.ownerId, t.localDateTime),
    // Trash, newest deletion first, and the purge of what has been there too long.
    index("assets_trash_idx").on(t.ownerId, t.deletedAt),
    // "Recently added": newest uploads first.
    index("assets_owner_added_idx").on(t.ownerId, t.createdAt),
    index("assets_content_identifier_idx").on(t.contentIdentifier),
    // A rescan looks up each file it finds by its path.
    uniqueIndex("assets_library_path_idx").on(t.libraryId, t.externalPath),
    // The duplicates review lists an owner's groups.
    index("assets_owner_duplicate_idx").on(t.ownerId, t.duplicateId),
    index("assets_owner_sync_idx").on(t.ownerId, t.updateId),
  ],
);

export const exif = sqliteTable(
  "exif",
  {
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
    // The instant it was taken, ISO 8601 in UTC; null when the file does not say.
    dateTimeOriginal: text("date_time_original"),
    // The zone of its wall clock (assets.localDateTime): an IANA name or "UTC+02:00"; null when unknown.
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
    // The sync clock's value at the row's last change (common/sync/clock.ts).
    updateId: integer("update_id"),
  },
  // The map's close-up views read the points in a box.
  (t) => [index("exif_location_idx").on(t.latitude, t.longitude), index("exif_sync_idx").on(t.updateId)],
);

// Derivatives of an asset (thumbnail, preview, and the full-size web copy of a photo browsers cannot
// show as it is), by storage key.
export const assetFiles = sqliteTable(
  "asset_files",
  {
    assetId: text("asset_id")
      .notNull()
      .references(() => assets.id, { onDelete: "cascade" }),
    type: text("type", { enum: ["thumbnail", "preview", "fullsize"] }).notNull(),
    key: text("key").notNull(),
    mimeType: text("mime_type").notNull(),
  },
  (t) => [primaryKey({ columns: [t.assetId, t.type] })],
);

export type Asset = typeof assets.$inferSelect;
// The sync clock's columns are the triggers' business, never set by the code that writes these.
export type Exif = Omit<typeof exif.$inferSelect, "updateId">;

// Uploads being written: a row lives from the first byte to the asset's creation, so that the
// worker can remove the partial file of an upload whose web process died mid-way.
export const uploadsInProgress = sqliteTable("uploads_in_progress", {
  key: text("key").primaryKey(),
  startedAt: integer("started_at").notNull(),
});

// Direct uploads: a client was handed a signed URL to put one file at `key` (in the bucket, or on
// this server for a local volume) and completes it afterwards. One URL, one object, one use.
export const directUploads = sqliteTable(
  "direct_uploads",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    fileName: text("file_name").notNull(),
    size: integer("size").notNull(),
    // SHA-1 the client announced, base64; checked on completion.
    checksum: text("checksum"),
    contentType: text("content_type"),
    expiresAt: integer("expires_at").notNull(),
    // Set when a PUT to Shoebox's own URL (local volume) starts taking the file: one PUT only.
    receivingSince: integer("receiving_since"),
    // Set once the object has been ingested (or refused): the URL is spent.
    completedAt: integer("completed_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("direct_uploads_key_idx").on(t.key),
    index("direct_uploads_expiry_idx").on(t.completedAt, t.expiresAt),
  ],
);

// What the last integrity check found wrong between the database and storage.
export const integrityFindings = sqliteTable(
  "integrity_findings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    // 'missing': an asset's file is not in storage; 'orphan': a stored file no asset knows;
    // 'checksum': an original whose content no longer matches its checksum.
    kind: text("kind", { enum: ["missing", "orphan", "checksum"] }).notNull(),
    key: text("key").notNull(),
    assetId: text("asset_id").references(() => assets.id, { onDelete: "cascade" }),
    detail: text("detail"),
    foundAt: integer("found_at").notNull(),
  },
  (t) => [index("integrity_findings_kind_idx").on(t.kind, t.key)],
);
