// The map: where the photos of one's timeline (and of partners shown in it) were taken, as clusters
// that come apart as one zooms in. public/map.js draws it with the vendored Leaflet, asking
// /api/map/clusters for the view; this page is its frame, its filters and its settings.
import { Hono } from "hono";
import { authOf, requireViewer, type Viewer, type ViewerEnv } from "../middleware/pages";
import { mapYears } from "../services/map";
import { Layout } from "./layout";

interface MapFilters {
  fromYear?: number;
  toYear?: number;
  favoritesOnly: boolean;
}

// ?from=2019&to=2021&favorites=1, as map.js keeps them in the address, so that a reload or the way
// back from a photo finds the map as it was left. Years not in the library are dropped.
function filtersOf(query: Record<string, string>, years: number[]): MapFilters {
  const year = (value: string | undefined) => {
    const n = Number(value);
    return value && years.includes(n) ? n : undefined;
  };
  return { fromYear: year(query.from), toYear: year(query.to), favoritesOnly: query.favorites === "1" };
}

function YearSelect(props: { name: string; label: string; years: number[]; selected?: number }) {
  const id = `map-${props.name}`;
  return (
    <div class="map-filter">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name}>
        <option value="">Any year</option>
        {props.years.map((year) => (
          <option value={String(year)} selected={year === props.selected}>
            {String(year)}
          </option>
        ))}
      </select>
    </div>
  );
}

function MapPage(props: {
  viewer: Viewer;
  years: number[];
  filters: MapFilters;
  tileUrl: string;
  attribution: string;
}) {
  const { years, filters } = props;
  return (
    <Layout title="Map" viewer={props.viewer} area="map" current="/map">
      {/* Leaflet's styles come with map.css (which imports them first). The script is deferred like
          map.js, which waits for the document, and so for Leaflet, before it starts. */}
      <script src="/static/vendor/leaflet/leaflet.js" defer></script>
      <div class="map-app">
        <h1 class="visually-hidden">Map</h1>
        <form class="map-filters" method="get" action="/map" aria-label="Filters">
          <YearSelect name="from" label="From" years={years} selected={filters.fromYear} />
          <YearSelect name="to" label="To" years={years} selected={filters.toYear} />
          <div class="map-filter map-filter-check check">
            <input id="map-favorites" type="checkbox" name="favorites" value="1" checked={filters.favoritesOnly} />
            <label for="map-favorites">Favorites only</label>
          </div>
          <noscript>
            <button type="submit" class="button button-quiet">
              Apply
            </button>
          </noscript>
          <p class="map-status muted" role="status" aria-live="polite"></p>
        </form>
        <div class="map-body">
          <section
            id="map"
            class="map"
            aria-label="Map of your photos. Arrow keys move it, plus and minus zoom; Tab goes to the photos on it."
            data-tile-url={props.tileUrl}
            data-tile-attribution={props.attribution}
          >
            <noscript>
              <p class="map-fallback">The map needs JavaScript.</p>
            </noscript>
          </section>
          <p class="map-note" hidden={props.tileUrl ? true : undefined}>
            {props.tileUrl ? "" : "Map tiles are off on this server; photos are on a plain background."}
          </p>
          <aside class="map-panel" aria-labelledby="map-panel-title" tabindex={-1} hidden>
            <div class="map-panel-head">
              <h2 id="map-panel-title">Photos here</h2>
              <button type="button" class="button button-quiet map-panel-close" aria-label="Close the list of photos">
                Close
              </button>
            </div>
            <p class="map-panel-count muted" aria-live="polite"></p>
            <ul class="grid map-panel-grid"></ul>
          </aside>
        </div>
      </div>
    </Layout>
  );
}

export const mapPage = new Hono<ViewerEnv>().get("/", requireViewer, async (c) => {
  const { viewer } = c.var;
  const years = await mapYears(c, authOf(viewer));
  return c.html(
    <MapPage
      viewer={viewer}
      years={years}
      filters={filtersOf(c.req.query(), years)}
      tileUrl={c.env.MAP_TILE_URL ?? ""}
      attribution={c.env.MAP_TILE_ATTRIBUTION ?? ""}
    />,
  );
});
