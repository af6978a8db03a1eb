// Where a photo was opened from, as the viewer's addresses carry it (?view=favorites, ?album=<id>,
// ?memory=<day>; the timeline when none is named), and the links it makes from it.
import type { Asset } from "../../../common/schema";
import { monthOf, type OpenedFrom } from "../../services/timeline";
import { isTimelineKind, viewPaths } from "../timeline/views";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dayPattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function parseContext(query: (name: string) => string | undefined): OpenedFrom {
  const album = query("album");
  if (album && uuidPattern.test(album)) return { kind: "album", albumId: album.toLowerCase() };
  const memory = query("memory");
  if (memory && dayPattern.test(memory)) return { kind: "memory", day: memory };
  const view = query("view");
  if (view === "recent" || isTimelineKind(view)) return { kind: "view", view };
  return { kind: "view", view: "timeline" };
}

export function contextParams(context: OpenedFrom): Array<[string, string]> {
  if (context.kind === "album") return [["album", context.albumId]];
  if (context.kind === "memory") return [["memory", context.day]];
  return context.view === "timeline" ? [] : [["view", context.view]];
}

export function withParams(path: string, params: Array<[string, string]>): string {
  return params.length ? `${path}?${new URLSearchParams(params).toString()}` : path;
}

export function viewerHref(id: string, context: OpenedFrom, info = false): string {
  return withParams(`/photos/${id}`, [
    ...contextParams(context),
    ...(info ? ([["info", "1"]] as Array<[string, string]>) : []),
  ]);
}

// Back to the view, at the photo's month for the timelines.
export function backHref(context: OpenedFrom, asset: Asset): string {
  if (context.kind === "album") return `/albums/${context.albumId}`;
  if (context.kind === "memory") return "/";
  if (context.view === "recent") return viewPaths.recent;
  return `${viewPaths[context.view]}?from=${monthOf(asset.localDateTime)}`;
}
