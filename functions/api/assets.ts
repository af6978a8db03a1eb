// Assets: upload and read, in Immich's shapes (POST /api/assets, GET /api/assets/:id, …).
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { canReadAsset, ownedAssetIds, type Auth } from "../../common/access";
import { addAssetsToAlbum } from "../../common/albums";
import { addSharedLinkAssets } from "../../common/shared-links";
import {
  assetStatistics,
  cannotBeShown,
  deleteAssets,
  findAssetsByChecksums,
  getAsset,
  dateTakenOf,
  getAssetFile,
  getAssetsWithExif,
  getAssetWithExif,
  setDateTaken,
  setPlace,
  trashAssets,
  updateAssets,
  updateDescription,
} from "../../common/assets";
import type { Database } from "../../common/db";
import { browserShows } from "../../common/media-types";
import { dateTakenFromIso, type DateTaken } from "../../common/time-zones";
import { AppError, badRequest, notFound } from "../../common/errors";
import { boundaryOf, parseMultipart } from "../lib/multipart";
import { serveStoredFile } from "../lib/serve-file";
import type { AppEnv } from "../env";
import { createRouter, json, route } from "../router";
import { nudgeWorker } from "../services/jobs";
import { originalOf } from "../services/libraries";
import { playsOnlyCopies, videoNotReadyForLink } from "../services/shared-links";
import { acceptUpload, normalizeChecksum, uploadOwnerOf, uploadStore } from "../services/upload";
import { facesOfAsset } from "../../common/people";
import { AssetResponse, AssetStatsQuery, AssetStatsResponse, IdParam, toAssetPeople, toAssetResponse, toAssetStatsFilter } from "./responses";

export const UploadResponse = z.object({ id: z.string(), status: z.enum(["created", "duplicate"]) }).openapi("AssetMediaResponseDto");

// The body is multipart and streamed by the handler itself, so it is documented, not validated here.
const upload = route({ permission: "asset.upload", sharedLink: true }, {
  method: "post",
  path: "/",
  tags: ["Assets"],
  description:
    "Upload one photo or video as multipart/form-data: the file in `assetData`, with `fileCreatedAt` and `fileModifiedAt`. " +
    "An `x-immich-checksum` header (SHA-1, hex or base64) that matches a known asset answers the duplicate without storing the body.",
  request: { headers: z.object({ "x-immich-checksum": z.string().optional() }) },
  responses: {
    200: json(UploadResponse, "The file was already in the library"),
    201: json(UploadResponse, "The file was added"),
  },
}, { streamsBody: true });

const get = route({ permission: "asset.read", sharedLink: true }, {
  method: "get",
  path: "/{id}",
  tags: ["Assets"],
  request: { params: IdParam },
  responses: { 200: json(AssetResponse, "The asset") },
});

const original = route({ permission: "asset.download", sharedLink: true }, {
  method: "get",
  path: "/{id}/original",
  tags: ["Assets"],
  request: { params: IdParam },
  responses: { 200: { description: "The original file (Range requests are honoured)" } },
});

const thumbnail = route({ permission: "asset.view", sharedLink: true }, {
  method: "get",
  path: "/{id}/thumbnail",
  tags: ["Assets"],
  description:
    "The thumbnail (WebP), the preview (JPEG), or the full-size web copy (JPEG) of a photo browsers cannot show as it is " +
    "(HEIC, TIFF, RAW…); `fullsize` of one they can show redirects to the original, as Immich does.",
  request: { params: IdParam, query: z.object({ size: z.enum(["thumbnail", "preview", "fullsize"]).default("thumbnail") }) },
  responses: {
    200: { description: "The picture" },
    302: { description: "The original, which browsers show as it is" },
    404: { description: "Not made yet: it is made shortly after upload" },
    422: { description: "Never: the file cannot be displayed (the message says why)" },
  },
});

const BulkUploadCheck = z
  .object({ assets: z.array(z.object({ id: z.string(), checksum: z.string() })).max(5000) })
  .openapi("AssetBulkUploadCheckDto");

const BulkUploadCheckResult = z
  .object({
    results: z.array(
      z.object({
        id: z.string(),
        action: z.enum(["accept", "reject"]),
        reason: z.enum(["duplicate", "unsupported-format"]).optional(),
        assetId: z.string().optional(),
        isTrashed: z.boolean().optional(),
      }),
    ),
  })
  .openapi("AssetBulkUploadCheckResponseDto");

const bulkUploadCheck = route({ permission: "asset.upload" }, {
  method: "post",
  path: "/bulk-upload-check",
  tags: ["Assets"],
  description: "Which of these files (by SHA-1, hex or base64) the library already has, so that clients upload only the rest.",
  request: { body: { content: { "application/json": { schema: BulkUploadCheck } } } },
  responses: { 200: json(BulkUploadCheckResult, "One verdict per file") },
});

const CheckExisting = z.object({ deviceAssetIds: z.array(z.string()), deviceId: z.string() }).openapi("CheckExistingAssetsDto");

// Immich answers this from the device asset ids clients send with each upload; Shoebox keeps none,
// so it knows of none. A client that then uploads a file the library has gets "duplicate", and
// nothing is stored twice.
const exist = route({ permission: "asset.upload" }, {
  method: "post",
  path: "/exist",
  tags: ["Assets"],
  description:
    "Which of a device's asset ids the library has. Shoebox does not keep device asset ids, so it answers none: " +
    "check by checksum with `POST /api/assets/bulk-upload-check` instead.",
  request: { body: { content: { "application/json": { schema: CheckExisting } } } },
  responses: { 200: json(z.object({ existingIds: z.array(z.string()) }).openapi("CheckExistingAssetsResponseDto"), "The ids the library has") },
});

const statistics = route({ permission: "asset.statistics" }, {
  method: "get",
  path: "/statistics",
  tags: ["Assets"],
  description:
    "How many photos and videos my library has: without `visibility`, those on the timeline and in the archive; " +
    "outside the trash, or with `isTrashed=true`, in it.",
  request: { query: AssetStatsQuery },
  responses: { 200: json(AssetStatsResponse, "The counts") },
});

const remove = route({ permission: "asset.delete" }, {
  method: "delete",
  path: "/",
  tags: ["Assets"],
  request: {
    body: {
      content: {
        "application/json": { schema: z.object({ ids: z.array(z.uuid()).min(1).max(1000), force: z.boolean().optional() }).openapi("AssetBulkDeleteDto") },
      },
    },
  },
  responses: { 204: { description: "Moved to the trash, or with `force`, deleted for good with their files" } },
});

const playback = route({ permission: "asset.view", sharedLink: true }, {
  method: "get",
  path: "/{id}/video/playback",
  tags: ["Assets"],
  request: { params: IdParam },
  responses: { 200: { description: "The video as browsers can play it (Range requests are honoured)" } },
});

const Changes = {
  isFavorite: z.boolean().optional(),
  visibility: z.enum(["timeline", "archive", "locked"]).optional(),
  // The date taken, as a wall-clock time with its offset: "2021-06-05T14:30:00+02:00" (see
  // dateTakenFromIso for the zone it puts the photo in).
  dateTimeOriginal: z.iso
    .datetime({ offset: true, local: false })
    .optional()
    .openapi({
      description:
        "The date taken with its offset. The photo keeps its time zone when the offset is that zone's at the new time, " +
        "else takes the offset as its zone; a time in UTC (`Z`) keeps the photo's zone.",
    }),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  description: z.string().max(10_000).optional(),
  rating: z.number().int().min(-1).max(5).nullable().optional(),
};

const updateMany = route({ permission: "asset.update" }, {
  method: "put",
  path: "/",
  tags: ["Assets"],
  request: {
    body: { content: { "application/json": { schema: z.object({ ids: z.array(z.uuid()).min(1).max(10_000), ...Changes }).openapi("AssetBulkUpdateDto") } } },
  },
  responses: { 204: { description: "The assets were changed" } },
});

const updateOne = route({ permission: "asset.update" }, {
  method: "put",
  path: "/{id}",
  tags: ["Assets"],
  request: { params: IdParam, body: { content: { "application/json": { schema: z.object(Changes).openapi("UpdateAssetDto") } } } },
  responses: { 200: json(AssetResponse, "The changed asset") },
});

type ChangeInput = { [K in keyof typeof Changes]?: z.infer<(typeof Changes)[K]> };

// Applies edits to assets the asker owns (all of them, or a 404).
async function applyChanges<E extends AppEnv>(c: Context<E>, auth: Auth, ids: string[], changes: ChangeInput): Promise<void> {
  const owned = [...(await ownedAssetIds(c.var.db, auth, ids))];
  if (owned.length !== new Set(ids).size) throw notFound("Asset not found");
  const { isFavorite, visibility, dateTimeOriginal, latitude, longitude, description, rating } = changes;
  if ((latitude === undefined) !== (longitude === undefined)) throw badRequest("latitude: give latitude and longitude together");
  await updateAssets(c.var.db, owned, { ...(isFavorite !== undefined ? { isFavorite } : {}), ...(visibility ? { visibility } : {}) });
  await updateDescription(c.var.db, owned, { ...(description !== undefined ? { description } : {}), ...(rating !== undefined ? { rating } : {}) });
  if (dateTimeOriginal) await setDateTaken(c.var.db, await dateChanges(c.var.db, owned, dateTimeOriginal));
  if (latitude !== undefined && longitude !== undefined) {
    await setPlace(c.var.db, owned, latitude, longitude);
    nudgeWorker(c);
  }
}

// The new date taken of each asset whose date or zone it changes.
async function dateChanges(db: Database, ids: string[], dateTimeOriginal: string) {
  const changes = [];
  for (const { asset, exif } of await getAssetsWithExif(db, ids)) {
    const current = dateTakenOf(asset, exif);
    let taken: DateTaken;
    try {
      taken = dateTakenFromIso(dateTimeOriginal, current.timeZone);
    } catch {
      throw badRequest("dateTimeOriginal: give a date and time with an offset of at most 18 hours");
    }
    const same = taken.localDateTime === current.localDateTime && taken.instant === current.instant && taken.timeZone === current.timeZone;
    if (!same) changes.push({ assetId: asset.id, taken });
  }
  return changes;
}

// The asset, if the asker may see it; otherwise a 404, whether it exists or not.
async function readableAsset(db: Database, auth: Auth, id: string) {
  const asset = await getAsset(db, id);
  if (!asset || !(await canReadAsset(db, auth, id))) throw notFound("Asset not found");
  return asset;
}

// Where an upload goes: the asker's library, or, through a link that allows it, the link owner's.
function uploadOwner(auth: Auth) {
  if (auth.sharedLink && !auth.sharedLink.allowUpload) throw new AppError(403, "This link does not allow uploads");
  return uploadOwnerOf(auth.user);
}

// An upload through a link lands in what the link shares, so that its visitors see it.
async function addToSharedLink(db: Database, auth: Auth, assetId: string): Promise<void> {
  const link = auth.sharedLink;
  if (!link) return;
  if (link.albumId) await addAssetsToAlbum(db, link.albumId, [assetId], new Set([assetId]));
  else await addSharedLinkAssets(db, link.id, [assetId]);
}

export const assetRoutes = createRouter()
  .openapi(updateMany, async (c) => {
    const { ids, ...changes } = c.req.valid("json");
    await applyChanges(c, c.var.auth, ids, changes);
    return c.body(null, 204);
  })
  .openapi(updateOne, async (c) => {
    const { id } = c.req.valid("param");
    await applyChanges(c, c.var.auth, [id], c.req.valid("json"));
    const found = await getAssetWithExif(c.var.db, id);
    if (!found) throw notFound("Asset not found");
    return c.json(toAssetResponse(found.asset, found.exif), 200);
  })
  .openapi(bulkUploadCheck, async (c) => {
    const { assets } = c.req.valid("json");
    const normalized = assets.map((a) => ({ id: a.id, checksum: normalizeChecksum(a.checksum) }));
    const known = await findAssetsByChecksums(
      c.var.db,
      c.var.auth.user.id,
      normalized.flatMap((a) => (a.checksum ? [a.checksum] : [])),
    );
    const byChecksum = new Map(known.map((a) => [a.checksum, a]));
    const results = normalized.map(({ id, checksum }) => {
      if (!checksum) return { id, action: "reject" as const, reason: "unsupported-format" as const };
      const existing = byChecksum.get(checksum);
      if (!existing) return { id, action: "accept" as const };
      return { id, action: "reject" as const, reason: "duplicate" as const, assetId: existing.id, isTrashed: existing.deletedAt !== null };
    });
    return c.json({ results }, 200);
  })
  .openapi(exist, (c) => c.json({ existingIds: [] }, 200))
  .openapi(statistics, async (c) => c.json(await assetStatistics(c.var.db, c.var.auth.user.id, toAssetStatsFilter(c.req.valid("query"))), 200))
  .openapi(remove, async (c) => {
    const { ids, force } = c.req.valid("json");
    const owned = [...(await ownedAssetIds(c.var.db, c.var.auth, ids))];
    if (owned.length !== new Set(ids).size) throw notFound("Asset not found");
    if (force) {
      if (await deleteAssets(c.var.db, owned)) nudgeWorker(c);
    } else {
      await trashAssets(c.var.db, owned);
    }
    return c.body(null, 204);
  })
  .openapi(playback, async (c) => {
    const { sharedLink } = c.var.auth;
    const asset = await readableAsset(c.var.db, c.var.auth, c.req.valid("param").id);
    if (asset.type !== "VIDEO") throw notFound("Video not found");
    if (asset.encodedVideoKey) return serveStoredFile(c.req.raw, c.var.storage, asset.encodedVideoKey, { mimeType: "video/mp4" });
    if (sharedLink && playsOnlyCopies(sharedLink)) throw await videoNotReadyForLink(c, asset.id);
    const { storage, key } = originalOf(c, asset);
    return serveStoredFile(c.req.raw, storage, key, { mimeType: asset.originalMimeType });
  })
  .openapi(upload, async (c) => {
    const { auth } = c.var;
    const { result, jobs } = await acceptUpload(uploadStore(c), uploadOwner(auth), c.req.raw, (body) =>
      parseMultipart(body, boundaryOf(c.req.header("content-type"))),
    );
    await addToSharedLink(c.var.db, auth, result.id);
    if (jobs) nudgeWorker(c);
    return c.json(result, result.status === "created" ? 201 : 200);
  })
  .openapi(get, async (c) => {
    const { auth } = c.var;
    const { id } = c.req.valid("param");
    const found = (await canReadAsset(c.var.db, auth, id)) ? await getAssetWithExif(c.var.db, id) : undefined;
    if (!found) throw notFound("Asset not found");
    const stripMetadata = auth.sharedLink ? !auth.sharedLink.showMetadata : false;
    const response = toAssetResponse(found.asset, found.exif, { stripMetadata });
    // People are their owner's own: others who may see the photo do not see whom it shows.
    const ownerAsks = !auth.sharedLink && found.asset.ownerId === auth.user.id;
    return c.json(ownerAsks ? { ...response, ...toAssetPeople(await facesOfAsset(c.var.db, id)) } : response, 200);
  })
  .openapi(original, async (c) => {
    const { auth } = c.var;
    if (auth.sharedLink && !auth.sharedLink.allowDownload) throw new AppError(403, "This link does not allow downloads");
    const asset = await readableAsset(c.var.db, auth, c.req.valid("param").id);
    const { storage, key } = originalOf(c, asset);
    return serveStoredFile(c.req.raw, storage, key, {
      mimeType: asset.originalMimeType,
      downloadName: asset.originalFileName,
    });
  })
  .openapi(thumbnail, async (c) => {
    const asset = await readableAsset(c.var.db, c.var.auth, c.req.valid("param").id);
    const { size } = c.req.valid("query");
    if (size === "fullsize" && asset.type === "IMAGE" && browserShows(asset.originalMimeType)) {
      const original = new URL(c.req.url);
      original.pathname = `/api/assets/${asset.id}/original`;
      original.searchParams.delete("size");
      return c.redirect(`${original.pathname}${original.search}`, 302);
    }
    // The full-size copy of an asset processed before there were any is its preview, until made.
    const file = (await getAssetFile(c.var.db, asset.id, size)) ?? (size === "fullsize" ? await getAssetFile(c.var.db, asset.id, "preview") : undefined);
    if (file) return serveStoredFile(c.req.raw, c.var.storage, file.key, { mimeType: file.mimeType });
    // So that pages stop asking for what will never come.
    if (cannotBeShown(asset)) throw new AppError(422, `This file can't be displayed: ${asset.processingError}`);
    throw notFound("No thumbnail yet: it is made shortly after upload");
  });
