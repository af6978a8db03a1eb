// Albums in Immich's shapes: one's own and those shared with one, with their members and assets.
import { z } from "@hono/zod-openapi";
import { albumRole, ownedAssetIds, readableAssetIds, type AlbumRole, type Auth } from "../../common/access";
import {
  addAlbumUsers,
  addAssetsToAlbum,
  albumAssetList,
  albumIdsWithAsset,
  createAlbum,
  deleteAlbum,
  getAlbum,
  listAlbums,
  removeAlbumUser,
  removeAssetsFromAlbum,
  setAlbumUserRole,
  updateAlbum,
  type AlbumSummary,
} from "../../common/albums";
import type { Database } from "../../common/db";
import { AppError, badRequest, notFound } from "../../common/errors";
import { getActiveUser } from "../../common/users";
import { createRouter, json, route } from "../router";
import { AssetResponse, IdParam, iso, toAssetResponse, toUserResponse, UserResponse } from "./responses";

const Role = z.enum(["editor", "viewer"]);

const AlbumResponse = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    owner: UserResponse,
    albumName: z.string(),
    description: z.string(),
    albumThumbnailAssetId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    assetCount: z.number().int(),
    startDate: z.string().optional(),
    endDate: z.string().optional(),
    shared: z.boolean(),
    hasSharedLink: z.boolean(),
    isActivityEnabled: z.boolean(),
    order: z.enum(["asc", "desc"]),
    albumUsers: z.array(z.object({ user: UserResponse, role: Role })),
    assets: z.array(AssetResponse),
  })
  .openapi("AlbumResponseDto");

export function toAlbumResponse(album: AlbumSummary, assets: z.infer<typeof AssetResponse>[] = []): z.infer<typeof AlbumResponse> {
  return {
    id: album.id,
    ownerId: album.ownerId,
    owner: toUserResponse(album.owner),
    albumName: album.albumName,
    description: album.description,
    albumThumbnailAssetId: album.albumThumbnailAssetId,
    createdAt: iso(album.createdAt),
    updatedAt: iso(album.updatedAt),
    assetCount: album.assetCount,
    ...(album.startDate !== null ? { startDate: iso(album.startDate) } : {}),
    ...(album.endDate !== null ? { endDate: iso(album.endDate) } : {}),
    shared: album.albumUsers.length > 0 || album.hasSharedLink,
    hasSharedLink: album.hasSharedLink,
    isActivityEnabled: false,
    order: album.order,
    albumUsers: album.albumUsers.map((m) => ({ user: toUserResponse(m.user), role: m.role })),
    assets,
  };
}

const Ids = z.object({ ids: z.array(z.uuid()).min(1).max(10_000) }).openapi("BulkIdsDto");
const BulkIdResponse = z
  .array(z.object({ id: z.string(), success: z.boolean(), error: z.enum(["duplicate", "not_found", "no_permission"]).optional() }))
  .openapi("BulkIdResponseDto");
const AlbumUsers = z.array(z.object({ userId: z.uuid(), role: Role.default("editor") })).max(100);

const list = route(
  { permission: "album.read" },
  {
    method: "get",
    path: "/",
    tags: ["Albums"],
    description: "Albums I own and albums shared with me. `shared=true`: only shared ones; `shared=false`: my albums nobody else sees.",
    request: { query: z.object({ shared: z.enum(["true", "false"]).optional(), assetId: z.uuid().optional() }) },
    responses: { 200: json(z.array(AlbumResponse), "Albums") },
  },
);

const create = route(
  { permission: "album.create" },
  {
    method: "post",
    path: "/",
    tags: ["Albums"],
    request: {
      body: {
        content: {
          "application/json": {
            schema: z
              .object({
                albumName: z.string().trim().min(1).max(200),
                description: z.string().max(2000).optional(),
                assetIds: z.array(z.uuid()).max(10_000).optional(),
                albumUsers: AlbumUsers.optional(),
              })
              .openapi("CreateAlbumDto"),
          },
        },
      },
    },
    responses: { 201: json(AlbumResponse, "The new album") },
  },
);

const get = route(
  { permission: "album.read", sharedLink: true },
  {
    method: "get",
    path: "/{id}",
    tags: ["Albums"],
    request: { params: IdParam, query: z.object({ withoutAssets: z.enum(["true", "false"]).optional(), key: z.string().optional() }) },
    responses: { 200: json(AlbumResponse, "The album") },
  },
);

const update = route(
  { permission: "album.update" },
  {
    method: "patch",
    path: "/{id}",
    tags: ["Albums"],
    request: {
      params: IdParam,
      body: {
        content: {
          "application/json": {
            schema: z
              .object({
                albumName: z.string().trim().min(1).max(200).optional(),
                description: z.string().max(2000).optional(),
                albumThumbnailAssetId: z.uuid().optional(),
                order: z.enum(["asc", "desc"]).optional(),
                isActivityEnabled: z.boolean().optional(),
              })
              .openapi("UpdateAlbumDto"),
          },
        },
      },
    },
    responses: { 200: json(AlbumResponse, "The updated album") },
  },
);

const remove = route(
  { permission: "album.delete" },
  { method: "delete", path: "/{id}", tags: ["Albums"], request: { params: IdParam }, responses: { 204: { description: "The album is gone; its photos stay in the library" } } },
);

const addAssets = route(
  { permission: "albumAsset.create" },
  {
    method: "put",
    path: "/{id}/assets",
    tags: ["Albums"],
    request: { params: IdParam, body: { content: { "application/json": { schema: Ids } } } },
    responses: { 200: json(BulkIdResponse, "What became of each asset") },
  },
);

const removeAssets = route(
  { permission: "albumAsset.delete" },
  {
    method: "delete",
    path: "/{id}/assets",
    tags: ["Albums"],
    request: { params: IdParam, body: { content: { "application/json": { schema: Ids } } } },
    responses: { 200: json(BulkIdResponse, "What became of each asset") },
  },
);

const addUsers = route(
  { permission: "albumUser.create" },
  {
    method: "put",
    path: "/{id}/users",
    tags: ["Albums"],
    request: { params: IdParam, body: { content: { "application/json": { schema: z.object({ albumUsers: AlbumUsers.min(1) }).openapi("AddUsersDto") } } } },
    responses: { 200: json(AlbumResponse, "The album with its members") },
  },
);

const UserParams = z.object({ id: z.uuid(), userId: z.union([z.uuid(), z.literal("me")]) });

const updateUser = route(
  { permission: "albumUser.update" },
  {
    method: "put",
    path: "/{id}/user/{userId}",
    tags: ["Albums"],
    request: { params: UserParams, body: { content: { "application/json": { schema: z.object({ role: Role }).openapi("UpdateAlbumUserDto") } } } },
    responses: { 204: { description: "The member's role changed" } },
  },
);

const removeUser = route(
  { permission: "albumUser.delete" },
  {
    method: "delete",
    path: "/{id}/user/{userId}",
    tags: ["Albums"],
    description: "The owner removes a member; a member may leave (`me`).",
    request: { params: UserParams },
    responses: { 204: { description: "The member left the album" } },
  },
);

// The asker's role in the album, or a 404 when it is not theirs to see.
async function roleOr404(db: Database, auth: Auth, id: string): Promise<AlbumRole> {
  const role = await albumRole(db, auth, id);
  if (!role) throw notFound("Album not found");
  return role;
}

async function requireRole(db: Database, auth: Auth, id: string, allowed: AlbumRole[]): Promise<AlbumRole> {
  const role = await roleOr404(db, auth, id);
  if (!allowed.includes(role)) throw new AppError(403, role === "viewer" ? "You can only view this album" : "Only the album's owner can do this");
  return role;
}

async function albumResponse(db: Database, id: string, withAssets: boolean, stripMetadata = false) {
  const album = await getAlbum(db, id);
  if (!album) throw notFound("Album not found");
  const assets = withAssets ? (await albumAssetList(db, album)).map((a) => toAssetResponse(a, null, { stripMetadata })) : [];
  return toAlbumResponse(album, assets);
}

async function checkNewMembers(db: Database, ownerId: string, members: Array<{ userId: string }>): Promise<void> {
  for (const { userId } of members) {
    if (userId === ownerId) throw badRequest("albumUsers: the owner is not a member of their own album");
    if (!(await getActiveUser(db, userId))) throw badRequest(`albumUsers: no user ${userId}`);
  }
}

export const albumRoutes = createRouter()
  .openapi(list, async (c) => {
    const { shared, assetId } = c.req.valid("query");
    const userId = c.var.auth.user.id;
    const albums = assetId
      ? await listAlbums(c.var.db, { ids: await albumIdsWithAsset(c.var.db, userId, assetId) })
      : await listAlbums(c.var.db, { ownedOrSharedWith: userId, ...(shared ? { shared: shared === "true" } : {}) });
    return c.json(albums.map((album) => toAlbumResponse(album)), 200);
  })
  .openapi(create, async (c) => {
    const { albumName, description, assetIds, albumUsers } = c.req.valid("json");
    const { auth } = c.var;
    await checkNewMembers(c.var.db, auth.user.id, albumUsers ?? []);
    const readable = await readableAssetIds(c.var.db, auth, assetIds ?? []);
    const id = await createAlbum(
      c.var.db,
      { ownerId: auth.user.id, albumName, description: description ?? "" },
      [...new Set(assetIds ?? [])].filter((assetId) => readable.has(assetId)),
      albumUsers ?? [],
    );
    return c.json(await albumResponse(c.var.db, id, true), 201);
  })
  .openapi(get, async (c) => {
    const { id } = c.req.valid("param");
    const { auth } = c.var;
    await roleOr404(c.var.db, auth, id);
    const stripMetadata = auth.sharedLink ? !auth.sharedLink.showMetadata : false;
    return c.json(await albumResponse(c.var.db, id, c.req.valid("query").withoutAssets !== "true", stripMetadata), 200);
  })
  .openapi(update, async (c) => {
    const { id } = c.req.valid("param");
    await requireRole(c.var.db, c.var.auth, id, ["owner"]);
    const { isActivityEnabled: _activity, ...changes } = c.req.valid("json");
    if (changes.albumThumbnailAssetId) {
      const inAlbum = (await albumAssetList(c.var.db, { id, order: "desc" })).some((a) => a.id === changes.albumThumbnailAssetId);
      if (!inAlbum) throw badRequest("albumThumbnailAssetId: the cover must be one of the album's assets");
    }
    await updateAlbum(c.var.db, id, changes);
    return c.json(await albumResponse(c.var.db, id, false), 200);
  })
  .openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    await requireRole(c.var.db, c.var.auth, id, ["owner"]);
    await deleteAlbum(c.var.db, id);
    return c.body(null, 204);
  })
  .openapi(addAssets, async (c) => {
    const { id } = c.req.valid("param");
    const { auth } = c.var;
    const { ids } = c.req.valid("json");
    await requireRole(c.var.db, auth, id, ["owner", "editor"]);
    return c.json(await addAssetsToAlbum(c.var.db, id, ids, await readableAssetIds(c.var.db, auth, ids)), 200);
  })
  .openapi(removeAssets, async (c) => {
    const { id } = c.req.valid("param");
    const { auth } = c.var;
    const { ids } = c.req.valid("json");
    const role = await requireRole(c.var.db, auth, id, ["owner", "editor"]);
    // The owner removes anything; an editor removes their own assets.
    const allowed = role === "owner" ? new Set(ids) : await ownedAssetIds(c.var.db, auth, ids);
    return c.json(await removeAssetsFromAlbum(c.var.db, id, ids, allowed), 200);
  })
  .openapi(addUsers, async (c) => {
    const { id } = c.req.valid("param");
    const { albumUsers } = c.req.valid("json");
    await requireRole(c.var.db, c.var.auth, id, ["owner"]);
    await checkNewMembers(c.var.db, c.var.auth.user.id, albumUsers);
    await addAlbumUsers(c.var.db, id, albumUsers);
    return c.json(await albumResponse(c.var.db, id, false), 200);
  })
  .openapi(updateUser, async (c) => {
    const { id, userId } = c.req.valid("param");
    await requireRole(c.var.db, c.var.auth, id, ["owner"]);
    const memberId = userId === "me" ? c.var.auth.user.id : userId;
    if (!(await setAlbumUserRole(c.var.db, id, memberId, c.req.valid("json").role))) throw notFound("Not a member of this album");
    return c.body(null, 204);
  })
  .openapi(removeUser, async (c) => {
    const { id, userId } = c.req.valid("param");
    const { auth } = c.var;
    const memberId = userId === "me" ? auth.user.id : userId;
    const role = await roleOr404(c.var.db, auth, id);
    if (role !== "owner" && memberId !== auth.user.id) throw new AppError(403, "Only the album's owner can remove other members");
    if (!(await removeAlbumUser(c.var.db, id, memberId))) throw notFound("Not a member of this album");
    return c.body(null, 204);
  });
