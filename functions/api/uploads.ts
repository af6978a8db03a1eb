// Uploads outside the multipart form of POST /api/assets: direct uploads to a signed URL (straight
// into the bucket in S3 mode), and the raw body with its name in a header, which is what an iOS
// Shortcut's "Get Contents of URL" or Android's HTTP Shortcuts send.
import { z } from "@hono/zod-openapi";
import { badRequest } from "../../common/errors";
import { createRouter, json, publicRoute, route } from "../router";
import { UploadResponse } from "./assets";
import { announceUpload, completeDirectUpload, receiveDirectUpload } from "../services/direct-upload";
import { nudgeWorker } from "../services/jobs";
import { inLargeChunks } from "../lib/chunks";
import { safeFileName } from "../../common/file-names";
import { boundaryOf, parseMultipart, type MultipartPart } from "../lib/multipart";
import { formUploadParts, uploadAsset, rawUploadParts, uploadOwnerOf, uploadStore } from "../services/upload";

const DirectUploadTicket = z
  .object({
    uploadId: z.uuid(),
    url: z.string().describe("PUT the file here, as the raw body, before expiresAt"),
    method: z.literal("PUT"),
    headers: z.record(z.string(), z.string()).describe("Headers the PUT must carry as they are"),
    expiresAt: z.string(),
  })
  .openapi("DirectUploadDto");

const announce = route(
  { permission: "asset.upload" },
  {
    method: "post",
    path: "/",
    tags: ["Uploads"],
    description:
      "Start a direct upload: PUT the file to the URL answered, then `POST /api/uploads/{uploadId}/complete`. With S3 storage " +
      "the URL is a presigned PUT to the bucket. A checksum the library already has answers at once as a duplicate.",
    request: {
      body: {
        content: {
          "application/json": {
            schema: z
              .object({
                filename: z.string().trim().min(1).max(255),
                size: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
                checksum: z.string().optional().describe("SHA-1 of the file, hex or base64"),
                contentType: z.string().max(255).optional(),
              })
              .openapi("DirectUploadRequestDto"),
          },
        },
      },
    },
    responses: {
      200: json(UploadResponse, "The library already has a file with this checksum"),
      201: json(DirectUploadTicket, "Where to put the file"),
    },
  },
);

const UploadIdParam = z.object({ uploadId: z.uuid() });

const content = publicRoute(
  {
    method: "put",
    path: "/{uploadId}/content",
    tags: ["Uploads"],
    description:
      "The signed URL of a direct upload on a local volume: the file as the raw body. The signature is the credential.",
    request: {
      params: UploadIdParam,
      query: z.object({
        expires: z.coerce.number().int().positive(),
        signature: z.string().regex(/^[0-9a-f]{64}$/, "the URL's signature"),
      }),
    },
    responses: { 200: json(z.object({ size: z.number().int() }), "The file was stored; now complete the upload") },
  },
  { streamsBody: true },
);

const complete = route(
  { permission: "asset.upload" },
  {
    method: "post",
    path: "/{uploadId}/complete",
    tags: ["Uploads"],
    description: "Check the file put at a direct upload's URL (size, checksum, type) and add it to the library.",
    request: { params: UploadIdParam },
    responses: {
      200: json(UploadResponse, "The file was already in the library"),
      201: json(UploadResponse, "The file was added"),
    },
  },
);

const raw = route(
  { permission: "asset.upload" },
  {
    method: "post",
    path: "/raw",
    tags: ["Uploads"],
    description:
      "Upload one photo or video as the raw body, named by `X-File-Name`, or as the one file of a multipart form (named by " +
      "its part). `X-File-Created-At` (ISO 8601) gives its date until its metadata is read, else now. Answers like `POST /api/assets`.",
    request: {
      headers: z.object({
        "x-file-name": z.string().trim().min(1, "the file's name, e.g. IMG_0001.HEIC").max(255).optional(),
        "x-file-created-at": z.iso.datetime({ offset: true }).optional(),
        "x-immich-checksum": z.string().optional(),
      }),
    },
    responses: {
      200: json(UploadResponse, "The file was already in the library"),
      201: json(UploadResponse, "The file was added"),
    },
  },
  { streamsBody: true },
);

export const uploadRoutes = createRouter()
  .openapi(announce, async (c) => {
    const answer = await announceUpload(uploadStore(c), uploadOwnerOf(c.var.auth.user), c.req.valid("json"), {
      origin: new URL(c.req.url).origin,
      secret: c.env.INTERNAL_TOKEN,
    });
    return "uploadId" in answer ? c.json(answer, 201) : c.json(answer, 200);
  })
  .openapi(content, async (c) => {
    const { uploadId } = c.req.valid("param");
    const body = c.req.raw.body && inLargeChunks(c.req.raw.body);
    const stored = await receiveDirectUpload(
      uploadStore(c),
      uploadId,
      c.req.valid("query"),
      body,
      c.env.INTERNAL_TOKEN,
    );
    return c.json(stored, 200);
  })
  .openapi(complete, async (c) => {
    const result = await completeDirectUpload(
      uploadStore(c),
      uploadOwnerOf(c.var.auth.user),
      c.req.valid("param").uploadId,
    );
    if (result.status === "created") nudgeWorker(c);
    return c.json(result, result.status === "created" ? 201 : 200);
  })
  .openapi(raw, async (c) => {
    const headers = c.req.valid("header");
    const createdAt = headers["x-file-created-at"] ?? new Date().toISOString();
    const contentType = c.req.header("content-type") ?? "";
    const named = headers["x-file-name"] && safeFileName(headers["x-file-name"], "");
    let parts: (body: ReadableStream<Uint8Array>) => AsyncIterable<MultipartPart>;
    if (contentType.toLowerCase().startsWith("multipart/form-data")) {
      const boundary = boundaryOf(contentType);
      parts = (body) => formUploadParts(parseMultipart(body, boundary), createdAt, named);
    } else {
      if (!named) throw badRequest("x-file-name: required: the file's name, e.g. IMG_0001.HEIC");
      parts = (body) => rawUploadParts(inLargeChunks(body), named, createdAt);
    }
    const result = await uploadAsset(c, c.var.auth, c.req.raw, parts);
    return c.json(result, result.status === "created" ? 201 : 200);
  });
