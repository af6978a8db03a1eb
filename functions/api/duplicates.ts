// Duplicates, in Immich's shapes: the groups of near-identical photos the worker found in one's own
// library (common/duplicates.ts), to review, resolve (keep some, trash the rest) or dismiss.
import { z } from "@hono/zod-openapi";
import type { DuplicateGroup } from "../../common/duplicates";
import { createRouter, json, route } from "../router";
import { dismissGroups, myDuplicateGroups, resolveGroup } from "../services/duplicates";
import { AssetResponse, IdParam, toAssetResponse } from "./responses";

const DuplicateResponse = z
  .object({
    duplicateId: z.string(),
    assets: z.array(AssetResponse.extend({ duplicateId: z.string().nullable() })),
    // The copy Shoebox proposes to keep: the largest picture, then the most metadata, then the largest file.
    suggestedKeepAssetIds: z.array(z.string()),
  })
  .openapi("DuplicateResponseDto");

export function toDuplicateResponse(group: DuplicateGroup): z.infer<typeof DuplicateResponse> {
  return {
    duplicateId: group.duplicateId,
    assets: group.assets.map(({ asset, exif }) => ({
      ...toAssetResponse(asset, exif),
      duplicateId: asset.duplicateId,
    })),
    suggestedKeepAssetIds: [group.suggestedKeepId],
  };
}

const list = route(
  { permission: "duplicate.read" },
  {
    method: "get",
    path: "/",
    tags: ["Duplicates"],
    description: "My groups of near-identical photos and videos, the newest first.",
    responses: { 200: json(z.array(DuplicateResponse), "The groups") },
  },
);

const dismissMany = route(
  { permission: "duplicate.delete" },
  {
    method: "delete",
    path: "/",
    tags: ["Duplicates"],
    description: "Not duplicates: the groups are dissolved, and their assets stay as they are.",
    request: {
      body: {
        content: {
          "application/json": {
            schema: z.object({ ids: z.array(z.uuid()).min(1).max(1000) }).openapi("DuplicateBulkIdsDto"),
          },
        },
      },
    },
    responses: { 204: { description: "The groups were dismissed" } },
  },
);

const dismissOne = route(
  { permission: "duplicate.delete" },
  {
    method: "delete",
    path: "/{id}",
    tags: ["Duplicates"],
    description: "Not duplicates: the group is dissolved, and its assets stay as they are.",
    request: { params: IdParam },
    responses: { 204: { description: "The group was dismissed" } },
  },
);

const Resolution = z.object({ keepAssetIds: z.array(z.uuid()).max(1000) }).openapi("DuplicateResolveDto");

const resolve = route(
  { permission: "duplicate.delete" },
  {
    method: "post",
    path: "/{id}/resolve",
    tags: ["Duplicates"],
    description: "Keeps the given assets of the group and moves the others to the trash; the group is gone.",
    request: { params: IdParam, body: { content: { "application/json": { schema: Resolution } } } },
    responses: {
      200: json(
        z.object({ kept: z.array(z.string()), trashed: z.array(z.string()) }).openapi("DuplicateResolveResponseDto"),
        "What was kept and trashed",
      ),
    },
  },
);

export const duplicateRoutes = createRouter()
  .openapi(list, async (c) => c.json((await myDuplicateGroups(c, c.var.auth)).map(toDuplicateResponse), 200))
  .openapi(dismissMany, async (c) => {
    await dismissGroups(c, c.var.auth, c.req.valid("json").ids);
    return c.body(null, 204);
  })
  .openapi(dismissOne, async (c) => {
    await dismissGroups(c, c.var.auth, [c.req.valid("param").id]);
    return c.body(null, 204);
  })
  .openapi(resolve, async (c) =>
    c.json(await resolveGroup(c, c.var.auth, c.req.valid("param").id, c.req.valid("json").keepAssetIds), 200),
  );
