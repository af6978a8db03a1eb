// The sync stream's rows in the shapes of Immich's Sync* schemas (3.1.0), which the phone app's
// generated client parses strictly: every required field present, dates as ISO strings, checksums
// and thumbhashes base64, durations in whole milliseconds.
import { durationMilliseconds } from "../../common/durations";
import type { SyncAlbumLinkRow, SyncAlbumRow, SyncAlbumUserRow } from "../../common/sync/albums";
import type { SyncAssetRow, SyncExifRow } from "../../common/sync/assets";
import type { SyncFaceRow, SyncPartnerRow, SyncPersonRow, SyncUserRow } from "../../common/sync/people";
import type { SyncRemovalRow } from "../../common/sync/removals";
import { avatarColor, iso, isoOrNull } from "../api/responses";
import { chosenAvatarColor } from "./preferences";

export const toSyncAsset = (a: SyncAssetRow) => ({
  id: a.id,
  ownerId: a.ownerId,
  originalFileName: a.originalFileName,
  thumbhash: a.thumbhash,
  checksum: a.checksum,
  fileCreatedAt: iso(a.fileCreatedAt),
  fileModifiedAt: iso(a.fileModifiedAt),
  localDateTime: iso(a.localDateTime),
  createdAt: iso(a.createdAt),
  duration: durationMilliseconds(a.duration),
  type: a.type,
  deletedAt: isoOrNull(a.deletedAt),
  isFavorite: Boolean(a.isFavorite),
  visibility: a.visibility,
  livePhotoVideoId: a.livePhotoVideoId,
  stackId: null,
  libraryId: a.libraryId,
  width: a.width,
  height: a.height,
  isEdited: false,
});

export const toSyncExif = (e: SyncExifRow) => ({
  assetId: e.assetId,
  description: e.description,
  exifImageWidth: e.exifImageWidth,
  exifImageHeight: e.exifImageHeight,
  fileSizeInByte: e.fileSizeInByte,
  orientation: e.orientation,
  dateTimeOriginal: e.dateTimeOriginal,
  modifyDate: iso(e.fileModifiedAt),
  timeZone: e.timeZone,
  latitude: e.latitude,
  longitude: e.longitude,
  projectionType: null,
  city: e.city,
  state: e.state,
  country: e.country,
  make: e.make,
  model: e.model,
  lensModel: e.lensModel,
  fNumber: e.fNumber,
  focalLength: e.focalLength,
  iso: e.iso === null ? null : Math.round(e.iso),
  exposureTime: e.exposureTime,
  profileDescription: null,
  rating: e.rating,
  fps: null,
});

export const toSyncUser = (u: SyncUserRow) => ({
  id: u.id,
  name: u.name,
  email: u.email,
  avatarColor:
    chosenAvatarColor({ preferences: u.preferences ? (JSON.parse(u.preferences) as Record<string, unknown>) : null }) ??
    avatarColor(u.id),
  deletedAt: isoOrNull(u.deletedAt),
  hasProfileImage: false,
  profileChangedAt: iso(u.createdAt),
});

export const toSyncAuthUser = (u: SyncUserRow) => ({
  ...toSyncUser(u),
  isAdmin: Boolean(u.isAdmin),
  oauthId: "",
  pinCode: null,
  quotaSizeInBytes: u.quotaSizeInBytes,
  quotaUsageInBytes: u.quotaUsageInBytes,
  storageLabel: u.storageLabel,
});

export const toSyncPartner = (p: SyncPartnerRow) => ({
  sharedById: p.sharedById,
  sharedWithId: p.sharedWithId,
  inTimeline: Boolean(p.inTimeline),
});

export const toSyncAlbum = (a: SyncAlbumRow) => ({
  id: a.id,
  name: a.name,
  description: a.description,
  createdAt: iso(a.createdAt),
  updatedAt: iso(a.updatedAt),
  thumbnailAssetId: a.thumbnailAssetId,
  isActivityEnabled: false,
  order: a.order,
});

export const toSyncAlbumUser = (u: SyncAlbumUserRow) => ({ albumId: u.albumId, userId: u.userId, role: u.role });
export const toSyncAlbumLink = (l: SyncAlbumLinkRow) => ({ albumId: l.albumId, assetId: l.assetId });

export const toSyncPerson = (p: SyncPersonRow) => ({
  id: p.id,
  ownerId: p.ownerId,
  name: p.name,
  birthDate: null,
  isHidden: Boolean(p.isHidden),
  isFavorite: false,
  color: null,
  faceAssetId: p.faceAssetId,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});

export const toSyncFace = (f: SyncFaceRow) => ({
  id: f.id,
  assetId: f.assetId,
  personId: f.personId,
  imageWidth: f.imageWidth,
  imageHeight: f.imageHeight,
  boundingBoxX1: f.boundingBoxX1,
  boundingBoxY1: f.boundingBoxY1,
  boundingBoxX2: f.boundingBoxX2,
  boundingBoxY2: f.boundingBoxY2,
  sourceType: f.sourceType,
  isVisible: true,
  deletedAt: null,
});

// Removal lines name what went by the ids the app keys it with.
export const removed = {
  user: (r: SyncRemovalRow) => ({ userId: r.entityId }),
  partner: (r: SyncRemovalRow) => ({ sharedById: r.entityId, sharedWithId: r.otherId ?? "" }),
  asset: (r: SyncRemovalRow) => ({ assetId: r.entityId }),
  album: (r: SyncRemovalRow) => ({ albumId: r.entityId }),
  albumUser: (r: SyncRemovalRow) => ({ albumId: r.entityId, userId: r.otherId ?? "" }),
  albumLink: (r: SyncRemovalRow) => ({ albumId: r.entityId, assetId: r.otherId ?? "" }),
  person: (r: SyncRemovalRow) => ({ personId: r.entityId }),
  face: (r: SyncRemovalRow) => ({ assetFaceId: r.entityId }),
};
