// The library as a timeline: photos and videos by date taken, newest first, in months and days, at
// "/" and, the same way, in Favorites, Archive and Trash; "Recently added" as a plain grid. The page
// renders the first months; public/timeline.js loads the others (a month is one listMonthAssets
// read) as they scroll near, and adds the scrubber, selection, actions and uploads.
import { Hono } from "hono";
import { createFactory } from "hono/factory";
import type { Database } from "../../common/db";
import { notFound } from "../../common/errors";
import type { Asset } from "../../common/schema";
import {
  formatMonthCursor,
  listMonthAssets,
  listRecentlyAdded,
  listTimelineMonths,
  onThisDay,
  parseMonthCursor,
  timelineKinds,
  timelineOwnerIds,
  type Memory,
  type MonthCursor,
  type MonthPage,
  type TimelineKind,
  type TimelineMonth,
  type TimelineScope,
} from "../../common/timeline";
import type { AppEnv } from "../env";
import { requireViewer, type Viewer } from "../middleware/pages";
import { countOf, describeAsset, formatDuration, Layout, TilePicture } from "./layout";

// The views a photo can be opened from, each with its own previous and next.
export type ViewKind = TimelineKind | "recent";

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

// The timeline shows partners' photos too (those who chose so); the other views only one's own.
export async function scopeFor(db: Database, userId: string, kind: TimelineKind): Promise<TimelineScope> {
  return { ownerIds: kind === "timeline" ? await timelineOwnerIds(db, userId) : [userId], kind };
}

const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

export const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function photoHref(id: string, view: ViewKind): string {
  return view === "timeline" ? `/photos/${id}` : `/photos/${id}?view=${view}`;
}

const monthName = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" });
const dayName = new Intl.DateTimeFormat("en", { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" });

export function formatMonth(month: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return monthName.format(Date.UTC(year, number - 1, 1));
}

// Small inline icons (Material Design paths); inline SVG needs no style attribute.
const iconPaths = {
  heart: "M12 21.35l-1.45-1.32C5.4 15.36 2 12.28 2 8.5 2 5.42 4.42 3 7.5 3c1.74 0 3.41.81 4.5 2.09C13.09 3.81 14.76 3 16.5 3 19.58 3 22 5.42 22 8.5c0 3.78-3.4 6.86-8.55 11.54L12 21.35z",
  heartOutline:
    "M16.5 3c-1.74 0-3.41.81-4.5 2.09C10.91 3.81 9.24 3 7.5 3 4.42 3 2 5.42 2 8.5c0 3.78 3.4 6.86 8.55 11.54L12 21.35l1.45-1.32C18.6 15.36 22 12.28 22 8.5 22 5.42 19.58 3 16.5 3zm-4.4 15.55-.1.1-.1-.1C7.14 14.24 4 11.39 4 8.5 4 6.5 5.5 5 7.5 5c1.54 0 3.04.99 3.57 2.36h1.87C13.46 5.99 14.96 5 16.5 5c2 0 3.5 1.5 3.5 3.5 0 2.89-3.14 5.74-7.9 10.05z",
  download: "M19 9h-4V3H9v6H5l7 7 7-7zM5 18v2h14v-2H5z",
  info: "M11 7h2v2h-2zm0 4h2v6h-2zm1-9C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8z",
  trash: "M6 19c0 1.1.9 2 2 2h8c1.1 0 2-.9 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z",
  restore:
    "M13 3a9 9 0 0 0-9 9H1l3.89 3.89.07.14L9 12H6c0-3.87 3.13-7 7-7s7 3.13 7 7-3.13 7-7 7c-1.93 0-3.68-.79-4.94-2.06l-1.42 1.42A8.954 8.954 0 0 0 13 21a9 9 0 0 0 0-18z",
  back: "M20 11H7.83l5.59-5.59L12 4l-8 8 8 8 1.41-1.41L7.83 13H20v-2z",
  previous: "M15.41 7.41 14 6l-6 6 6 6 1.41-1.41L10.83 12z",
  next: "M10 6 8.59 7.41 13.17 12l-4.58 4.59L10 18l6-6z",
  close: "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
  zoom: "M15.5 14h-.79l-.28-.27A6.471 6.471 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14zm2.5-4h-2v2H9v-2H7V9h2V7h1v2h2v1z",
  live: "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm0-6C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.42 0-8-3.58-8-8s3.58-8 8-8 8 3.58 8 8-3.58 8-8 8z",
  archive:
    "M20.54 5.23l-1.39-1.68C18.88 3.21 18.47 3 18 3H6c-.47 0-.88.21-1.16.55L3.46 5.23C3.17 5.57 3 6.02 3 6.5V19c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2V6.5c0-.48-.17-.93-.46-1.27zM12 17.5 6.5 12H10v-2h4v2h3.5L12 17.5zM5.12 5l.81-1h12l.94 1H5.12z",
  album: "M14 10H3v2h11v-2zm0-4H3v2h11V6zm4 8v-4h-2v4h-4v2h4v4h2v-4h4v-2h-4zM3 16h7v-2H3v2z",
  upload: "M9 16h6v-6h4l-7-7-7 7h4zm-4 2h14v2H5z",
  check: "M9 16.17 4.83 12l-1.42 1.41L9 19 21 7l-1.41-1.41z",
} as const;

export type IconName = keyof typeof iconPaths;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <path d={iconPaths[name]} fill="currentColor" />
    </svg>
  );
}

// One square thumbnail: a link to the photo. timeline.js draws the thumbhash (data-th) under it
// until the thumbnail arrives, and adds the check circle; CSS draws the badges from the classes.
function Tile({ asset, view, viewer }: { asset: Asset; view: ViewKind; viewer: Viewer }) {
  const classes = ["tile"];
  if (asset.isFavorite) classes.push("is-fav");
  if (asset.livePhotoVideoId) classes.push("is-live");
  if (asset.ownerId !== viewer.user.id) classes.push("is-partner");
  // A file of an external library that was gone at the last scan: still shown, marked.
  if (asset.isOffline) classes.push("is-offline");
  return (
    <a class={classes.join(" ")} href={photoHref(asset.id, view)} data-th={asset.thumbhash ?? undefined} data-d={asset.type === "VIDEO" ? formatDuration(asset.duration) : undefined}>
      <TilePicture asset={asset} src={`/api/assets/${asset.id}/thumbnail`} alt={asset.isOffline ? `${describeAsset(asset)}, offline` : describeAsset(asset)} />
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
function MonthDays({ page, view, viewer, continues }: { page: MonthPage; view: TimelineKind; viewer: Viewer; continues?: MonthCursor }) {
  return (
    <>
      {groupByDay(page.assets).map((day, i) => (
        // The first day may go on from the page before: its title is shown there already.
        <section class={i === 0 && continues && dayOf(continues.localDateTime) === day.day ? "day is-continued" : "day"} data-day={day.day}>
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
function PendingMonthBody({ month, view, count, after }: { month: string; view: TimelineKind; count?: number; after?: MonthCursor }) {
  const query = after ? `?view=${view}&after=${formatMonthCursor(after)}` : `?view=${view}`;
  return (
    <div class="month-body is-pending" hx-get={`/timeline/months/${month}${query}`} hx-trigger="load-month" hx-swap="outerHTML" hx-sync="this:drop">
      <a class="month-link" href={`${viewPaths[view]}?from=${month}`}>{count === undefined ? "Show more" : `Show ${countOf(count, "item")}`}</a>
    </div>
  );
}

function Scrubber({ months, view }: { months: TimelineMonth[]; view: TimelineKind }) {
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

function Memories({ memories, today }: { memories: Memory[]; today: Date }) {
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
              <a class="memory" href={`/photos/${cover.id}?memory=${memory.year}${monthDay}`} data-th={cover.thumbhash ?? undefined}>
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

const titles: Record<ViewKind, string> = {
  timeline: "Photos",
  favorites: "Favorites",
  archive: "Archive",
  trash: "Trash",
  recent: "Recently added",
};

const emptyText: Record<ViewKind, string> = {
  timeline: "No photos or videos yet. Upload some here, or with the Immich app.",
  favorites: "Nothing here yet. Select photos and press the heart to find them here.",
  archive: "Nothing archived. Archived photos stay out of your timeline and show here.",
  trash: "The trash is empty.",
  recent: "Nothing added yet.",
};

// Hidden until timeline.js shows them: without script they could do nothing.
function UploadControls() {
  return (
    <>
      <button type="button" class="button button-quiet" data-upload-button hidden>
        <Icon name="upload" />
        <span>Upload</span>
      </button>
      <input type="file" accept="image/*,video/*" multiple data-upload-input hidden />
    </>
  );
}

function TrashControls() {
  return (
    <>
      <button type="button" class="button button-quiet" data-trash-action="restore-all" hidden>
        <Icon name="restore" />
        <span>Restore all</span>
      </button>
      <button type="button" class="button button-quiet button-danger" data-trash-action="empty" hidden>
        <Icon name="trash" />
        <span>Empty trash</span>
      </button>
    </>
  );
}

function ActionButton({ action, icon, label }: { action: string; icon: IconName; label: string }) {
  return (
    <button type="button" class="selection-action" data-action={action} title={label}>
      <Icon name={icon} />
      <span class="selection-action-label">{label}</span>
    </button>
  );
}

// The bar that replaces the header while photos are selected, and what its buttons open.
function SelectionTools({ view }: { view: ViewKind }) {
  return (
    <>
      <div class="selection-bar" data-selection-bar role="region" aria-label="Selected photos" hidden>
        <button type="button" class="selection-clear" data-action="clear" aria-label="Clear the selection" title="Clear the selection (Escape)">
          <Icon name="close" />
        </button>
        <span class="selection-count" data-selection-count aria-live="polite"></span>
        <div class="selection-actions">
          {view === "trash" ? (
            <>
              <ActionButton action="restore" icon="restore" label="Restore" />
              <ActionButton action="delete-forever" icon="trash" label="Delete for good" />
            </>
          ) : (
            <>
              <ActionButton action="favorite" icon="heartOutline" label="Favorite" />
              {view === "archive" ? (
                <ActionButton action="unarchive" icon="archive" label="Unarchive" />
              ) : (
                <ActionButton action="archive" icon="archive" label="Archive" />
              )}
              <ActionButton action="album" icon="album" label="Add to album" />
              <ActionButton action="download" icon="download" label="Download" />
              <ActionButton action="trash" icon="trash" label="Move to trash" />
            </>
          )}
        </div>
      </div>
      <dialog class="album-dialog" data-album-dialog aria-labelledby="album-dialog-title">
        <form method="dialog" class="album-dialog-head">
          <h2 id="album-dialog-title">Add to album</h2>
          <button type="submit" class="selection-clear" aria-label="Close">
            <Icon name="close" />
          </button>
        </form>
        <form class="album-new" data-album-new>
          <label for="album-new-name">New album</label>
          <div class="album-new-row">
            <input id="album-new-name" type="text" name="albumName" maxlength={200} placeholder="Album name" required autocomplete="off" />
            <button type="submit" class="button">
              Create
            </button>
          </div>
        </form>
        <p class="muted album-dialog-note" data-album-status>
          Loading your albums…
        </p>
        <ul class="album-choices" data-album-list></ul>
      </dialog>
      <div class="toast" data-toast role="status" aria-live="polite" hidden></div>
    </>
  );
}

// Uploads in progress: timeline.js fills it in.
function UploadPanel() {
  return (
    <>
      <section class="upload-panel" data-upload-panel aria-labelledby="upload-title" hidden>
        <div class="upload-head">
          <h2 id="upload-title" data-upload-title>
            Uploading
          </h2>
          <button type="button" class="selection-clear" data-upload-close aria-label="Close" hidden>
            <Icon name="close" />
          </button>
        </div>
        <progress class="upload-total" data-upload-total max={1} value={0}></progress>
        <ol class="upload-files" data-upload-files></ol>
      </section>
      <div class="drop-overlay" data-drop-overlay hidden>
        <p>Drop photos and videos to upload them</p>
      </div>
    </>
  );
}

// How many items the page renders itself before handing over to timeline.js.
const firstRenderItems = 60;
const firstRenderMonths = 3;
// A month loads this many photos at a time: a crowded month of thousands comes in pieces.
const monthPageSize = 300;

interface TimelineData {
  view: TimelineKind;
  months: TimelineMonth[];
  loaded: Map<string, MonthPage>;
  start?: string;
  memories: Memory[];
  today: Date;
}

function TimelinePage({ viewer, data }: { viewer: Viewer; data: TimelineData }) {
  const { view, months } = data;
  return (
    <Layout title={titles[view]} viewer={viewer} area="timeline" current={viewPaths[view]}>
      <div id="timeline-root" class="timeline-root" data-view={view} data-user={viewer.user.id} data-start={data.start}>
        <div class="timeline-head">
          <h1>{titles[view]}</h1>
          <div class="timeline-head-actions">
            {view === "timeline" && <UploadControls />}
            {view === "trash" && months.length > 0 && <TrashControls />}
          </div>
        </div>
        {view === "trash" && <p class="muted trash-note">Items in the trash are deleted for good after 30 days.</p>}
        {data.memories.length > 0 && <Memories memories={data.memories} today={data.today} />}
        {months.length === 0 ? (
          <p class="empty">{emptyText[view]}</p>
        ) : (
          <div class="timeline" id="timeline">
            {months.map((month) => {
              const page = data.loaded.get(month.month);
              return (
                <section class="month" id={`month-${month.month}`} data-month={month.month} data-count={month.count} aria-labelledby={`month-${month.month}-title`}>
                  <h2 class="month-title" id={`month-${month.month}-title`}>
                    {formatMonth(month.month)}
                  </h2>
                  {page ? <MonthBody page={page} view={view} viewer={viewer} /> : <PendingMonthBody month={month.month} view={view} count={month.count} />}
                </section>
              );
            })}
          </div>
        )}
        {months.length > 1 && <Scrubber months={months} view={view} />}
      </div>
      <SelectionTools view={view} />
      {view === "timeline" && <UploadPanel />}
    </Layout>
  );
}

function RecentPage({ viewer, assets }: { viewer: Viewer; assets: Asset[] }) {
  return (
    <Layout title={titles.recent} viewer={viewer} area="timeline" current={viewPaths.recent}>
      <div id="timeline-root" class="timeline-root" data-view="recent" data-user={viewer.user.id}>
        <div class="timeline-head">
          <h1>{titles.recent}</h1>
        </div>
        {assets.length ? (
          <>
            <p class="muted">{assets.length === recentLimit ? `The last ${recentLimit} photos and videos added, newest first.` : "Photos and videos by the time they were added, newest first."}</p>
            <div class="day-tiles recent-grid">
              {assets.map((asset) => (
                <Tile asset={asset} view="recent" viewer={viewer} />
              ))}
            </div>
          </>
        ) : (
          <p class="empty">{emptyText.recent}</p>
        )}
      </div>
      <SelectionTools view="recent" />
    </Layout>
  );
}

// The months to render from: the one asked for (?from=YYYY-MM), or the nearest older one.
function startIndex(months: TimelineMonth[], from: string | undefined): number {
  if (!from || !monthPattern.test(from)) return 0;
  const index = months.findIndex((m) => m.month <= from);
  return index === -1 ? Math.max(0, months.length - 1) : index;
}

export const recentLimit = 300;

const { createHandlers } = createFactory<AppEnv>();

async function timelineData(db: Database, viewer: Viewer, view: TimelineKind, from: string | undefined): Promise<TimelineData> {
  const scope = await scopeFor(db, viewer.user.id, view);
  const months = await listTimelineMonths(db, scope);
  const first = startIndex(months, from);
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
    view === "timeline" && atTop ? onThisDay(db, scope.ownerIds, today) : Promise.resolve([]),
  ]);
  return {
    view,
    months,
    loaded: new Map(chosen.map((month, i) => [month, monthAssets[i]!])),
    start: atTop ? undefined : months[first]?.month,
    memories,
    today,
  };
}

function timelineHandler(view: TimelineKind) {
  return createHandlers(requireViewer, async (c) => {
    const { viewer, db } = c.var;
    return c.html(<TimelinePage viewer={viewer} data={await timelineData(db, viewer, view, c.req.query("from"))} />);
  });
}

export const timelinePages = new Hono<AppEnv>()
  .get("/", ...timelineHandler("timeline"))
  .get("/favorites", ...timelineHandler("favorites"))
  .get("/archive", ...timelineHandler("archive"))
  .get("/trash", ...timelineHandler("trash"))
  .get("/recent", requireViewer, async (c) => {
    const { viewer, db } = c.var;
    return c.html(<RecentPage viewer={viewer} assets={await listRecentlyAdded(db, viewer.user.id, recentLimit)} />);
  })
  // One month of a view, for the timeline's infinite scroll: one read.
  .get("/timeline/months/:month", requireViewer, async (c) => {
    const { viewer, db } = c.var;
    const month = c.req.param("month");
    const view = c.req.query("view") ?? "timeline";
    if (!monthPattern.test(month) || !isTimelineKind(view)) throw notFound("There is no such month.");
    const after = parseMonthCursor(c.req.query("after"));
    const page = await listMonthAssets(db, await scopeFor(db, viewer.user.id, view), month, { limit: monthPageSize, after });
    // The rest of a month goes into the month's body it continues; a whole month is a body of its own.
    return c.html(after ? <MonthDays page={page} view={view} viewer={viewer} continues={after} /> : <MonthBody page={page} view={view} viewer={viewer} />);
  });
