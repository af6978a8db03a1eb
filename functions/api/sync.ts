// Immich's /sync: the phone app's stream of changes and its checkpoints (functions/services/sync.ts).
import { z } from "@hono/zod-openapi";
import { connectBoundDatabase } from "../middleware/services";
import { createRouter, json, route } from "../router";
import {
  deleteSyncAcks,
  getSyncAcks,
  openSyncStream,
  setSyncAcks,
  syncEntityTypes,
  syncRequestTypes,
} from "../services/sync";

const SyncEntityType = z.enum(syncEntityTypes).openapi("SyncEntityType");
const SyncRequestType = z.enum(syncRequestTypes).openapi("SyncRequestType");

const stream = route(
  { permission: "sync.stream" },
  {
    method: "post",
    path: "/stream",
    tags: ["Sync"],
    description:
      "JSON lines `{type, data, ack}` of everything that changed since this session's checkpoints, ending with SyncCompleteV1.",
    request: {
      body: {
        content: {
          "application/json": {
            schema: z
              .object({ types: z.array(SyncRequestType), reset: z.boolean().optional() })
              .openapi("SyncStreamDto"),
          },
        },
      },
    },
    // application/jsonlines+json, one `{type, data, ack}` a line.
    responses: { 200: { description: "The changes, as JSON lines" } },
  },
);

const listAcks = route(
  { permission: "syncCheckpoint.read" },
  {
    method: "get",
    path: "/ack",
    tags: ["Sync"],
    responses: {
      200: json(
        z.array(z.object({ type: SyncEntityType, ack: z.string() }).openapi("SyncAckDto")),
        "This session's checkpoints",
      ),
    },
  },
);

const sendAcks = route(
  { permission: "syncCheckpoint.update" },
  {
    method: "post",
    path: "/ack",
    tags: ["Sync"],
    request: {
      body: {
        content: {
          "application/json": {
            schema: z.object({ acks: z.array(z.string().max(200)).max(1000) }).openapi("SyncAckSetDto"),
          },
        },
      },
    },
    responses: { 204: { description: "Checkpoints moved" } },
  },
);

const deleteAcks = route(
  { permission: "syncCheckpoint.delete" },
  {
    method: "delete",
    path: "/ack",
    tags: ["Sync"],
    description: "Forgets this session's checkpoints of `types` (all of them without it): those start over.",
    request: {
      body: {
        content: {
          "application/json": {
            schema: z.object({ types: z.array(SyncEntityType).optional() }).openapi("SyncAckDeleteDto"),
          },
        },
      },
    },
    responses: { 204: { description: "Checkpoints forgotten" } },
  },
);

export const syncRoutes = createRouter()
  .openapi(stream, async (c) => {
    const body = await openSyncStream(c.var.db, () => connectBoundDatabase(c.env), c.var.auth, c.req.valid("json"));
    return new Response(body, {
      headers: { "content-type": "application/jsonlines+json; charset=utf-8", "cache-control": "no-store" },
    });
  })
  .openapi(listAcks, async (c) => c.json(await getSyncAcks(c.var.db, c.var.auth), 200))
  .openapi(sendAcks, async (c) => {
    await setSyncAcks(c.var.db, c.var.auth, c.req.valid("json").acks);
    return c.body(null, 204);
  })
  .openapi(deleteAcks, async (c) => {
    await deleteSyncAcks(c.var.db, c.var.auth, c.req.valid("json").types);
    return c.body(null, 204);
  });
