// Response shapes several domains share, in Immich's names.
import { z } from "@hono/zod-openapi";
import type { AssetStatsFilter } from "../../common/assets";
import type { FaceWithPerson } from "../../common/people";
import type { Asset, Exif, Person, User } from "../../common/schema";
import { avatarColors, chosenAvatarColor, type AvatarColor } from "../services/preferences";

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export const UserResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    profileImagePath: z.string(),
    avatarColor: z.enum(avatarColors),
    profileChangedAt: z.string(),
  })
  .openapi("UserResponseDto");

export const UserAdminResponse = UserResponse.extend({
  storageLabel: z.string().nullable(),
  shouldChangePassword: z.boolean(),
  isAdmin: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
  oauthId: z.string(),
  quotaSizeInBytes: z.number().int().nullable(),
  quotaUsageInBytes: z.number().int(),
  status: z.enum(["active", "deleted", "removing"]),
  license: z.null(),
}).openapi("UserAdminResponseDto");

// A colour per user that stays the same across sessions and devices, unless they chose one.
export function avatarColor(id: string): AvatarColor {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return avatarColors[hash % avatarColors.length]!;
}

export function toUserResponse(user: User): z.infer<typeof UserResponse> {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    profileImagePath: "",
    avatarColor: chosenAvatarColor(user) ?? avatarColor(user.id),
    profileChangedAt: iso(user.createdAt),
  };
}

export function toUserAdminResponse(user: User): z.infer<typeof UserAdminResponse> {
  return {
    ...toUserResponse(user),
    storageLabel: user.storageLabel,
    shouldChangePassword: user.shouldChangePassword,
    isAdmin: user.isAdmin,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
    deletedAt: isoOrNull(user.deletedAt),
    oauthId: "",
    quotaSizeInBytes: user.quotaSizeInBytes,
    quotaUsageInBytes: user.quotaUsageInBytes,
    status: user.status,
    license: null,
  };
}

export const IdParam = z.object({ id: z.uuid() });

const visibilities = ["timeline", "archive", "hidden", "locked"] as const;

export const AssetStatsResponse = z
  .object({ images: z.number().int(), videos: z.number().int(), total: z.number().int() })
  .openapi("AssetStatsResponseDto");

export const AssetStatsQuery = z.object({
  visibility: z.enum(visibilities).optional(),
  isFavorite: z.enum(["true", "false"]).optional(),
  isTrashed: z.enum(["true", "false"]).optional(),
});

export function toAssetStatsFilter(query: z.infer<typeof AssetStatsQuery>): AssetStatsFilter {
  const flag = (value?: "true" | "false") => (value === undefined ? undefined : value === "true");
  return { visibility: query.visibility, isFavorite: flag(query.isFavorite), isTrashed: flag(query.isTrashed) };
}

export const ExifResponse = z
  .object({
    make: z.string().nullable(),
    model: z.string().nullable(),
    lensModel: z.string().nullable(),
    fNumber: z.number().nullable(),
    focalLength: z.number().nullable(),
    iso: z.number().nullable(),
    exposureTime: z.string().nullable(),
    dateTimeOriginal: z.string().nullable(),
    timeZone: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    city: z.string().nullable(),
    state: z.string().nullable(),
    country: z.string().nullable(),
    orientation: z.string().nullable(),
    exifImageWidth: z.number().nullable(),
    exifImageHeight: z.number().nullable(),
    fileSizeInByte: z.number().nullable(),
    description: z.string().nullable(),
    rating: z.number().nullable(),
  })
  .openapi("ExifResponseDto");

export const PersonResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    birthDate: z.string().nullable(),
    // Where the person's picture is: GET it with the same credentials.
    thumbnailPath: z.string(),
    isHidden: z.boolean(),
    isFavorite: z.boolean(),
    updatedAt: z.string(),
  })
  .openapi("PersonResponseDto");

export function toPersonResponse(person: Person): z.infer<typeof PersonResponse> {
  return {
    id: person.id,
    name: person.name,
    birthDate: null,
    thumbnailPath: `/api/people/${person.id}/thumbnail`,
    isHidden: person.isHidden,
    isFavorite: false,
    updatedAt: iso(person.updatedAt),
  };
}

// A face's box is in pixels of an image of imageWidth × imageHeight (the preview it was found on).
export const AssetFaceWithoutPersonResponse = z
  .object({
    id: z.string(),
    imageWidth: z.number().int(),
    imageHeight: z.number().int(),
    boundingBoxX1: z.number().int(),
    boundingBoxY1: z.number().int(),
    boundingBoxX2: z.number().int(),
    boundingBoxY2: z.number().int(),
    sourceType: z.enum(["machine-learning", "exif", "manual"]),
  })
  .openapi("AssetFaceWithoutPersonResponseDto");

export function toFaceResponse(face: FaceWithPerson["face"]): z.infer<typeof AssetFaceWithoutPersonResponse> {
  return {
    id: face.id,
    imageWidth: face.imageWidth,
    imageHeight: face.imageHeight,
    boundingBoxX1: face.boundingBoxX1,
    boundingBoxY1: face.boundingBoxY1,
    boundingBoxX2: face.boundingBoxX2,
    boundingBoxY2: face.boundingBoxY2,
    sourceType: face.sourceType,
  };
}

export const PersonWithFacesResponse = PersonResponse.extend({
  faces: z.array(AssetFaceWithoutPersonResponse),
}).openapi("PersonWithFacesResponseDto");

// The people in an asset, each with their faces in it, and the faces of nobody yet.
export function toAssetPeople(found: FaceWithPerson[]): {
  people: z.infer<typeof PersonWithFacesResponse>[];
  unassignedFaces: z.infer<typeof AssetFaceWithoutPersonResponse>[];
} {
  const byPerson = new Map<string, z.infer<typeof PersonWithFacesResponse>>();
  const unassignedFaces: z.infer<typeof AssetFaceWithoutPersonResponse>[] = [];
  for (const { face, person } of found) {
    if (!person) {
      unassignedFaces.push(toFaceResponse(face));
      continue;
    }
    const entry = byPerson.get(person.id) ?? { ...toPersonResponse(person), faces: [] };
    entry.faces.push(toFaceResponse(face));
    byPerson.set(person.id, entry);
  }
  return { people: [...byPerson.values()], unassignedFaces };
}

export const AssetResponse = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    type: z.enum(["IMAGE", "VIDEO"]),
    originalFileName: z.string(),
    originalMimeType: z.string(),
    fileCreatedAt: z.string(),
    fileModifiedAt: z.string(),
    localDateTime: z.string(),
    updatedAt: z.string(),
    duration: z.string(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    checksum: z.string(),
    thumbhash: z.string().nullable(),
    isFavorite: z.boolean(),
    isArchived: z.boolean(),
    isTrashed: z.boolean(),
    visibility: z.enum(visibilities),
    livePhotoVideoId: z.string().nullable(),
    // The external library of the file, and whether the file was gone at its last scan.
    libraryId: z.string().nullable(),
    isOffline: z.boolean(),
    // Shoebox's own: why processing this asset failed for good, if it did.
    processingError: z.string().nullable(),
    hasMetadata: z.boolean(),
    // Absent when a shared link hides metadata.
    exifInfo: ExifResponse.optional(),
    // The people in it, for its owner only (GET /api/assets/{id}).
    people: z.array(PersonWithFacesResponse).optional(),
    unassignedFaces: z.array(AssetFaceWithoutPersonResponse).optional(),
  })
  .openapi("AssetResponseDto");

// A shared link that hides metadata shows no camera, place or file name (stripMetadata).
export function toAssetResponse(
  asset: Asset,
  exif: Exif | null,
  options: { stripMetadata?: boolean } = {},
): z.infer<typeof AssetResponse> {
  const base = {
    id: asset.id,
    ownerId: asset.ownerId,
    type: asset.type,
    originalMimeType: asset.originalMimeType,
    fileCreatedAt: iso(asset.fileCreatedAt),
    fileModifiedAt: iso(asset.fileModifiedAt),
    localDateTime: iso(asset.localDateTime),
    updatedAt: iso(asset.updatedAt),
    duration: asset.duration ?? "0:00:00.00000",
    width: asset.width,
    height: asset.height,
    checksum: asset.checksum,
    thumbhash: asset.thumbhash,
    isFavorite: asset.isFavorite,
    isArchived: asset.visibility === "archive",
    isTrashed: asset.deletedAt !== null,
    visibility: asset.visibility,
    livePhotoVideoId: asset.livePhotoVideoId,
    libraryId: asset.libraryId,
    isOffline: asset.isOffline,
    processingError: asset.processingError,
  };
  if (options.stripMetadata) {
    return {
      ...base,
      originalFileName: `${asset.id}${asset.originalFileName.match(/\.[^.]*$/)?.[0] ?? ""}`,
      hasMetadata: false,
    };
  }
  return {
    ...base,
    originalFileName: asset.originalFileName,
    hasMetadata: true,
    exifInfo: {
      make: exif?.make ?? null,
      model: exif?.model ?? null,
      lensModel: exif?.lensModel ?? null,
      fNumber: exif?.fNumber ?? null,
      focalLength: exif?.focalLength ?? null,
      iso: exif?.iso ?? null,
      exposureTime: exif?.exposureTime ?? null,
      dateTimeOriginal: exif?.dateTimeOriginal ?? null,
      timeZone: exif?.timeZone ?? null,
      latitude: exif?.latitude ?? null,
      longitude: exif?.longitude ?? null,
      city: exif?.city ?? null,
      state: exif?.state ?? null,
      country: exif?.country ?? null,
      orientation: exif?.orientation ?? null,
      exifImageWidth: exif?.exifImageWidth ?? null,
      exifImageHeight: exif?.exifImageHeight ?? null,
      fileSizeInByte: asset.fileSizeInByte,
      description: exif?.description ?? null,
      rating: exif?.rating ?? null,
    },
  };
}
