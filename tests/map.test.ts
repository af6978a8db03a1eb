// The map on a real server: clusters that come apart as one zooms in, the year and favorite
// filters, a cluster's photos, Immich's markers, other users' photos kept off, and the page with its
// tile setting (in the page, and in the Content-Security-Policy).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { login, type Client } from "./helpers/accounts";
import { makeJpeg, upload } from "./helpers/media";
import { pageText, signInWithCookie } from "./helpers/pages";
import { admin, startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";

interface Cluster {
  latitude: number;
  longitude: number;
  count: number;
  assetId?: string;
}

interface Point {
  id: string;
  latitude: number;
  longitude: number;
}

// Degrees, minutes and seconds as EXIF writes them.
const dms = (degrees: number, minutes: number, seconds = 0) => `${degrees}/1 ${minutes}/1 ${seconds}/1`;

function gps(lat: [number, number, number?], latRef: "N" | "S", lon: [number, number, number?], lonRef: "E" | "W") {
  return { GPSLatitudeRef: latRef, GPSLatitude: dms(...lat), GPSLongitudeRef: lonRef, GPSLongitude: dms(...lon) };
}

// Three photos in Lisbon, a few kilometres apart, and two in Tokyo; the newest of each place first.
const places = {
  lisbon: [
    { taken: "2021:03:01 10:00:00", gps: gps([38, 43], "N", [9, 8], "W") },
    { taken: "2020:07:15 18:00:00", gps: gps([38, 44], "N", [9, 10], "W") },
    { taken: "2019:05:20 09:30:00", gps: gps([38, 42, 30], "N", [9, 12], "W") },
  ],
  tokyo: [
    { taken: "2023:04:02 12:00:00", gps: gps([35, 41], "N", [139, 41], "E") },
    { taken: "2023:04:01 12:00:00", gps: gps([35, 40], "N", [139, 43], "E") },
  ],
};

const world = { west: -180, south: -90, east: 180, north: 90 };
const aroundLisbon = { west: -9.5, south: 38.5, east: -8.9, north: 39 };

let shoebox: Shoebox;
const ids = { lisbon: [] as string[], tokyo: [] as string[] };

const query = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();

async function json<T>(path: string, fetcher: (path: string) => Promise<Response> = shoebox.api): Promise<T> {
  const response = await fetcher(path);
  assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

const clusters = (params: Record<string, string | number>, fetcher?: (path: string) => Promise<Response>) =>
  json<Cluster[]>(`/api/map/clusters?${query(params)}`, fetcher);
const boxAssets = (params: Record<string, string | number>, fetcher?: (path: string) => Promise<Response>) =>
  json<Point[]>(`/api/map/assets?${query(params)}`, fetcher);

const byCount = (list: Cluster[]) => [...list].sort((a, b) => b.count - a.count);

async function uploadAt(
  seed: number,
  photo: { taken: string; gps: Record<string, string> },
  api: Shoebox["api"] = shoebox.api,
): Promise<string> {
  const image = await makeJpeg(seed, { IFD2: { DateTimeOriginal: photo.taken }, IFD3: photo.gps });
  const { status, body } = await upload({ api }, { bytes: image.bytes, name: `map-${seed}.jpg` });
  assert.equal(status, 201, JSON.stringify(body));
  return body.id;
}

// Until the metadata job has put the photo on the map.
async function placed(id: string, api: Shoebox["api"] = shoebox.api) {
  await waitFor(`the place of ${id}`, async () => {
    const asset = (await (await api(`/api/assets/${id}`)).json()) as { exifInfo?: { latitude: number | null } };
    return asset.exifInfo?.latitude != null;
  });
}

before(async () => {
  shoebox = await startShoebox();
  let seed = 300;
  for (const photo of places.lisbon) ids.lisbon.push(await uploadAt(seed++, photo));
  for (const photo of places.tokyo) ids.tokyo.push(await uploadAt(seed++, photo));
  for (const id of [...ids.lisbon, ...ids.tokyo]) await placed(id);
});

after(async () => {
  await shoebox?.stop();
});

describe("the map API", () => {
  it("groups nearby photos at world zoom, at the mean of their places", async () => {
    const found = byCount(await clusters({ zoom: 2, ...world }));
    assert.deepEqual(
      found.map((c) => c.count),
      [3, 2],
    );
    const [lisbon, tokyo] = found as [Cluster, Cluster];
    assert.ok(
      Math.abs(lisbon.latitude - 38.7194) < 0.01 && Math.abs(lisbon.longitude + 9.1667) < 0.01,
      JSON.stringify(lisbon),
    );
    assert.ok(
      Math.abs(tokyo.latitude - 35.675) < 0.01 && Math.abs(tokyo.longitude - 139.7) < 0.01,
      JSON.stringify(tokyo),
    );
    assert.equal(lisbon.assetId, undefined);
  });

  it("shows only what is in the box", async () => {
    const found = await clusters({ zoom: 4, west: -20, south: 30, east: 0, north: 50 });
    assert.deepEqual(
      found.map((c) => c.count),
      [3],
    );
  });

  it("comes apart into single photos close up", async () => {
    const found = await clusters({ zoom: 15, ...aroundLisbon });
    assert.equal(found.length, 3);
    assert.deepEqual(found.map((c) => c.assetId).sort(), [...ids.lisbon].sort());
    assert.ok(found.every((c) => c.count === 1));
  });

  it("filters by years and favorites", async () => {
    const years = byCount(await clusters({ zoom: 2, ...world, fromYear: 2020, toYear: 2021 }));
    assert.deepEqual(
      years.map((c) => c.count),
      [2],
    );
    const close = await clusters({ zoom: 15, ...aroundLisbon, fromYear: 2020, toYear: 2020 });
    assert.deepEqual(
      close.map((c) => c.assetId),
      [ids.lisbon[1]],
    );
    assert.deepEqual(await clusters({ zoom: 2, ...world, fromYear: 2024 }), []);

    const favorite = ids.tokyo[1]!;
    const set = await shoebox.api(`/api/assets/${favorite}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ isFavorite: true }),
    });
    assert.equal(set.status, 200, await set.text());
    const favorites = await clusters({ zoom: 2, ...world, isFavorite: "true" });
    assert.deepEqual(
      favorites.map((c) => c.count),
      [1],
    );
    assert.deepEqual(
      (await clusters({ zoom: 15, west: 139, south: 35, east: 140, north: 36, isFavorite: "true" })).map(
        (c) => c.assetId,
      ),
      [favorite],
    );
    assert.deepEqual(
      (await boxAssets({ ...world, isFavorite: "true" })).map((p) => p.id),
      [favorite],
    );
    // Everything again without the filter.
    assert.deepEqual(
      byCount(await clusters({ zoom: 2, ...world })).map((c) => c.count),
      [3, 2],
    );
  });

  it("lists a box's photos, newest first, up to the limit", async () => {
    const lisbon = await boxAssets(aroundLisbon);
    assert.deepEqual(
      lisbon.map((p) => p.id),
      ids.lisbon,
    );
    assert.deepEqual(Object.keys(lisbon[0]!).sort(), ["id", "latitude", "longitude"]);
    assert.deepEqual(
      (await boxAssets({ ...aroundLisbon, limit: 1 })).map((p) => p.id),
      [ids.lisbon[0]],
    );
    assert.deepEqual(
      (await boxAssets({ ...aroundLisbon, fromYear: 2019, toYear: 2019 })).map((p) => p.id),
      [ids.lisbon[2]],
    );
    const tooMany = await shoebox.api(`/api/map/assets?${query({ ...aroundLisbon, limit: 501 })}`);
    assert.equal(tooMany.status, 400);
    assert.match(((await tooMany.json()) as { message: string }).message, /limit/);
  });

  // public/map.js opens a far cluster with the box of its map_cells cell, worked out from its mean:
  // that box must hold exactly the cluster's photos.
  it("gives a far cluster's photos for the box of its cell", async () => {
    for (const zoom of [1, 2, 5, 8]) {
      const level = Math.min(7, Math.max(0, Math.floor(zoom) - 1));
      const size = 360 / 2 ** (level + 3);
      for (const cluster of await clusters({ zoom, ...world })) {
        const x = Math.floor((cluster.longitude + 180) / size);
        const y = Math.floor((cluster.latitude + 90) / size);
        const box = {
          west: x * size - 180,
          south: y * size - 90,
          east: (x + 1) * size - 180,
          north: (y + 1) * size - 90,
        };
        assert.equal((await boxAssets(box)).length, cluster.count, `zoom ${zoom}: ${JSON.stringify(cluster)}`);
      }
    }
  });

  it("answers Immich's markers in Immich's shape", async () => {
    const markers = await json<Array<Record<string, unknown>>>("/api/map/markers");
    assert.equal(markers.length, 5);
    const first = markers.find((m) => m.id === ids.lisbon[0])!;
    assert.deepEqual(Object.keys(first).sort(), ["city", "country", "id", "lat", "lon", "state"]);
    assert.ok(Math.abs((first.lat as number) - (38 + 43 / 60)) < 1e-6);
    assert.ok(Math.abs((first.lon as number) + (9 + 8 / 60)) < 1e-6);
    for (const key of ["city", "state", "country"]) assert.ok(first[key] === null || typeof first[key] === "string");
    assert.deepEqual(
      (await json<Array<{ id: string }>>("/api/map/markers?isFavorite=true")).map((m) => m.id),
      [ids.tokyo[1]],
    );
    assert.equal((await json<unknown[]>("/api/map/markers?isFavorite=false")).length, 4);
  });

  it("checks its parameters and says what is wrong", async () => {
    for (const [path, field] of [
      [`/api/map/clusters?${query(world)}`, /zoom/],
      [`/api/map/clusters?${query({ ...world, zoom: 2, west: -200 })}`, /west/],
      [`/api/map/clusters?${query({ ...world, zoom: "near" })}`, /zoom/],
      [`/api/map/assets?${query({ ...world, fromYear: "last" })}`, /fromYear/],
      [`/api/map/assets?south=0&east=1&north=1`, /west/],
    ] as const) {
      const response = await shoebox.api(path);
      assert.equal(response.status, 400, path);
      assert.match(((await response.json()) as { message: string }).message, field, path);
    }
  });

  it("says how long the server took", async () => {
    for (const path of [
      `/api/map/clusters?${query({ zoom: 2, ...world })}`,
      `/api/map/assets?${query(world)}`,
      "/api/map/markers",
    ]) {
      const response = await shoebox.api(path);
      assert.match(response.headers.get("server-timing") ?? "", /^total;dur=\d+(\.\d+)?$/, path);
      await response.body?.cancel();
    }
  });
});

describe("another user", () => {
  let bob: Client;
  let bobPhoto: string;
  const bobApi = (path: string) => bob.fetch(path);

  before(async () => {
    const created = await shoebox.api("/api/admin/users", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "bob@example.com", password: "bob-password", name: "Bob" }),
    });
    assert.equal(created.status, 201, await created.text());
    bob = await login(shoebox.url, "bob@example.com", "bob-password");
  });

  it("sees none of the first user's photos, and only his own", async () => {
    assert.deepEqual(await clusters({ zoom: 2, ...world }, bobApi), []);
    assert.deepEqual(await clusters({ zoom: 15, ...aroundLisbon }, bobApi), []);
    assert.deepEqual(await boxAssets(world, bobApi), []);
    assert.deepEqual(await json("/api/map/markers?withPartners=true", bobApi), []);

    bobPhoto = await uploadAt(400, places.lisbon[0]!, bob.fetch);
    await placed(bobPhoto, bob.fetch);
    assert.deepEqual(
      (await clusters({ zoom: 15, ...aroundLisbon }, bobApi)).map((c) => c.assetId),
      [bobPhoto],
    );
    assert.deepEqual(
      (await boxAssets(world, bobApi)).map((p) => p.id),
      [bobPhoto],
    );
    // And the first user does not see Bob's.
    assert.deepEqual(
      byCount(await clusters({ zoom: 2, ...world })).map((c) => c.count),
      [3, 2],
    );
    assert.ok(!(await boxAssets(world)).some((p) => p.id === bobPhoto));
  });

  it("shows a partner's photos once they are in the timeline", async () => {
    const me = await json<{ id: string }>("/api/users/me");
    const shared = await bob.json("POST", "/api/partners", { sharedWithId: me.id });
    assert.equal(shared.status, 201, await shared.text());
    // Shared, but not yet in the admin's timeline.
    assert.equal((await boxAssets(aroundLisbon)).length, 3);
    const adminClient = await login(shoebox.url, admin.email, admin.password);
    const inTimeline = await adminClient.json("PUT", `/api/partners/${bob.userId}`, { inTimeline: true });
    assert.equal(inTimeline.status, 200, await inTimeline.text());

    assert.deepEqual(
      byCount(await clusters({ zoom: 2, ...world })).map((c) => c.count),
      [4, 2],
    );
    assert.ok((await boxAssets(aroundLisbon)).some((p) => p.id === bobPhoto));
    // Immich's markers take partners only when asked.
    assert.equal((await json<unknown[]>("/api/map/markers")).length, 5);
    assert.equal((await json<unknown[]>("/api/map/markers?withPartners=true")).length, 6);
    // Bob sees only his own still.
    assert.deepEqual(
      (await boxAssets(world, bobApi)).map((p) => p.id),
      [bobPhoto],
    );
  });
});

// The page, as the admin's browser without JavaScript gets it.
async function mapPage(server: Shoebox, query = ""): Promise<{ response: Response; html: string }> {
  const browser = await signInWithCookie(server.url, admin.email, admin.password);
  const response = await browser.get(`/map${query}`);
  return { response, html: await pageText(response) };
}

const imgSrc = (response: Response) =>
  (response.headers.get("content-security-policy") ?? "").split("; ").find((d) => d.startsWith("img-src "));

describe("the map page", () => {
  it("sends visitors to the sign-in form", async () => {
    const response = await fetch(`${shoebox.url}/map`, { redirect: "manual" });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), "/auth/login?next=/map");
  });

  it("carries the tile URL, Leaflet, the years of the library, and lets the tile server's images in", async () => {
    const { response, html } = await mapPage(shoebox);
    assert.match(html, /data-tile-url="https:\/\/tile\.openstreetmap\.org\/\{z\}\/\{x\}\/\{y\}\.png"/);
    assert.match(html, /data-tile-attribution="© OpenStreetMap contributors"/);
    assert.match(html, /<script src="\/static\/vendor\/leaflet\/leaflet.js" defer/);
    assert.match(html, /<script src="\/static\/map.js" defer/);
    assert.match(html, /<link rel="stylesheet" href="\/static\/map.css"/);
    assert.match(html, /<a href="\/map" aria-current="page">Map<\/a>/);
    const years = [...html.matchAll(/<option value="(\d{4})"/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(years)], ["2023", "2021", "2020", "2019"]);
    assert.equal(imgSrc(response), "img-src 'self' data: blob: https://tile.openstreetmap.org");
    // Every response carries the same policy, the API's too.
    assert.equal(
      imgSrc(await shoebox.api("/api/server/ping")),
      "img-src 'self' data: blob: https://tile.openstreetmap.org",
    );
  });

  it("keeps the filters of its address", async () => {
    const { html } = await mapPage(shoebox, "?from=2020&to=2021&favorites=1");
    assert.match(html, /<option value="2020" selected="">2020<\/option>/);
    assert.match(html, /<option value="2021" selected="">2021<\/option>/);
    assert.match(html, /id="map-favorites"[^>]*checked/);
    assert.doesNotMatch((await mapPage(shoebox, "?from=1066")).html, /selected=""/);
  });

  it("serves its script and styles, and Leaflet's", async () => {
    for (const path of [
      "/static/map.js",
      "/static/map.css",
      "/static/vendor/leaflet/leaflet.js",
      "/static/vendor/leaflet/leaflet.css",
    ]) {
      const response = await fetch(`${shoebox.url}${path}`);
      assert.equal(response.status, 200, path);
      await response.body?.cancel();
    }
  });
});

describe("with MAP_TILE_URL=off", () => {
  let plain: Shoebox;
  before(async () => {
    plain = await startShoebox({ env: { MAP_TILE_URL: "off" } });
  });
  after(async () => {
    await plain?.stop();
  });

  it("says tiles are off, and the policy names no tile server", async () => {
    const { response, html } = await mapPage(plain);
    assert.match(html, /Map tiles are off on this server/);
    assert.match(html, /data-tile-url=""/);
    assert.equal(imgSrc(response), "img-src 'self' data: blob:");
  });
});

describe("a bad MAP_TILE_URL", () => {
  it("keeps Shoebox from starting, and says why", async () => {
    await assert.rejects(
      startShoebox({ env: { MAP_TILE_URL: "https://tiles.example.org/tile.png" } }),
      (error: Error) => {
        assert.match(error.message, /Shoebox did not start/);
        assert.match(error.message, /MAP_TILE_URL must contain \{z\}, \{x\}, \{y\}/);
        return true;
      },
    );
  });
});
