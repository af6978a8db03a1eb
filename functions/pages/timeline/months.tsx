// A view's months as the timeline pages render them: tiles grouped by day, months not loaded yet
// (public/timeline.js loads them as they scroll near), the year scrubber and the day's memories.
import type { Asset } from "../../../common/schema";
import {
  formatMonthCursor,
  type Memory,
  type MonthCursor,
  type MonthPage,
  type TimelineKind,
  type TimelineMonth,
} from "../../../common/timeline";
import type { Viewer } from "../../middleware/pages";
import { dayOf, monthOf, type ViewKind } from "../../services/timeline";
import { countOf, describeAsset, formatDuration, TilePicture } from "../layout";
import { photoHref, viewPaths } from "./views";

const dayName = new Intl.DateTimeFormat("en", { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" });

// One square thumbnail: a link to the photo. timeline.js draws the thumbhash (data-th) under it
// until the thumbnail arrives, and adds the check circle; CSS draws the badges from the classes.
export function Tile({ asset, view, viewer }: { asset: Asset; view: ViewKind; viewer: Viewer }) {
  const classes = ["tile"];
  if (asset.isFavorite) classes.push("is-fav");
  if (asset.livePhotoVideoId) classes.push("is-live");
  if (asset.ownerId !== viewer.user.id) classes.push("is-partner");
  // A file of an external library that was gone at the last scan: still shown, marked.
  if (asset.isOffline) classes.push("is-offline");
  return (
    <a
      class={classes.join(" ")}
      href={photoHref(asset.id, view)}
      data-th={asset.thumbhash ?? undefined}
      data-d={asset.type === "VIDEO" ? formatDuration(asset.duration) : undefined}
    >
      <TilePicture
        asset={asset}
        src={`/api/assets/${asset.id}/thumbnail`}
        alt={asset.isOffline ? `${describeAsset(asset)}, offline` : describeAsset(asset)}
      />
    </a>
  );
}

interface Day {
  day: string;
  assets: Array<Asset & { city?: string | null; country?: string | null }>;
}

function groupByDay(assets: Day["assets"]): Day[] {
  const days: Day[] = [];
  for (const asset of assets) {
    const day = dayOf(asset.localDateTime);
    const last = days[days.length - 1];
    if (last?.day === day) last.assets.push(asset);
    else days.push({ day, assets: [asset] });
  }
  return days;
}

function dayLabel(day: Day): string {
  const place = day.assets.find((a) => a.city || a.country);
  const name = dayName.format(Date.parse(`${day.day}T00:00:00Z`));
  return place ? `${name} · ${[place.city, place.country].filter(Boolean).join(", ")}` : name;
}

// A page of a month's photos, by day: what GET /timeline/months/:month answers, and the page's
// first months. A crowded month comes in pages; the rest of it loads like a month not loaded yet.
export function MonthDays({
  page,
  view,
  viewer,
  continues,
}: {
  page: MonthPage;
  view: TimelineKind;
  viewer: Viewer;
  continues?: MonthCursor;
}) {
  return (
    <>
      {groupByDay(page.assets).map((day, i) => (
        // The first day may go on from the page before: its title is shown there already.
        <section
          class={i === 0 && continues && dayOf(continues.localDateTime) === day.day ? "day is-continued" : "day"}
          data-day={day.day}
        >
          <h3 class="day-title">{dayLabel(day)}</h3>
          <div class="day-tiles">
            {day.assets.map((asset) => (
              <Tile asset={asset} view={view} viewer={viewer} />
            ))}
          </div>
        </section>
      ))}
      {page.next && <PendingMonthBody month={monthOf(page.next.localDateTime)} view={view} after={page.next} />}
    </>
  );
}

export function MonthBody({ page, view, viewer }: { page: MonthPage; view: TimelineKind; viewer: Viewer }) {
  return (
    <div class="month-body">
      {page.assets.length === 0 && <p class="empty">Nothing here any more.</p>}
      <MonthDays page={page} view={view} viewer={viewer} />
    </div>
  );
}

// A month (or the rest of one) not loaded yet: timeline.js sizes it from its count and triggers
// the load as it comes near. Without script, a link opens the timeline at that month.
export function PendingMonthBody({
  month,
  view,
  count,
  after,
}: {
  month: string;
  view: TimelineKind;
  count?: number;
  after?: MonthCursor;
}) {
  const query = after ? `?view=${view}&after=${formatMonthCursor(after)}` : `?view=${view}`;
  return (
    <div
      class="month-body is-pending"
      hx-get={`/timeline/months/${month}${query}`}
      hx-trigger="load-month"
      hx-swap="outerHTML"
      hx-sync="this:drop"
    >
      <a class="month-link" href={`${viewPaths[view]}?from=${month}`}>
        {count === undefined ? "Show more" : `Show ${countOf(count, "item")}`}
      </a>
    </div>
  );
}

export function Scrubber({ months, view }: { months: TimelineMonth[]; view: TimelineKind }) {
  const years: Array<{ year: string; months: TimelineMonth[] }> = [];
  for (const month of months) {
    const year = month.month.slice(0, 4);
    const last = years[years.length - 1];
    if (last?.year === year) last.months.push(month);
    else years.push({ year, months: [month] });
  }
  return (
    <nav class="scrubber" aria-label="Jump to a year" data-scrubber>
      <ol class="scrubber-track">
        {years.map((year) => (
          <li class="scrubber-year" data-months={year.months.map((m) => m.month).join(" ")}>
            <a href={`${viewPaths[view]}?from=${year.months[0]!.month}`} data-month={year.months[0]!.month}>
              {year.year}
            </a>
          </li>
        ))}
      </ol>
      <span class="scrubber-thumb" aria-hidden="true"></span>
      <span class="scrubber-bubble" aria-hidden="true" hidden></span>
    </nav>
  );
}

export function Memories({ memories, today }: { memories: Memory[]; today: Date }) {
  const thisYear = today.getUTCFullYear();
  const monthDay = today.toISOString().slice(4, 10);
  return (
    <section class="memories" aria-labelledby="memories-title">
      <h2 id="memories-title" class="visually-hidden">
        On this day
      </h2>
      <ul class="memory-list">
        {memories.map((memory) => {
          const cover = memory.assets[0]!;
          const years = thisYear - memory.year;
          return (
            <li>
              <a
                class="memory"
                href={`/photos/${cover.id}?memory=${memory.year}${monthDay}`}
                data-th={cover.thumbhash ?? undefined}
              >
                <img src={`/api/assets/${cover.id}/thumbnail`} alt="" loading="lazy" />
                <span class="memory-label">
                  <span class="memory-years">{years === 1 ? "1 year ago" : `${years} years ago`}</span>
                  <span class="memory-count">{dayName.format(Date.parse(`${memory.year}${monthDay}T00:00:00Z`))}</span>
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
