// Assets' rules, for the API and the pages alike: who may see an asset and its people, which of its
// pictures to serve, and the edits its owner makes (favorite, archive, date taken, place, text).
import { canReadAsset, ownedAssetIds, type Auth } from "../../common/access";
import {
  assetStatistics,
  cannotBeShown,
  dateTakenOf,
  findAssetsByChecksums,
  getAsset,
  getAssetFile,
  getAssetsWithExif,
  getAssetWithExif,
  setDateTaken,
  setPlace,
  updateAssets,
  updateDescription,
  type AssetStatsFilter,
} from "../../common/assets";
import { AppError, badRequest, notFound } from "../../common/errors";
import { browserShows } from "../../common/media-types";
import type { FaceWithPerson } from "../../common/people";
import type { Asset, Exif } from "../../common/schema";
import type { Storage } from "../../common/storage";
import { atWallClock, dateTakenFromIso, isTimeZone, parseWallClock, type DateTaken } from "../../common/time-zones";
import type { ServiceContext as Ctx } from "./context";
import { queued } from "./jobs";
import { originalOf } from "./libraries";
import { facesShownTo } from "./people";
import { hidesMetadata, playsOnlyCopies, videoNotReadyForLink } from "./shared-links";
import { normalizeChecksum } from "./upload";

// Another person's asset answers as a missing one would.
const assetNotFound = () => notFound("Asset not found");

// The asset, if the asker may see it (theirs, a partner's, in a shared album or link); else a 404.
export async function readableAsset(c: Ctx, auth: Auth, id: string): Promise<Asset> {
  const asset = await getAsset(c.var.db, id);
  if (!asset || !(await canReadAsset(c.var.db, auth, id))) throw assetNotFound();
  return asset;
}

export interface AssetDetails {
  asset: Asset;
  exif: Exif | null;
  // The asker owns it, and so may change it.
  owned: boolean;
  // A link that hides metadata shows neither the camera nor the place.
  stripMetadata: boolean;
  // Whom it shows: for its owner only, as people are their owner's own.
  faces: FaceWithPerson[];
}

export async function assetDetails(c: Ctx, auth: Auth, id: string): Promise<AssetDetails> {
  const found = (await canReadAsset(c.var.db, auth, id)) ? await getAssetWithExif(c.var.db, id) : undefined;
  if (!found) throw assetNotFound();
  const owned = !auth.sharedLink && found.asset.ownerId === auth.user.id;
  return {
    ...found,
    owned,
    stripMetadata: hidesMetadata(auth),
    faces: await facesShownTo(c, auth, found.asset),
  };
}

// The faces found in an asset the asker may see (none unless it is theirs), or a 404.
export async function assetFaces(c: Ctx, auth: Auth, id: string): Promise<FaceWithPerson[]> {
  return facesShownTo(c, auth, await readableAsset(c, auth, id));
}

// Of these ids, all the asker's own (they may change or delete them), or a 404.
export async function ownedAssets(c: Ctx, auth: Auth, ids: string[]): Promise<string[]> {
  const owned = [...(await ownedAssetIds(c.var.db, auth, ids))];
  if (owned.length !== new Set(ids).size) throw assetNotFound();
  return owned;
}

// How many photos and videos the asker has, counted as Immich counts them.
export function myAssetStatistics(c: Ctx, auth: Auth, filter: AssetStatsFilter) {
  return assetStatistics(c.var.db, auth.user.id, filter);
}

// A stored file to answer with, and where it is read from.
export interface ServedFile {
  storage: Storage;
  key: string;
  mimeType: string;
}

// A thumbnail, preview or full-size copy; `original` when the full size is the original itself,
// which browsers show as it is.
export async function assetPicture(
  c: Ctx,
  auth: Auth,
  id: string,
  size: "thumbnail" | "preview" | "fullsize",
): Promise<ServedFile | "original"> {
  const asset = await readableAsset(c, auth, id);
  if (size === "fullsize" && asset.type === "IMAGE" && browserShows(asset.originalMimeType)) return "original";
  // The full-size copy of an asset processed before there were any is its preview, until made.
  const file =
    (await getAssetFile(c.var.db, asset.id, size)) ??
    (size === "fullsize" ? await getAssetFile(c.var.db, asset.id, "preview") : undefined);
  if (file) return { storage: c.var.storage, key: file.key, mimeType: file.mimeType };
  // So that pages stop asking for what will never come.
  if (cannotBeShown(asset)) throw new AppError(422, `This file can't be displayed: ${asset.processingError}`);
  throw notFound("No thumbnail yet: it is made shortly after upload");
}

// A video as browsers play it: its web copy, else the original, except through a link that plays
// only copies (see ./shared-links.ts).
export async function videoPlayback(c: Ctx, auth: Auth, id: string): Promise<ServedFile> {
  const asset = await readableAsset(c, auth, id);
  if (asset.type !== "VIDEO") throw notFound("Video not found");
  if (asset.encodedVideoKey) return { storage: c.var.storage, key: asset.encodedVideoKey, mimeType: "video/mp4" };
  if (auth.sharedLink && playsOnlyCopies(auth.sharedLink)) throw await videoNotReadyForLink(c, asset.id);
  return { ...originalOf(c, asset), mimeType: asset.originalMimeType };
}

// A new date taken: an ISO date and time with its offset (Immich's clients), or a wall-clock time
// as a form gives it ("2018-02-03T04:05", seconds optional) in a zone, or in none (the viewer).
export type DateTakenInput = { iso: string } | { wallClock: string; timeZone: string | null };

export interface AssetEdits {
  isFavorite?: boolean;
  visibility?: "timeline" | "archive" | "locked";
  dateTaken?: DateTakenInput;
  latitude?: number;
  longitude?: number;
  description?: string;
  rating?: number | null;
}

const wallClockPattern = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

// A wall clock and zone as given, checked, with its seconds.
function checkedWallClock({ wallClock, timeZone }: { wallClock: string; timeZone: string | null }) {
  const match = wallClock.match(wallClockPattern);
  if (!match || (timeZone !== null && !isTimeZone(timeZone))) throw badRequest("Enter a date, a time and a time zone.");
  const full = `${match[1]}T${match[2]}:${match[3]}:${match[4] ?? "00"}`;
  if (Number.isNaN(parseWallClock(full))) throw badRequest("That date does not exist.");
  return { wallClock: full, timeZone };
}

// The date an input gives an asset taken at `current`; undefined when it changes nothing.
function newDateTaken(input: DateTakenInput, current: DateTaken): DateTaken | undefined {
  if ("iso" in input) {
    let taken: DateTaken;
    try {
      taken = dateTakenFromIso(input.iso, current.timeZone);
    } catch {
      throw badRequest("dateTimeOriginal: give a date and time with an offset of at most 18 hours");
    }
    const same =
      taken.localDateTime === current.localDateTime &&
      taken.instant === current.instant &&
      taken.timeZone === current.timeZone;
    return same ? undefined : taken;
  }
  // The form sent back as it came changes nothing (its time has no fraction of a second).
  const same =
    input.wallClock === new Date(current.localDateTime).toISOString().slice(0, 19) &&
    input.timeZone === current.timeZone;
  return same ? undefined : atWallClock(input.wallClock, input.timeZone);
}

// The edits, checked; what is wrong is said in the user's words.
function checkedEdits(edits: AssetEdits): AssetEdits {
  const { dateTaken, latitude, longitude } = edits;
  if ((latitude === undefined) !== (longitude === undefined))
    throw badRequest("latitude: give latitude and longitude together");
  if (latitude !== undefined && longitude !== undefined && !(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) {
    throw badRequest("Enter a latitude from -90 to 90 and a longitude from -180 to 180.");
  }
  return dateTaken && "wallClock" in dateTaken ? { ...edits, dateTaken: checkedWallClock(dateTaken) } : edits;
}

// Applies edits to assets the asker owns (all of them, or a 404); a new place is named by the worker.
export async function editAssets(c: Ctx, auth: Auth, ids: string[], edits: AssetEdits): Promise<void> {
  const owned = await ownedAssets(c, auth, ids);
  const { isFavorite, visibility, dateTaken, latitude, longitude, description, rating } = checkedEdits(edits);
  const { db } = c.var;
  await updateAssets(db, owned, {
    ...(isFavorite !== undefined ? { isFavorite } : {}),
    ...(visibility ? { visibility } : {}),
  });
  await updateDescription(db, owned, {
    ...(description !== undefined ? { description } : {}),
    ...(rating !== undefined ? { rating } : {}),
  });
  if (dateTaken) {
    const changes = [];
    for (const { asset, exif } of await getAssetsWithExif(db, owned)) {
      const taken = newDateTaken(dateTaken, dateTakenOf(asset, exif));
      if (taken) changes.push({ assetId: asset.id, taken });
    }
    await setDateTaken(db, changes);
  }
  if (latitude !== undefined && longitude !== undefined) {
    await queued(c, async () => {
      await setPlace(db, owned, latitude, longitude);
      return true;
    });
  }
}

export type UploadVerdict =
  | { id: string; action: "accept" }
  | { id: string; action: "reject"; reason: "unsupported-format" }
  | { id: string; action: "reject"; reason: "duplicate"; assetId: string; isTrashed: boolean };

// Which of these files (by SHA-1, hex or base64) the asker's library already has, so that clients
// upload only the rest.
export async function checkUploads(
  c: Ctx,
  auth: Auth,
  files: Array<{ id: string; checksum: string }>,
): Promise<UploadVerdict[]> {
  const normalized = files.map((file) => ({ id: file.id, checksum: normalizeChecksum(file.checksum) }));
  const known = await findAssetsByChecksums(
    c.var.db,
    auth.user.id,
    normalized.flatMap((file) => (file.checksum ? [file.checksum] : [])),
  );
  const byChecksum = new Map(known.map((asset) => [asset.checksum, asset]));
  return normalized.map(({ id, checksum }): UploadVerdict => {
    if (!checksum) return { id, action: "reject", reason: "unsupported-format" };
    const existing = byChecksum.get(checksum);
    if (!existing) return { id, action: "accept" };
    return { id, action: "reject", reason: "duplicate", assetId: existing.id, isTrashed: existing.deletedAt !== null };
  });
}
