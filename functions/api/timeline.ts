// The timeline in Immich's shapes: the months that have photos (from the summary table), and one
// month's assets as columns, which is what Immich's clients page through.
import { z } from "@hono/zod-openapi";
import { formatMonthCursor, parseMonthCursor, type MonthPage, type TimelineKind } from "../../common/timeline";
import { createRouter, json, route } from "../router";
import { timelineMonth, timelineMonths, type TimelineQuery } from "../services/timeline";
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

const queryOf = (filters: FilterInput): TimelineQuery => ({
  kind: kindOf(filters),
  withPartners: filters.withPartners === "true",
  albumId: filters.albumId,
});

const buckets = route(
  { permission: "asset.read" },
  {
    method: "get",
    path: "/buckets",
    tags: ["Timeline"],
    request: { query: Filters.extend({ size: z.enum(["MONTH"]).optional() }) },
    responses: {
      200: json(
        z.array(z.object({ timeBucket: z.string(), count: z.number().int() })).openapi("TimeBucketsResponseDto"),
        "Months with photos, newest first",
      ),
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
        after: z
          .string()
          .regex(/^\d{1,15}_[0-9a-f-]{36}$/, "a nextCursor from an earlier page")
          .optional(),
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
    const months = await timelineMonths(c, c.var.auth, queryOf(c.req.valid("query")));
    return c.json(
      months.map((m) => ({ timeBucket: `${m.month}-01`, count: m.count })),
      200,
    );
  })
  .openapi(bucket, async (c) => {
    const { timeBucket, pageSize, after, ...filters } = c.req.valid("query");
    const page = pageSize ? { limit: pageSize, after: parseMonthCursor(after) } : undefined;
    return c.json(toColumns(await timelineMonth(c, c.var.auth, queryOf(filters), timeBucket.slice(0, 7), page)), 200);
  });
