// npm run bench:timeline [-- --rebuild] [--assets N] [--other-users N] [--other-assets N] [--requests N]
// Server time of the timeline's month list, of a month's page and of the map's markers, for one user
// with a million assets over twenty years on a server that holds four more libraries, measured
// through the running server. Baseline, measured in the same run: a request that touches no data
// (GET /api/server/ping) and one that only authenticates (GET /api/users/me). Target: 50 ms.
//
// The library is written straight into the database file and kept for the next run
// (bench/timeline-library.ts).
import { statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startShoebox, type Shoebox } from "../tests/helpers/shoebox";
import { printTable } from "./rss";
import { dataDir, libraryArgs, libraryOptions, timelineLibrary } from "./timeline-library";

const { values } = parseArgs({
  options: {
    ...libraryArgs,
    requests: { type: "string", default: "200" },
  },
});
const requests = Number(values.requests);
const warmUp = 5;
const target = 50;
const options = libraryOptions(values);
const library = { seed: options.seed };

// Seeded, so that every run asks for the same months and views.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Measured {
  times: number[];
  roundTrips: number[];
  rows: number[];
  bytes: number[];
  serverTiming: boolean;
  error?: string;
  last?: unknown;
}

// Server time from the Server-Timing header ("total", or else the first entry with a duration);
// without one, the round trip seen from here, body included.
function serverTime(header: string | null): number | undefined {
  if (!header) return undefined;
  const total = header.match(/(?:^|,)\s*total\s*;[^,]*dur=([\d.]+)/i) ?? header.match(/dur=([\d.]+)/i);
  return total ? Number(total[1]) : undefined;
}

async function measure(
  shoebox: Shoebox,
  path: (i: number) => string,
  rowsOf: (body: unknown) => number,
): Promise<Measured> {
  const result: Measured = { times: [], roundTrips: [], rows: [], bytes: [], serverTiming: true };
  for (let i = -warmUp; i < requests; i++) {
    const url = path(i);
    const started = performance.now();
    const response = await shoebox.api(url);
    const text = await response.text();
    const roundTrip = performance.now() - started;
    if (response.status !== 200) return { ...result, error: `${response.status} on ${url}: ${text.slice(0, 200)}` };
    if (i < 0) continue;
    const server = serverTime(response.headers.get("server-timing"));
    if (server === undefined) result.serverTiming = false;
    result.times.push(server ?? roundTrip);
    result.roundTrips.push(roundTrip);
    const body = JSON.parse(text) as unknown;
    result.rows.push(rowsOf(body));
    result.bytes.push(text.length);
    result.last = body;
  }
  return result;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const kib = (bytes: number) => (bytes >= 10240 ? `${(bytes / 1024).toFixed(0)} KiB` : `${bytes} B`);

function row(name: string, measured: Measured, withTarget = true): string[] {
  if (measured.error)
    return [
      name,
      "-",
      "-",
      withTarget ? `${target}` : "-",
      "-",
      "-",
      `failed: HTTP ${measured.error.split(" ")[0]}`,
      "-",
    ];
  const rows = [...measured.rows].sort((a, b) => a - b);
  const median = percentile(rows, 50);
  const max = rows[rows.length - 1]!;
  return [
    name,
    percentile(measured.times, 50).toFixed(1),
    percentile(measured.times, 95).toFixed(1),
    withTarget ? `${target}` : "-",
    percentile(measured.roundTrips, 50).toFixed(1),
    percentile(measured.roundTrips, 95).toFixed(1),
    max === median ? `${median}` : `${median} (max ${max})`,
    kib(percentile(measured.bytes, 50)),
  ];
}

const { manifest, cached } = await timelineLibrary(options);
const [owner, ...others] = manifest.users;
const dbBytes = statSync(join(dataDir, "shoebox.db")).size;

const serverStarted = performance.now();
const shoebox = await startShoebox({ dataDir });
try {
  const startSeconds = (performance.now() - serverStarted) / 1000;
  const pick = random(library.seed);
  const length = (body: unknown) => (Array.isArray(body) ? body.length : 0);

  // Baselines.
  const ping = await measure(
    shoebox,
    () => "/api/server/ping",
    () => 1,
  );
  const me = await measure(
    shoebox,
    () => "/api/users/me",
    () => 1,
  );

  // 1. The month list.
  const buckets = await measure(shoebox, () => "/api/timeline/buckets?visibility=timeline", length);
  const bucketList = (buckets.last as Array<{ timeBucket: string; count: number }> | undefined) ?? [];

  // 2. Timeline pages as the web app loads them (the first 300 of a random month), and the largest
  // month whole, as Immich's clients ask for it (no target: it is as big as the month).
  const timeBuckets = bucketList.length ? bucketList.map((b) => b.timeBucket) : [`${owner!.largestMonth}-01`];
  const randomMonths = Array.from(
    { length: requests + warmUp },
    () => timeBuckets[Math.floor(pick() * timeBuckets.length)]!,
  );
  const pageRows = (body: unknown) => ((body as { id?: unknown[] }).id ?? []).length;
  const page = await measure(
    shoebox,
    (i) => `/api/timeline/bucket?visibility=timeline&pageSize=300&timeBucket=${randomMonths[i + warmUp]}`,
    pageRows,
  );
  const largestMonth = `${owner!.largestMonth}-01`;
  const largest = await measure(
    shoebox,
    () => `/api/timeline/bucket?visibility=timeline&timeBucket=${largestMonth}`,
    pageRows,
  );

  // 3. The map, as a 1280 × 800 window sees it: the world; a continent around one of the owner's
  // places; a town: the home town (a fifth of the owner's geotagged photos), and the owner's other
  // frequent places; a region around the home town; and streets (the first zoom that reads points,
  // where the others read the grid of map_cells).
  const places = owner!.places;
  const view = (zoom: number, latitude: number, longitude: number) => {
    const width = 1280 * (360 / (256 * 2 ** zoom));
    const height = 800 * (360 / (256 * 2 ** zoom)) * Math.cos((latitude * Math.PI) / 180);
    const clamp = (value: number, limit: number) => Math.max(-limit, Math.min(limit, value)).toFixed(5);
    return (
      `/api/map/clusters?zoom=${zoom}&west=${clamp(longitude - width / 2, 180)}&south=${clamp(latitude - height / 2, 85)}` +
      `&east=${clamp(longitude + width / 2, 180)}&north=${clamp(latitude + height / 2, 85)}`
    );
  };
  const placeViews = (zoom: number, homeShare: number) =>
    Array.from({ length: requests + warmUp }, () => {
      const place = pick() < homeShare ? places[0]! : places[Math.floor(pick() * places.length)]!;
      return view(zoom, place.latitude, place.longitude);
    });
  const markerCount = (body: unknown) => length(body);
  const world = await measure(
    shoebox,
    () => "/api/map/clusters?zoom=2&west=-180&south=-85&east=180&north=85",
    markerCount,
  );
  const continentViews = placeViews(5, 0.3);
  const continent = await measure(shoebox, (i) => continentViews[i + warmUp]!, markerCount);
  const homeViews = placeViews(11, 1);
  const home = await measure(shoebox, (i) => homeViews[i + warmUp]!, markerCount);
  const cityViews = Array.from({ length: requests + warmUp }, () => {
    const place = places[1 + Math.floor(pick() * (places.length - 1))]!;
    return view(11, place.latitude, place.longitude);
  });
  const city = await measure(shoebox, (i) => cityViews[i + warmUp]!, markerCount);
  const regionViews = placeViews(9, 1);
  const region = await measure(shoebox, (i) => regionViews[i + warmUp]!, markerCount);
  const streetViews = placeViews(15, 0.5);
  const street = await measure(shoebox, (i) => streetViews[i + warmUp]!, markerCount);

  const all = [ping, me, buckets, page, largest, world, continent, home, city, region, street];
  const timing = all.every((m) => m.error || m.serverTiming)
    ? "p50/p95 are server time from Server-Timing (workerd's clock only moves on I/O, so CPU work after the last database call is not in it); round trip is seen from here on loopback, body included"
    : "p50/p95 are the round trip on loopback, body included (no Server-Timing header)";
  console.log(
    `\n${owner!.assets.toLocaleString("en")} assets over 20 years for ${owner!.email} ` +
      `(${owner!.timeline.toLocaleString("en")} in the timeline over ${owner!.months} months, ` +
      `${owner!.timelineGeotagged.toLocaleString("en")} of them geotagged; largest month ${owner!.largestMonth} with ${owner!.largestMonthCount}; home town ${owner!.places[0]!.name}), ` +
      `plus ${others.length} users with ${(others[0]?.assets ?? 0).toLocaleString("en")} each; database ${(dbBytes / 1048576).toFixed(0)} MiB`,
  );
  console.log(
    cached
      ? `Library from the cache (built ${manifest.builtAt} in ${manifest.buildSeconds.toFixed(0)} s); pass --rebuild to rebuild it`
      : `Library built in ${manifest.buildSeconds.toFixed(0)} s`,
  );
  console.log(
    `Server up after ${startSeconds.toFixed(0)} s; ${requests} sequential requests per query after ${warmUp} to warm up; times in ms.\n${timing}\n`,
  );
  printTable([
    ["query", "p50 ms", "p95 ms", "target ms", "round trip p50", "round trip p95", "rows (median)", "response"],
    row("GET /api/server/ping (baseline)", ping, false),
    row("GET /api/users/me (baseline: authentication)", me, false),
    row("month list: /api/timeline/buckets", buckets),
    row("timeline page: /api/timeline/bucket, 300 of a random month", page),
    row(`whole month: /api/timeline/bucket, largest (${owner!.largestMonth})`, largest, false),
    row("map: /api/map/clusters, world (zoom 2)", world),
    row("map: /api/map/clusters, continent (zoom 5)", continent),
    row(`map: /api/map/clusters, home town (zoom 11)`, home),
    row(`map: /api/map/clusters, other towns (zoom 11)`, city),
    row(`map: /api/map/clusters, home region (zoom 9)`, region),
    row("map: /api/map/clusters, streets (zoom 15, points)", street),
  ]);

  // What the answers add up to, against what the library holds.
  const notes: string[] = [];
  for (const measured of all) if (measured.error) notes.push(`failed: ${measured.error}`);
  if (!buckets.error) {
    const sum = bucketList.reduce((total, b) => total + b.count, 0);
    notes.push(
      `month list: ${bucketList.length} months adding up to ${sum} assets (library: ${owner!.months} months, ${owner!.timeline} assets)`,
    );
  }
  if (!largest.error)
    notes.push(`largest month: ${largest.rows[0]} assets returned (library: ${owner!.largestMonthCount})`);
  if (!world.error) {
    const markers = (world.last as Array<{ count: number }>) ?? [];
    const sum = markers.reduce((total, m) => total + (m.count ?? 0), 0);
    notes.push(
      `world map: ${markers.length} markers adding up to ${sum} assets (library: ${owner!.timelineGeotagged} geotagged in the timeline)`,
    );
  }
  const base = percentile(ping.times, 50);
  const ratios = (
    [
      ["month list", buckets],
      ["random month", page],
      ["largest month", largest],
      ["world map", world],
      ["continent", continent],
      ["home town", home],
      ["other towns", city],
      ["home region", region],
    ] as const
  ).filter(([, m]) => !m.error);
  if (!ping.error && base > 0 && ratios.length) {
    notes.push(
      `p50 / ping p50: ${ratios.map(([name, m]) => `${name} ${(percentile(m.times, 50) / base).toFixed(1)}×`).join(", ")}`,
    );
  }
  console.log(`\n${notes.join("\n")}`);
} finally {
  await shoebox.stop();
}
