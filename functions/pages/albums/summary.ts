// How albums are summed up in the list and on an album's page: their span of dates, and with whom
// they are shared.
import type { AlbumSummary } from "../../../common/albums";
import type { Viewer } from "../../middleware/pages";

export const dayFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

// The span of dates taken, as wall-clock dates: "May 1 – 3, 2024".
export function formatDateRange(start: number | null, end: number | null): string | undefined {
  if (start === null || end === null) return undefined;
  const [from, to] = start <= end ? [start, end] : [end, start];
  // ICU puts thin spaces around the dash; plain ones read the same and search and copy better.
  return dayFormat.formatRange(from, to).replace(/[\u2009\u202f]/g, " ");
}

export function sharingSummary(album: AlbumSummary, viewer: Viewer): string | undefined {
  if (album.ownerId !== viewer.user.id) return `Shared by ${album.owner.name}`;
  const people = album.albumUsers.length;
  if (people === 1) return `Shared with ${album.albumUsers[0]!.user.name}`;
  if (people > 1) return `Shared with ${people} people`;
  return album.hasSharedLink ? "Shared by link" : undefined;
}
