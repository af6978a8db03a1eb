// Albums in Immich's shapes: one's own and those shared with one, with their members and assets.
import { z } from "@hono/zod-openapi";
import type { Auth } from "../../common/access";
import type { AlbumSummary } from "../../common/albums";
import {
  addAlbumAssets,
  addMembers,
  albumLimits,
  changeAlbum,
  createAlbumOf,
  deleteAlbumOf,
  listAlbumsOf,
  openAlbum,
  removeAlbumAssets,
  removeMember,
  setMemberRole,
  type AlbumContents,
} from "../services/albums";
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

export function toAlbumResponse(
  album: AlbumSummary,
  assets: z.infer<typeof AssetResponse>[] = [],
): z.infer<typeof AlbumResponse> {
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
  .array(
    z.object({
      id: z.string(),
      success: z.boolean(),
      error: z.enum(["duplicate", "not_found", "no_permission"]).optional(),
    }),
  )
  .openapi("BulkIdResponseDto");
const AlbumUsers = z.array(z.object({ userId: z.uuid(), role: Role.default("editor") })).max(100);

const list = route(
  { permission: "album.read" },
  {
    method: "get",
    path: "/",
    tags: ["Albums"],
    description:
      "Albums I own and albums shared with me. `shared=true`: only shared ones; `shared=false`: my albums nobody else sees.",
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
                albumName: z.string().trim().min(1).max(albumLimits.name),
                description: z.string().max(albumLimits.description).optional(),
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
    request: {
      params: IdParam,
      query: z.object({ withoutAssets: z.enum(["true", "false"]).optional(), key: z.string().optional() }),
    },
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
                albumName: z.string().trim().min(1).max(albumLimits.name).optional(),
                description: z.string().max(albumLimits.description).optional(),
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
  {
    method: "delete",
    path: "/{id}",
    tags: ["Albums"],
    request: { params: IdParam },
    responses: { 204: { description: "The album is gone; its photos stay in the library" } },
  },
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
    request: {
      params: IdParam,
      body: {
        content: { "application/json": { schema: z.object({ albumUsers: AlbumUsers.min(1) }).openapi("AddUsersDto") } },
      },
    },
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
    request: {
      params: UserParams,
      body: { content: { "application/json": { schema: z.object({ role: Role }).openapi("UpdateAlbumUserDto") } } },
    },
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

const toContentsResponse = ({ album, assets, stripMetadata }: AlbumContents) =>
  toAlbumResponse(
    album,
    assets.map((asset) => toAssetResponse(asset, null, { stripMetadata })),
  );

// `me` names the caller.
const memberId = (userId: string, auth: Auth) => (userId === "me" ? auth.user.id : userId);

export const albumRoutes = createRouter()
  .openapi(list, async (c) => {
    const { shared, assetId } = c.req.valid("query");
    const albums = await listAlbumsOf(c, c.var.auth, {
      ...(shared ? { shared: shared === "true" } : {}),
      ...(assetId ? { assetId } : {}),
    });
    return c.json(
      albums.map((album) => toAlbumResponse(album)),
      200,
    );
  })
  .openapi(create, async (c) => {
    const { albumName, description, assetIds, albumUsers } = c.req.valid("json");
    const created = await createAlbumOf(c, c.var.auth, { albumName, description, assetIds, members: albumUsers });
    return c.json(toContentsResponse(created), 201);
  })
  .openapi(get, async (c) => {
    const contents = await openAlbum(
      c,
      c.var.auth,
      c.req.valid("param").id,
      c.req.valid("query").withoutAssets !== "true",
    );
    return c.json(toContentsResponse(contents), 200);
  })
  .openapi(update, async (c) => {
    const { isActivityEnabled: _activity, ...changes } = c.req.valid("json");
    return c.json(toContentsResponse(await changeAlbum(c, c.var.auth, c.req.valid("param").id, changes)), 200);
  })
  .openapi(remove, async (c) => {
    await deleteAlbumOf(c, c.var.auth, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(addAssets, async (c) =>
    c.json(await addAlbumAssets(c, c.var.auth, c.req.valid("param").id, c.req.valid("json").ids), 200),
  )
  .openapi(removeAssets, async (c) =>
    c.json(await removeAlbumAssets(c, c.var.auth, c.req.valid("param").id, c.req.valid("json").ids), 200),
  )
  .openapi(addUsers, async (c) =>
    c.json(
      toContentsResponse(await addMembers(c, c.var.auth, c.req.valid("param").id, c.req.valid("json").albumUsers)),
      200,
    ),
  )
  .openapi(updateUser, async (c) => {
    const { id, userId } = c.req.valid("param");
    await setMemberRole(c, c.var.auth, id, memberId(userId, c.var.auth), c.req.valid("json").role);
    return c.body(null, 204);
  })
  .openapi(removeUser, async (c) => {
    const { id, userId } = c.req.valid("param");
    await removeMember(c, c.var.auth, id, memberId(userId, c.var.auth));
    return c.body(null, 204);
  });
