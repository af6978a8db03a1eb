// Albums, the users they are shared with, and public shared links.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { assets } from "./assets";

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
