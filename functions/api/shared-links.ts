// Shared links: an unguessable URL that shows an album or hand-picked assets to anyone who has it,
// with an optional password and expiry, and switches for download, upload and metadata.
import { z } from "@hono/zod-openapi";
import { AppError } from "../../common/errors";
import type { KeyedSharedLink } from "../../common/shared-links";
import type { ServiceContext as Ctx } from "../services/context";
import { createRouter, json, publicRoute, route } from "../router";
import { findLinkAccess, linkGrant } from "../services/auth";
import {
  addLinkAssets,
  createLink,
  deleteLink,
  hidesMetadata,
  linkContents,
  listLinks,
  ownLink,
  removeLinkAssets,
  updateLink,
  type LinkContents,
  type LinkSettings,
} from "../services/shared-links";
import { toAlbumResponse } from "./albums";
import { AssetResponse, IdParam, iso, isoOrNull, toAssetResponse } from "./responses";

const SharedLinkResponse = z
  .object({
    id: z.string(),
    userId: z.string(),
    key: z.string(),
    type: z.enum(["ALBUM", "INDIVIDUAL"]),
    description: z.string().nullable(),
    // Whether the link has a password; the password itself is never shown.
    password: z.string().nullable(),
    token: z.string().nullable().optional(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    allowUpload: z.boolean(),
    allowDownload: z.boolean(),
    showMetadata: z.boolean(),
    album: z.unknown().optional(),
    assets: z.array(AssetResponse),
  })
  .openapi("SharedLinkResponseDto");

// What the link shows, as its visitors are allowed to see it.
function toSharedLinkResponse(
  { link, visitor, album, assets }: LinkContents,
  token?: string,
): z.infer<typeof SharedLinkResponse> {
  const stripMetadata = hidesMetadata(visitor);
  return {
    id: link.id,
    userId: link.userId,
    key: link.key,
    type: link.type,
    description: link.description,
    password: link.passwordHash ? "********" : null,
    ...(token !== undefined ? { token } : {}),
    createdAt: iso(link.createdAt),
    expiresAt: isoOrNull(link.expiresAt),
    allowUpload: link.allowUpload,
    allowDownload: link.allowDownload,
    showMetadata: link.showMetadata,
    ...(album ? { album: toAlbumResponse(album) } : {}),
    assets: assets.map((row) => toAssetResponse(row.asset, row.exif, { stripMetadata })),
  };
}

const Settings = {
  description: z.string().max(2000).nullable().optional(),
  password: z.string().max(1024).nullable().optional(),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  allowUpload: z.boolean().optional(),
  allowDownload: z.boolean().optional(),
  showMetadata: z.boolean().optional(),
};

const Create = z
  .object({
    type: z.enum(["ALBUM", "INDIVIDUAL"]),
    albumId: z.uuid().optional(),
    assetIds: z.array(z.uuid()).max(10_000).optional(),
    ...Settings,
  })
  .openapi("SharedLinkCreateDto");

const list = route(
  { permission: "sharedLink.read" },
  {
    method: "get",
    path: "/",
    tags: ["Shared links"],
    request: { query: z.object({ albumId: z.uuid().optional() }) },
    responses: { 200: json(z.array(SharedLinkResponse), "My links") },
  },
);

const me = publicRoute({
  method: "get",
  path: "/me",
  tags: ["Shared links"],
  description:
    "What a link shows, for its visitor. A link with a password answers 401 until `password` is right; then `token` (also set as a cookie) opens it without the password.",
  request: {
    query: z.object({
      key: z.string().max(200),
      password: z.string().max(1024).optional(),
      token: z.string().max(200).optional(),
    }),
  },
  responses: { 200: json(SharedLinkResponse, "The link's content") },
});

const get = route(
  { permission: "sharedLink.read" },
  {
    method: "get",
    path: "/{id}",
    tags: ["Shared links"],
    request: { params: IdParam },
    responses: { 200: json(SharedLinkResponse, "The link") },
  },
);

const create = route(
  { permission: "sharedLink.create" },
  {
    method: "post",
    path: "/",
    tags: ["Shared links"],
    description: "A link that hides metadata never allows downloading originals, which carry it.",
    request: { body: { content: { "application/json": { schema: Create } } } },
    responses: { 201: json(SharedLinkResponse, "The new link") },
  },
);

const update = route(
  { permission: "sharedLink.update" },
  {
    method: "patch",
    path: "/{id}",
    tags: ["Shared links"],
    request: {
      params: IdParam,
      body: { content: { "application/json": { schema: z.object(Settings).openapi("SharedLinkEditDto") } } },
    },
    responses: { 200: json(SharedLinkResponse, "The updated link") },
  },
);

const remove = route(
  { permission: "sharedLink.delete" },
  {
    method: "delete",
    path: "/{id}",
    tags: ["Shared links"],
    request: { params: IdParam },
    responses: { 204: { description: "The link no longer works" } },
  },
);

const AssetIds = z.object({ assetIds: z.array(z.uuid()).min(1).max(10_000) }).openapi("AssetIdsDto");
const AssetIdsResponse = z
  .array(
    z.object({
      assetId: z.string(),
      success: z.boolean(),
      error: z.enum(["duplicate", "no_permission", "not_found"]).optional(),
    }),
  )
  .openapi("AssetIdsResponseDto");

const addAssets = route(
  { permission: "sharedLink.update" },
  {
    method: "put",
    path: "/{id}/assets",
    tags: ["Shared links"],
    request: { params: IdParam, body: { content: { "application/json": { schema: AssetIds } } } },
    responses: { 200: json(AssetIdsResponse, "What became of each asset") },
  },
);

const removeAssets = route(
  { permission: "sharedLink.update" },
  {
    method: "delete",
    path: "/{id}/assets",
    tags: ["Shared links"],
    request: { params: IdParam, body: { content: { "application/json": { schema: AssetIds } } } },
    responses: { 200: json(AssetIdsResponse, "What became of each asset") },
  },
);

type SettingsInput = { [K in keyof typeof Settings]?: z.infer<(typeof Settings)[K]> };

// The settings as the service takes them: times in milliseconds.
function settingsOf({ expiresAt, ...rest }: SettingsInput): LinkSettings {
  return {
    ...rest,
    ...(expiresAt !== undefined ? { expiresAt: expiresAt === null ? null : Date.parse(expiresAt) } : {}),
  };
}

const respond = async (c: Ctx, link: KeyedSharedLink) => toSharedLinkResponse(await linkContents(c, link));

export const sharedLinkRoutes = createRouter()
  .openapi(list, async (c) => {
    const links = await listLinks(c, c.var.auth, c.req.valid("query").albumId);
    return c.json(await Promise.all(links.map((link) => respond(c, link))), 200);
  })
  .openapi(me, async (c) => {
    const access = await findLinkAccess(c, c.req.valid("query").key);
    if (!access) throw new AppError(401, "This link is invalid or has expired");
    if (!access.unlocked) throw new AppError(401, "Invalid password");
    const token = access.link.passwordHash ? await linkGrant(access.link) : undefined;
    return c.json(toSharedLinkResponse(await linkContents(c, access.link), token), 200);
  })
  .openapi(get, async (c) => c.json(await respond(c, await ownLink(c, c.var.auth, c.req.valid("param").id)), 200))
  .openapi(create, async (c) => {
    const { type, albumId, assetIds, ...settings } = c.req.valid("json");
    const link = await createLink(c, c.var.auth, { type, albumId, assetIds, ...settingsOf(settings) });
    return c.json(await respond(c, link), 201);
  })
  .openapi(update, async (c) => {
    const link = await updateLink(c, c.var.auth, c.req.valid("param").id, settingsOf(c.req.valid("json")));
    return c.json(await respond(c, link), 200);
  })
  .openapi(remove, async (c) => {
    await deleteLink(c, c.var.auth, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(addAssets, async (c) =>
    c.json(await addLinkAssets(c, c.var.auth, c.req.valid("param").id, c.req.valid("json").assetIds), 200),
  )
  .openapi(removeAssets, async (c) =>
    c.json(await removeLinkAssets(c, c.var.auth, c.req.valid("param").id, c.req.valid("json").assetIds), 200),
  );
