// What machine learning found: people, faces, object tags and CLIP embeddings (libSQL vectors).
import {
  customType,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  type AnySQLiteColumn,
} from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { assets } from "./assets";

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
