// Uploads for simple automations: the file as the raw request body, its name in a header. This is
// what an iOS Shortcut's "Get Contents of URL" or Android's HTTP Shortcuts send.
import { z } from "@hono/zod-openapi";
import { badRequest } from "../../common/errors";
import { createRouter, json, route } from "../router";
import { nudgeWorker } from "../services/jobs";
import { acceptUpload, rawUploadParts, uploadOwnerOf } from "../services/upload";

const raw = route(
  { permission: "asset.upload" },
  {
    method: "post",
    path: "/raw",
    tags: ["Uploads"],
    description:
      "Upload one photo or video as the raw body, named by `X-File-Name`; `X-File-Created-At` (ISO 8601) gives its date " +
      "until its metadata is read, else now. Answers like `POST /api/assets`.",
    request: {
      headers: z.object({
        "x-file-name": z.string().trim().min(1, "the file's name, e.g. IMG_0001.HEIC").max(255),
        "x-file-created-at": z.iso.datetime({ offset: true }).optional(),
        "x-immich-checksum": z.string().optional(),
      }),
    },
    responses: {
      200: json(z.object({ id: z.string(), status: z.enum(["created", "duplicate"]) }), "The file was already in the library"),
      201: json(z.object({ id: z.string(), status: z.enum(["created", "duplicate"]) }), "The file was added"),
    },
  },
);

export const uploadRoutes = createRouter().openapi(raw, async (c) => {
  const headers = c.req.valid("header");
  const fileName = headers["x-file-name"].split(/[\\/]/).pop()!;
  if (!fileName) throw badRequest("x-file-name: the file's name, e.g. IMG_0001.HEIC");
  const createdAt = headers["x-file-created-at"] ?? new Date().toISOString();
  const { result, jobs } = await acceptUpload(c.var.db, c.var.storage, c.req.raw, Number(c.env.JOB_MAX_ATTEMPTS), uploadOwnerOf(c.var.auth.user), (body) =>
    rawUploadParts(body, fileName, createdAt),
  );
  if (jobs) nudgeWorker(c);
  return c.json(result, result.status === "created" ? 201 : 200);
});
