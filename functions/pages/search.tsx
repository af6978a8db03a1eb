// Search: one's photos and videos by file name, place, camera, date taken, type and favourites.
// A plain GET form, so that a search has an address; "More" brings the next page in with htmx,
// or opens it without JavaScript. One box reads words ("mum lisbon june 2021", common/search-query.ts)
// and shows what it understood as chips, each with a link that searches without it; the detailed
// fields are under "Advanced" and narrow further. Results are grouped by month and day, newest first;
// with a CLIP model, the words that are not dates, places, people or cameras rank the results instead
// ("dog on the beach"), best match first.
import { Hono } from "hono";
import type { Asset } from "../../common/schema";
import type { SearchCursor, SearchFilters } from "../../common/search";
import { queryWithout, type ParsedSearchQuery } from "../../common/search-query";
import { authOf, requireViewer, type Viewer, type ViewerEnv } from "../middleware/pages";
import { planSearch, runSearch } from "../services/search";
import { AssetGrid, FormError, Layout } from "./layout";

const pageSize = 100;

// The form's fields, as they came in the query.
interface SearchForm {
  // The one box.
  q: string;
  name: string;
  place: string;
  camera: string;
  thing: string;
  after: string;
  before: string;
  type: string;
  favorites: boolean;
}

function readForm(query: Record<string, string>): SearchForm {
  const text = (key: string) => (query[key] ?? "").trim().slice(0, 200);
  return {
    q: text("q"),
    name: text("name"),
    place: text("place"),
    camera: text("camera"),
    thing: text("thing"),
    after: text("after"),
    before: text("before"),
    type: text("type"),
    favorites: query.favorites === "on",
  };
}

// A date of the form, 'YYYY-MM-DD', as its first millisecond in local_date_time's terms.
function dayStart(value: string): number | undefined {
  const match = value.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (!match) return undefined;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(time) ? undefined : time;
}

const dayMs = 24 * 60 * 60_000;

// The advanced fields, which narrow what the box found.
function filtersOf(form: SearchForm): { filters: SearchFilters; error?: string } {
  const after = dayStart(form.after);
  const beforeStart = dayStart(form.before);
  const filters: SearchFilters = {
    originalFileName: form.name || undefined,
    place: form.place || undefined,
    camera: form.camera || undefined,
    tag: form.thing || undefined,
    takenAfter: after,
    // The whole day of "taken before" counts.
    takenBefore: beforeStart === undefined ? undefined : beforeStart + dayMs - 1,
    type: form.type === "photo" ? "IMAGE" : form.type === "video" ? "VIDEO" : undefined,
    isFavorite: form.favorites ? true : undefined,
  };
  if ((form.after && after === undefined) || (form.before && beforeStart === undefined))
    return { filters, error: "Enter dates as year, month and day." };
  if (after !== undefined && beforeStart !== undefined && after > beforeStart)
    return { filters, error: "The first date is after the last one: swap them." };
  return { filters };
}

// The cursor after the last result shown: "<date taken>.<id>".
function cursorOf(asset: Asset): string {
  return `${asset.localDateTime}.${asset.id}`;
}

function parseCursor(value: string | undefined): SearchCursor | undefined {
  const match = value?.match(/^(-?\d+)\.([0-9a-f-]{36})$/i);
  return match ? { localDateTime: Number(match[1]), id: match[2]! } : undefined;
}

function queryOf(form: SearchForm, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ["q", "name", "place", "camera", "thing", "after", "before", "type"] as const)
    if (form[key]) params.set(key, form[key]);
  if (form.favorites) params.set("favorites", "on");
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

const monthFormat = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" });
const dayFormat = new Intl.DateTimeFormat("en", { weekday: "short", day: "numeric", month: "long", timeZone: "UTC" });
const dayKey = (time: number) => new Date(time).toISOString().slice(0, 10);

// The results as a timeline: a heading per month, a smaller one per day. `previous` is the date
// taken of the result before these (the page before), whose headings are not repeated.
function Timeline(props: { assets: Asset[]; previous?: number }) {
  const days: Asset[][] = [];
  for (const asset of props.assets) {
    const group = days[days.length - 1];
    if (group && dayKey(group[0]!.localDateTime) === dayKey(asset.localDateTime)) group.push(asset);
    else days.push([asset]);
  }
  let month = props.previous === undefined ? undefined : dayKey(props.previous).slice(0, 7);
  let day = props.previous === undefined ? undefined : dayKey(props.previous);
  return (
    <>
      {days.map((group) => {
        const time = group[0]!.localDateTime;
        const newMonth = dayKey(time).slice(0, 7) !== month;
        const newDay = dayKey(time) !== day;
        month = dayKey(time).slice(0, 7);
        day = dayKey(time);
        return (
          <>
            {newMonth && <h3 class="search-month">{monthFormat.format(time)}</h3>}
            {newDay && <h4 class="search-day muted">{dayFormat.format(time)}</h4>}
            <AssetGrid
              assets={group}
              href={(asset) => `/photos/${asset.id}`}
              thumbnail={(asset) => `/api/assets/${asset.id}/thumbnail`}
            />
          </>
        );
      })}
    </>
  );
}

// A page of results and, when there are more, the link to the next page.
function ResultsPage(props: { form: SearchForm; assets: Asset[]; more: boolean; previous?: number }) {
  const last = props.assets[props.assets.length - 1];
  const cursor = last && cursorOf(last);
  return (
    <>
      <Timeline assets={props.assets} previous={props.previous} />
      {props.more && cursor && (
        <div class="more" id={`more-${cursor.replace(/\W/g, "")}`}>
          <a
            class="button button-quiet"
            href={`/search?${queryOf(props.form, { after_item: cursor })}`}
            hx-get={`/search?${queryOf(props.form, { after_item: cursor, fragment: "1" })}`}
            hx-target={`#more-${cursor.replace(/\W/g, "")}`}
            hx-swap="outerHTML"
          >
            More
          </a>
        </div>
      )}
    </>
  );
}

// Results ranked by a CLIP model, best first, and the link to the next page when there are more.
function RankedPage(props: { form: SearchForm; assets: Asset[]; more: boolean; page: number }) {
  const next = String(props.page + 1);
  return (
    <>
      <AssetGrid
        assets={props.assets}
        href={(asset) => `/photos/${asset.id}`}
        thumbnail={(asset) => `/api/assets/${asset.id}/thumbnail`}
      />
      {props.more && (
        <div class="more" id={`more-page-${next}`}>
          <a
            class="button button-quiet"
            href={`/search?${queryOf(props.form, { page: next })}`}
            hx-get={`/search?${queryOf(props.form, { page: next, fragment: "1" })}`}
            hx-target={`#more-page-${next}`}
            hx-swap="outerHTML"
          >
            More
          </a>
        </div>
      )}
    </>
  );
}

function TextField(props: {
  name: keyof SearchForm;
  label: string;
  value: string;
  hint?: string;
  placeholder?: string;
}) {
  const id = `search-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type="text"
        name={props.name}
        value={props.value}
        placeholder={props.placeholder}
        autocomplete="off"
        maxlength={200}
      />
    </div>
  );
}

// What the box understood, each with a link that searches without it.
function Chips(props: { form: SearchForm; parsed: ParsedSearchQuery; ranked: boolean }) {
  // Ranked by CLIP, free words are what the photo shows, not part of a name.
  const chips = props.parsed.chips.map((chip) =>
    props.ranked && chip.kind === "text" ? { ...chip, label: `“${chip.text}”` } : chip,
  );
  if (!chips.length) return null;
  return (
    <ul class="search-chips" aria-label="Understood as">
      {chips.map((chip) => (
        <li class={`search-chip search-chip-${chip.kind}`}>
          <span>{chip.label}</span>
          <a
            class="search-chip-remove"
            href={`/search?${queryOf({ ...props.form, q: queryWithout(props.parsed, chip) })}`}
            aria-label={`Remove ${chip.label}`}
            title="Remove"
          >
            ×
          </a>
        </li>
      ))}
    </ul>
  );
}

const advancedKeys = ["name", "place", "camera", "thing", "after", "before", "type"] as const;

interface Results {
  assets: Asset[];
  more: boolean;
  continued: boolean;
  previous?: number;
  // The text a CLIP model ranked the results by, and the page shown.
  ranked?: { text: string; page: number };
}

function SearchPage(props: {
  viewer: Viewer;
  form: SearchForm;
  parsed?: ParsedSearchQuery;
  ranked: boolean;
  results?: Results;
  error?: string;
}) {
  const { form, results } = props;
  const advanced = advancedKeys.some((key) => form[key] !== "") || form.favorites;
  return (
    <Layout title="Search" viewer={props.viewer} area="search" current="/search">
      <h1>Search</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: <search> is too new for the browsers Shoebox supports; the role says the same */}
      <form class="search-form card" method="get" action="/search" role="search" aria-label="Your photos and videos">
        <div class="field search-box">
          <label for="search-q">Search</label>
          <input
            id="search-q"
            type="search"
            name="q"
            value={form.q}
            placeholder="Mum in Lisbon last summer, puppy 2019, videos, IMG_1234"
            autocomplete="off"
            maxlength={200}
            autofocus={!form.q && !advanced}
          />
        </div>
        {props.parsed && <Chips form={form} parsed={props.parsed} ranked={props.ranked} />}
        <details class="search-advanced" open={advanced}>
          <summary>Advanced</summary>
          <div class="search-fields">
            <TextField name="name" label="File name" value={form.name} placeholder="IMG_1234" />
            <TextField name="place" label="Place" value={form.place} placeholder="City, region or country" />
            <TextField name="camera" label="Camera" value={form.camera} placeholder="Make or model" />
            <TextField name="thing" label="Thing in the photo" value={form.thing} placeholder="Dog, car, person" />
            <div class="field">
              <label for="search-after">Taken from</label>
              <input id="search-after" type="date" name="after" value={form.after} />
            </div>
            <div class="field">
              <label for="search-before">Taken until</label>
              <input id="search-before" type="date" name="before" value={form.before} />
            </div>
            <div class="field">
              <label for="search-type">Type</label>
              <select id="search-type" name="type">
                <option value="" selected={form.type === ""}>
                  Photos and videos
                </option>
                <option value="photo" selected={form.type === "photo"}>
                  Photos
                </option>
                <option value="video" selected={form.type === "video"}>
                  Videos
                </option>
              </select>
            </div>
          </div>
        </details>
        <div class="search-actions">
          <label class="check">
            <input type="checkbox" name="favorites" value="on" checked={form.favorites} />
            Favorites only
          </label>
          <span class="search-buttons">
            <a class="button button-quiet" href="/search">
              Clear
            </a>
            <button type="submit" class="button">
              Search
            </button>
          </span>
        </div>
      </form>
      <FormError message={props.error} />
      {results ? (
        <section class="search-results" aria-labelledby="results-heading">
          <h2 id="results-heading">Results</h2>
          {results.assets.length && results.ranked ? (
            <>
              <p class="muted grid-caption">
                {results.continued ? "Further matches" : `Best matches for “${results.ranked.text}” first`}
              </p>
              <RankedPage form={form} assets={results.assets} more={results.more} page={results.ranked.page} />
            </>
          ) : results.assets.length ? (
            <>
              <p class="muted grid-caption">
                {results.continued
                  ? "Earlier results, newest first"
                  : results.more
                    ? `The newest ${pageSize} results first`
                    : `${results.assets.length} result${results.assets.length === 1 ? "" : "s"}, newest first`}
              </p>
              <ResultsPage form={form} assets={results.assets} more={results.more} previous={results.previous} />
            </>
          ) : (
            <p class="empty">Nothing matches. Try fewer or shorter words: a part of a name is enough.</p>
          )}
        </section>
      ) : (
        !props.error && (
          <p class="empty">
            Fill in what you remember: a year or month ("june 2021", "last summer"), a place, a person's name, a thing
            ("dog"), a camera, a file name, or "videos".
          </p>
        )
      )}
    </Layout>
  );
}

export const searchPage = new Hono<ViewerEnv>().get("/", requireViewer, async (c) => {
  const { viewer } = c.var;
  const form = readForm(c.req.query());
  const advanced = filtersOf(form);
  const { error } = advanced;
  const plan = await planSearch(c, authOf(viewer), form.q, advanced.filters);
  const rankedBy = plan.rankedBy;
  const page = { viewer, form, parsed: plan.parsed, ranked: rankedBy !== undefined };
  if (error || !plan.asksSomething) return c.html(<SearchPage {...page} error={error} />, error ? 400 : 200);
  if (rankedBy !== undefined) {
    const number = Math.max(1, Math.min(1000, Number(c.req.query("page")) || 1));
    const found = await runSearch(c, authOf(viewer), plan, { limit: pageSize + 1, offset: (number - 1) * pageSize });
    const assets = found.slice(0, pageSize).map((hit) => hit.asset);
    const more = found.length > pageSize;
    if (c.req.query("fragment")) return c.html(<RankedPage form={form} assets={assets} more={more} page={number} />);
    return c.html(
      <SearchPage
        {...page}
        results={{ assets, more, continued: number > 1, ranked: { text: rankedBy, page: number } }}
      />,
    );
  }
  const before = parseCursor(c.req.query("after_item"));
  const found = await runSearch(c, authOf(viewer), plan, { limit: pageSize + 1, before });
  const assets = found.slice(0, pageSize).map((hit) => hit.asset);
  const more = found.length > pageSize;
  if (c.req.query("fragment"))
    return c.html(<ResultsPage form={form} assets={assets} more={more} previous={before?.localDateTime} />);
  return c.html(
    <SearchPage
      {...page}
      results={{ assets, more, continued: before !== undefined, previous: before?.localDateTime }}
    />,
  );
});
