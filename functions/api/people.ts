// People and faces in Immich's shapes (GET /api/people, PUT /api/people/{id}, POST
// /api/people/{id}/merge, GET /api/faces?id=…, PUT /api/faces/{id}). People are their owner's alone:
// anyone else's person or face answers 404.
import { z } from "@hono/zod-openapi";
import { badRequest } from "../../common/errors";
import { createRouter, json, route } from "../router";
import { assetFaces } from "../services/assets";
import {
  mergePeople,
  mergeSuggestionsFor,
  moveFace,
  myPeople,
  ownPerson,
  personNameMaxLength,
  personThumbnail,
  updatePerson,
} from "../services/people";
import { AssetFaceWithoutPersonResponse, IdParam, PersonResponse, toFaceResponse, toPersonResponse } from "./responses";

const PeopleResponse = z
  .object({
    total: z.number().int(),
    hidden: z.number().int(),
    hasNextPage: z.boolean(),
    people: z.array(PersonResponse),
  })
  .openapi("PeopleResponseDto");

const list = route(
  { permission: "person.read" },
  {
    method: "get",
    path: "/",
    tags: ["People"],
    description:
      "My people who have faces in photos outside the trash: named first, then by how many photos they are in. Hidden ones with `withHidden=true`.",
    request: { query: z.object({ withHidden: z.enum(["true", "false"]).optional() }) },
    responses: { 200: json(PeopleResponse, "The people, with how many there are and how many are hidden") },
  },
);

const get = route(
  { permission: "person.read" },
  {
    method: "get",
    path: "/{id}",
    tags: ["People"],
    request: { params: IdParam },
    responses: { 200: json(PersonResponse, "The person") },
  },
);

const PersonUpdate = z
  .object({
    name: z
      .string()
      .optional()
      .openapi({ description: `At most ${personNameMaxLength} characters, once trimmed; empty for none.` }),
    isHidden: z.boolean().optional(),
    // The face to show them by (a face of theirs).
    featureFaceAssetId: z.uuid().optional(),
  })
  .openapi("PersonUpdateDto");

const update = route(
  { permission: "person.update" },
  {
    method: "put",
    path: "/{id}",
    tags: ["People"],
    request: { params: IdParam, body: { content: { "application/json": { schema: PersonUpdate } } } },
    responses: { 200: json(PersonResponse, "The changed person") },
  },
);

const BulkIdResponse = z
  .array(
    z.object({
      id: z.string(),
      success: z.boolean(),
      error: z.enum(["duplicate", "no_permission", "not_found", "unknown"]).optional(),
    }),
  )
  .openapi("BulkIdResponseDto");

const merge = route(
  { permission: "person.merge" },
  {
    method: "post",
    path: "/{id}/merge",
    tags: ["People"],
    description: "Moves the faces of the people in `ids` to this person, and removes them.",
    request: {
      params: IdParam,
      body: {
        content: {
          "application/json": {
            schema: z.object({ ids: z.array(z.uuid()).min(1).max(1000) }).openapi("MergePersonDto"),
          },
        },
      },
    },
    responses: { 200: json(BulkIdResponse, "What became of each") },
  },
);

const MergeSuggestionsResponse = z
  .object({ people: z.array(PersonResponse.extend({ distance: z.number() })) })
  .openapi("MergeSuggestionsResponseDto");

const suggestions = route(
  { permission: "person.read" },
  {
    method: "get",
    path: "/{id}/merge-suggestions",
    tags: ["People"],
    description:
      "My other people who may be this person (a face of theirs is close to one of this person's), nearest first, " +
      "for me to confirm with POST /api/people/{id}/merge. Shoebox's own, in the spirit of Immich's merge suggestions.",
    request: { params: IdParam },
    responses: {
      200: json(MergeSuggestionsResponse, "The people, each with how close their closest faces are (cosine distance)"),
    },
  },
);

const thumbnail = route(
  { permission: "person.read" },
  {
    method: "get",
    path: "/{id}/thumbnail",
    tags: ["People"],
    request: { params: IdParam },
    responses: { 200: { description: "The person's face, a JPEG 250 pixels square" } },
  },
);

export const peopleRoutes = createRouter()
  .openapi(list, async (c) => {
    const found = await myPeople(c, c.var.auth, { withHidden: c.req.valid("query").withHidden === "true" });
    return c.json(
      { total: found.total, hidden: found.hidden, hasNextPage: false, people: found.people.map(toPersonResponse) },
      200,
    );
  })
  .openapi(get, async (c) => c.json(toPersonResponse(await ownPerson(c, c.var.auth, c.req.valid("param").id)), 200))
  .openapi(update, async (c) => {
    const { name, isHidden, featureFaceAssetId } = c.req.valid("json");
    return c.json(
      toPersonResponse(
        await updatePerson(c, c.var.auth, c.req.valid("param").id, {
          name,
          isHidden,
          featureFaceId: featureFaceAssetId,
        }),
      ),
      200,
    );
  })
  .openapi(merge, async (c) =>
    c.json(await mergePeople(c, c.var.auth, c.req.valid("param").id, c.req.valid("json").ids), 200),
  )
  .openapi(suggestions, async (c) => {
    const found = await mergeSuggestionsFor(c, c.var.auth, c.req.valid("param").id);
    return c.json({ people: found.map(({ person, distance }) => ({ ...toPersonResponse(person), distance })) }, 200);
  })
  // Short-lived: the face shown changes with merges and moves.
  .openapi(
    thumbnail,
    async (c) =>
      new Response(await personThumbnail(c, c.var.auth, c.req.valid("param").id), {
        headers: { "content-type": "image/jpeg", "cache-control": "private, max-age=300" },
      }),
  );

const AssetFaceResponse = AssetFaceWithoutPersonResponse.extend({ person: PersonResponse.nullable() }).openapi(
  "AssetFaceResponseDto",
);

const facesOf = route(
  { permission: "face.read" },
  {
    method: "get",
    path: "/",
    tags: ["Faces"],
    description:
      "The faces found in an asset (`id`), left to right, with their people. Only the asset's owner sees them; others who may see the asset get none.",
    request: { query: z.object({ id: z.uuid() }) },
    responses: { 200: json(z.array(AssetFaceResponse), "The faces") },
  },
);

const reassign = route(
  { permission: "face.update" },
  {
    method: "put",
    path: "/{id}",
    tags: ["Faces"],
    description:
      "Moves a face to another person of mine. As in Immich, `{id}` is the person and the body's `id` the face; " +
      "or `{id}` is the face and the body's `personId` the person.",
    request: {
      params: IdParam,
      body: {
        content: {
          "application/json": {
            schema: z.object({ id: z.uuid().optional(), personId: z.uuid().optional() }).openapi("FaceDto"),
          },
        },
      },
    },
    responses: { 200: json(PersonResponse, "The person the face now belongs to") },
  },
);

export const faceRoutes = createRouter()
  .openapi(facesOf, async (c) => {
    const found = await assetFaces(c, c.var.auth, c.req.valid("query").id);
    return c.json(
      found.map(({ face, person }) => ({ ...toFaceResponse(face), person: person ? toPersonResponse(person) : null })),
      200,
    );
  })
  .openapi(reassign, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    // Immich's two forms of the same call.
    const [faceId, personId] = body.personId ? [id, body.personId] : body.id ? [body.id, id] : [];
    if (!faceId || !personId) throw badRequest("id: the face to move (or personId: the person to move it to)");
    return c.json(toPersonResponse(await moveFace(c, c.var.auth, faceId, personId)), 200);
  });
