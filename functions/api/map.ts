// The map: Immich's markers (every geotagged photo, for its clients), and ours for the map page:
// clusters of the photos in view at its zoom, and the photos of one cluster's box. All of them read
// the caller's timeline (and, where asked, their partners'): archived, hidden, locked and trashed
// photos stay off the map.
import { z } from "@hono/zod-openapi";
import { createRouter, json, route } from "../router";
import { clustersInView, mapMarkers, photosInBox, type MapArea } from "../services/map";

const flag = z.enum(["true", "false"]);
const longitude = z.coerce.number().min(-180).max(180);
const latitude = z.coerce.number().min(-90).max(90);
const year = z.coerce.number().int().min(1).max(9999);

// The box on screen (or a cluster's) and the page's filters.
const Box = z.object({
  west: longitude,
  south: latitude,
  east: longitude,
  north: latitude,
  fromYear: year.optional(),
  toYear: year.optional(),
  isFavorite: flag.optional().openapi({ description: "`true`: favorites only." }),
});

const MarkerResponse = z
  .object({
    id: z.string(),
    lat: z.number(),
    lon: z.number(),
    city: z.string().nullable(),
    state: z.string().nullable(),
    country: z.string().nullable(),
  })
  .openapi("MapMarkerResponseDto");

const ClusterResponse = z
  .object({
    latitude: z.number(),
    longitude: z.number(),
    count: z.number().int(),
    assetId: z.string().optional().openapi({ description: "Set when the cluster is a single photo." }),
  })
  .openapi("MapClusterResponseDto");

const PointResponse = z
  .object({ id: z.string(), latitude: z.number(), longitude: z.number() })
  .openapi("MapAssetResponseDto");

const markers = route(
  { permission: "asset.read" },
  {
    method: "get",
    path: "/markers",
    tags: ["Map"],
    description:
      "Every geotagged photo in my timeline; `withPartners=true` adds those of partners shown in my timeline.",
    request: { query: z.object({ isFavorite: flag.optional(), withPartners: flag.optional() }) },
    responses: { 200: json(z.array(MarkerResponse), "Photos with their places") },
  },
);

const clusters = route(
  { permission: "asset.read" },
  {
    method: "get",
    path: "/clusters",
    tags: ["Map"],
    description:
      "The photos in the box as clusters sized for Leaflet's `zoom` (0: the world in one 256-pixel tile), each at the mean position of its photos. " +
      "Close up, every photo is its own cluster with its `assetId`. Includes partners shown in my timeline.",
    request: { query: Box.extend({ zoom: z.coerce.number().min(0).max(30) }) },
    responses: { 200: json(z.array(ClusterResponse), "Clusters") },
  },
);

const maxAssets = 500;

const boxAssets = route(
  { permission: "asset.read" },
  {
    method: "get",
    path: "/assets",
    tags: ["Map"],
    description: "The photos in a box (a cluster's), newest first. Includes partners shown in my timeline.",
    request: { query: Box.extend({ limit: z.coerce.number().int().min(1).max(maxAssets).default(maxAssets) }) },
    responses: { 200: json(z.array(PointResponse), "Photos") },
  },
);

const areaOf = (query: z.infer<typeof Box>): MapArea => ({
  west: query.west,
  south: query.south,
  east: query.east,
  north: query.north,
  fromYear: query.fromYear,
  toYear: query.toYear,
  favoritesOnly: query.isFavorite === "true",
});

export const mapRoutes = createRouter()
  .openapi(markers, async (c) => {
    const { isFavorite, withPartners } = c.req.valid("query");
    const found = await mapMarkers(c, c.var.auth, {
      isFavorite: isFavorite === undefined ? undefined : isFavorite === "true",
      withPartners: withPartners === "true",
    });
    return c.json(
      found.map((m) => ({
        id: m.id,
        lat: m.latitude,
        lon: m.longitude,
        city: m.city,
        state: m.state,
        country: m.country,
      })),
      200,
    );
  })
  .openapi(clusters, async (c) => {
    const query = c.req.valid("query");
    return c.json(await clustersInView(c, c.var.auth, areaOf(query), query.zoom), 200);
  })
  .openapi(boxAssets, async (c) => {
    const query = c.req.valid("query");
    return c.json(await photosInBox(c, c.var.auth, areaOf(query), query.limit), 200);
  });
