// API keys: secrets for scripts and apps, each limited to the permissions it lists.
import { z } from "@hono/zod-openapi";
import { permissions } from "../../common/permissions";
import type { ApiKey } from "../../common/schema";
import { createRouter, json, route } from "../router";
import { createKey, deleteKey, keyInUse, myKey, myKeys, updateKey } from "../services/api-keys";
import { IdParam, iso } from "./responses";

const Permissions = z.array(z.enum(permissions)).min(1);

const ApiKeyResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    permissions: z.array(z.string()),
  })
  .openapi("APIKeyResponseDto");

const toApiKeyResponse = (key: ApiKey): z.infer<typeof ApiKeyResponse> => ({
  id: key.id,
  name: key.name,
  createdAt: iso(key.createdAt),
  updatedAt: iso(key.updatedAt),
  permissions: key.permissions,
});

const create = route(
  { permission: "apiKey.create" },
  {
    method: "post",
    path: "/",
    tags: ["API keys"],
    description: "The secret is shown once, in this answer; only its hash is kept.",
    request: {
      body: {
        content: {
          "application/json": {
            schema: z
              .object({ name: z.string().trim().max(200).optional(), permissions: Permissions })
              .openapi("APIKeyCreateDto"),
          },
        },
      },
    },
    responses: {
      201: json(
        z.object({ secret: z.string(), apiKey: ApiKeyResponse }).openapi("APIKeyCreateResponseDto"),
        "The new key and its secret",
      ),
    },
  },
);

const list = route(
  { permission: "apiKey.read" },
  {
    method: "get",
    path: "/",
    tags: ["API keys"],
    responses: { 200: json(z.array(ApiKeyResponse), "The user's keys") },
  },
);

// Any key may read itself, so that a client can check what it holds.
const me = route(
  {},
  {
    method: "get",
    path: "/me",
    tags: ["API keys"],
    responses: { 200: json(ApiKeyResponse, "The key this request was made with") },
  },
);

const get = route(
  { permission: "apiKey.read" },
  {
    method: "get",
    path: "/{id}",
    tags: ["API keys"],
    request: { params: IdParam },
    responses: { 200: json(ApiKeyResponse, "The key") },
  },
);

const update = route(
  { permission: "apiKey.update" },
  {
    method: "put",
    path: "/{id}",
    tags: ["API keys"],
    request: {
      params: IdParam,
      body: {
        content: {
          "application/json": {
            schema: z
              .object({ name: z.string().trim().max(200).optional(), permissions: Permissions.optional() })
              .openapi("APIKeyUpdateDto"),
          },
        },
      },
    },
    responses: { 200: json(ApiKeyResponse, "The updated key") },
  },
);

const remove = route(
  { permission: "apiKey.delete" },
  {
    method: "delete",
    path: "/{id}",
    tags: ["API keys"],
    request: { params: IdParam },
    responses: { 204: { description: "The key no longer works" } },
  },
);

export const apiKeyRoutes = createRouter()
  .openapi(create, async (c) => {
    const { secret, apiKey } = await createKey(c, c.var.auth, c.req.valid("json"));
    return c.json({ secret, apiKey: toApiKeyResponse(apiKey) }, 201);
  })
  .openapi(list, async (c) => c.json((await myKeys(c, c.var.auth)).map(toApiKeyResponse), 200))
  .openapi(me, async (c) => c.json(toApiKeyResponse(await keyInUse(c, c.var.auth)), 200))
  .openapi(get, async (c) => c.json(toApiKeyResponse(await myKey(c, c.var.auth, c.req.valid("param").id)), 200))
  .openapi(update, async (c) =>
    c.json(toApiKeyResponse(await updateKey(c, c.var.auth, c.req.valid("param").id, c.req.valid("json"))), 200),
  )
  .openapi(remove, async (c) => {
    await deleteKey(c, c.var.auth, c.req.valid("param").id);
    return c.body(null, 204);
  });
