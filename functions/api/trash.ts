// The trash: restore what was deleted, or empty it for good. What stays 30 days goes by itself
// (workers/maintenance.ts).
import { z } from "@hono/zod-openapi";
import { deleteAssetsInBatches, restoreAssets } from "../../common/assets";
import { createRouter, json, route } from "../router";
import { nudgeWorker } from "../services/jobs";

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
    request: { body: { content: { "application/json": { schema: z.object({ ids: z.array(z.uuid()).min(1).max(10_000) }).openapi("BulkIdsDto") } } } },
    responses: { 200: json(Count, "How many came back") },
  },
);

const empty = route(
  { permission: "asset.delete" },
  { method: "post", path: "/empty", tags: ["Trash"], responses: { 200: json(Count, "How many were deleted for good") } },
);

export const trashRoutes = createRouter()
  .openapi(restoreAll, async (c) => c.json({ count: await restoreAssets(c.var.db, c.var.auth.user.id) }, 200))
  .openapi(restoreSome, async (c) => c.json({ count: await restoreAssets(c.var.db, c.var.auth.user.id, c.req.valid("json").ids) }, 200))
  .openapi(empty, async (c) => {
    const count = await deleteAssetsInBatches(c.var.db, { ownerId: c.var.auth.user.id, trashedOnly: true });
    if (count) nudgeWorker(c);
    return c.json({ count }, 200);
  });
