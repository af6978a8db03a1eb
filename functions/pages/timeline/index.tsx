// The library as a timeline: photos and videos by date taken, newest first, in months and days, at
// "/" and, the same way, in Favorites, Archive and Trash; "Recently added" as a plain grid. The page
// renders the first months; public/timeline.js loads the others (a month is one listMonthAssets
// read) as they scroll near, and adds the scrubber, selection, actions and uploads.
import { Hono } from "hono";
import { createFactory } from "hono/factory";
import { notFound } from "../../../common/errors";
import type { Asset } from "../../../common/schema";
import { parseMonthCursor, type TimelineKind } from "../../../common/timeline";
import type { AppEnv } from "../../env";
import { authOf, requireViewer, type Viewer } from "../../middleware/pages";
import {
  isMonth,
  monthPageSize,
  openTimeline,
  recentLimit,
  recentlyAdded,
  timelineMonth,
  type TimelineOpening,
  type ViewKind,
} from "../../services/timeline";
import { Layout } from "../layout";
import { Memories, MonthBody, MonthDays, PendingMonthBody, Scrubber, Tile } from "./months";
import { SelectionTools, TrashControls, UploadControls, UploadPanel } from "./tools";
import { formatMonth, isTimelineKind, viewPaths } from "./views";

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

type TimelineData = TimelineOpening & { view: TimelineKind };

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
                <section
                  class="month"
                  id={`month-${month.month}`}
                  data-month={month.month}
                  data-count={month.count}
                  aria-labelledby={`month-${month.month}-title`}
                >
                  <h2 class="month-title" id={`month-${month.month}-title`}>
                    {formatMonth(month.month)}
                  </h2>
                  {page ? (
                    <MonthBody page={page} view={view} viewer={viewer} />
                  ) : (
                    <PendingMonthBody month={month.month} view={view} count={month.count} />
                  )}
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
            <p class="muted">
              {assets.length === recentLimit
                ? `The last ${recentLimit} photos and videos added, newest first.`
                : "Photos and videos by the time they were added, newest first."}
            </p>
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

const { createHandlers } = createFactory<AppEnv>();

function timelineHandler(view: TimelineKind) {
  return createHandlers(requireViewer, async (c) => {
    const { viewer } = c.var;
    const opening = await openTimeline(c, authOf(viewer), view, c.req.query("from"));
    return c.html(<TimelinePage viewer={viewer} data={{ ...opening, view }} />);
  });
}

export const timelinePages = new Hono<AppEnv>()
  .get("/", ...timelineHandler("timeline"))
  .get("/favorites", ...timelineHandler("favorites"))
  .get("/archive", ...timelineHandler("archive"))
  .get("/trash", ...timelineHandler("trash"))
  .get("/recent", requireViewer, async (c) => {
    const { viewer } = c.var;
    return c.html(<RecentPage viewer={viewer} assets={await recentlyAdded(c, authOf(viewer))} />);
  })
  // One month of a view, for the timeline's infinite scroll: one read.
  .get("/timeline/months/:month", requireViewer, async (c) => {
    const { viewer } = c.var;
    const month = c.req.param("month");
    const view = c.req.query("view") ?? "timeline";
    if (!isMonth(month) || !isTimelineKind(view)) throw notFound("There is no such month.");
    const after = parseMonthCursor(c.req.query("after"));
    const page = await timelineMonth(c, authOf(viewer), { kind: view, withPartners: true }, month, {
      limit: monthPageSize,
      after,
    });
    // The rest of a month goes into the month's body it continues; a whole month is a body of its own.
    return c.html(
      after ? (
        <MonthDays page={page} view={view} viewer={viewer} continues={after} />
      ) : (
        <MonthBody page={page} view={view} viewer={viewer} />
      ),
    );
  });
