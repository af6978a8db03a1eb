// The server as Immich's clients ask about it: ping, version, about, features, config, media types, statistics.
import { z } from "@hono/zod-openapi";
import type { UserUsage } from "../../common/assets";
import { defaults } from "../../common/config";
import { mediaExtensions } from "../../common/media-types";
import { adminExists } from "../../common/users";
import { createRouter, json, publicRoute, route } from "../router";
import { usageByUser } from "../services/users";
import { apiVersion, serverAbout } from "../services/server-info";

const ping = publicRoute({
  method: "get",
  path: "/ping",
  tags: ["Server"],
  responses: {
    200: {
      description: "The server answers",
      content: { "application/json": { schema: z.object({ res: z.literal("pong") }) } },
    },
  },
});

const ServerVersion = z
  .object({
    major: z.number().int(),
    minor: z.number().int(),
    patch: z.number().int(),
    prerelease: z.number().int().nullable(),
  })
  .openapi("ServerVersionResponseDto");

const version = publicRoute({
  method: "get",
  path: "/version",
  tags: ["Server"],
  description:
    "The version of Immich's API that Shoebox implements (Immich's clients choose their protocol by it). Shoebox's own is in GET /api/server/about.",
  responses: { 200: { description: "The API's version", content: { "application/json": { schema: ServerVersion } } } },
});

const ServerAbout = z
  .object({
    version: z.string().describe("The version of Immich's API that Shoebox implements"),
    versionUrl: z.string(),
    licensed: z.boolean(),
    shoeboxVersion: z.string().describe("Shoebox's addition: its own version"),
  })
  .openapi("ServerAboutResponseDto");

const about = route(
  { permission: "server.about" },
  { method: "get", path: "/about", tags: ["Server"], responses: { 200: json(ServerAbout, "What the server is") } },
);

const MediaTypes = z
  .object({ image: z.array(z.string()), video: z.array(z.string()), sidecar: z.array(z.string()) })
  .openapi("ServerMediaTypesResponseDto");

const mediaTypes = publicRoute({
  method: "get",
  path: "/media-types",
  tags: ["Server"],
  responses: { 200: json(MediaTypes, "File extensions Shoebox accepts") },
});

const ServerFeatures = z
  .object({
    smartSearch: z.boolean(),
    duplicateDetection: z.boolean(),
    configFile: z.boolean(),
    facialRecognition: z.boolean(),
    map: z.boolean(),
    trash: z.boolean(),
    reverseGeocoding: z.boolean(),
    importFaces: z.boolean(),
    oauth: z.boolean(),
    oauthAutoLaunch: z.boolean(),
    passwordLogin: z.boolean(),
    sidecar: z.boolean(),
    search: z.boolean(),
    email: z.boolean(),
    ocr: z.boolean(),
    realtimeTranscoding: z.boolean(),
  })
  .openapi("ServerFeaturesDto");

const features = publicRoute({
  method: "get",
  path: "/features",
  tags: ["Server"],
  responses: { 200: json(ServerFeatures, "What this server does, so that clients show only that") },
});

const ServerConfig = z
  .object({
    oauthButtonText: z.string(),
    loginPageMessage: z.string(),
    trashDays: z.number().int(),
    userDeleteDelay: z.number().int(),
    isInitialized: z.boolean(),
    isOnboarded: z.boolean(),
    externalDomain: z.string(),
    publicUsers: z.boolean(),
    mapDarkStyleUrl: z.string(),
    mapLightStyleUrl: z.string(),
    maintenanceMode: z.boolean(),
    minFaces: z.number().int(),
  })
  .openapi("ServerConfigDto");

const config = publicRoute({
  method: "get",
  path: "/config",
  tags: ["Server"],
  responses: { 200: json(ServerConfig, "Settings clients need before signing in") },
});

const UsageByUser = z
  .object({
    userId: z.string(),
    userName: z.string(),
    photos: z.number().int(),
    videos: z.number().int(),
    usage: z.number().int(),
    usagePhotos: z.number().int(),
    usageVideos: z.number().int(),
    quotaSizeInBytes: z.number().int().nullable(),
  })
  .openapi("UsageByUserDto");

const ServerStats = z
  .object({
    photos: z.number().int(),
    videos: z.number().int(),
    usage: z.number().int(),
    usagePhotos: z.number().int(),
    usageVideos: z.number().int(),
    usageByUser: z.array(UsageByUser),
  })
  .openapi("ServerStatsResponseDto");

const statistics = route(
  { permission: "server.statistics", admin: true },
  {
    method: "get",
    path: "/statistics",
    tags: ["Server"],
    description:
      "Photos, videos and bytes of originals outside the trash, in all and per account (removed accounts left out).",
    responses: { 200: json(ServerStats, "What the server holds") },
  },
);

export function toServerStats(rows: UserUsage[]): z.infer<typeof ServerStats> {
  const usageByUser = rows.map((row) => ({
    userId: row.userId,
    userName: row.userName,
    photos: row.photos,
    videos: row.videos,
    usage: row.usagePhotos + row.usageVideos,
    usagePhotos: row.usagePhotos,
    usageVideos: row.usageVideos,
    quotaSizeInBytes: row.quotaSizeInBytes,
  }));
  const sum = (key: "photos" | "videos" | "usage" | "usagePhotos" | "usageVideos") =>
    usageByUser.reduce((total, row) => total + row[key], 0);
  return {
    photos: sum("photos"),
    videos: sum("videos"),
    usage: sum("usage"),
    usagePhotos: sum("usagePhotos"),
    usageVideos: sum("usageVideos"),
    usageByUser,
  };
}

export const serverRoutes = createRouter()
  .openapi(statistics, async (c) => c.json(toServerStats(await usageByUser(c, c.var.auth)), 200))
  .openapi(mediaTypes, (c) => c.json(mediaExtensions))
  // Faces unless ML is off; smart search with a CLIP model; near-duplicates always (by perceptual
  // hash). No OCR, email, OAuth or transcoding while playing. The map counts as on when it has tiles to show.
  .openapi(features, (c) =>
    c.json({
      smartSearch: c.env.CLIP === "on",
      duplicateDetection: true,
      configFile: false,
      facialRecognition: c.env.ML === "on",
      map: c.env.MAP_TILE_URL !== "",
      trash: true,
      reverseGeocoding: true,
      importFaces: false,
      oauth: false,
      oauthAutoLaunch: false,
      passwordLogin: true,
      sidecar: true,
      search: true,
      email: false,
      ocr: false,
      realtimeTranscoding: false,
    }),
  )
  // Shoebox has no onboarding step past creating the admin, and every user may see the others'
  // names (GET /api/users); its map draws raster tiles, not a MapLibre style.
  .openapi(config, async (c) => {
    const initialized = await adminExists(c.var.db);
    return c.json({
      oauthButtonText: "",
      loginPageMessage: "",
      trashDays: defaults.trashDays,
      // The worker's USER_DELETE_GRACE_MS and FACE_MIN_FACES do not reach workerd, which knows only the defaults.
      userDeleteDelay: Math.round(defaults.userDeleteGraceMs / (24 * 60 * 60_000)),
      isInitialized: initialized,
      isOnboarded: initialized,
      externalDomain: "",
      publicUsers: true,
      mapDarkStyleUrl: "",
      mapLightStyleUrl: "",
      maintenanceMode: false,
      minFaces: defaults.faces.minFaces,
    });
  })
  .openapi(ping, (c) => c.json({ res: "pong" as const }))
  .openapi(version, (c) => c.json(apiVersion()))
  .openapi(about, (c) => c.json(serverAbout(c.env), 200));
