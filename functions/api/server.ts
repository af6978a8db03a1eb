import { z } from "@hono/zod-openapi";
import { serverStatistics, type UserUsage } from "../../common/assets";
import { mediaExtensions } from "../../common/media-types";
import { createRouter, json, publicRoute, route } from "../router";

const ping = publicRoute({
  method: "get",
  path: "/ping",
  tags: ["Server"],
  responses: {
    200: { description: "The server answers", content: { "application/json": { schema: z.object({ res: z.literal("pong") }) } } },
  },
});

const ServerVersion = z.object({ major: z.number().int(), minor: z.number().int(), patch: z.number().int() }).openapi("ServerVersionResponseDto");

const version = publicRoute({
  method: "get",
  path: "/version",
  tags: ["Server"],
  responses: { 200: { description: "The server's version", content: { "application/json": { schema: ServerVersion } } } },
});

const MediaTypes = z
  .object({ image: z.array(z.string()), video: z.array(z.string()), sidecar: z.array(z.string()) })
  .openapi("ServerMediaTypesResponseDto");

const mediaTypes = publicRoute({
  method: "get",
  path: "/media-types",
  tags: ["Server"],
  responses: { 200: json(MediaTypes, "File extensions Shoebox accepts") },
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
    description: "Photos, videos and bytes of originals outside the trash, in all and per account (removed accounts left out).",
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
  const sum = (key: "photos" | "videos" | "usage" | "usagePhotos" | "usageVideos") => usageByUser.reduce((total, row) => total + row[key], 0);
  return { photos: sum("photos"), videos: sum("videos"), usage: sum("usage"), usagePhotos: sum("usagePhotos"), usageVideos: sum("usageVideos"), usageByUser };
}

export const serverRoutes = createRouter()
  .openapi(statistics, async (c) => c.json(toServerStats(await serverStatistics(c.var.db)), 200))
  .openapi(mediaTypes, (c) => c.json(mediaExtensions))
  .openapi(ping, (c) => c.json({ res: "pong" as const }))
  .openapi(version, (c) => {
    const [major = 0, minor = 0, patch = 0] = c.env.VERSION.split(/[.-]/).map(Number);
    return c.json({ major, minor, patch });
  });
