// The views of the library a photo can be opened from, each with its own previous and next: their
// addresses, and the links and month names the timeline pages share with the viewer.
import { timelineKinds, type TimelineKind } from "../../../common/timeline";
import type { ViewKind } from "../../services/timeline";

export const viewPaths: Record<ViewKind, string> = {
  timeline: "/",
  favorites: "/favorites",
  archive: "/archive",
  trash: "/trash",
  recent: "/recent",
};

export function isTimelineKind(value: unknown): value is TimelineKind {
  return typeof value === "string" && (timelineKinds as readonly string[]).includes(value);
}

export function photoHref(id: string, view: ViewKind): string {
  return view === "timeline" ? `/photos/${id}` : `/photos/${id}?view=${view}`;
}

const monthName = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" });

export function formatMonth(month: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return monthName.format(Date.UTC(year, number - 1, 1));
}
