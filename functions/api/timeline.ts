// The timeline in Immich's shapes: the months that have photos (from the summary table), and one
// month's assets as columns, which is what Immich's clients page through.
import { z } from "@hono/zod-openapi";
import { albumRole } from "../../common/access";
import { albumAssetList } from "../../common/albums";
import { notFound } from "../../common/errors";
import {
  formatMonthCursor,
  listMonthAssets,
  listTimelineMonths,
  parseMonthCursor,
  timelineOwnerIds,
  type MonthPage,
  type TimelineAsset,
  type TimelineKind,
  type TimelineScope,
} from "../../common/timeline";
import type { Auth } from "../../common/access";
import type { Database } from "../../common/db";
import { createRouter, json, route } from "../router";
import { iso } from "./responses";

const Filters = z.object({
  visibility: z.enum(["timeline", "archive"]).optional(),
  isFavorite: z.enum(["true", "false"]).optional(),
  isTrashed: z.enum(["true", "false"]).optional(),
  withPartners: z.enum(["true", "false"]).optional(),
  albumId: z.uuid().optional(),
});

type FilterInput = z.infer<typeof Filters>;

function kindOf(filters: FilterInput): TimelineKind {
  if (filters.isTrashed === "true") return "trash";
  if (filters.isFavorite === "true") return "favorites";
  return filters.visibility === "archive" ? "archive" : "timeline";
}

async function scopeOf(db: Database, auth: Auth, filters: FilterInput): Promise<TimelineScope> {
  const ownerIds = filters.withPartners === "true" ? await timelineOwnerIds(db, auth.user.id) : [auth.user.id];
  return { ownerIds, kind: kindOf(filters) };
}

// An album's assets, when the filters name one the asker may see.
async function albumAssets(db: Database, auth: Auth, albumId: string): Promise<TimelineAsset[]> {
  if (!(await albumRole(db, auth, albumId))) throw notFound("Album not found");
  return (await albumAssetList(db, { id: albumId, order: "desc" })).map((asset) => ({ ...asset, city: null, country: null }));
}

const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

const buckets = route(
  { permission: "asset.read" },
  {
    method: "get",
    path: "/buckets",
    tags: ["Timeline"],
    request: { query: Filters.extend({ size: z.enum(["MONTH"]).optional() }) },
    responses: {
      200: json(z.array(z.object({ timeBucket: z.string(), count: z.number().int() })).openapi("TimeBucketsResponseDto"), "Months with photos, newest first"),
    },
  },
);

const Columns = z
  .object({
    id: z.array(z.string()),
    ownerId: z.array(z.string()),
    ratio: z.array(z.number()),
    isFavorite: z.array(z.boolean()),
    visibility: z.array(z.string()),
    isTrashed: z.array(z.boolean()),
    isImage: z.array(z.boolean()),
    thumbhash: z.array(z.string().nullable()),
    fileCreatedAt: z.array(z.string()),
    localDateTime: z.array(z.string()),
    duration: z.array(z.string().nullable()),
    livePhotoVideoId: z.array(z.string().nullable()),
    city: z.array(z.string().nullable()),
    country: z.array(z.string().nullable()),
    // Shoebox's own: where the next page starts, when the month goes on.
    nextCursor: z.string().optional(),
  })
  .openapi("TimeBucketAssetResponseDto");

const bucket = route(
  { permission: "asset.read" },
  {
    method: "get",
    path: "/bucket",
    tags: ["Timeline"],
    description:
      "A month's assets, newest first. Immich's clients take the whole month; with `pageSize`, a page of it, and `nextCursor` " +
      "(passed back as `after`) to the next page, so that a crowded month never comes in one piece.",
    request: {
      query: Filters.extend({
        timeBucket: z.string().regex(/^\d{4}-\d{2}(-\d{2})?/, "a month as YYYY-MM-01"),
        pageSize: z.coerce.number().int().min(1).max(1000).optional(),
        after: z.string().regex(/^\d{1,15}_[0-9a-f-]{36}$/, "a nextCursor from an earlier page").optional(),
      }),
    },
    responses: { 200: json(Columns, "The month's assets, newest first, as columns") },
  },
);

function toColumns({ assets, next }: MonthPage): z.infer<typeof Columns> {
  return {
    ...(next ? { nextCursor: formatMonthCursor(next) } : {}),
    id: assets.map((a) => a.id),
    ownerId: assets.map((a) => a.ownerId),
    ratio: assets.map((a) => (a.width && a.height ? a.width / a.height : 1)),
    isFavorite: assets.map((a) => a.isFavorite),
    visibility: assets.map((a) => a.visibility),
    isTrashed: assets.map((a) => a.deletedAt !== null),
    isImage: assets.map((a) => a.type === "IMAGE"),
    thumbhash: assets.map((a) => a.thumbhash),
    fileCreatedAt: assets.map((a) => iso(a.fileCreatedAt)),
    localDateTime: assets.map((a) => iso(a.localDateTime)),
    duration: assets.map((a) => a.duration),
    livePhotoVideoId: assets.map((a) => a.livePhotoVideoId),
    city: assets.map((a) => a.city),
    country: assets.map((a) => a.country),
  };
}

export const timelineRoutes = createRouter()
  .openapi(buckets, async (c) => {
    const filters = c.req.valid("query");
    if (filters.albumId) {
      const counts = new Map<string, number>();
      for (const asset of await albumAssets(c.var.db, c.var.auth, filters.albumId)) {
        const month = monthOf(asset.localDateTime);
        counts.set(month, (counts.get(month) ?? 0) + 1);
      }
      return c.json([...counts].sort(([a], [b]) => b.localeCompare(a)).map(([month, count]) => ({ timeBucket: `${month}-01`, count })), 200);
    }
    const months = await listTimelineMonths(c.var.db, await scopeOf(c.var.db, c.var.auth, filters));
    return c.json(months.map((m) => ({ timeBucket: `${m.month}-01`, count: m.count })), 200);
  })
  .openapi(bucket, async (c) => {
    const { timeBucket, pageSize, after, ...filters } = c.req.valid("query");
    const month = timeBucket.slice(0, 7);
    const page = filters.albumId
      ? { assets: (await albumAssets(c.var.db, c.var.auth, filters.albumId)).filter((a) => monthOf(a.localDateTime) === month) }
      : await listMonthAssets(c.var.db, await scopeOf(c.var.db, c.var.auth, filters), month, pageSize ? { limit: pageSize, after: parseMonthCursor(after) } : undefined);
    return c.json(toColumns(page), 200);
  });
