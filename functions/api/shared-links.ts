// Shared links: an unguessable URL that shows an album or hand-picked assets to anyone who has it,
// with an optional password and expiry, and switches for download, upload and metadata.
import { z } from "@hono/zod-openapi";
import { albumRole, readableAssetIds } from "../../common/access";
import { albumAssetList, getAlbum } from "../../common/albums";
import { getAssetsWithExif } from "../../common/assets";
import type { Database } from "../../common/db";
import { AppError, badRequest, notFound } from "../../common/errors";
import type { SharedLink } from "../../common/schema";
import {
  addSharedLinkAssets,
  createSharedLink,
  deleteSharedLink,
  getSharedLink,
  listSharedLinks,
  removeSharedLinkAssets,
  sharedLinkAssetIds,
  updateSharedLink,
  withKey,
  type KeyedSharedLink,
  type SharedLinkChanges,
} from "../../common/shared-links";
import { createRouter, json, publicRoute, route } from "../router";
import { findLinkAccess, linkGrant, randomToken } from "../services/auth";
import { prepareLinkVideos } from "../services/shared-links";
import { hashPassword } from "../services/sign-in";
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
async function toSharedLinkResponse(db: Database, link: KeyedSharedLink, token?: string): Promise<z.infer<typeof SharedLinkResponse>> {
  const stripMetadata = !link.showMetadata;
  const album = link.albumId ? await getAlbum(db, link.albumId) : undefined;
  const assets = album
    ? (await albumAssetList(db, album)).map((a) => toAssetResponse(a, null, { stripMetadata }))
    : (await getAssetsWithExif(db, await sharedLinkAssetIds(db, link.id)))
        .filter((row) => row.asset.deletedAt === null)
        .map((row) => toAssetResponse(row.asset, row.exif, { stripMetadata }));
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
    assets,
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
  request: { query: z.object({ key: z.string().max(200), password: z.string().max(1024).optional(), token: z.string().max(200).optional() }) },
  responses: { 200: json(SharedLinkResponse, "The link's content") },
});

const get = route(
  { permission: "sharedLink.read" },
  { method: "get", path: "/{id}", tags: ["Shared links"], request: { params: IdParam }, responses: { 200: json(SharedLinkResponse, "The link") } },
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
    request: { params: IdParam, body: { content: { "application/json": { schema: z.object(Settings).openapi("SharedLinkEditDto") } } } },
    responses: { 200: json(SharedLinkResponse, "The updated link") },
  },
);

const remove = route(
  { permission: "sharedLink.delete" },
  { method: "delete", path: "/{id}", tags: ["Shared links"], request: { params: IdParam }, responses: { 204: { description: "The link no longer works" } } },
);

const AssetIds = z.object({ assetIds: z.array(z.uuid()).min(1).max(10_000) }).openapi("AssetIdsDto");
const AssetIdsResponse = z
  .array(z.object({ assetId: z.string(), success: z.boolean(), error: z.enum(["duplicate", "no_permission", "not_found"]).optional() }))
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

// The stored form of the link's settings. Hidden metadata forbids downloads: originals carry it.
async function settingsToChanges(hash: (password: string) => Promise<string>, input: SettingsInput, current?: SharedLink): Promise<SharedLinkChanges> {
  const changes: SharedLinkChanges = {};
  if (input.description !== undefined) changes.description = input.description?.trim() || null;
  if (input.password !== undefined) changes.passwordHash = input.password ? await hash(input.password) : null;
  if (input.expiresAt !== undefined) {
    changes.expiresAt = input.expiresAt === null ? null : Date.parse(input.expiresAt);
    if (changes.expiresAt !== null && changes.expiresAt <= Date.now()) throw badRequest("expiresAt: must be in the future");
  }
  if (input.allowUpload !== undefined) changes.allowUpload = input.allowUpload;
  if (input.showMetadata !== undefined) changes.showMetadata = input.showMetadata;
  if (input.allowDownload !== undefined) changes.allowDownload = input.allowDownload;
  const showMetadata = changes.showMetadata ?? current?.showMetadata ?? true;
  if (!showMetadata) changes.allowDownload = false;
  return changes;
}

// One of the asker's own links, with its key.
async function linkOr404(db: Database, secret: string, userId: string, id: string): Promise<KeyedSharedLink> {
  const link = await getSharedLink(db, userId, id);
  if (!link) throw notFound("Shared link not found");
  return withKey(secret, link);
}

export const sharedLinkRoutes = createRouter()
  .openapi(list, async (c) => {
    const links = await listSharedLinks(c.var.db, c.var.auth.user.id, c.req.valid("query").albumId);
    return c.json(await Promise.all(links.map(async (link) => toSharedLinkResponse(c.var.db, await withKey(c.env.INTERNAL_TOKEN, link)))), 200);
  })
  .openapi(me, async (c) => {
    const access = await findLinkAccess(c, c.req.valid("query").key);
    if (!access) throw new AppError(401, "This link is invalid or has expired");
    if (!access.unlocked) throw new AppError(401, "Invalid password");
    const token = access.link.passwordHash ? await linkGrant(access.link) : undefined;
    return c.json(await toSharedLinkResponse(c.var.db, access.link, token), 200);
  })
  .openapi(get, async (c) =>
    c.json(await toSharedLinkResponse(c.var.db, await linkOr404(c.var.db, c.env.INTERNAL_TOKEN, c.var.auth.user.id, c.req.valid("param").id)), 200),
  )
  .openapi(create, async (c) => {
    const { type, albumId, assetIds, ...settings } = c.req.valid("json");
    const { auth } = c.var;
    let shared: string[] = [];
    if (type === "ALBUM") {
      if (!albumId) throw badRequest("albumId: required for an album link");
      if ((await albumRole(c.var.db, auth, albumId)) !== "owner") throw notFound("Album not found");
    } else {
      if (!assetIds?.length) throw badRequest("assetIds: required for a link to hand-picked assets");
      const readable = await readableAssetIds(c.var.db, auth, assetIds);
      if (readable.size !== new Set(assetIds).size) throw notFound("Asset not found");
      shared = [...readable];
    }
    const changes = await settingsToChanges((p) => hashPassword(c.env, p), settings);
    const link = await createSharedLink(
      c.var.db,
      c.env.INTERNAL_TOKEN,
      randomToken(),
      {
        userId: auth.user.id,
        type,
        albumId: type === "ALBUM" ? albumId! : null,
        description: changes.description ?? null,
        passwordHash: changes.passwordHash ?? null,
        expiresAt: changes.expiresAt ?? null,
        allowUpload: changes.allowUpload ?? false,
        allowDownload: changes.allowDownload ?? true,
        showMetadata: changes.showMetadata ?? true,
      },
      shared,
    );
    await prepareLinkVideos(c, link);
    return c.json(await toSharedLinkResponse(c.var.db, link), 201);
  })
  .openapi(update, async (c) => {
    const { id } = c.req.valid("param");
    const current = await linkOr404(c.var.db, c.env.INTERNAL_TOKEN, c.var.auth.user.id, id);
    const changes = await settingsToChanges((p) => hashPassword(c.env, p), c.req.valid("json"), current);
    const link = await updateSharedLink(c.var.db, c.var.auth.user.id, id, changes);
    await prepareLinkVideos(c, link!);
    return c.json(await toSharedLinkResponse(c.var.db, { ...link!, key: current.key }), 200);
  })
  .openapi(remove, async (c) => {
    if (!(await deleteSharedLink(c.var.db, c.var.auth.user.id, c.req.valid("param").id))) throw notFound("Shared link not found");
    return c.body(null, 204);
  })
  .openapi(addAssets, async (c) => {
    const link = await linkOr404(c.var.db, c.env.INTERNAL_TOKEN, c.var.auth.user.id, c.req.valid("param").id);
    if (link.type !== "INDIVIDUAL") throw badRequest("Only a link to hand-picked assets takes assets; add them to the album instead");
    const { assetIds } = c.req.valid("json");
    const [readable, present] = await Promise.all([readableAssetIds(c.var.db, c.var.auth, assetIds), sharedLinkAssetIds(c.var.db, link.id)]);
    const already = new Set(present);
    const results = assetIds.map((assetId) =>
      !readable.has(assetId)
        ? { assetId, success: false, error: "no_permission" as const }
        : already.has(assetId)
          ? { assetId, success: false, error: "duplicate" as const }
          : { assetId, success: true },
    );
    await addSharedLinkAssets(c.var.db, link.id, results.filter((r) => r.success).map((r) => r.assetId));
    await prepareLinkVideos(c, link);
    return c.json(results, 200);
  })
  .openapi(removeAssets, async (c) => {
    const link = await linkOr404(c.var.db, c.env.INTERNAL_TOKEN, c.var.auth.user.id, c.req.valid("param").id);
    if (link.type !== "INDIVIDUAL") throw badRequest("Only a link to hand-picked assets has assets of its own");
    const { assetIds } = c.req.valid("json");
    const present = new Set(await sharedLinkAssetIds(c.var.db, link.id));
    const results = assetIds.map((assetId) => (present.has(assetId) ? { assetId, success: true } : { assetId, success: false, error: "not_found" as const }));
    await removeSharedLinkAssets(c.var.db, link.id, results.filter((r) => r.success).map((r) => r.assetId));
    return c.json(results, 200);
  });
