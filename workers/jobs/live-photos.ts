// The two kinds of moving photos. Live photos (Apple) arrive as two files sharing a content
// identifier, in either order; whichever comes second links them. Motion photos (Google, Samsung)
// carry their video inside the photo; it is copied out into a hidden video asset of its own.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { addMotionPhotoVideo, findAssetByChecksum, findLivePhotoPartner, linkLivePhoto } from "../../common/assets";
import type { Asset } from "../../common/schema";
import { originalKey } from "../../common/storage";
import { findMotionPhotoVideo } from "../media/motion-photo";
import type { JobContext } from "./context";

// `asset` as just saved, its content identifier included. True when it was linked to its other half.
export async function pairLivePhoto(context: JobContext, asset: Asset): Promise<boolean> {
  if (!asset.contentIdentifier) return false;
  const partner = await findLivePhotoPartner(context.db, asset);
  if (!partner) return false;
  const [photo, video] = asset.type === "IMAGE" ? [asset, partner] : [partner, asset];
  await linkLivePhoto(context.db, photo.id, video.id);
  return true;
}

// The same photo always gets the same video id, so a job that runs again after a crash overwrites
// rather than duplicates.
function motionVideoId(photoId: string): string {
  const hex = createHash("sha1").update(`motion-photo-video:${photoId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function extractMotionPhotoVideo(context: JobContext, photo: Asset, path: string): Promise<void> {
  if (photo.livePhotoVideoId) return;
  const photoId = photo.id;
  const range = await findMotionPhotoVideo(path);
  if (!range) return;

  const videoId = motionVideoId(photoId);
  const key = originalKey(videoId, ".mp4");
  const hash = createHash("sha1");
  const source = createReadStream(path, { start: range.offset, end: range.offset + range.length - 1 });
  source.on("data", (chunk) => hash.update(chunk));
  await context.storage.put(key, Readable.toWeb(source) as ReadableStream<Uint8Array>);
  const checksum = hash.digest("base64");

  const existing = await findAssetByChecksum(context.db, photo.ownerId, checksum);
  if (existing && existing.id !== videoId) {
    // The same clip is already in the library (the photo was uploaded twice under other names).
    await context.storage.delete(key);
    await linkLivePhoto(context.db, photoId, existing.id);
    return;
  }
  const baseName = photo.originalFileName.replace(/\.[^.]+$/, "");
  const now = Date.now();
  await addMotionPhotoVideo(context.db, photoId, {
    id: videoId,
    ownerId: photo.ownerId,
    type: "VIDEO",
    originalFileName: `${baseName}.mp4`,
    originalMimeType: "video/mp4",
    originalKey: key,
    checksum,
    fileSizeInByte: range.length,
    fileCreatedAt: photo.fileCreatedAt,
    fileModifiedAt: photo.fileModifiedAt,
    localDateTime: photo.localDateTime,
    visibility: "hidden",
    createdAt: now,
    updatedAt: now,
  });
  context.wake();
}
