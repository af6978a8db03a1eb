// Reads what an asset's original says about itself — date and place taken, camera, exposure,
// dimensions, duration — with an XMP sidecar winning over embedded values; then pairs live photos
// and pulls the video out of motion photos.
import { getAsset, saveMetadata, type MetadataChanges } from "../../common/assets";
import type { Asset, Exif } from "../../common/schema";
import { durationText } from "../../common/durations";
import { readContentIdentifier } from "../media/apple";
import { readImageMetadata, type ImageMetadata } from "../media/image-metadata";
import { atInstant, atOffset, atWallClock, parseOffset, parseWallClock, type DateTaken } from "../../common/time-zones";
import { reverseGeocode, timeZoneAt } from "../media/places";
import { probeVideo } from "../media/video";
import { readXmp } from "../media/xmp";
import { sidecarBeside } from "../libraries/folders";
import { withOriginal, type JobContext } from "./context";
import { pairLivePhoto, extractMotionPhotoVideo } from "./live-photos";

interface Taken extends DateTaken {
  // The instant as ISO 8601 in UTC, when the file says when it was taken.
  dateTimeOriginal: string | null;
}

function zoneAt(latitude: number | null, longitude: number | null): string | null {
  return latitude !== null && longitude !== null ? timeZoneAt(latitude, longitude) : null;
}

// A date taken as wall-clock time, placed in time by its offset, or else by the zone of its GPS
// position, or else read as UTC. With no date at all, the file's own times stand in.
function resolveTakenTime(
  dateTaken: string | null,
  offset: string | null,
  zone: string | null,
  fileCreatedAt: number,
): Taken {
  const minutes = offset === null ? null : parseOffset(offset);
  const wallClock = dateTaken === null ? NaN : parseWallClock(dateTaken);
  if (Number.isNaN(wallClock)) return { ...atInstant(fileCreatedAt, zone), dateTimeOriginal: null };
  const taken =
    minutes === null ? atWallClock(dateTaken!, zone) : atOffset(wallClock - minutes * 60_000, minutes, zone);
  return { ...taken, dateTimeOriginal: new Date(taken.instant).toISOString() };
}

// A video's creation time is an instant; its wall clock comes from its own offset or its place.
function resolveVideoTime(
  creationTime: string | null,
  offset: string | null,
  zone: string | null,
  fileCreatedAt: number,
): Taken {
  const instant = creationTime ? Date.parse(creationTime) : NaN;
  if (Number.isNaN(instant)) return { ...atInstant(fileCreatedAt, zone), dateTimeOriginal: null };
  const minutes = offset === null ? null : parseOffset(offset);
  const taken = minutes === null ? atInstant(instant, zone) : atOffset(instant, minutes, zone);
  return { ...taken, dateTimeOriginal: new Date(instant).toISOString() };
}

function place(latitude: number | null, longitude: number | null) {
  return latitude !== null && longitude !== null
    ? reverseGeocode(latitude, longitude)
    : { city: null, state: null, country: null };
}

// The sidecar uploaded with the asset, or for a file of an external library, the one beside it.
async function sidecarOf(context: JobContext, asset: Asset): Promise<Uint8Array | null> {
  if (asset.externalPath !== null) return sidecarBeside(asset.externalPath);
  if (!asset.sidecarKey) return null;
  const object = await context.storage.get(asset.sidecarKey);
  return object && new Uint8Array(await new Response(object.body).arrayBuffer());
}

async function withSidecar(context: JobContext, asset: Asset, embedded: ImageMetadata): Promise<ImageMetadata> {
  const bytes = await sidecarOf(context, asset);
  if (!bytes) return embedded;
  const sidecar = readXmp(bytes);
  const hasDate = sidecar.dateTaken !== null;
  const hasPlace = sidecar.latitude !== null && sidecar.longitude !== null;
  return {
    ...embedded,
    make: sidecar.make ?? embedded.make,
    model: sidecar.model ?? embedded.model,
    lensModel: sidecar.lensModel ?? embedded.lensModel,
    fNumber: sidecar.fNumber ?? embedded.fNumber,
    focalLength: sidecar.focalLength ?? embedded.focalLength,
    iso: sidecar.iso ?? embedded.iso,
    exposureTime: sidecar.exposureTime ?? embedded.exposureTime,
    dateTaken: hasDate ? sidecar.dateTaken : embedded.dateTaken,
    offset: hasDate ? sidecar.offset : embedded.offset,
    latitude: hasPlace ? sidecar.latitude : embedded.latitude,
    longitude: hasPlace ? sidecar.longitude : embedded.longitude,
    description: sidecar.description ?? embedded.description,
    rating: sidecar.rating ?? embedded.rating,
  };
}

async function extractImageMetadata(context: JobContext, asset: Asset, path: string): Promise<void> {
  const meta = await withSidecar(context, asset, await readImageMetadata(path, asset.originalMimeType));
  const taken = resolveTakenTime(
    meta.dateTaken,
    meta.offset,
    zoneAt(meta.latitude, meta.longitude),
    asset.fileCreatedAt,
  );
  const changes: MetadataChanges = {
    width: meta.width,
    height: meta.height,
    localDateTime: taken.localDateTime,
    fileCreatedAt: taken.instant,
    contentIdentifier: await readContentIdentifier(path).catch(() => null),
  };
  const values: Omit<Exif, "assetId"> = {
    make: meta.make,
    model: meta.model,
    lensModel: meta.lensModel,
    fNumber: meta.fNumber,
    focalLength: meta.focalLength,
    iso: meta.iso,
    exposureTime: meta.exposureTime,
    dateTimeOriginal: taken.dateTimeOriginal,
    timeZone: taken.timeZone,
    latitude: meta.latitude,
    longitude: meta.longitude,
    ...place(meta.latitude, meta.longitude),
    orientation: meta.orientation === null ? null : String(meta.orientation),
    exifImageWidth: meta.exifImageWidth,
    exifImageHeight: meta.exifImageHeight,
    description: meta.description,
    rating: meta.rating,
  };
  await saveMetadata(context.db, asset.id, changes, values);
  const saved = { ...asset, ...changes };
  if (!(await pairLivePhoto(context, saved))) await extractMotionPhotoVideo(context, saved, path);
}

async function extractVideoMetadata(context: JobContext, asset: Asset, path: string): Promise<void> {
  const info = await probeVideo(path);
  const taken = resolveVideoTime(
    info.creationTime,
    info.creationOffset,
    zoneAt(info.latitude, info.longitude),
    asset.fileCreatedAt,
  );
  await saveMetadata(
    context.db,
    asset.id,
    {
      width: info.width,
      height: info.height,
      duration: durationText(info.durationSeconds),
      localDateTime: taken.localDateTime,
      fileCreatedAt: taken.instant,
      contentIdentifier: info.contentIdentifier,
    },
    {
      make: info.make,
      model: info.model,
      lensModel: null,
      fNumber: null,
      focalLength: null,
      iso: null,
      exposureTime: null,
      dateTimeOriginal: taken.dateTimeOriginal,
      timeZone: taken.timeZone,
      latitude: info.latitude,
      longitude: info.longitude,
      ...place(info.latitude, info.longitude),
      orientation: null,
      exifImageWidth: info.width,
      exifImageHeight: info.height,
      description: null,
      rating: null,
    },
  );
  if (!info.isWebPlayable) await context.enqueue([{ name: "encodeVideo", payload: { assetId: asset.id } }]);
  await pairLivePhoto(context, { ...asset, contentIdentifier: info.contentIdentifier });
}

export async function extractMetadata(context: JobContext, { assetId }: { assetId: string }): Promise<void> {
  const asset = await getAsset(context.db, assetId);
  if (!asset) return; // Deleted since the job was queued.
  await withOriginal(context, asset, (path) =>
    asset.type === "VIDEO" ? extractVideoMetadata(context, asset, path) : extractImageMetadata(context, asset, path),
  );
  // With the date known, the original can go where the storage template puts it.
  if (context.storageTemplate && asset.externalPath === null)
    await context.enqueue([{ name: "applyStorageTemplate", payload: { assetId } }]);
}
