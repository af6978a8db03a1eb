// The map's rules, for the API and the pages alike: it shows the geotagged photos of the asker's
// timeline and of partners shown in it; archived, hidden, locked and trashed ones stay off it
// (common/map.ts). Immich's markers take partners only when asked.
import type { Auth } from "../../common/access";
import {
  allMarkers,
  mapClusters,
  pointsInBox,
  type MapCluster,
  type MapMarker,
  type MapPoint,
  type MapView,
} from "../../common/map";
import { listTimelineMonths } from "../../common/timeline";
import type { ServiceContext as Ctx } from "./context";
import { timelineOwners } from "./partners";

// A view of the map, whoever asks: the owners shown are the asker's to decide.
export type MapArea = Omit<MapView, "ownerIds" | "zoom">;

export async function mapMarkers(
  c: Ctx,
  auth: Auth,
  options: { isFavorite?: boolean; withPartners: boolean },
): Promise<MapMarker[]> {
  return allMarkers(c.var.db, await timelineOwners(c, auth, options.withPartners), { isFavorite: options.isFavorite });
}

export async function clustersInView(c: Ctx, auth: Auth, area: MapArea, zoom: number): Promise<MapCluster[]> {
  return mapClusters(c.var.db, { ownerIds: await timelineOwners(c, auth), zoom, ...area });
}

// The photos in a box (a cluster's), newest first.
export async function photosInBox(c: Ctx, auth: Auth, area: MapArea, limit: number): Promise<MapPoint[]> {
  return pointsInBox(c.var.db, { ownerIds: await timelineOwners(c, auth), ...area }, limit);
}

// The years the map's photos may come from, newest first, for its filters.
export async function mapYears(c: Ctx, auth: Auth): Promise<number[]> {
  const months = await listTimelineMonths(c.var.db, { ownerIds: await timelineOwners(c, auth), kind: "timeline" });
  return [...new Set(months.map((m) => Number(m.month.slice(0, 4))))].sort((a, b) => b - a);
}
