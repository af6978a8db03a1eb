// The timeline repository: a library as months of photos, newest first, for the timeline, the
// archive, favorites and the trash, and the "on this day" memories. Month counts come from
// timeline_months (kept by triggers), so listing months costs the same for any library size.
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "./db";
import { assets, exif, partners, timelineMonths, type Asset } from "./schema";

export const timelineKinds = ["timeline", "archive", "favorites", "trash"] as const;
export type TimelineKind = (typeof timelineKinds)[number];

export interface TimelineScope {
  ownerIds: string[];
  kind: TimelineKind;
}

// The user and the partners whose libraries they chose to see in their timeline.
export async function timelineOwnerIds(db: Database, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: partners.sharedById })
    .from(partners)
    .where(and(eq(partners.sharedWithId, userId), eq(partners.inTimeline, true)));
  return [userId, ...rows.map((row) => row.id)];
}

function monthFilter(kind: TimelineKind): SQL | undefined {
  switch (kind) {
    case "timeline":
      return and(eq(timelineMonths.visibility, "timeline"), eq(timelineMonths.isTrashed, false));
    case "archive":
      return and(eq(timelineMonths.visibility, "archive"), eq(timelineMonths.isTrashed, false));
    case "favorites":
      return and(
        inArray(timelineMonths.visibility, ["timeline", "archive"]),
        eq(timelineMonths.isFavorite, true),
        eq(timelineMonths.isTrashed, false),
      );
    case "trash":
      return and(ne(timelineMonths.visibility, "hidden"), eq(timelineMonths.isTrashed, true));
  }
}

function assetFilter(kind: TimelineKind): SQL | undefined {
  switch (kind) {
    case "timeline":
      return and(eq(assets.visibility, "timeline"), isNull(assets.deletedAt));
    case "archive":
      return and(eq(assets.visibility, "archive"), isNull(assets.deletedAt));
    case "favorites":
      return and(
        inArray(assets.visibility, ["timeline", "archive"]),
        eq(assets.isFavorite, true),
        isNull(assets.deletedAt),
      );
    case "trash":
      return and(ne(assets.visibility, "hidden"), isNotNull(assets.deletedAt));
  }
}

export interface TimelineMonth {
  // 'YYYY-MM'
  month: string;
  count: number;
}

export async function listTimelineMonths(db: Database, scope: TimelineScope): Promise<TimelineMonth[]> {
  return db
    .select({ month: timelineMonths.month, count: sql<number>`sum(${timelineMonths.count})`.mapWith(Number) })
    .from(timelineMonths)
    .where(and(inArray(timelineMonths.ownerId, scope.ownerIds), monthFilter(scope.kind)))
    .groupBy(timelineMonths.month)
    .having(sql`sum(${timelineMonths.count}) > 0`)
    .orderBy(desc(timelineMonths.month));
}

// First and last instant of a 'YYYY-MM' month, in the wall-clock-as-UTC time of local_date_time.
export function monthRange(month: string): { start: number; end: number } {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return { start: Date.UTC(year, monthNumber - 1, 1), end: Date.UTC(year, monthNumber, 1) };
}

export interface TimelineAsset extends Asset {
  city: string | null;
  country: string | null;
}

// Where a page of a month ends: the last asset it showed, in the month's order.
export interface MonthCursor {
  localDateTime: number;
  id: string;
}

export interface MonthPage {
  assets: TimelineAsset[];
  // Set when the month goes on past this page.
  next?: MonthCursor;
}

// A month of the timeline, newest first: all of it, or a page of `limit` assets after a cursor.
// A page is one bounded range read, however crowded the month.
export async function listMonthAssets(
  db: Database,
  scope: TimelineScope,
  month: string,
  page?: { limit: number; after?: MonthCursor },
): Promise<MonthPage> {
  const { start, end } = monthRange(month);
  const after = page?.after;
  const rows = await db
    .select({ asset: assets, city: exif.city, country: exif.country })
    .from(assets)
    .leftJoin(exif, eq(exif.assetId, assets.id))
    .where(
      and(
        inArray(assets.ownerId, scope.ownerIds),
        gte(assets.localDateTime, start),
        lt(assets.localDateTime, after ? after.localDateTime + 1 : end),
        assetFilter(scope.kind),
        after
          ? or(
              lt(assets.localDateTime, after.localDateTime),
              and(eq(assets.localDateTime, after.localDateTime), gt(assets.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(assets.localDateTime), asc(assets.id))
    .limit(page ? page.limit + 1 : -1);
  const found = rows.map((row) => ({ ...row.asset, city: row.city, country: row.country }));
  if (!page || found.length <= page.limit) return { assets: found };
  const shown = found.slice(0, page.limit);
  const last = shown[shown.length - 1]!;
  return { assets: shown, next: { localDateTime: last.localDateTime, id: last.id } };
}

// A cursor as it travels in a URL: "<ms>_<id>". Undefined when it is not one.
export function parseMonthCursor(text: string | undefined): MonthCursor | undefined {
  const match = text?.match(/^(\d{1,15})_([0-9a-f-]{36})$/);
  return match ? { localDateTime: Number(match[1]), id: match[2]! } : undefined;
}

export const formatMonthCursor = (cursor: MonthCursor) => `${cursor.localDateTime}_${cursor.id}`;

// The asset next to `from` (or the first one) in a view's order, newest first then by id, looked
// for within a range of dates taken: one read on the (owner, date taken) index, never longer than
// the range.
export async function adjacentAsset(
  db: Database,
  scope: TimelineScope,
  { start, end }: { start: number; end: number },
  direction: "newer" | "older",
  from?: Asset,
): Promise<Asset | undefined> {
  const newer = direction === "newer";
  const cursor = from
    ? newer
      ? or(
          gt(assets.localDateTime, from.localDateTime),
          and(eq(assets.localDateTime, from.localDateTime), lt(assets.id, from.id)),
        )
      : or(
          lt(assets.localDateTime, from.localDateTime),
          and(eq(assets.localDateTime, from.localDateTime), gt(assets.id, from.id)),
        )
    : undefined;
  const [found] = await db
    .select()
    .from(assets)
    .where(
      and(
        inArray(assets.ownerId, scope.ownerIds),
        gte(assets.localDateTime, start),
        lt(assets.localDateTime, end),
        assetFilter(scope.kind),
        cursor,
      ),
    )
    .orderBy(...(newer ? [asc(assets.localDateTime), desc(assets.id)] : [desc(assets.localDateTime), asc(assets.id)]))
    .limit(1);
  return found;
}

// The newest assets added to the library (by upload time), for "Recently added".
export async function listRecentlyAdded(db: Database, ownerId: string, limit: number): Promise<Asset[]> {
  return db
    .select()
    .from(assets)
    .where(
      and(
        eq(assets.ownerId, ownerId),
        ne(assets.visibility, "hidden"),
        ne(assets.visibility, "locked"),
        isNull(assets.deletedAt),
      ),
    )
    .orderBy(desc(assets.createdAt))
    .limit(limit);
}

export interface Memory {
  year: number;
  assets: Asset[];
}

// "On this day": the timeline's photos taken on this calendar day in earlier years, one range
// read per year on the (owner, date taken) index.
export async function onThisDay(
  db: Database,
  ownerIds: string[],
  today: Date,
  years = 30,
  perYear = 12,
): Promise<Memory[]> {
  const memories: Memory[] = [];
  const thisYear = today.getUTCFullYear();
  const reads = [];
  for (let year = thisYear - 1; year >= thisYear - years; year--) {
    const start = Date.UTC(year, today.getUTCMonth(), today.getUTCDate());
    reads.push(
      db
        .select()
        .from(assets)
        .where(
          and(
            inArray(assets.ownerId, ownerIds),
            gte(assets.localDateTime, start),
            lt(assets.localDateTime, start + 24 * 3600 * 1000),
            assetFilter("timeline"),
          ),
        )
        .orderBy(asc(assets.localDateTime))
        .limit(perYear)
        .then((found) => found.length && memories.push({ year, assets: found })),
    );
  }
  await Promise.all(reads);
  return memories.sort((a, b) => b.year - a.year);
}
