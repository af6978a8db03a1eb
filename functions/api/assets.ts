// Assets in Immich's shapes (POST /api/assets, GET /api/assets/:id, …): upload, read, edit and delete;
// the rules are the services' (../services/assets.ts, trash.ts, downloads.ts).
import { z } from "@hono/zod-openapi";
import { boundaryOf, parseMultipart } from "../lib/multipart";
import { serveStoredFile } from "../lib/serve-file";
import { createRouter, json, route } from "../router";
import {
  assetDetails,
  assetPicture,
  checkUploads,
  editAssets,
  myAssetStatistics,
  videoPlayback,
  type AssetEdits,
} from "../services/assets";
import { originalFile } from "../services/downloads";
import { deleteForGood, moveToTrash } from "../services/trash";
import { uploadAsset } from "../services/upload";
import {
  AssetResponse,
  AssetStatsQuery,
  AssetStatsResponse,
  IdParam,
  toAssetPeople,
  toAssetResponse,
  toAssetStatsFilter,
} from "./responses";

export const UploadResponse = z
  .object({ id: z.string(), status: z.enum(["created", "duplicate"]) })
  .openapi("AssetMediaResponseDto");

// The body is multipart and streamed by the handler itself, so it is documented, not validated here.
const upload = route(
  { permission: "asset.upload", sharedLink: true },
  {
    method: "post",
    path: "/",
    tags: ["Assets"],
    description:
      "Upload one photo or video as multipart/form-data: the file in `assetData`, with `fileCreatedAt` and `fileModifiedAt`, " +
      "before or after the file. Optional: `filename` (the original name), `duration` (milliseconds, or H:MM:SS.ffffff), " +
      "`isFavorite`, `visibility`, `livePhotoVideoId` (the video of a live photo, uploaded first), `metadata` (JSON, not kept). " +
      "A full quota is refused with 400 `Quota has been exceeded!`, as Immich does. " +
      "An `x-immich-checksum` header (SHA-1, hex or base64) that matches a known asset answers the duplicate without storing the body.",
    request: { headers: z.object({ "x-immich-checksum": z.string().optional() }) },
    responses: {
      200: json(UploadResponse, "The file was already in the library"),
      201: json(UploadResponse, "The file was added"),
    },
  },
  { streamsBody: true },
);

const get = route(
  { permission: "asset.read", sharedLink: true },
  {
    method: "get",
    path: "/{id}",
    tags: ["Assets"],
    request: { params: IdParam },
    responses: { 200: json(AssetResponse, "The asset") },
  },
);

const original = route(
  { permission: "asset.download", sharedLink: true },
  {
    method: "get",
    path: "/{id}/original",
    tags: ["Assets"],
    request: { params: IdParam },
    responses: { 200: { description: "The original file (Range requests are honoured)" } },
  },
);

const thumbnail = route(
  { permission: "asset.view", sharedLink: true },
  {
    method: "get",
    path: "/{id}/thumbnail",
    tags: ["Assets"],
    description:
      "The thumbnail (WebP), the preview (JPEG), or the full-size web copy (JPEG) of a photo browsers cannot show as it is " +
      "(HEIC, TIFF, RAW…); `fullsize` of one they can show redirects to the original, as Immich does.",
    request: {
      params: IdParam,
      query: z.object({
        size: z.enum(["thumbnail", "preview", "fullsize"]).default("thumbnail"),
        // Immich's app adds these; Shoebox keeps no edited versions, and the key only varies the URL.
        edited: z.string().optional().describe("Ignored: Shoebox keeps no edited versions"),
        c: z.string().optional().describe("Ignored: a cache key (the thumbhash) clients add to the URL"),
      }),
    },
    responses: {
      200: { description: "The picture" },
      302: { description: "The original, which browsers show as it is" },
      404: { description: "Not made yet: it is made shortly after upload" },
      422: { description: "Never: the file cannot be displayed (the message says why)" },
    },
  },
);

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

const bulkUploadCheck = route(
  { permission: "asset.upload" },
  {
    method: "post",
    path: "/bulk-upload-check",
    tags: ["Assets"],
    description:
      "Which of these files (by SHA-1, hex or base64) the library already has, so that clients upload only the rest.",
    request: { body: { content: { "application/json": { schema: BulkUploadCheck } } } },
    responses: { 200: json(BulkUploadCheckResult, "One verdict per file") },
  },
);

const CheckExisting = z
  .object({ deviceAssetIds: z.array(z.string()), deviceId: z.string() })
  .openapi("CheckExistingAssetsDto");

// Immich answers this from the device asset ids clients send with each upload; Shoebox keeps none,
// so it knows of none. A client that then uploads a file the library has gets "duplicate", and
// nothing is stored twice.
const exist = route(
  { permission: "asset.upload" },
  {
    method: "post",
    path: "/exist",
    tags: ["Assets"],
    description:
      "Which of a device's asset ids the library has. Shoebox does not keep device asset ids, so it answers none: " +
      "check by checksum with `POST /api/assets/bulk-upload-check` instead.",
    request: { body: { content: { "application/json": { schema: CheckExisting } } } },
    responses: {
      200: json(
        z.object({ existingIds: z.array(z.string()) }).openapi("CheckExistingAssetsResponseDto"),
        "The ids the library has",
      ),
    },
  },
);

const statistics = route(
  { permission: "asset.statistics" },
  {
    method: "get",
    path: "/statistics",
    tags: ["Assets"],
    description:
      "How many photos and videos my library has: without `visibility`, those on the timeline and in the archive; " +
      "outside the trash, or with `isTrashed=true`, in it.",
    request: { query: AssetStatsQuery },
    responses: { 200: json(AssetStatsResponse, "The counts") },
  },
);

const remove = route(
  { permission: "asset.delete" },
  {
    method: "delete",
    path: "/",
    tags: ["Assets"],
    request: {
      body: {
        content: {
          "application/json": {
            schema: z
              .object({ ids: z.array(z.uuid()).min(1).max(1000), force: z.boolean().optional() })
              .openapi("AssetBulkDeleteDto"),
          },
        },
      },
    },
    responses: { 204: { description: "Moved to the trash, or with `force`, deleted for good with their files" } },
  },
);

const playback = route(
  { permission: "asset.view", sharedLink: true },
  {
    method: "get",
    path: "/{id}/video/playback",
    tags: ["Assets"],
    request: { params: IdParam },
    responses: { 200: { description: "The video as browsers can play it (Range requests are honoured)" } },
  },
);

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

const updateMany = route(
  { permission: "asset.update" },
  {
    method: "put",
    path: "/",
    tags: ["Assets"],
    request: {
      body: {
        content: {
          "application/json": {
            schema: z.object({ ids: z.array(z.uuid()).min(1).max(10_000), ...Changes }).openapi("AssetBulkUpdateDto"),
          },
        },
      },
    },
    responses: { 204: { description: "The assets were changed" } },
  },
);

const updateOne = route(
  { permission: "asset.update" },
  {
    method: "put",
    path: "/{id}",
    tags: ["Assets"],
    request: {
      params: IdParam,
      body: { content: { "application/json": { schema: z.object(Changes).openapi("UpdateAssetDto") } } },
    },
    responses: { 200: json(AssetResponse, "The changed asset") },
  },
);

// The API's date taken is Immich's: an ISO date and time with its offset.
function toEdits({
  dateTimeOriginal,
  ...rest
}: { [K in keyof typeof Changes]?: z.infer<(typeof Changes)[K]> }): AssetEdits {
  return { ...rest, ...(dateTimeOriginal ? { dateTaken: { iso: dateTimeOriginal } } : {}) };
}

export const assetRoutes = createRouter()
  .openapi(updateMany, async (c) => {
    const { ids, ...changes } = c.req.valid("json");
    await editAssets(c, c.var.auth, ids, toEdits(changes));
    return c.body(null, 204);
  })
  .openapi(updateOne, async (c) => {
    const { id } = c.req.valid("param");
    await editAssets(c, c.var.auth, [id], toEdits(c.req.valid("json")));
    const { asset, exif } = await assetDetails(c, c.var.auth, id);
    return c.json(toAssetResponse(asset, exif), 200);
  })
  .openapi(bulkUploadCheck, async (c) =>
    c.json({ results: await checkUploads(c, c.var.auth, c.req.valid("json").assets) }, 200),
  )
  .openapi(exist, (c) => c.json({ existingIds: [] }, 200))
  .openapi(statistics, async (c) =>
    c.json(await myAssetStatistics(c, c.var.auth, toAssetStatsFilter(c.req.valid("query"))), 200),
  )
  .openapi(remove, async (c) => {
    const { ids, force } = c.req.valid("json");
    await (force ? deleteForGood : moveToTrash)(c, c.var.auth, ids);
    return c.body(null, 204);
  })
  .openapi(playback, async (c) => {
    const file = await videoPlayback(c, c.var.auth, c.req.valid("param").id);
    return serveStoredFile(c.req.raw, file.storage, file.key, file);
  })
  .openapi(upload, async (c) => {
    const result = await uploadAsset(c, c.var.auth, c.req.raw, (body) =>
      parseMultipart(body, boundaryOf(c.req.header("content-type"))),
    );
    return c.json(result, result.status === "created" ? 201 : 200);
  })
  .openapi(get, async (c) => {
    const { asset, exif, stripMetadata, owned, faces } = await assetDetails(c, c.var.auth, c.req.valid("param").id);
    const response = toAssetResponse(asset, exif, { stripMetadata });
    return c.json(owned ? { ...response, ...toAssetPeople(faces) } : response, 200);
  })
  .openapi(original, async (c) => {
    const file = await originalFile(c, c.var.auth, c.req.valid("param").id);
    return serveStoredFile(c.req.raw, file.storage, file.key, file);
  })
  .openapi(thumbnail, async (c) => {
    const { id } = c.req.valid("param");
    const picture = await assetPicture(c, c.var.auth, id, c.req.valid("query").size);
    if (picture !== "original") return serveStoredFile(c.req.raw, picture.storage, picture.key, picture);
    const original = new URL(c.req.url);
    original.searchParams.delete("size");
    return c.redirect(`/api/assets/${id}/original${original.search}`, 302);
  });
