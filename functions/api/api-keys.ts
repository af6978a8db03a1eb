// API keys: secrets for scripts and apps, each limited to the permissions it lists.
import { z } from "@hono/zod-openapi";
import type { Auth } from "../../common/access";
import { createApiKey, deleteApiKey, getApiKey, listApiKeys, updateApiKey } from "../../common/credentials";
import { AppError, notFound } from "../../common/errors";
import { grants, permissions, type Permission } from "../../common/permissions";
import type { ApiKey } from "../../common/schema";
import { createRouter, json, route } from "../router";
import { sha256 } from "../../common/server-keys";
import { randomToken } from "../services/auth";
import { IdParam, iso } from "./responses";

const Permissions = z.array(z.enum(permissions)).min(1);

const ApiKeyResponse = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string(), updatedAt: z.string(), permissions: z.array(z.string()) })
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
        content: { "application/json": { schema: z.object({ name: z.string().trim().max(200).optional(), permissions: Permissions }).openapi("APIKeyCreateDto") } },
      },
    },
    responses: { 201: json(z.object({ secret: z.string(), apiKey: ApiKeyResponse }).openapi("APIKeyCreateResponseDto"), "The new key and its secret") },
  },
);

const list = route(
  { permission: "apiKey.read" },
  { method: "get", path: "/", tags: ["API keys"], responses: { 200: json(z.array(ApiKeyResponse), "The user's keys") } },
);

// Any key may read itself, so that a client can check what it holds.
const me = route(
  {},
  { method: "get", path: "/me", tags: ["API keys"], responses: { 200: json(ApiKeyResponse, "The key this request was made with") } },
);

const get = route(
  { permission: "apiKey.read" },
  { method: "get", path: "/{id}", tags: ["API keys"], request: { params: IdParam }, responses: { 200: json(ApiKeyResponse, "The key") } },
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
          "application/json": { schema: z.object({ name: z.string().trim().max(200).optional(), permissions: Permissions.optional() }).openapi("APIKeyUpdateDto") },
        },
      },
    },
    responses: { 200: json(ApiKeyResponse, "The updated key") },
  },
);

const remove = route(
  { permission: "apiKey.delete" },
  { method: "delete", path: "/{id}", tags: ["API keys"], request: { params: IdParam }, responses: { 204: { description: "The key no longer works" } } },
);

// A key cannot hand out more than it holds itself.
function checkGrantable(auth: Auth, wanted: Permission[]): void {
  if (!auth.apiKey) return;
  const held = auth.apiKey.permissions;
  const extra = wanted.filter((p) => !grants(held, p));
  if (extra.length) throw new AppError(403, `This API key cannot grant permissions it does not have: ${extra.join(", ")}`);
}

export const apiKeyRoutes = createRouter()
  .openapi(create, async (c) => {
    const { name, permissions: wanted } = c.req.valid("json");
    checkGrantable(c.var.auth, wanted);
    const secret = randomToken();
    const key = await createApiKey(c.var.db, { userId: c.var.auth.user.id, name: name || "API Key", keyHash: await sha256(secret), permissions: wanted });
    return c.json({ secret, apiKey: toApiKeyResponse(key) }, 201);
  })
  .openapi(list, async (c) => c.json((await listApiKeys(c.var.db, c.var.auth.user.id)).map(toApiKeyResponse), 200))
  .openapi(me, async (c) => {
    const { apiKey, user } = c.var.auth;
    const key = apiKey && (await getApiKey(c.var.db, user.id, apiKey.id));
    if (!key) throw new AppError(403, "This request was not made with an API key");
    return c.json(toApiKeyResponse(key), 200);
  })
  .openapi(get, async (c) => {
    const key = await getApiKey(c.var.db, c.var.auth.user.id, c.req.valid("param").id);
    if (!key) throw notFound("API key not found");
    return c.json(toApiKeyResponse(key), 200);
  })
  .openapi(update, async (c) => {
    const { name, permissions: wanted } = c.req.valid("json");
    if (wanted) checkGrantable(c.var.auth, wanted);
    const key = await updateApiKey(c.var.db, c.var.auth.user.id, c.req.valid("param").id, {
      ...(name ? { name } : {}),
      ...(wanted ? { permissions: wanted } : {}),
    });
    if (!key) throw notFound("API key not found");
    return c.json(toApiKeyResponse(key), 200);
  })
  .openapi(remove, async (c) => {
    if (!(await deleteApiKey(c.var.db, c.var.auth.user.id, c.req.valid("param").id))) throw notFound("API key not found");
    return c.body(null, 204);
  });
