// The trash, in Immich's shapes: restore what was deleted, or empty it for good (rules in
// ../services/trash.ts).
import { z } from "@hono/zod-openapi";
import { createRouter, json, route } from "../router";
import { emptyTrash, restoreFromTrash } from "../services/trash";

const Count = z.object({ count: z.number().int() }).openapi("TrashResponseDto");

const restoreAll = route(
  { permission: "asset.delete" },
  { method: "post", path: "/restore", tags: ["Trash"], responses: { 200: json(Count, "How many came back") } },
);

const restoreSome = route(
  { permission: "asset.delete" },
  {
    method: "post",
    path: "/restore/assets",
    tags: ["Trash"],
    request: {
      body: {
        content: {
          "application/json": { schema: z.object({ ids: z.array(z.uuid()).min(1).max(10_000) }).openapi("BulkIdsDto") },
        },
      },
    },
    responses: { 200: json(Count, "How many came back") },
  },
);

const empty = route(
  { permission: "asset.delete" },
  {
    method: "post",
    path: "/empty",
    tags: ["Trash"],
    responses: { 200: json(Count, "How many were deleted for good") },
  },
);

export const trashRoutes = createRouter()
  .openapi(restoreAll, async (c) => c.json({ count: await restoreFromTrash(c, c.var.auth) }, 200))
  .openapi(restoreSome, async (c) =>
    c.json({ count: await restoreFromTrash(c, c.var.auth, c.req.valid("json").ids) }, 200),
  )
  .openapi(empty, async (c) => c.json({ count: await emptyTrash(c, c.var.auth) }, 200));
