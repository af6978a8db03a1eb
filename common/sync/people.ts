// Users, partnerships, people and faces for a user's phone app. Keys: ./window.ts (all of these are
// keyed by their own updateId).
import { sql } from "drizzle-orm";
import type { Database } from "../db";
import type { User } from "../schema";
import { afterCheckpoint, type Keyed, type SyncWindow } from "./window";

export interface SyncPartnerRow {
  sharedById: string;
  sharedWithId: string;
  inTimeline: number;
}

export interface SyncPersonRow {
  id: string;
  ownerId: string;
  name: string;
  isHidden: number;
  faceAssetId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface SyncFaceRow {
  id: string;
  assetId: string;
  personId: string | null;
  imageWidth: number;
  imageHeight: number;
  boundingBoxX1: number;
  boundingBoxY1: number;
  boundingBoxX2: number;
  boundingBoxY2: number;
  sourceType: string;
}

// `preferences` as stored: JSON text (a raw query does not parse it).
export type SyncUserRow = Pick<
  User,
  | "id"
  | "name"
  | "email"
  | "isAdmin"
  | "quotaSizeInBytes"
  | "quotaUsageInBytes"
  | "storageLabel"
  | "deletedAt"
  | "createdAt"
> & {
  preferences: string | null;
};

const userColumns = sql.raw(`id, name, email, is_admin AS isAdmin, quota_size_in_bytes AS quotaSizeInBytes,
  quota_usage_in_bytes AS quotaUsageInBytes, storage_label AS storageLabel, deleted_at AS deletedAt, created_at AS createdAt, preferences`);

// Every user of the server, as Immich sends them: the app shows owners and members by them.
export function userRows(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncUserRow>>> {
  return db.all(sql`
    SELECT ${userColumns}, update_id AS k1, update_id AS k2 FROM users
    WHERE ${afterCheckpoint(w, sql`update_id`)} ORDER BY update_id LIMIT ${w.limit}`);
}

export function authUserRows(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncUserRow>>> {
  return db.all(sql`
    SELECT ${userColumns}, update_id AS k1, update_id AS k2 FROM users
    WHERE id = ${w.userId} AND ${afterCheckpoint(w, sql`update_id`)}`);
}

export function partnerRows(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncPartnerRow>>> {
  return db.all(sql`
    SELECT shared_by_id AS sharedById, shared_with_id AS sharedWithId, in_timeline AS inTimeline, update_id AS k1, update_id AS k2
    FROM partners WHERE (shared_by_id = ${w.userId} OR shared_with_id = ${w.userId}) AND ${afterCheckpoint(w, sql`update_id`)}
    ORDER BY update_id LIMIT ${w.limit}`);
}

export function personRows(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncPersonRow>>> {
  return db.all(sql`
    SELECT id, owner_id AS ownerId, name, is_hidden AS isHidden, face_asset_id AS faceAssetId, created_at AS createdAt,
      updated_at AS updatedAt, update_id AS k1, update_id AS k2
    FROM people WHERE owner_id = ${w.userId} AND ${afterCheckpoint(w, sql`update_id`)}
    ORDER BY update_id LIMIT ${w.limit}`);
}

// Faces in the user's own assets, read in the order of the faces' updateId index (as ownExif).
export function faceRows(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncFaceRow>>> {
  return db.all(sql`
    SELECT f.id, f.asset_id AS assetId, f.person_id AS personId, f.image_width AS imageWidth, f.image_height AS imageHeight,
      f.bounding_box_x1 AS boundingBoxX1, f.bounding_box_y1 AS boundingBoxY1, f.bounding_box_x2 AS boundingBoxX2,
      f.bounding_box_y2 AS boundingBoxY2, f.source_type AS sourceType, f.update_id AS k1, f.update_id AS k2
    FROM faces f INDEXED BY faces_sync_idx JOIN assets a ON a.id = f.asset_id
    WHERE a.owner_id = ${w.userId} AND ${afterCheckpoint(w, sql`f.update_id`)}
    ORDER BY f.update_id LIMIT ${w.limit}`);
}
