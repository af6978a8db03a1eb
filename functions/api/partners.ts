// Partner sharing: a user lets another see their whole library, read-only.
import { z } from "@hono/zod-openapi";
import type { Partner } from "../../common/partners";
import { createRouter, json, route } from "../router";
import { myPartners, shareLibrary, showPartnerInTimeline, stopSharing } from "../services/partners";
import { IdParam, toUserResponse, UserResponse } from "./responses";

const PartnerResponse = UserResponse.extend({ inTimeline: z.boolean() }).openapi("PartnerResponseDto");
const toPartnerResponse = (partner: Partner) => ({ ...toUserResponse(partner.user), inTimeline: partner.inTimeline });

const list = route(
  { permission: "partner.read" },
  {
    method: "get",
    path: "/",
    tags: ["Partners"],
    description: "`shared-by`: the users I share my library with; `shared-with`: the users who share theirs with me.",
    request: { query: z.object({ direction: z.enum(["shared-by", "shared-with"]) }) },
    responses: { 200: json(z.array(PartnerResponse), "Partners") },
  },
);

const Create = z.object({ sharedWithId: z.uuid() }).openapi("PartnerCreateDto");

const create = route(
  { permission: "partner.create" },
  {
    method: "post",
    path: "/",
    tags: ["Partners"],
    request: { body: { content: { "application/json": { schema: Create } } } },
    responses: { 201: json(PartnerResponse, "My library is now shared with this user") },
  },
);

// Immich's older form, with the partner in the path.
const createById = route(
  { permission: "partner.create" },
  {
    method: "post",
    path: "/{id}",
    tags: ["Partners"],
    request: { params: IdParam },
    responses: { 201: json(PartnerResponse, "My library is now shared with this user") },
  },
);

const update = route(
  { permission: "partner.update" },
  {
    method: "put",
    path: "/{id}",
    tags: ["Partners"],
    description: "Whether the library of the partner `id`, who shares with me, shows in my timeline.",
    request: {
      params: IdParam,
      body: {
        content: { "application/json": { schema: z.object({ inTimeline: z.boolean() }).openapi("PartnerUpdateDto") } },
      },
    },
    responses: { 200: json(PartnerResponse, "The partner") },
  },
);

const remove = route(
  { permission: "partner.delete" },
  {
    method: "delete",
    path: "/{id}",
    tags: ["Partners"],
    description: "Stops sharing my library with the user `id`.",
    request: { params: IdParam },
    responses: { 204: { description: "No longer shared" } },
  },
);

export const partnerRoutes = createRouter()
  .openapi(list, async (c) =>
    c.json((await myPartners(c, c.var.auth, c.req.valid("query").direction)).map(toPartnerResponse), 200),
  )
  .openapi(create, async (c) =>
    c.json(toPartnerResponse(await shareLibrary(c, c.var.auth, c.req.valid("json").sharedWithId)), 201),
  )
  .openapi(createById, async (c) =>
    c.json(toPartnerResponse(await shareLibrary(c, c.var.auth, c.req.valid("param").id)), 201),
  )
  .openapi(update, async (c) =>
    c.json(
      toPartnerResponse(
        await showPartnerInTimeline(c, c.var.auth, c.req.valid("param").id, c.req.valid("json").inTimeline),
      ),
      200,
    ),
  )
  .openapi(remove, async (c) => {
    await stopSharing(c, c.var.auth, c.req.valid("param").id);
    return c.body(null, 204);
  });
