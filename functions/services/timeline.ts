// The timeline's rules, for the API and the pages alike: whose photos a view shows (partners' only
// on the timeline itself), an album's as its members see them, the months and a month's page, and a
// photo's neighbours in the view it was opened from.
import type { Auth } from "../../common/access";
import { AppError } from "../../common/errors";
import type { Asset } from "../../common/schema";
import {
  adjacentAsset,
  listMonthAssets,
  listRecentlyAdded,
  listTimelineMonths,
  monthRange,
  onThisDay,
  type Memory,
  type MonthCursor,
  type MonthPage,
  type TimelineAsset,
  type TimelineKind,
  type TimelineMonth,
  type TimelineScope,
} from "../../common/timeline";
import { albumAssetsSeen } from "./albums";
import { assetDetails, type AssetDetails } from "./assets";
import type { ServiceContext as Ctx } from "./context";
import { timelineOwners } from "./partners";

const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;
export const isMonth = (text: string | undefined): text is string => text !== undefined && monthPattern.test(text);
export const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// Which photos: a kind of view (timeline, favorites, archive, trash), with the partners' who chose
// to be in the asker's timeline when asked for (they join the timeline only: others' favorites,
// archive and trash stay theirs), or an album's.
export interface TimelineQuery {
  kind: TimelineKind;
  withPartners: boolean;
  albumId?: string;
}

async function scopeOf(c: Ctx, auth: Auth, { kind, withPartners }: TimelineQuery): Promise<TimelineScope> {
  return { ownerIds: await timelineOwners(c, auth, withPartners && kind === "timeline"), kind };
}

// An album's photos on its timeline and in the viewer: those the albums service shows the asker,
// without the hidden video halves of live photos.
async function albumPhotos(c: Ctx, auth: Auth, albumId: string, order?: "asc" | "desc"): Promise<Asset[]> {
  return (await albumAssetsSeen(c, auth, albumId, order)).filter((asset) => asset.visibility !== "hidden");
}

async function albumTimeline(c: Ctx, auth: Auth, albumId: string): Promise<TimelineAsset[]> {
  return (await albumPhotos(c, auth, albumId, "desc")).map((asset) => ({ ...asset, city: null, country: null }));
}

// A photo opened from an album the asker has no part in still opens, without neighbours.
async function albumNeighbours(c: Ctx, auth: Auth, albumId: string, asset: Asset): Promise<Neighbours> {
  const photos = await albumPhotos(c, auth, albumId).catch((error: unknown) => {
    if (error instanceof AppError && error.status === 404) return [];
    throw error;
  });
  return around(photos, asset.id);
}

// The months that have photos, newest first, with how many.
export async function timelineMonths(c: Ctx, auth: Auth, query: TimelineQuery): Promise<TimelineMonth[]> {
  if (!query.albumId) return listTimelineMonths(c.var.db, await scopeOf(c, auth, query));
  const counts = new Map<string, number>();
  for (const asset of await albumTimeline(c, auth, query.albumId))
    counts.set(monthOf(asset.localDateTime), (counts.get(monthOf(asset.localDateTime)) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => b.localeCompare(a)).map(([month, count]) => ({ month, count }));
}

// A month's photos ('YYYY-MM'), newest first: all of them, or a page of `limit` after a cursor (an
// album's month always comes whole).
export async function timelineMonth(
  c: Ctx,
  auth: Auth,
  query: TimelineQuery,
  month: string,
  page?: { limit: number; after?: MonthCursor },
): Promise<MonthPage> {
  if (query.albumId)
    return { assets: (await albumTimeline(c, auth, query.albumId)).filter((a) => monthOf(a.localDateTime) === month) };
  return listMonthAssets(c.var.db, await scopeOf(c, auth, query), month, page);
}

// How the pages load a view: the first months are rendered with the page, at most this many items
// and months; each month then loads in pages, so that a crowded month of thousands comes in pieces.
const firstRenderItems = 60;
const firstRenderMonths = 3;
export const monthPageSize = 300;
// "Recently added" is one short list, read whole.
export const recentLimit = 300;

export interface TimelineOpening {
  months: TimelineMonth[];
  loaded: Map<string, MonthPage>;
  // The month the page opens at, when not the newest.
  start?: string;
  memories: Memory[];
  today: Date;
}

// A view's page as it opens, at the month asked for (`from`, else the newest) or the nearest older
// one: its months, the first ones' photos, and, at the top of the timeline, the day's memories.
export async function openTimeline(
  c: Ctx,
  auth: Auth,
  kind: TimelineKind,
  from: string | undefined,
): Promise<TimelineOpening> {
  const { db } = c.var;
  const scope = await scopeOf(c, auth, { kind, withPartners: true });
  const months = await listTimelineMonths(db, scope);
  const index = isMonth(from) ? months.findIndex((m) => m.month <= from) : 0;
  const first = index === -1 ? Math.max(0, months.length - 1) : index;
  const chosen: string[] = [];
  let items = 0;
  for (const month of months.slice(first)) {
    if (chosen.length >= firstRenderMonths || (chosen.length > 0 && items >= firstRenderItems)) break;
    chosen.push(month.month);
    items += month.count;
  }
  const today = new Date();
  const atTop = first === 0;
  const [monthAssets, memories] = await Promise.all([
    Promise.all(chosen.map((month) => listMonthAssets(db, scope, month, { limit: monthPageSize }))),
    kind === "timeline" && atTop ? onThisDay(db, scope.ownerIds, today) : Promise.resolve([]),
  ]);
  return {
    months,
    loaded: new Map(chosen.map((month, i) => [month, monthAssets[i]!])),
    start: atTop ? undefined : months[first]?.month,
    memories,
    today,
  };
}

export function recentlyAdded(c: Ctx, auth: Auth): Promise<Asset[]> {
  return listRecentlyAdded(c.var.db, auth.user.id, recentLimit);
}

// Where a photo was opened from, which decides its neighbours: a view, an album, or a memory (a day).
export type ViewKind = TimelineKind | "recent";
export type OpenedFrom =
  | { kind: "view"; view: ViewKind }
  | { kind: "album"; albumId: string }
  | { kind: "memory"; day: string };

export interface Neighbours {
  previous?: Asset;
  next?: Asset;
}

function around(list: Asset[], id: string): Neighbours {
  const index = list.findIndex((a) => a.id === id);
  return index === -1 ? {} : { previous: list[index - 1], next: list[index + 1] };
}

// The neighbour in the photo's month, else the nearest one in the next month that has any.
async function adjacent(
  c: Ctx,
  scope: TimelineScope,
  months: TimelineMonth[],
  asset: Asset,
  direction: "newer" | "older",
): Promise<Asset | undefined> {
  const month = monthOf(asset.localDateTime);
  const inMonth = await adjacentAsset(c.var.db, scope, monthRange(month), direction, asset);
  if (inMonth) return inMonth;
  const next =
    direction === "newer" ? months.filter((m) => m.month > month).at(-1) : months.find((m) => m.month < month);
  return next ? adjacentAsset(c.var.db, scope, monthRange(next.month), direction) : undefined;
}

// The photos before and after this one where it was opened. A timeline reads at most two short
// ranges each way (the month list says where the next month with photos is), whatever the
// library's size. Albums, memories and "Recently added" are short lists read whole.
async function neighbours(c: Ctx, auth: Auth, from: OpenedFrom, asset: Asset): Promise<Neighbours> {
  if (from.kind === "album") return albumNeighbours(c, auth, from.albumId, asset);
  if (from.kind === "view" && from.view === "recent") return around(await recentlyAdded(c, auth), asset.id);
  const kind = from.kind === "memory" ? "timeline" : from.view;
  if (kind === "recent") return {};
  const scope = await scopeOf(c, auth, { kind, withPartners: true });
  // A memory is a day, oldest first.
  if (from.kind === "memory") {
    const start = Date.parse(`${from.day}T00:00:00Z`);
    if (dayOf(asset.localDateTime) !== from.day) return {};
    const day = { start, end: start + 24 * 3600 * 1000 };
    const [previous, next] = await Promise.all([
      adjacentAsset(c.var.db, scope, day, "older", asset),
      adjacentAsset(c.var.db, scope, day, "newer", asset),
    ]);
    return { previous, next };
  }
  const months = await listTimelineMonths(c.var.db, scope);
  const [previous, next] = await Promise.all([
    adjacent(c, scope, months, asset, "newer"),
    adjacent(c, scope, months, asset, "older"),
  ]);
  return { previous, next };
}

// A photo the asker may see, as the viewer opens it: its details and its neighbours.
export async function openAsset(
  c: Ctx,
  auth: Auth,
  id: string,
  from: OpenedFrom,
): Promise<AssetDetails & { neighbours: Neighbours }> {
  const details = await assetDetails(c, auth, id);
  return { ...details, neighbours: await neighbours(c, auth, from, details.asset) };
}
