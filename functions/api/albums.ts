// Albums in Immich's shapes: enough to create them and fill them (sharing comes with accounts).
import { createRoute, z } from "@hono/zod-openapi";
import { addAssetsToAlbum, createAlbum, getAlbum, listAlbums, type AlbumSummary } from "../../common/albums";
import { notFound } from "../../common/errors";
import { createRouter, json } from "../router";

const AlbumResponse = z
  .object({
    id: z.string(),
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
    albumUsers: z.array(z.unknown()),
    assets: z.array(z.unknown()),
  })
  .openapi("AlbumResponseDto");

function toAlbumResponse(album: AlbumSummary): z.infer<typeof AlbumResponse> {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: album.id,
    albumName: album.albumName,
    description: album.description,
    albumThumbnailAssetId: album.albumThumbnailAssetId,
    createdAt: iso(album.createdAt),
    updatedAt: iso(album.updatedAt),
    assetCount: album.assetCount,
    ...(album.startDate !== null ? { startDate: iso(album.startDate) } : {}),
    ...(album.endDate !== null ? { endDate: iso(album.endDate) } : {}),
    shared: false,
    hasSharedLink: false,
    isActivityEnabled: true,
    albumUsers: [],
    assets: [],
  };
}

const IdParam = z.object({ id: z.uuid() });
const Ids = z.object({ ids: z.array(z.uuid()).min(1).max(10_000) }).openapi("BulkIdsDto");

const list = createRoute({ method: "get", path: "/", tags: ["Albums"], responses: { 200: json(z.array(AlbumResponse), "Every album") } });

const create = createRoute({
  method: "post",
  path: "/",
  tags: ["Albums"],
  request: {
    body: {
      content: {
        "application/json": {
          schema: z
            .object({ albumName: z.string().trim().min(1).max(200), description: z.string().max(2000).optional(), assetIds: z.array(z.uuid()).optional() })
            .openapi("CreateAlbumDto"),
        },
      },
    },
  },
  responses: { 201: json(AlbumResponse, "The new album") },
});

const get = createRoute({
  method: "get",
  path: "/{id}",
  tags: ["Albums"],
  request: { params: IdParam },
  responses: { 200: json(AlbumResponse, "The album") },
});

const addAssets = createRoute({
  method: "put",
  path: "/{id}/assets",
  tags: ["Albums"],
  request: { params: IdParam, body: { content: { "application/json": { schema: Ids } } } },
  responses: {
    200: json(
      z.array(z.object({ id: z.string(), success: z.boolean(), error: z.enum(["duplicate", "not_found"]).optional() })).openapi("BulkIdResponseDto"),
      "What became of each asset",
    ),
  },
});

async function albumOr404(db: Parameters<typeof getAlbum>[0], id: string) {
  const album = await getAlbum(db, id);
  if (!album) throw notFound("Album not found");
  return album;
}

export const albumRoutes = createRouter()
  .openapi(list, async (c) => c.json((await listAlbums(c.var.db)).map(toAlbumResponse), 200))
  .openapi(create, async (c) => {
    const { albumName, description, assetIds } = c.req.valid("json");
    const id = await createAlbum(c.var.db, { albumName, description: description ?? "" }, assetIds ?? []);
    return c.json(toAlbumResponse(await albumOr404(c.var.db, id)), 201);
  })
  .openapi(get, async (c) => c.json(toAlbumResponse(await albumOr404(c.var.db, c.req.valid("param").id)), 200))
  .openapi(addAssets, async (c) => {
    const { id } = c.req.valid("param");
    await albumOr404(c.var.db, id);
    return c.json(await addAssetsToAlbum(c.var.db, id, c.req.valid("json").ids), 200);
  });
