// People and faces in Immich's shapes (GET /api/people, PUT /api/people/{id}, POST
// /api/people/{id}/merge, GET /api/faces?id=…, PUT /api/faces/{id}). People are their owner's alone:
// anyone else's person or face answers 404.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { canReadAsset, type Auth } from "../../common/access";
import { getAsset } from "../../common/assets";
import type { Database } from "../../common/db";
import { AppError, badRequest, notFound } from "../../common/errors";
import { defaults } from "../../common/config";
import { assignFaces, facesOfAsset, getFace, getPerson, listPeople, mergePeople, mergeSuggestions, ownedPeople, personThumbnailFace, updatePerson, type PersonChanges } from "../../common/people";
import type { Person } from "../../common/schema";
import type { AppEnv } from "../env";
import { createRouter, json, route } from "../router";
import { AssetFaceWithoutPersonResponse, IdParam, PersonResponse, toFaceResponse, toPersonResponse } from "./responses";

const PeopleResponse = z
  .object({ total: z.number().int(), hidden: z.number().int(), hasNextPage: z.boolean(), people: z.array(PersonResponse) })
  .openapi("PeopleResponseDto");

const list = route({ permission: "person.read" }, {
  method: "get",
  path: "/",
  tags: ["People"],
  description: "My people who have faces in photos outside the trash: named first, then by how many photos they are in. Hidden ones with `withHidden=true`.",
  request: { query: z.object({ withHidden: z.enum(["true", "false"]).optional() }) },
  responses: { 200: json(PeopleResponse, "The people, with how many there are and how many are hidden") },
});

const get = route({ permission: "person.read" }, {
  method: "get",
  path: "/{id}",
  tags: ["People"],
  request: { params: IdParam },
  responses: { 200: json(PersonResponse, "The person") },
});

const PersonUpdate = z
  .object({
    name: z.string().max(200).optional(),
    isHidden: z.boolean().optional(),
    // The face to show them by (a face of theirs).
    featureFaceAssetId: z.uuid().optional(),
  })
  .openapi("PersonUpdateDto");

const update = route({ permission: "person.update" }, {
  method: "put",
  path: "/{id}",
  tags: ["People"],
  request: { params: IdParam, body: { content: { "application/json": { schema: PersonUpdate } } } },
  responses: { 200: json(PersonResponse, "The changed person") },
});

const BulkIdResponse = z
  .array(z.object({ id: z.string(), success: z.boolean(), error: z.enum(["duplicate", "no_permission", "not_found", "unknown"]).optional() }))
  .openapi("BulkIdResponseDto");

const merge = route({ permission: "person.merge" }, {
  method: "post",
  path: "/{id}/merge",
  tags: ["People"],
  description: "Moves the faces of the people in `ids` to this person, and removes them.",
  request: { params: IdParam, body: { content: { "application/json": { schema: z.object({ ids: z.array(z.uuid()).min(1).max(1000) }).openapi("MergePersonDto") } } } },
  responses: { 200: json(BulkIdResponse, "What became of each") },
});

const MergeSuggestionsResponse = z
  .object({ people: z.array(PersonResponse.extend({ distance: z.number() })) })
  .openapi("MergeSuggestionsResponseDto");

const suggestions = route({ permission: "person.read" }, {
  method: "get",
  path: "/{id}/merge-suggestions",
  tags: ["People"],
  description:
    "My other people who may be this person (a face of theirs is close to one of this person's), nearest first, " +
    "for me to confirm with POST /api/people/{id}/merge. Shoebox's own, in the spirit of Immich's merge suggestions.",
  request: { params: IdParam },
  responses: { 200: json(MergeSuggestionsResponse, "The people, each with how close their closest faces are (cosine distance)") },
});

const thumbnail = route({ permission: "person.read" }, {
  method: "get",
  path: "/{id}/thumbnail",
  tags: ["People"],
  request: { params: IdParam },
  responses: { 200: { description: "The person's face, a JPEG 250 pixels square" } },
});

async function ownPerson(db: Database, auth: Auth, id: string): Promise<Person> {
  const person = auth.sharedLink ? undefined : await getPerson(db, auth.user.id, id);
  if (!person) throw notFound("Person not found");
  return person;
}

// The face cut from its preview by the worker (workerd has no image library).
async function faceThumbnail<E extends AppEnv>(c: Context<E>, person: Person): Promise<Response> {
  const found = await personThumbnailFace(c.var.db, person);
  if (!found) throw notFound("This person has no face to show");
  const preview = await c.var.storage.get(found.previewKey);
  if (!preview) throw notFound("The preview is missing from storage");
  const { face } = found;
  const query = new URLSearchParams({ x1: String(face.boundingBoxX1), y1: String(face.boundingBoxY1), x2: String(face.boundingBoxX2), y2: String(face.boundingBoxY2) });
  const response = await c.env.WORKER.fetch(`http://worker/internal/faces/crop?${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${c.env.INTERNAL_TOKEN}`, "content-type": "image/jpeg" },
    body: await new Response(preview.body).arrayBuffer(),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new AppError(503, "The face could not be cut out of its photo");
  }
  // Short-lived: the face shown changes with merges and moves.
  return new Response(response.body, { status: 200, headers: { "content-type": "image/jpeg", "cache-control": "private, max-age=300" } });
}

export const peopleRoutes = createRouter()
  .openapi(list, async (c) => {
    const found = await listPeople(c.var.db, c.var.auth.user.id, { withHidden: c.req.valid("query").withHidden === "true" });
    return c.json({ total: found.total, hidden: found.hidden, hasNextPage: false, people: found.people.map(toPersonResponse) }, 200);
  })
  .openapi(get, async (c) => c.json(toPersonResponse(await ownPerson(c.var.db, c.var.auth, c.req.valid("param").id)), 200))
  .openapi(update, async (c) => {
    const person = await ownPerson(c.var.db, c.var.auth, c.req.valid("param").id);
    const { name, isHidden, featureFaceAssetId } = c.req.valid("json");
    const changes: PersonChanges = {};
    if (name !== undefined) changes.name = name.trim();
    if (isHidden !== undefined) changes.isHidden = isHidden;
    if (featureFaceAssetId !== undefined) {
      const face = await getFace(c.var.db, featureFaceAssetId);
      if (!face || face.personId !== person.id) throw badRequest("featureFaceAssetId: a face of this person");
      changes.faceAssetId = face.id;
    }
    if (Object.keys(changes).length) await updatePerson(c.var.db, person.id, changes);
    return c.json(toPersonResponse((await getPerson(c.var.db, person.ownerId, person.id))!), 200);
  })
  .openapi(merge, async (c) => {
    const keep = await ownPerson(c.var.db, c.var.auth, c.req.valid("param").id);
    const ids = c.req.valid("json").ids;
    const others = (await ownedPeople(c.var.db, keep.ownerId, ids)).filter((p) => p.id !== keep.id);
    await mergePeople(c.var.db, keep, others);
    const merged = new Set(others.map((p) => p.id));
    const results = ids.map((id) =>
      merged.has(id) ? { id, success: true } : { id, success: false, error: id === keep.id ? ("duplicate" as const) : ("not_found" as const) },
    );
    return c.json(results, 200);
  })
  .openapi(suggestions, async (c) => {
    const person = await ownPerson(c.var.db, c.var.auth, c.req.valid("param").id);
    const found = await mergeSuggestions(c.var.db, person, defaults.mergeSuggestionDistance);
    return c.json({ people: found.map(({ person: other, distance }) => ({ ...toPersonResponse(other), distance })) }, 200);
  })
  .openapi(thumbnail, async (c) => faceThumbnail(c, await ownPerson(c.var.db, c.var.auth, c.req.valid("param").id)));

const AssetFaceResponse = AssetFaceWithoutPersonResponse.extend({ person: PersonResponse.nullable() }).openapi("AssetFaceResponseDto");

const facesOf = route({ permission: "face.read" }, {
  method: "get",
  path: "/",
  tags: ["Faces"],
  description: "The faces found in an asset (`id`), left to right, with their people. Only the asset's owner sees them; others who may see the asset get none.",
  request: { query: z.object({ id: z.uuid() }) },
  responses: { 200: json(z.array(AssetFaceResponse), "The faces") },
});

const reassign = route({ permission: "face.update" }, {
  method: "put",
  path: "/{id}",
  tags: ["Faces"],
  description:
    "Moves a face to another person of mine. As in Immich, `{id}` is the person and the body's `id` the face; " +
    "or `{id}` is the face and the body's `personId` the person.",
  request: {
    params: IdParam,
    body: { content: { "application/json": { schema: z.object({ id: z.uuid().optional(), personId: z.uuid().optional() }).openapi("FaceDto") } } },
  },
  responses: { 200: json(PersonResponse, "The person the face now belongs to") },
});

export const faceRoutes = createRouter()
  .openapi(facesOf, async (c) => {
    const { auth } = c.var;
    const { id } = c.req.valid("query");
    const asset = await getAsset(c.var.db, id);
    if (!asset || !(await canReadAsset(c.var.db, auth, id))) throw notFound("Asset not found");
    if (auth.sharedLink || asset.ownerId !== auth.user.id) return c.json([], 200);
    const found = await facesOfAsset(c.var.db, id);
    return c.json(found.map(({ face, person }) => ({ ...toFaceResponse(face), person: person ? toPersonResponse(person) : null })), 200);
  })
  .openapi(reassign, async (c) => {
    const { auth } = c.var;
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const [faceId, personId] = body.personId ? [id, body.personId] : body.id ? [body.id, id] : [];
    if (!faceId || !personId) throw badRequest("id: the face to move (or personId: the person to move it to)");
    const face = await getFace(c.var.db, faceId);
    if (!face || auth.sharedLink || face.ownerId !== auth.user.id) throw notFound("Face not found");
    const person = await ownPerson(c.var.db, auth, personId);
    await assignFaces(c.var.db, [face.id], person.id);
    return c.json(toPersonResponse((await getPerson(c.var.db, person.ownerId, person.id))!), 200);
  });
