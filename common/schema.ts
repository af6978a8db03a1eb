// The database schema, shared by the request handlers and the worker.
// `npm run db:generate` turns changes here into a SQL migration in migrations/.
import { sql } from "drizzle-orm";
import {
  customType,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from "drizzle-orm/sqlite-core";

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

export const albums = sqliteTable(
  "albums",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    albumName: text("album_name").notNull(),
    description: text("description").notNull().default(""),
    albumThumbnailAssetId: text("album_thumbnail_asset_id").references(() => assets.id, { onDelete: "set null" }),
    // Newest or oldest first, as the owner chose.
    order: text("order", { enum: ["asc", "desc"] })
      .notNull()
      .default("desc"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    // The sync clock at the album's last change and at its making (common/sync/clock.ts).
    updateId: integer("update_id"),
    createId: integer("create_id"),
  },
  (t) => [index("albums_owner_idx").on(t.ownerId)],
);

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
    // The sync clock's value at the row's last change (common/sync/clock.ts): what the phone app's
    // sync stream sends after a checkpoint.
    updateId: integer("update_id"),
  },
  (t) => [primaryKey({ columns: [t.albumId, t.assetId] }), index("album_assets_asset_idx").on(t.assetId)],
);

export type Album = typeof albums.$inferSelect;

// Other users an album is shared with: a viewer sees it, an editor also adds and removes assets.
export const albumUsers = sqliteTable(
  "album_users",
  {
    albumId: text("album_id")
      .notNull()
      .references(() => albums.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["editor", "viewer"] }).notNull(),
    createdAt: integer("created_at").notNull(),
    // The sync clock's value at the row's last change (common/sync/clock.ts): what the phone app's
    // sync stream sends after a checkpoint.
    updateId: integer("update_id"),
    // The sync clock's value when the row was made: whoever it lets see things gets them all from then.
    createId: integer("create_id"),
  },
  (t) => [primaryKey({ columns: [t.albumId, t.userId] }), index("album_users_user_idx").on(t.userId)],
);

export type AlbumUser = typeof albumUsers.$inferSelect;

// Public links to an album or to hand-picked assets. The key is the capability: whoever has the
// link sees what it grants, and nothing else.
export const sharedLinks = sqliteTable(
  "shared_links",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // The key is a secret, kept as its SHA-256 (to find the link a visitor names) and sealed with a
    // key derived from the server's secret (so that its owner can copy the link again): a copy of
    // the database alone gives away neither (common/shared-links.ts).
    keyHash: text("key_hash").notNull(),
    sealedKey: text("sealed_key").notNull(),
    type: text("type", { enum: ["ALBUM", "INDIVIDUAL"] }).notNull(),
    albumId: text("album_id").references(() => albums.id, { onDelete: "cascade" }),
    description: text("description"),
    // scrypt hash; null when the link needs no password.
    passwordHash: text("password_hash"),
    expiresAt: integer("expires_at"),
    allowDownload: integer("allow_download", { mode: "boolean" }).notNull(),
    allowUpload: integer("allow_upload", { mode: "boolean" }).notNull(),
    showMetadata: integer("show_metadata", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("shared_links_key_hash_idx").on(t.keyHash),
    index("shared_links_user_idx").on(t.userId),
    index("shared_links_album_idx").on(t.albumId),
  ],
);

export type SharedLink = typeof sharedLinks.$inferSelect;

export const sharedLinkAssets = sqliteTable(
  "shared_link_assets",
  {
    linkId: text("link_id")
      .notNull()
      .references(() => sharedLinks.id, { onDelete: "cascade" }),
    assetId: text("asset_id")
      .notNull()
      .references(() => assets.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.linkId, t.assetId] }), index("shared_link_assets_asset_idx").on(t.assetId)],
);

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

// A libSQL vector column: `dimensions` 32-bit floats, stored as their little-endian bytes (what
// vector32() makes of a JSON array), searched through a libsql_vector_idx index with vector_top_k().
const f32Blob = (dimensions: number) =>
  customType<{ data: Float32Array; driverData: Uint8Array | ArrayBuffer }>({
    dataType: () => `F32_BLOB(${dimensions})`,
    toDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
    fromDriver: (value) => {
      const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : value;
      // Copied, so that the floats are aligned whatever the driver's buffer.
      return new Float32Array(bytes.slice().buffer);
    },
  });

// The people found in a user's photos (Immich's person): made by face recognition, named, hidden
// and merged by their owner. Each user has their own, even for the same face.
export const people = sqliteTable(
  "people",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // Empty until the owner names them.
    name: text("name").notNull().default(""),
    isHidden: integer("is_hidden", { mode: "boolean" }).notNull().default(false),
    // The face shown for them (Immich's faceAssetId, which is a face's id).
    faceAssetId: text("face_asset_id").references((): AnySQLiteColumn => faces.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    // The sync clock's value at the row's last change (common/sync/clock.ts): what the phone app's
    // sync stream sends after a checkpoint.
    updateId: integer("update_id"),
  },
  (t) => [index("people_owner_idx").on(t.ownerId, t.isHidden)],
);

export type Person = typeof people.$inferSelect;

// Faces found in an asset's preview (Immich's asset_face and face_search in one row). The box is in
// pixels of the preview the face was found on, whose size is kept with it, so that it scales to any
// rendition of the photo.
export const faces = sqliteTable(
  "faces",
  {
    id: text("id").primaryKey(),
    assetId: text("asset_id")
      .notNull()
      .references(() => assets.id, { onDelete: "cascade" }),
    personId: text("person_id").references((): AnySQLiteColumn => people.id, { onDelete: "set null" }),
    imageWidth: integer("image_width").notNull(),
    imageHeight: integer("image_height").notNull(),
    boundingBoxX1: integer("bounding_box_x1").notNull(),
    boundingBoxY1: integer("bounding_box_y1").notNull(),
    boundingBoxX2: integer("bounding_box_x2").notNull(),
    boundingBoxY2: integer("bounding_box_y2").notNull(),
    // Five points of the face in preview pixels: the centres of the eyes, the tip of the nose, the
    // corners of the mouth (of the 68 the landmark model finds).
    landmarks: text("landmarks", { mode: "json" }).notNull().$type<Array<[number, number]>>(),
    score: real("score").notNull(),
    // dlib's face descriptor, L2-normalised: the cosine distance of two faces tells whether they are
    // one person. None for a face too small or too blurred to recognise, which stays with nobody.
    embedding: f32Blob(128)("embedding"),
    // Immich's source types; Shoebox's own faces come from the models.
    sourceType: text("source_type", { enum: ["machine-learning", "exif", "manual"] })
      .notNull()
      .default("machine-learning"),
    createdAt: integer("created_at").notNull(),
    // The sync clock's value at the row's last change (common/sync/clock.ts): what the phone app's
    // sync stream sends after a checkpoint.
    updateId: integer("update_id"),
  },
  (t) => [
    index("faces_asset_idx").on(t.assetId),
    index("faces_person_idx").on(t.personId),
    index("faces_sync_idx").on(t.updateId),
  ],
);

export type Face = Omit<typeof faces.$inferSelect, "updateId">;

// The things the object model saw in an asset's preview (COCO's class names: "dog", "car",
// "person"), each with the model's score; replaced whole when the asset is tagged again.
export const assetTags = sqliteTable(
  "asset_tags",
  {
    assetId: text("asset_id")
      .notNull()
      .references(() => assets.id, { onDelete: "cascade" }),
    tag: text("tag").notNull(),
    score: real("score").notNull(),
  },
  (t) => [primaryKey({ columns: [t.assetId, t.tag] }), index("asset_tags_tag_idx").on(t.tag)],
);

export type AssetTag = typeof assetTags.$inferSelect;

// The CLIP image embedding of an asset's preview (Immich's smart_search), when a CLIP model is set
// up (CLIP_MODEL_DIR): free text is ranked by its cosine distance to the text's embedding, through
// the vector index. 512 dimensions, as ViT-B-32 and ViT-B-16 give.
export const clipDimensions = 512;

export const smartSearch = sqliteTable("smart_search", {
  assetId: text("asset_id")
    .primaryKey()
    .references(() => assets.id, { onDelete: "cascade" }),
  embedding: f32Blob(clipDimensions)("embedding").notNull(),
});

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
