import { getAsset, saveMetadata } from "../../common/assets";
import type { JobContext } from "./context";
import { readImageMetadata } from "../media/image";

// Reads date taken, camera, exposure, place and dimensions from the original.
export async function extractMetadata({ db, storage }: JobContext, { assetId }: { assetId: string }): Promise<void> {
  const asset = await getAsset(db, assetId);
  if (!asset) return; // Deleted since the job was queued.
  const meta = await readImageMetadata(storage.path(asset.originalKey));

  // The local time of day when the photo was taken; the instant too, when the offset is known.
  const local = meta.dateTaken ? Date.parse(`${meta.dateTaken}Z`) : null;
  const instant = meta.dateTaken && meta.offset ? Date.parse(`${meta.dateTaken}${meta.offset}`) : null;

  await saveMetadata(
    db,
    assetId,
    {
      width: meta.width,
      height: meta.height,
      ...(local !== null ? { localDateTime: local } : {}),
      ...(instant !== null ? { fileCreatedAt: instant } : local !== null ? { fileCreatedAt: local } : {}),
    },
    {
      make: meta.make,
      model: meta.model,
      lensModel: meta.lensModel,
      fNumber: meta.fNumber,
      focalLength: meta.focalLength,
      iso: meta.iso,
      exposureTime: meta.exposureTime,
      dateTimeOriginal: instant !== null ? new Date(instant).toISOString() : local !== null ? new Date(local).toISOString() : null,
      timeZone: meta.offset ? `UTC${meta.offset}` : null,
      latitude: meta.latitude,
      longitude: meta.longitude,
      orientation: meta.orientation === null ? null : String(meta.orientation),
      exifImageWidth: meta.exifImageWidth,
      exifImageHeight: meta.exifImageHeight,
      description: meta.description,
      rating: meta.rating,
    },
  );
}
