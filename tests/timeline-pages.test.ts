// The timeline's pages on a real server: months newest first and loaded one at a time, Favorites,
// Archive, Trash and Recently added, "on this day", and the photo viewer with its neighbours and
// edits. Plain fetch with a small cookie jar plays the browser (helpers/pages.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { login, type Client } from "./helpers/accounts";
import { makeJpeg, upload, uploadForm } from "./helpers/media";
import { Browser, pageText, signInWithCookie } from "./helpers/pages";
import { admin, startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";

// Where each string first appears in the page; all of them must.
function positions(html: string, needles: string[]): number[] {
  return needles.map((needle) => {
    const at = html.indexOf(needle);
    assert.ok(at >= 0, `the page shows ${needle}`);
    return at;
  });
}

function assertInOrder(html: string, needles: string[]) {
  const at = positions(html, needles);
  assert.deepEqual(
    at,
    [...at].sort((a, b) => a - b),
    `in this order: ${needles.join(", ")}`,
  );
}

const tileOf = (id: string, view = "") => `href="/photos/${id}${view ? `?view=${view}` : ""}"`;
const linkTo = (html: string, rel: "prev" | "next") => html.match(new RegExp(`rel="${rel}" href="([^"]+)"`))?.[1];

interface Photo {
  id: string;
  taken: string; // EXIF "YYYY:MM:DD HH:MM:SS"
}

const exifDate = (date: Date) => date.toISOString().slice(0, 19).replace("T", " ").replace(/-/g, ":");

let shoebox: Shoebox;
let browser: Browser;
let other: Client;
let othersPhoto: string;
const photos: Photo[] = [];
const camera = { Make: "Pagecam", Model: "Pagecam Z9" };

// Taken in four months over eight years, plus two taken on today's date a year ago ("on this
// day"). Uploaded in this order, so "Recently added" lists them the other way round.
const now = new Date();
const memoryDate = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), now.getUTCDate(), 10, 0, 0));
const taken = [
  "2015:03:01 12:00:00",
  "2019:08:14 09:00:00",
  "2021:06:05 14:30:00",
  "2021:06:20 18:00:00",
  "2023:01:02 08:15:00",
  exifDate(memoryDate),
  exifDate(new Date(memoryDate.getTime() + 5 * 3600 * 1000)),
];

const monthOf = (exif: string) => exif.slice(0, 7).replace(":", "-");
const byTaken = () => [...photos].sort((a, b) => b.taken.localeCompare(a.taken));
const photo = (date: string) => photos.find((p) => p.taken.startsWith(date))!;

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await shoebox.api(path, init);
  assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
  return (await response.json()) as T;
}

const send = (method: string, path: string, body: unknown) =>
  shoebox.api(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

before(async () => {
  shoebox = await startShoebox();
  for (const [i, date] of taken.entries()) {
    const exif = { IFD2: { DateTimeOriginal: date }, ...(i === 2 ? { IFD0: camera } : {}) };
    const { body } = await upload(shoebox, await makeJpeg(700 + i, exif));
    photos.push({ id: body.id, taken: date });
  }
  // Until the dates taken and the thumbnails (and their thumbhashes) have landed.
  await waitFor("dates taken and thumbnails", async () => {
    const months = await json<Array<{ timeBucket: string; count: number }>>("/api/timeline/buckets");
    const expected = [...new Set(taken.map(monthOf))].sort().reverse();
    if (months.map((m) => m.timeBucket.slice(0, 7)).join() !== expected.join()) return undefined;
    for (const p of photos) if (!(await shoebox.api(`/api/assets/${p.id}/thumbnail`)).ok) return undefined;
    return true;
  });

  browser = await signInWithCookie(shoebox.url, admin.email, admin.password);

  const created = await send("POST", "/api/admin/users", {
    email: "other@example.com",
    password: "other-password",
    name: "Other",
  });
  assert.equal(created.status, 201);
  other = await login(shoebox.url, "other@example.com", "other-password");
  const response = await other.fetch("/api/assets", {
    method: "POST",
    body: uploadForm(await makeJpeg(799, { IFD2: { DateTimeOriginal: "2020:02:02 02:02:02" } })),
  });
  assert.equal(response.status, 201);
  othersPhoto = ((await response.json()) as { id: string }).id;
});

after(async () => {
  await shoebox?.stop();
});

describe("the timeline", () => {
  it("lists months newest first, the first ones with their photos in date order, the rest to load", async () => {
    const html = await pageText(await browser.get("/"));
    assert.match(html, /<a href="\/" aria-current="page">Photos<\/a>/);
    assert.match(html, /<link rel="stylesheet" href="\/static\/timeline.css"\/>/);
    assert.match(html, /<script src="\/static\/timeline.js" defer=""><\/script>/);
    const months = [...new Set(byTaken().map((p) => monthOf(p.taken)))];
    assertInOrder(
      html,
      months.map((m) => `id="month-${m}"`),
    );
    // The first three months are on the page; the others load as they scroll near.
    for (const p of byTaken().filter((p) => months.indexOf(monthOf(p.taken)) < 3))
      assert.ok(html.includes(tileOf(p.id)), `the page shows ${p.taken}`);
    for (const month of months.slice(3))
      assert.match(html, new RegExp(`hx-get="/timeline/months/${month}\\?view=timeline" hx-trigger="load-month"`));
    for (const p of byTaken().filter((p) => months.indexOf(monthOf(p.taken)) >= 3))
      assert.ok(!html.includes(tileOf(p.id)));
    assertInOrder(html, [photo("2021:06:20").id, photo("2021:06:05").id]);
    // Thumbnails with their placeholders, days with their titles, and a scrubber of years.
    assert.match(
      html,
      new RegExp(
        `<a class="tile" href="/photos/${photo("2021:06:05").id}" data-th="[A-Za-z0-9+/=]+"><img src="/api/assets/${photo("2021:06:05").id}/thumbnail" alt="Photo taken Jun 5, 2021, 2:30[^"]PM" loading="lazy" decoding="async"/>`,
      ),
    );
    assert.match(html, /<h3 class="day-title">Sun, Jun 20<\/h3>/);
    assert.match(html, /<nav class="scrubber" aria-label="Jump to a year"/);
    for (const year of ["2023", "2021", "2019", "2015"])
      assert.match(html, new RegExp(`data-month="${year}-\\d\\d">${year}</a>`));
    // Uploads, selection and its tools are there for timeline.js to show.
    assert.match(html, /data-upload-button/);
    assert.match(html, /data-selection-bar/);
    assert.match(html, /data-action="archive"/);
  });

  it("loads a month on its own, as a fragment", async () => {
    const june = await browser.get("/timeline/months/2021-06?view=timeline");
    assert.equal(june.status, 200);
    const html = await june.text();
    assert.match(html, /^<div class="month-body">/);
    assertInOrder(html, [tileOf(photo("2021:06:20").id), tileOf(photo("2021:06:05").id)]);
    const oldest = await (await browser.get("/timeline/months/2015-03?view=timeline")).text();
    assert.ok(oldest.includes(tileOf(photo("2015:03").id)));
    assert.ok(!oldest.includes(photo("2021:06:05").id));
    assert.equal((await browser.get("/timeline/months/2021-13?view=timeline")).status, 404);
    assert.equal((await browser.get("/timeline/months/2021-06?view=everything")).status, 404);
    assert.equal((await new Browser(shoebox.url).get("/timeline/months/2021-06")).status, 302);
  });

  it("opens at the month the scrubber asks for, with the newer months still to load", async () => {
    const html = await pageText(await browser.get("/?from=2019-08"));
    assert.match(html, /data-start="2019-08"/);
    assert.ok(html.includes(tileOf(photo("2019:08").id)));
    assert.ok(html.includes(tileOf(photo("2015:03").id)));
    assert.match(html, /hx-get="\/timeline\/months\/2023-01\?view=timeline"/);
    assert.ok(!html.includes(tileOf(photo("2023:01").id)));
    // No memories away from the top.
    assert.doesNotMatch(html, /years ago/);
    // A month with no photos starts at the next older one.
    assert.match(await pageText(await browser.get("/?from=2017-01")), /data-start="2015-03"/);
  });

  it("shows what was taken on this day in earlier years, which opens in the viewer", async () => {
    const html = await pageText(await browser.get("/"));
    const memory = photo(exifDate(memoryDate).slice(0, 10));
    const day = memoryDate.toISOString().slice(0, 10);
    assert.match(html, new RegExp(`<a class="memory" href="/photos/${memory.id}\\?memory=${day}"`));
    assert.match(html, /1 year ago/);
    // The day's photos, oldest first.
    const later = photos.find((p) => p.taken.startsWith(exifDate(memoryDate).slice(0, 10)) && p.id !== memory.id)!;
    const viewer = await pageText(await browser.get(`/photos/${memory.id}?memory=${day}`));
    assert.equal(linkTo(viewer, "prev"), undefined);
    assert.equal(linkTo(viewer, "next"), `/photos/${later.id}?memory=${day}`);
    assert.match(viewer, /href="\/" data-back/);
    const second = await pageText(await browser.get(`/photos/${later.id}?memory=${day}`));
    assert.equal(linkTo(second, "prev"), `/photos/${memory.id}?memory=${day}`);
    assert.equal(linkTo(second, "next"), undefined);
  });
});

describe("the viewer", () => {
  it("shows the preview, the camera and the way back, with the neighbours in timeline order", async () => {
    const middle = photo("2021:06:05");
    const html = await pageText(await browser.get(`/photos/${middle.id}`));
    assert.match(html, /<link rel="stylesheet" href="\/static\/viewer.css"\/>/);
    assert.ok(html.includes(`src="/api/assets/${middle.id}/thumbnail?size=preview"`));
    assert.match(html, /Pagecam Z9/);
    assert.match(html, /data-zoom-src="\/api\/assets\/[^"]+\/original"/);
    assert.ok(html.includes(`href="/api/assets/${middle.id}/original" download="`));
    assert.match(html, /href="\/\?from=2021-06" data-back/);
    // Newer to the left, older to the right: across the month's edge too.
    assert.equal(linkTo(html, "prev"), `/photos/${photo("2021:06:20").id}`);
    assert.equal(linkTo(html, "next"), `/photos/${photo("2019:08").id}`);
    const newest = byTaken()[0]!;
    const first = await pageText(await browser.get(`/photos/${newest.id}`));
    assert.equal(linkTo(first, "prev"), undefined);
    assert.equal(linkTo(first, "next"), `/photos/${byTaken()[1]!.id}`);
    const oldest = await pageText(await browser.get(`/photos/${photo("2015:03").id}?info=1`));
    assert.equal(linkTo(oldest, "next"), undefined);
    assert.equal(linkTo(oldest, "prev"), `/photos/${photo("2019:08").id}?info=1`);
    // The details are shown when asked for (?info=1), with the owner's edits.
    assert.match(oldest, /<aside class="pv-info" id="pv-info" aria-labelledby="pv-info-title" data-info="true">/);
    assert.match(oldest, /name="dateTime"/);
    assert.match(
      html,
      /<aside class="pv-info" id="pv-info" aria-labelledby="pv-info-title" hidden="" data-info="true">/,
    );
  });

  it("is a 404 page for another user's photo, and for no photo at all", async () => {
    assert.match(await pageText(await browser.get(`/photos/${othersPhoto}`), 404), /Not found/);
    assert.match(await pageText(await browser.get("/photos/not-a-photo"), 404), /Not found/);
    // A token is no credential for a page at all.
    const viaApi = await other.fetch(`/photos/${photos[0]!.id}`);
    assert.equal(viaApi.status, 401);
  });

  it("shows a partner's photos in the timeline and viewer, without the owner's edits", async () => {
    const me = await json<{ id: string }>("/api/users/me");
    assert.equal((await other.json("POST", "/api/partners", { sharedWithId: me.id })).status, 201);
    assert.equal((await send("PUT", `/api/partners/${other.userId}`, { inTimeline: true })).status, 200);
    await waitFor("the partner's photo date", async () =>
      (await json<Array<{ timeBucket: string }>>("/api/timeline/buckets?withPartners=true")).some((m) =>
        m.timeBucket.startsWith("2020-02"),
      ),
    );
    const fragment = await (await browser.get("/timeline/months/2020-02?view=timeline")).text();
    assert.match(fragment, new RegExp(`<a class="tile is-partner" href="/photos/${othersPhoto}"`));
    const html = await pageText(await browser.get(`/photos/${othersPhoto}`));
    assert.doesNotMatch(html, /data-favorite-form|name="dateTime"|action="[^"]*\/trash"/);
    assert.equal(linkTo(html, "prev"), `/photos/${photo("2021:06:05").id}`);
    assert.equal(linkTo(html, "next"), `/photos/${photo("2019:08").id}`);
    // Favorites stay one's own.
    assert.doesNotMatch(await pageText(await browser.get("/favorites")), new RegExp(othersPhoto));
  });

  it("changes the date and the place, and refuses a form without the CSRF token", async () => {
    const target = photo("2019:08");
    assert.equal(
      (
        await browser.post(
          `/photos/${target.id}/date`,
          { dateTime: "2018-02-03T04:05", timeZone: "UTC+02:00" },
          { csrf: false },
        )
      ).status,
      403,
    );
    const dated = await browser.post(`/photos/${target.id}/date?info=1`, {
      dateTime: "2018-02-03T04:05",
      timeZone: "UTC+02:00",
    });
    assert.equal(dated.status, 303);
    assert.equal(dated.headers.get("location"), `/photos/${target.id}?info=1`);
    const asset = await json<{ localDateTime: string; fileCreatedAt: string; exifInfo: { dateTimeOriginal: string } }>(
      `/api/assets/${target.id}`,
    );
    assert.equal(asset.localDateTime, "2018-02-03T04:05:00.000Z");
    assert.equal(asset.fileCreatedAt, "2018-02-03T02:05:00.000Z");
    const page = await pageText(await browser.get(`/photos/${target.id}?info=1`));
    assert.match(page, /value="2018-02-03T04:05:00"/);
    assert.match(page, /<option value="UTC\+02:00" selected="">/);
    assert.match(page, /4:05 AM<span class="muted"> UTC\+02:00<\/span>/);
    assert.match(
      await pageText(
        await browser.post(`/photos/${target.id}/date`, { dateTime: "yesterday", timeZone: "UTC+02:00" }),
        400,
      ),
      /Enter a date, a time and a time zone/,
    );
    assert.match(
      await pageText(
        await browser.post(`/photos/${target.id}/date`, {
          dateTime: "2018-02-03T04:05",
          timeZone: "Mars/Olympus_Mons",
        }),
        400,
      ),
      /Enter a date, a time and a time zone/,
    );

    const placed = await browser.post(`/photos/${target.id}/place`, { latitude: "48.8584", longitude: "2.2945" });
    assert.equal(placed.status, 303);
    const withPlace = await json<{ exifInfo: { latitude: number; longitude: number } }>(`/api/assets/${target.id}`);
    assert.deepEqual([withPlace.exifInfo.latitude, withPlace.exifInfo.longitude], [48.8584, 2.2945]);
    assert.match(
      await pageText(await browser.get(`/photos/${target.id}`)),
      /<div class="mini-map" data-lat="48.8584" data-lon="2.2945" data-tile-url="https:\/\/tile.openstreetmap.org\/{z}\/{x}\/{y}.png"/,
    );
    assert.match(
      await pageText(await browser.post(`/photos/${target.id}/place`, { latitude: "91", longitude: "0" }), 400),
      /Enter a latitude/,
    );
    // Others' photos cannot be changed.
    assert.equal(
      (await browser.post(`/photos/${othersPhoto}/date`, { dateTime: "2018-02-03T04:05", offset: "+02:00" })).status,
      404,
    );
  });
});

describe("favorites, the archive, the trash and recently added", () => {
  it("list what the API changed, and the timeline leaves out the archived and trashed", async () => {
    const [favorite, archived, trashed] = [photo("2021:06:20"), photo("2023:01"), photo("2015:03")];
    assert.equal((await send("PUT", "/api/assets", { ids: [favorite.id, archived.id], isFavorite: true })).status, 204);
    assert.equal((await send("PUT", "/api/assets", { ids: [archived.id], visibility: "archive" })).status, 204);
    assert.equal((await send("DELETE", "/api/assets", { ids: [trashed.id] })).status, 204);

    const favorites = await pageText(await browser.get("/favorites"));
    assert.match(favorites, /<a href="\/favorites" aria-current="page">Favorites<\/a>/);
    assertInOrder(favorites, [tileOf(archived.id, "favorites"), tileOf(favorite.id, "favorites")]);
    assert.match(favorites, new RegExp(`<a class="tile is-fav" href="/photos/${favorite.id}\\?view=favorites"`));
    assert.equal((favorites.match(/class="tile/g) ?? []).length, 2);

    const archive = await pageText(await browser.get("/archive"));
    assert.ok(archive.includes(tileOf(archived.id, "archive")));
    assert.equal((archive.match(/class="tile/g) ?? []).length, 1);
    assert.match(archive, /data-action="unarchive"/);

    const trash = await pageText(await browser.get("/trash"));
    assert.ok(trash.includes(tileOf(trashed.id, "trash")));
    assert.equal((trash.match(/class="tile/g) ?? []).length, 1);
    assert.match(trash, /deleted for good after 30 days/);
    assert.match(trash, /data-trash-action="restore-all"/);
    assert.match(trash, /data-trash-action="empty"/);
    assert.match(trash, /data-action="delete-forever"/);

    const timeline = await pageText(await browser.get("/"));
    assert.doesNotMatch(timeline, new RegExp(`${archived.id}|${trashed.id}`));
    assert.doesNotMatch(timeline, /id="month-2023-01"/);

    // In the favorites, the neighbours are the favorites'.
    const viewer = await pageText(await browser.get(`/photos/${archived.id}?view=favorites`));
    assert.equal(linkTo(viewer, "next"), `/photos/${favorite.id}?view=favorites`);
    assert.match(viewer, /href="\/favorites\?from=2023-01" data-back/);
    const inTrash = await pageText(await browser.get(`/photos/${trashed.id}?view=trash`));
    assert.match(inTrash, /In the trash/);
    assert.match(inTrash, new RegExp(`action="/photos/${trashed.id}/restore\\?view=trash"`));

    const recent = await pageText(await browser.get("/recent"));
    assert.match(recent, /<a href="\/recent" aria-current="page">Recently added<\/a>/);
    const listed = photos.filter((p) => p.id !== trashed.id).reverse();
    assertInOrder(
      recent,
      listed.map((p) => tileOf(p.id, "recent")),
    );
  });

  it("favorite, trash and restore from the viewer, moving on to the next photo", async () => {
    const target = photo("2021:06:05");
    const favorited = await browser.post(`/photos/${target.id}/favorite`, { favorite: "true" });
    assert.equal(favorited.status, 303);
    assert.equal((await json<{ isFavorite: boolean }>(`/api/assets/${target.id}`)).isFavorite, true);
    const fragment = await browser.post(`/photos/${target.id}/favorite`, { favorite: "false" }, { htmx: true });
    assert.equal(fragment.status, 200);
    assert.match(await fragment.text(), /^<form class="pv-form"[^>]*data-favorite-form/);
    assert.equal((await json<{ isFavorite: boolean }>(`/api/assets/${target.id}`)).isFavorite, false);

    const viewer = await pageText(await browser.get(`/photos/${target.id}`));
    const next = linkTo(viewer, "next");
    const trashed = await browser.post(`/photos/${target.id}/trash`);
    assert.equal(trashed.status, 303);
    assert.equal(trashed.headers.get("location"), next);
    assert.ok(!(await pageText(await browser.get("/"))).includes(tileOf(target.id)));

    const restored = await browser.post(`/photos/${target.id}/restore?view=trash`);
    assert.equal(restored.status, 303);
    assert.ok((await (await browser.get("/timeline/months/2021-06?view=timeline")).text()).includes(tileOf(target.id)));
  });
});
