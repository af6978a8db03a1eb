// The assets and their metadata a user's phone app syncs: their own, their partners' (whose whole
// libraries they see), and other people's in albums they can see. Keys: see ./window.ts.
import { sql } from "drizzle-orm";
import type { Database } from "../db";
import { afterCheckpoint, inWindow, visibleAlbums, type Keyed, type SyncWindow } from "./window";

export interface SyncAssetRow {
  id: string;
  ownerId: string;
  type: "IMAGE" | "VIDEO";
  originalFileName: string;
  checksum: string;
  thumbhash: string | null;
  fileCreatedAt: number;
  fileModifiedAt: number;
  localDateTime: number;
  createdAt: number;
  duration: string | null;
  width: number | null;
  height: number | null;
  isFavorite: number;
  visibility: "timeline" | "archive" | "hidden" | "locked";
  deletedAt: number | null;
  livePhotoVideoId: string | null;
  libraryId: string | null;
}

export interface SyncExifRow {
  assetId: string;
  fileSizeInByte: number;
  make: string | null;
  model: string | null;
  lensModel: string | null;
  fNumber: number | null;
  focalLength: number | null;
  iso: number | null;
  exposureTime: string | null;
  dateTimeOriginal: string | null;
  timeZone: string | null;
  latitude: number | null;
  longitude: number | null;
  city: string | null;
  state: string | null;
  country: string | null;
  orientation: string | null;
  exifImageWidth: number | null;
  exifImageHeight: number | null;
  description: string | null;
  rating: number | null;
  fileModifiedAt: number;
}

const assetColumns = sql.raw(`a.id, a.owner_id AS ownerId, a.type, a.original_file_name AS originalFileName, a.checksum,
  a.thumbhash, a.file_created_at AS fileCreatedAt, a.file_modified_at AS fileModifiedAt,
  a.local_date_time AS localDateTime, a.created_at AS createdAt, a.duration, a.width, a.height,
  a.is_favorite AS isFavorite, a.visibility, a.deleted_at AS deletedAt,
  a.live_photo_video_id AS livePhotoVideoId, a.library_id AS libraryId`);

const exifColumns = sql.raw(`e.asset_id AS assetId, a.file_size_in_byte AS fileSizeInByte, e.make, e.model,
  e.lens_model AS lensModel, e.f_number AS fNumber, e.focal_length AS focalLength, e.iso,
  e.exposure_time AS exposureTime, e.date_time_original AS dateTimeOriginal, e.time_zone AS timeZone,
  e.latitude, e.longitude, e.city, e.state, e.country, e.orientation, e.exif_image_width AS exifImageWidth,
  e.exif_image_height AS exifImageHeight, e.description, e.rating, a.file_modified_at AS fileModifiedAt`);

// The user's own assets, all of them (trashed, hidden and locked ones included: the app files them).
export function ownAssets(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncAssetRow>>> {
  return db.all(sql`
    SELECT ${assetColumns}, a.update_id AS k1, a.update_id AS k2 FROM assets a
    WHERE a.owner_id = ${w.userId} AND ${afterCheckpoint(w, sql`a.update_id`)}
    ORDER BY a.update_id LIMIT ${w.limit}`);
}

// Read in the order of the exif's updateId index: led by the owner's assets instead, SQLite sorts the
// whole library for every page (bench:sync).
export function ownExif(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncExifRow>>> {
  return db.all(sql`
    SELECT ${exifColumns}, e.update_id AS k1, e.update_id AS k2 FROM exif e INDEXED BY exif_sync_idx JOIN assets a ON a.id = e.asset_id
    WHERE a.owner_id = ${w.userId} AND ${afterCheckpoint(w, sql`e.update_id`)}
    ORDER BY e.update_id LIMIT ${w.limit}`);
}

// Partners' assets: all of a partner's since the partnership began (the backfill of a new partner's
// older assets), then as they change. Their locked folders stay private.
export function partnerAssets(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncAssetRow>>> {
  const k1 = sql`MAX(a.update_id, p.create_id)`;
  return db.all(sql`
    SELECT ${assetColumns}, ${k1} AS k1, a.update_id AS k2
    FROM partners p JOIN assets a ON a.owner_id = p.shared_by_id
    WHERE p.shared_with_id = ${w.userId} AND a.visibility != 'locked'
      AND (a.update_id >= ${w.after.k1} OR p.create_id >= ${w.after.k1}) AND ${inWindow(w, k1, sql`a.update_id`)}
    ORDER BY k1, k2 LIMIT ${w.limit}`);
}

export function partnerExif(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncExifRow>>> {
  const k1 = sql`MAX(e.update_id, p.create_id)`;
  return db.all(sql`
    SELECT ${exifColumns}, ${k1} AS k1, e.update_id AS k2
    FROM partners p JOIN assets a ON a.owner_id = p.shared_by_id JOIN exif e ON e.asset_id = a.id
    WHERE p.shared_with_id = ${w.userId} AND a.visibility != 'locked'
      AND (e.update_id >= ${w.after.k1} OR p.create_id >= ${w.after.k1}) AND ${inWindow(w, k1, sql`e.update_id`)}
    ORDER BY k1, k2 LIMIT ${w.limit}`);
}

// Other people's assets in albums the user can see: each from when it entered such an album or the
// user was let into it, whichever is later (an asset in several albums counts from the latest).
export function albumAssets(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncAssetRow>>> {
  const link = sql`MAX(a.update_id, aa.update_id, v.access_id)`;
  return db.all(sql`
    SELECT * FROM (
      SELECT ${assetColumns}, MAX(${link}) AS k1, a.update_id AS k2
      FROM ${visibleAlbums(w.userId)} v JOIN album_assets aa ON aa.album_id = v.album_id JOIN assets a ON a.id = aa.asset_id
      WHERE a.owner_id != ${w.userId} AND a.visibility != 'locked' AND ${link} <= ${w.now}
      GROUP BY a.id)
    WHERE ${inWindow(w, sql`k1`, sql`k2`)}
    ORDER BY k1, k2 LIMIT ${w.limit}`);
}

export function albumExif(db: Database, w: SyncWindow): Promise<Array<Keyed<SyncExifRow>>> {
  const link = sql`MAX(e.update_id, aa.update_id, v.access_id)`;
  return db.all(sql`
    SELECT * FROM (
      SELECT ${exifColumns}, MAX(${link}) AS k1, e.update_id AS k2
      FROM ${visibleAlbums(w.userId)} v JOIN album_assets aa ON aa.album_id = v.album_id
        JOIN assets a ON a.id = aa.asset_id JOIN exif e ON e.asset_id = a.id
      WHERE a.owner_id != ${w.userId} AND a.visibility != 'locked' AND ${link} <= ${w.now}
      GROUP BY a.id)
    WHERE ${inWindow(w, sql`k1`, sql`k2`)}
    ORDER BY k1, k2 LIMIT ${w.limit}`);
}
