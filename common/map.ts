// The map repository: geotagged timeline photos as clusters at the zoom of the view. Far views read
// map_cells (kept by triggers), close views the points in the box; either way the work depends on
// what is on screen, not on the size of the library.
import { and, between, eq, gte, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
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

// map_cells levels run 0 to 7; a level-L cell is about a quarter tile wide at zoom L + 1.
const deepestLevel = 7;
// Closer than this, the points themselves are few enough to read.
const pointZoom = deepestLevel + 2;
const maxPoints = 5_000;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

function yearRange(view: Pick<MapView, "fromYear" | "toYear">) {
  const from = view.fromYear ?? 0;
  const to = view.toYear ?? 9999;
  return { start: Date.UTC(from, 0, 1), end: Date.UTC(to + 1, 0, 1), from, to };
}

export async function mapClusters(db: Database, view: MapView): Promise<MapCluster[]> {
  const west = clamp(view.west, -180, 180);
  const east = clamp(view.east, -180, 180);
  const south = clamp(view.south, -90, 90);
  const north = clamp(view.north, -90, 90);
  const years = yearRange(view);
  if (view.zoom >= pointZoom) {
    const points = await pointsInBox(db, { ...view, west, east, south, north }, maxPoints);
    return points.map((p) => ({ latitude: p.latitude, longitude: p.longitude, count: 1, assetId: p.id }));
  }
  const level = clamp(Math.floor(view.zoom) - 1, 0, deepestLevel);
  const cellsAround = 2 ** (level + 3);
  const cell = (degrees: number, offset: number) => Math.floor(((degrees + offset) * cellsAround) / 360);
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
        between(mapCells.cellX, cell(west, 180), cell(east, 180)),
        between(mapCells.cellY, cell(south, 90), cell(north, 90)),
        view.fromYear !== undefined || view.toYear !== undefined ? between(mapCells.year, years.from, years.to) : undefined,
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

// The geotagged timeline photos in a box, newest first (a cluster's photos, or a close view).
export async function pointsInBox(db: Database, view: Omit<MapView, "zoom">, limit: number): Promise<MapPoint[]> {
  const years = yearRange(view);
  return (await db
    .select({ id: assets.id, latitude: exif.latitude, longitude: exif.longitude })
    .from(exif)
    .innerJoin(assets, eq(assets.id, exif.assetId))
    .where(
      and(
        between(exif.latitude, view.south, view.north),
        between(exif.longitude, view.west, view.east),
        inArray(assets.ownerId, view.ownerIds),
        isNull(assets.deletedAt),
        eq(assets.visibility, "timeline"),
        gte(assets.localDateTime, years.start),
        lt(assets.localDateTime, years.end),
        view.favoritesOnly ? eq(assets.isFavorite, true) : undefined,
      ),
    )
    .orderBy(sql`${assets.localDateTime} DESC`)
    .limit(limit)) as MapPoint[];
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
export async function allMarkers(db: Database, ownerIds: string[], options: { isFavorite?: boolean } = {}): Promise<MapMarker[]> {
  return (await db
    .select({ id: assets.id, latitude: exif.latitude, longitude: exif.longitude, city: exif.city, state: exif.state, country: exif.country })
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
