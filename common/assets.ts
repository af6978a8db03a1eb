// The asset repository: the only code that reads or writes assets, their EXIF and their files.
import { and, count, desc, eq, inArray, isNotNull, isNull, lt, ne, sql } from "drizzle-orm";
import type { Database, Executor } from "./db";
import { enqueueAssetJobsQuery, enqueueJobsQuery, type NewJob } from "./queue";
import type { DateTaken } from "./time-zones";
import { finishUploadQuery } from "./uploads";
import { assetFiles, assets, exif, users, type Asset, type Exif } from "./schema";

export type NewAsset = typeof assets.$inferInsert;
export type AssetFileType = (typeof assetFiles.$inferSelect)["type"];

function insertAssetQuery(db: Executor, asset: NewAsset) {
  return db
    .insert(assets)
    .values(asset)
    .onConflictDoNothing({ target: [assets.ownerId, assets.checksum] });
}

// Counts a new asset's bytes against its owner's quota, if the batch did create it.
function addUsageQuery(db: Executor, asset: NewAsset & { id: string }) {
  return db
    .update(users)
    .set({ quotaUsageInBytes: sql`${users.quotaUsageInBytes} + ${asset.fileSizeInByte}` })
    .where(and(eq(users.id, asset.ownerId), sql`EXISTS (SELECT 1 FROM assets WHERE id = ${asset.id})`));
}

// Adds an uploaded asset with its jobs, counts it against the quota and closes its upload
// bookkeeping, in one round trip. False when the owner's copy of the same file got there first.
export async function addUploadedAsset(
  db: Database,
  asset: NewAsset & { id: string },
  jobs: NewJob[],
  uploadKeys: string[],
): Promise<boolean> {
  const [inserted] = await db.batch([
    insertAssetQuery(db, asset),
    addUsageQuery(db, asset),
    enqueueAssetJobsQuery(db, asset.id, jobs, asset.createdAt),
    finishUploadQuery(db, uploadKeys),
  ]);
  return inserted.rowsAffected === 1;
}

// The owner's asset with this content, if they have one.
export async function findAssetByChecksum(
  db: Database,
  ownerId: string,
  checksum: string,
): Promise<Pick<Asset, "id" | "deletedAt"> | undefined> {
  const [found] = await db
    .select({ id: assets.id, deletedAt: assets.deletedAt })
    .from(assets)
    .where(and(eq(assets.ownerId, ownerId), eq(assets.checksum, checksum)))
    .limit(1);
  return found;
}

export async function getAsset(db: Database, id: string): Promise<Asset | undefined> {
  const [asset] = await db.select().from(assets).where(eq(assets.id, id)).limit(1);
  return asset;
}

export async function getAssetWithExif(
  db: Database,
  id: string,
): Promise<{ asset: Asset; exif: Exif | null } | undefined> {
  const [row] = await db
    .select()
    .from(assets)
    .leftJoin(exif, eq(exif.assetId, assets.id))
    .where(eq(assets.id, id))
    .limit(1);
  return row ? { asset: row.assets, exif: row.exif } : undefined;
}

export async function getAssetFile(db: Database, id: string, type: AssetFileType) {
  const [file] = await db
    .select()
    .from(assetFiles)
    .where(and(eq(assetFiles.assetId, id), eq(assetFiles.type, type)))
    .limit(1);
  return file;
}

export type MetadataChanges = Partial<
  Pick<Asset, "width" | "height" | "localDateTime" | "fileCreatedAt" | "duration" | "contentIdentifier">
>;

export async function saveMetadata(
  db: Database,
  id: string,
  changes: MetadataChanges,
  values: Omit<Exif, "assetId">,
): Promise<void> {
  await db.batch([
    db
      .update(assets)
      .set({ ...changes, updatedAt: Date.now() })
      .where(eq(assets.id, id)),
    db
      .insert(exif)
      .values({ assetId: id, ...values })
      .onConflictDoUpdate({ target: exif.assetId, set: values }),
  ]);
}

// The other half of a live photo: same content identifier, the other type.
export async function findLivePhotoPartner(db: Database, asset: Asset): Promise<Asset | undefined> {
  if (!asset.contentIdentifier) return undefined;
  const [partner] = await db
    .select()
    .from(assets)
    .where(
      and(
        eq(assets.ownerId, asset.ownerId),
        eq(assets.contentIdentifier, asset.contentIdentifier),
        eq(assets.type, asset.type === "IMAGE" ? "VIDEO" : "IMAGE"),
        isNull(assets.deletedAt),
      ),
    )
    .orderBy(assets.createdAt)
    .limit(1);
  return partner;
}

// Joins a photo and its video: the video disappears from listings and plays from the photo.
export async function linkLivePhoto(db: Database, photoId: string, videoId: string): Promise<void> {
  const now = Date.now();
  await db.batch([
    db.update(assets).set({ livePhotoVideoId: videoId, updatedAt: now }).where(eq(assets.id, photoId)),
    db.update(assets).set({ visibility: "hidden", updatedAt: now }).where(eq(assets.id, videoId)),
  ]);
}

export async function setEncodedVideo(db: Database, id: string, key: string): Promise<void> {
  await db.update(assets).set({ encodedVideoKey: key, updatedAt: Date.now() }).where(eq(assets.id, id));
}

// The videos a shared link shows (its album's, or its own) that have no copy to play yet.
export async function linkVideosWithoutCopy(
  db: Database,
  link: { id: string; albumId: string | null },
): Promise<string[]> {
  const inLink = link.albumId
    ? sql`${assets.id} IN (SELECT asset_id FROM album_assets WHERE album_id = ${link.albumId})`
    : sql`${assets.id} IN (SELECT asset_id FROM shared_link_assets WHERE link_id = ${link.id})`;
  const rows = await db
    .select({ id: assets.id })
    .from(assets)
    .where(and(eq(assets.type, "VIDEO"), isNull(assets.encodedVideoKey), isNull(assets.deletedAt), inLink));
  return rows.map((row) => row.id);
}

// Why processing failed for good, kept to be shown with the asset (workers/jobs/errors.ts words it).
export async function recordProcessingError(db: Database, id: string, message: string | null): Promise<void> {
  await db.update(assets).set({ processingError: message, updatedAt: Date.now() }).where(eq(assets.id, id));
}

// An asset whose processing failed for good before a thumbnail was made: no picture of it will come.
export const cannotBeShown = (asset: Pick<Asset, "processingError" | "thumbhash">) =>
  asset.processingError !== null && asset.thumbhash === null;

export async function saveAssetFiles(
  db: Database,
  id: string,
  files: Array<{ type: AssetFileType; key: string; mimeType: string }>,
  thumbhash: string | null,
  // A new hash is compared with the owner's others again (common/duplicates.ts).
  perceptualHash: string | null = null,
): Promise<void> {
  await db.batch([
    db
      .update(assets)
      .set({ thumbhash, perceptualHash, duplicatesDetectedAt: null, updatedAt: Date.now() })
      .where(eq(assets.id, id)),
    ...files.map((file) =>
      db
        .insert(assetFiles)
        .values({ assetId: id, ...file })
        .onConflictDoUpdate({
          target: [assetFiles.assetId, assetFiles.type],
          set: { key: file.key, mimeType: file.mimeType },
        }),
    ),
  ]);
}

export async function findAssetsByChecksums(
  db: Database,
  ownerId: string,
  checksums: string[],
): Promise<Array<Pick<Asset, "id" | "checksum" | "deletedAt">>> {
  if (checksums.length === 0) return [];
  return db
    .select({ id: assets.id, checksum: assets.checksum, deletedAt: assets.deletedAt })
    .from(assets)
    .where(and(eq(assets.ownerId, ownerId), inArray(assets.checksum, checksums)));
}

// The given assets and the hidden video halves of their live photos.
async function withLinkedVideos(db: Database, ids: string[]): Promise<Asset[]> {
  if (ids.length === 0) return [];
  const found = await db.select().from(assets).where(inArray(assets.id, ids));
  const videoIds = found.map((a) => a.livePhotoVideoId).filter((id): id is string => id !== null && !ids.includes(id));
  const videos = videoIds.length ? await db.select().from(assets).where(inArray(assets.id, videoIds)) : [];
  return [...found, ...videos];
}

export async function trashAssets(db: Database, ids: string[]): Promise<number> {
  const targets = await withLinkedVideos(db, ids);
  if (targets.length === 0) return 0;
  const now = Date.now();
  const result = await db
    .update(assets)
    .set({ deletedAt: now, updatedAt: now })
    .where(
      and(
        inArray(
          assets.id,
          targets.map((a) => a.id),
        ),
        isNull(assets.deletedAt),
      ),
    );
  return result.rowsAffected;
}

// Removes assets for good, and in the same transaction queues the deletion of every file they had.
export async function deleteAssets(db: Database, ids: string[]): Promise<number> {
  const targets = await withLinkedVideos(db, ids);
  if (targets.length === 0) return 0;
  const targetIds = targets.map((a) => a.id);
  const files = await db.select({ key: assetFiles.key }).from(assetFiles).where(inArray(assetFiles.assetId, targetIds));
  // The file of an external library stays where it is (its originalKey is no storage key) and was
  // never counted against the quota: only its derivatives go.
  const keys = [
    ...targets
      .flatMap((a) => [a.externalPath === null ? a.originalKey : null, a.sidecarKey, a.encodedVideoKey])
      .filter((key): key is string => key !== null),
    ...files.map((f) => f.key),
  ];
  const freed = new Map<string, number>();
  for (const a of targets)
    if (a.externalPath === null) freed.set(a.ownerId, (freed.get(a.ownerId) ?? 0) + a.fileSizeInByte);
  await db.batch([
    // A photo whose video half goes keeps no dangling link.
    db.update(assets).set({ livePhotoVideoId: null }).where(inArray(assets.livePhotoVideoId, targetIds)),
    db.delete(assets).where(inArray(assets.id, targetIds)),
    ...[...freed].map(([ownerId, bytes]) =>
      db
        .update(users)
        .set({ quotaUsageInBytes: sql`max(0, ${users.quotaUsageInBytes} - ${bytes})` })
        .where(eq(users.id, ownerId)),
    ),
    enqueueJobsQuery(db, [{ name: "deleteFiles", payload: { keys } }]),
  ]);
  return targets.length;
}

// Adds the video half of a motion photo, hidden, linked to its photo, with its jobs, all at once.
export async function addMotionPhotoVideo(
  db: Database,
  photoId: string,
  video: NewAsset & { id: string },
): Promise<void> {
  const now = Date.now();
  await db.batch([
    db.insert(assets).values(video).onConflictDoNothing(),
    addUsageQuery(db, video),
    db.update(assets).set({ livePhotoVideoId: video.id, updatedAt: now }).where(eq(assets.id, photoId)),
    enqueueJobsQuery(db, [{ name: "extractMetadata", payload: { assetId: video.id } }], now),
  ]);
}

export interface AssetStatsFilter {
  visibility?: Asset["visibility"];
  isFavorite?: boolean;
  isTrashed?: boolean;
}

// How many photos and videos a user has, counted as Immich counts them: without a visibility, those
// on the timeline and in the archive (not live photos' hidden video halves, nor the locked folder);
// outside the trash, or with isTrashed, in it.
export async function assetStatistics(
  db: Database,
  ownerId: string,
  filter: AssetStatsFilter = {},
): Promise<{ images: number; videos: number; total: number }> {
  const rows = await db
    .select({ type: assets.type, count: count() })
    .from(assets)
    .where(
      and(
        eq(assets.ownerId, ownerId),
        filter.isTrashed ? isNotNull(assets.deletedAt) : isNull(assets.deletedAt),
        filter.visibility
          ? eq(assets.visibility, filter.visibility)
          : inArray(assets.visibility, ["timeline", "archive"]),
        filter.isFavorite === undefined ? undefined : eq(assets.isFavorite, filter.isFavorite),
      ),
    )
    .groupBy(assets.type);
  const images = rows.find((row) => row.type === "IMAGE")?.count ?? 0;
  const videos = rows.find((row) => row.type === "VIDEO")?.count ?? 0;
  return { images, videos, total: images + videos };
}

export async function getAssetsWithExif(
  db: Database,
  ids: string[],
): Promise<Array<{ asset: Asset; exif: Exif | null }>> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(assets)
    .leftJoin(exif, eq(exif.assetId, assets.id))
    .where(inArray(assets.id, ids))
    .orderBy(desc(assets.localDateTime));
  return rows.map((row) => ({ asset: row.assets, exif: row.exif }));
}

export type AssetChanges = Partial<Pick<Asset, "isFavorite" | "visibility">>;

// Changes assets the caller has checked are the asker's own.
export async function updateAssets(db: Database, ids: string[], changes: AssetChanges): Promise<void> {
  if (ids.length === 0 || Object.keys(changes).length === 0) return;
  await db
    .update(assets)
    .set({ ...changes, updatedAt: Date.now() })
    .where(inArray(assets.id, ids));
}

export interface DescriptionChanges {
  description?: string;
  rating?: number | null;
}

export async function updateDescription(db: Database, ids: string[], changes: DescriptionChanges): Promise<void> {
  if (ids.length === 0 || Object.keys(changes).length === 0) return;
  await db.batch([
    db.update(assets).set({ updatedAt: Date.now() }).where(inArray(assets.id, ids)),
    ...ids.map((assetId) =>
      db
        .insert(exif)
        .values({ assetId, ...changes })
        .onConflictDoUpdate({ target: exif.assetId, set: changes }),
    ),
  ]);
}

// When an asset was taken, as it stands (common/time-zones.ts): its wall clock, instant and zone.
export function dateTakenOf(asset: Asset, exifRow: Exif | null): DateTaken {
  return { localDateTime: asset.localDateTime, instant: asset.fileCreatedAt, timeZone: exifRow?.timeZone ?? null };
}

// Dates taken set by hand, each asset with its own (the same time may fall in different zones).
export async function setDateTaken(db: Database, changes: Array<{ assetId: string; taken: DateTaken }>): Promise<void> {
  const now = Date.now();
  const writes = changes.flatMap(({ assetId, taken }) => {
    const values = { dateTimeOriginal: new Date(taken.instant).toISOString(), timeZone: taken.timeZone };
    return [
      db
        .update(assets)
        .set({ localDateTime: taken.localDateTime, fileCreatedAt: taken.instant, updatedAt: now })
        .where(eq(assets.id, assetId)),
      db
        .insert(exif)
        .values({ assetId, ...values })
        .onConflictDoUpdate({ target: exif.assetId, set: values }),
    ];
  });
  if (writes.length > 0) await db.batch(writes as [(typeof writes)[number], ...typeof writes]);
}

// A place set by hand; the worker names it (city, state, country) in a job queued with it.
export async function setPlace(db: Database, ids: string[], latitude: number, longitude: number): Promise<void> {
  const place = { latitude, longitude, city: null, state: null, country: null };
  await db.batch([
    db.update(assets).set({ updatedAt: Date.now() }).where(inArray(assets.id, ids)),
    ...ids.map((assetId) =>
      db
        .insert(exif)
        .values({ assetId, ...place })
        .onConflictDoUpdate({ target: exif.assetId, set: place }),
    ),
    enqueueJobsQuery(
      db,
      ids.map((assetId) => ({ name: "nameAssetPlace", payload: { assetId } })),
    ),
  ]);
}

export async function savePlaceNames(
  db: Database,
  id: string,
  names: Pick<Exif, "city" | "state" | "country">,
): Promise<void> {
  await db.update(exif).set(names).where(eq(exif.assetId, id));
}

// Takes assets out of the trash: the given ones, or all of the owner's.
export async function restoreAssets(db: Database, ownerId: string, ids?: string[]): Promise<number> {
  const targets = ids ? await withLinkedVideos(db, ids) : undefined;
  const result = await db
    .update(assets)
    .set({ deletedAt: null, updatedAt: Date.now() })
    .where(
      and(
        eq(assets.ownerId, ownerId),
        isNotNull(assets.deletedAt),
        targets
          ? inArray(
              assets.id,
              targets.map((a) => a.id),
            )
          : undefined,
      ),
    );
  return result.rowsAffected;
}

// Which assets a bulk deletion takes: all of a user's (removing the account), a user's trash
// (emptying it), everyone's trash older than a time (the 30-day purge), or an external library's.
export type DeletionScope =
  | { ownerId: string; trashedOnly: boolean }
  | { deletedBefore: number }
  | { libraryId: string };

// Deletes for good, in batches, the assets of a scope (each batch queues the deletion of its
// files); how many went.
export async function deleteAssetsInBatches(db: Database, scope: DeletionScope): Promise<number> {
  const where =
    "ownerId" in scope
      ? and(eq(assets.ownerId, scope.ownerId), scope.trashedOnly ? isNotNull(assets.deletedAt) : undefined)
      : "libraryId" in scope
        ? eq(assets.libraryId, scope.libraryId)
        : and(isNotNull(assets.deletedAt), lt(assets.deletedAt, scope.deletedBefore));
  let deleted = 0;
  for (;;) {
    const batch = await db.select({ id: assets.id }).from(assets).where(where).limit(500);
    if (batch.length === 0) return deleted;
    deleted += await deleteAssets(
      db,
      batch.map((row) => row.id),
    );
  }
}

export interface UserUsage {
  userId: string;
  userName: string;
  quotaSizeInBytes: number | null;
  // Photos and videos outside the trash, not counting live photos' video halves.
  photos: number;
  videos: number;
  // Bytes of the stored originals outside the trash, the video halves of live photos included.
  usagePhotos: number;
  usageVideos: number;
}

// Every account's photos, videos and bytes, oldest account first, in one grouped read (as Immich
// counts them for its server statistics). Removed accounts are left out.
export async function serverStatistics(db: Database): Promise<UserUsage[]> {
  const photo = sql`${assets.type} = 'IMAGE'`;
  const video = sql`${assets.type} = 'VIDEO'`;
  const listed = sql`${assets.visibility} != 'hidden'`;
  // Bytes Shoebox stores: the files of external libraries stay in their folders, outside the quota.
  const stored = sql`${assets.externalPath} IS NULL`;
  return db
    .select({
      userId: users.id,
      userName: users.name,
      quotaSizeInBytes: users.quotaSizeInBytes,
      photos: sql<number>`count(CASE WHEN ${photo} AND ${listed} THEN 1 END)`.mapWith(Number),
      videos: sql<number>`count(CASE WHEN ${video} AND ${listed} THEN 1 END)`.mapWith(Number),
      usagePhotos:
        sql<number>`coalesce(sum(CASE WHEN ${photo} AND ${stored} THEN ${assets.fileSizeInByte} END), 0)`.mapWith(
          Number,
        ),
      usageVideos:
        sql<number>`coalesce(sum(CASE WHEN ${video} AND ${stored} THEN ${assets.fileSizeInByte} END), 0)`.mapWith(
          Number,
        ),
    })
    .from(users)
    .leftJoin(assets, and(eq(assets.ownerId, users.id), isNull(assets.deletedAt)))
    .where(and(isNull(users.deletedAt), ne(users.passwordHash, "")))
    .groupBy(users.id)
    .orderBy(users.createdAt);
}
