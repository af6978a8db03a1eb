// The map repository: geotagged timeline photos as clusters at the zoom of the view. Far views read
// map_cells (kept by triggers), close views the points in the box; either way the work depends on
// what is on screen, not on the size of the library.
import { and, between, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Database } from "./db";
import { assets, exif, mapCells } from "./schema";

export interface MapView {
  ownerIds: string[];
  // Leaflet's zoom: 0 shows the world in one 256-pixel tile.
  zoom: number;
  west: number;
  south: number;
  east: number;
  north: number;
  fromYear?: number;
  toYear?: number;
  favoritesOnly?: boolean;
}

export interface MapCluster {
  latitude: number;
  longitude: number;
  count: number;
  // Set when the cluster is a single photo.
  assetId?: string;
}

// map_cells levels run 0 to 12; a level-L cell is about a quarter tile wide at zoom L + 1 (a
// level-12 cell is about a kilometre).
const deepestLevel = 12;
// From this zoom on (a few streets on screen), the points themselves are read.
const pointZoom = deepestLevel + 2;
const maxPoints = 2_000;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

function yearRange(view: Pick<MapView, "fromYear" | "toYear">) {
  const from = view.fromYear ?? 0;
  const to = view.toYear ?? 9999;
  return { start: Date.UTC(from, 0, 1), end: Date.UTC(to + 1, 0, 1), from, to };
}

export async function mapClusters(db: Database, view: MapView): Promise<MapCluster[]> {
  const box = {
    ...view,
    west: clamp(view.west, -180, 180),
    east: clamp(view.east, -180, 180),
    south: clamp(view.south, -90, 90),
    north: clamp(view.north, -90, 90),
  };
  if (view.zoom < pointZoom) return cellsInBox(db, box, clamp(Math.floor(view.zoom) - 1, 0, deepestLevel));
  // Close up, the photos themselves; unless more share the view than a map can show apart (a home
  // with years of photos at one spot), when the finest grid says more.
  if ((await countInBox(db, box)) > maxPoints) return cellsInBox(db, box, deepestLevel);
  const points = await readPoints(db, box, maxPoints, "location");
  return points.map((p) => ({ latitude: p.latitude, longitude: p.longitude, count: 1, assetId: p.id }));
}

function cellRange(view: Omit<MapView, "zoom">, level: number) {
  const cellsAround = 2 ** (level + 3);
  const cell = (degrees: number, offset: number) => Math.floor(((degrees + offset) * cellsAround) / 360);
  return {
    x: [cell(view.west, 180), cell(view.east, 180)] as const,
    y: [cell(view.south, 90), cell(view.north, 90)] as const,
  };
}

// The grid cells of a level in a box, with their counts and mean positions.
async function cellsInBox(db: Database, view: Omit<MapView, "zoom">, level: number): Promise<MapCluster[]> {
  const years = yearRange(view);
  const { x, y } = cellRange(view, level);
  const rows = await db
    .select({
      count: sql<number>`sum(${mapCells.count})`.mapWith(Number),
      latitude: sql<number>`sum(${mapCells.latitudeSum}) / sum(${mapCells.count})`.mapWith(Number),
      longitude: sql<number>`sum(${mapCells.longitudeSum}) / sum(${mapCells.count})`.mapWith(Number),
    })
    .from(mapCells)
    .where(
      and(
        inArray(mapCells.ownerId, view.ownerIds),
        eq(mapCells.level, level),
        between(mapCells.cellX, x[0], x[1]),
        between(mapCells.cellY, y[0], y[1]),
        view.fromYear !== undefined || view.toYear !== undefined
          ? between(mapCells.year, years.from, years.to)
          : undefined,
        view.favoritesOnly ? eq(mapCells.isFavorite, true) : undefined,
      ),
    )
    .groupBy(mapCells.cellX, mapCells.cellY)
    .having(sql`sum(${mapCells.count}) > 0`);
  return rows;
}

export interface MapPoint {
  id: string;
  latitude: number;
  longitude: number;
}

// How many photos a box holds, from the coarsest level whose cells it spans a few of.
async function countInBox(db: Database, view: Omit<MapView, "zoom">): Promise<number> {
  const span = Math.max(view.east - view.west, view.north - view.south, 1e-9);
  const level = clamp(Math.floor(Math.log2((360 * 4) / span)) - 3, 0, deepestLevel);
  return (await cellsInBox(db, view, level)).reduce((sum, cell) => sum + cell.count, 0);
}

// Below this many photos in a box, reading the box through the location index beats walking the
// owner's photos newest first until enough are found (which, for a sparse box in a big library,
// walks the whole library).
const sparseBox = 20_000;

// The geotagged timeline photos in a box, newest first (a cluster's photos, or a close view).
export async function pointsInBox(db: Database, view: Omit<MapView, "zoom">, limit: number): Promise<MapPoint[]> {
  return readPoints(db, view, limit, (await countInBox(db, view)) < sparseBox ? "location" : "date");
}

// Reads photos in a box newest first, driven by the location index or by the owner's photos in
// date order. CROSS JOIN keeps SQLite's planner from choosing the other order on its own.
async function readPoints(
  db: Database,
  view: Omit<MapView, "zoom">,
  limit: number,
  drivenBy: "location" | "date",
): Promise<MapPoint[]> {
  const years = yearRange(view);
  const from = drivenBy === "location" ? sql`exif e CROSS JOIN assets a` : sql`assets a CROSS JOIN exif e`;
  return db.all<MapPoint>(sql`
    SELECT a.id AS id, e.latitude AS latitude, e.longitude AS longitude FROM ${from}
    WHERE e.asset_id = a.id
      AND e.latitude BETWEEN ${view.south} AND ${view.north} AND e.longitude BETWEEN ${view.west} AND ${view.east}
      AND a.owner_id IN (${sql.join(
        view.ownerIds.map((id) => sql`${id}`),
        sql`, `,
      )})
      AND a.deleted_at IS NULL AND a.visibility = 'timeline'
      AND a.local_date_time >= ${years.start} AND a.local_date_time < ${years.end}
      ${view.favoritesOnly ? sql`AND a.is_favorite = 1` : sql``}
    ORDER BY a.local_date_time DESC
    LIMIT ${limit}`);
}

export interface MapMarker {
  id: string;
  latitude: number;
  longitude: number;
  city: string | null;
  state: string | null;
  country: string | null;
}

// Every geotagged timeline photo of these owners (Immich's /map/markers, for its clients); with
// isFavorite, only the favorites (true) or only the others (false).
export async function allMarkers(
  db: Database,
  ownerIds: string[],
  options: { isFavorite?: boolean } = {},
): Promise<MapMarker[]> {
  return (await db
    .select({
      id: assets.id,
      latitude: exif.latitude,
      longitude: exif.longitude,
      city: exif.city,
      state: exif.state,
      country: exif.country,
    })
    .from(assets)
    .innerJoin(exif, eq(exif.assetId, assets.id))
    .where(
      and(
        inArray(assets.ownerId, ownerIds),
        isNull(assets.deletedAt),
        eq(assets.visibility, "timeline"),
        isNotNull(exif.latitude),
        isNotNull(exif.longitude),
        options.isFavorite === undefined ? undefined : eq(assets.isFavorite, options.isFavorite),
      ),
    )) as MapMarker[];
}
