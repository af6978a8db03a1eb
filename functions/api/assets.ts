// Assets: upload and read, in Immich's shapes (POST /api/assets, GET /api/assets/:id, …).
import { createRoute, z } from "@hono/zod-openapi";
import {
  deleteAssets,
  findAssetByChecksum,
  findAssetsByChecksums,
  getAsset,
  getAssetFile,
  getAssetWithExif,
  trashAssets,
} from "../../common/assets";
import { badRequest, notFound } from "../../common/errors";
import type { Asset, Exif } from "../../common/schema";
import { boundaryOf } from "../lib/multipart";
import { serveStoredFile } from "../lib/serve-file";
import { createRouter, json } from "../router";
import { nudgeWorker } from "../services/jobs";
import { normalizeChecksum, receiveUpload } from "../services/upload";

const IdParam = z.object({ id: z.uuid() });

const UploadResponse = z.object({ id: z.string(), status: z.enum(["created", "duplicate"]) }).openapi("AssetMediaResponseDto");

const ExifResponse = z
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

const AssetResponse = z
  .object({
    id: z.string(),
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
    visibility: z.enum(["timeline", "archive", "hidden", "locked"]),
    livePhotoVideoId: z.string().nullable(),
    // Shoebox's own: why processing this asset failed for good, if it did.
    processingError: z.string().nullable(),
    exifInfo: ExifResponse,
  })
  .openapi("AssetResponseDto");

function toAssetResponse(asset: Asset, exif: Exif | null): z.infer<typeof AssetResponse> {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: asset.id,
    type: asset.type,
    originalFileName: asset.originalFileName,
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
    processingError: asset.processingError,
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

// The body is multipart and streamed by the handler itself, so it is documented, not validated here.
const upload = createRoute({
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
});

const get = createRoute({
  method: "get",
  path: "/{id}",
  tags: ["Assets"],
  request: { params: IdParam },
  responses: { 200: json(AssetResponse, "The asset") },
});

const original = createRoute({
  method: "get",
  path: "/{id}/original",
  tags: ["Assets"],
  request: { params: IdParam },
  responses: { 200: { description: "The original file (Range requests are honoured)" } },
});

const thumbnail = createRoute({
  method: "get",
  path: "/{id}/thumbnail",
  tags: ["Assets"],
  request: { params: IdParam, query: z.object({ size: z.enum(["thumbnail", "preview"]).default("thumbnail") }) },
  responses: { 200: { description: "The thumbnail (WebP) or preview (JPEG)" } },
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

const bulkUploadCheck = createRoute({
  method: "post",
  path: "/bulk-upload-check",
  tags: ["Assets"],
  description: "Which of these files (by SHA-1, hex or base64) the library already has, so that clients upload only the rest.",
  request: { body: { content: { "application/json": { schema: BulkUploadCheck } } } },
  responses: { 200: json(BulkUploadCheckResult, "One verdict per file") },
});

const remove = createRoute({
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

const playback = createRoute({
  method: "get",
  path: "/{id}/video/playback",
  tags: ["Assets"],
  request: { params: IdParam },
  responses: { 200: { description: "The video as browsers can play it (Range requests are honoured)" } },
});

export const assetRoutes = createRouter()
  .openapi(bulkUploadCheck, async (c) => {
    const { assets } = c.req.valid("json");
    const normalized = assets.map((a) => ({ id: a.id, checksum: normalizeChecksum(a.checksum) }));
    const known = await findAssetsByChecksums(
      c.var.db,
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
  .openapi(remove, async (c) => {
    const { ids, force } = c.req.valid("json");
    if (force) {
      if (await deleteAssets(c.var.db, ids, Number(c.env.JOB_MAX_ATTEMPTS))) nudgeWorker(c);
    } else {
      await trashAssets(c.var.db, ids);
    }
    return c.body(null, 204);
  })
  .openapi(playback, async (c) => {
    const asset = await getAsset(c.var.db, c.req.valid("param").id);
    if (!asset || asset.type !== "VIDEO") throw notFound("Video not found");
    const key = asset.encodedVideoKey ?? asset.originalKey;
    return serveStoredFile(c.req.raw, c.var.storage, key, { mimeType: asset.encodedVideoKey ? "video/mp4" : asset.originalMimeType });
  })
  .openapi(upload, async (c) => {
    const announced = c.req.valid("header")["x-immich-checksum"];
    if (announced) {
      const checksum = normalizeChecksum(announced);
      if (!checksum) throw badRequest("x-immich-checksum: expected a SHA-1 as 40 hex digits or base64");
      const existing = await findAssetByChecksum(c.var.db, checksum);
      if (existing) {
        await c.req.raw.body?.cancel();
        return c.json({ id: existing.id, status: "duplicate" as const }, 200);
      }
    }
    const body = c.req.raw.body;
    if (!body) throw badRequest("assetData: required");
    const { result, jobs } = await receiveUpload(
      c.var.db,
      c.var.storage,
      body,
      boundaryOf(c.req.header("content-type")),
      Number(c.env.JOB_MAX_ATTEMPTS),
    );
    if (jobs) nudgeWorker(c);
    return c.json(result, result.status === "created" ? 201 : 200);
  })
  .openapi(get, async (c) => {
    const found = await getAssetWithExif(c.var.db, c.req.valid("param").id);
    if (!found) throw notFound("Asset not found");
    return c.json(toAssetResponse(found.asset, found.exif), 200);
  })
  .openapi(original, async (c) => {
    const asset = await getAsset(c.var.db, c.req.valid("param").id);
    if (!asset) throw notFound("Asset not found");
    return serveStoredFile(c.req.raw, c.var.storage, asset.originalKey, {
      mimeType: asset.originalMimeType,
      downloadName: asset.originalFileName,
    });
  })
  .openapi(thumbnail, async (c) => {
    const { id } = c.req.valid("param");
    const file = await getAssetFile(c.var.db, id, c.req.valid("query").size);
    if (!file) throw notFound("No thumbnail yet: it is made shortly after upload");
    return serveStoredFile(c.req.raw, c.var.storage, file.key, { mimeType: file.mimeType });
  });
