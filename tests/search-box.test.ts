// The search box on a real Shoebox: photos with EXIF dates and GPS (Lisbon, Paris) and a video are
// uploaded; "2019", "june 2021", a city the GPS geocodes to and "video" find the right ones on the
// /search page (with chips of what was understood) and through POST /api/search/metadata's `query`;
// another user's photos, taken the same month in the same city, never appear.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { videoTools } from "../workers/media/video";
import { login, type Client } from "./helpers/accounts";
import { makeJpeg, upload, uploadForm } from "./helpers/media";
import { pageText, signInWithCookie, type Browser } from "./helpers/pages";
import { makeDataDir, startShoebox, waitFor, admin, type Shoebox } from "./helpers/shoebox";

const paris = {
  GPSLatitudeRef: "N",
  GPSLatitude: "48/1 51/1 3024/100",
  GPSLongitudeRef: "E",
  GPSLongitude: "2/1 17/1 4020/100",
};
const lisbon = { GPSLatitudeRef: "N", GPSLatitude: "38/1 43/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "9/1 8/1 0/1" };

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("the search box", () => {
  let shoebox: Shoebox;
  let browser: Browser;
  let bob: Client;
  const id: Record<string, string> = {};
  let city = "";

  const ready = (
    api: (path: string) => Promise<Response>,
    assetId: string,
    check: (exif: Record<string, unknown>) => boolean,
  ) =>
    waitFor(`the metadata of ${assetId}`, async () => {
      const asset = (await (await api(`/api/assets/${assetId}`)).json()) as { exifInfo: Record<string, unknown> };
      return check(asset.exifInfo) && asset.exifInfo;
    });

  before(async () => {
    shoebox = await startShoebox();
    const created = await shoebox.api(
      "/api/admin/users",
      json({ email: "bob@example.com", password: "bob-password", name: "Bob", quotaSizeInBytes: 5 * 1024 ** 3 }),
    );
    assert.equal(created.status, 201);
    bob = await login(shoebox.url, "bob@example.com", "bob-password");

    const images = {
      lisbon2019: await makeJpeg(301, { IFD2: { DateTimeOriginal: "2019:08:10 12:00:00" }, IFD3: lisbon }),
      paris2021: await makeJpeg(302, {
        IFD0: { Make: "Boxcam", Model: "Boxcam Z9" },
        IFD2: { DateTimeOriginal: "2021:06:05 10:00:00" },
        IFD3: paris,
      }),
      july2021: await makeJpeg(303, { IFD2: { DateTimeOriginal: "2021:07:01 09:00:00" } }),
    };
    for (const [name, image] of Object.entries(images)) {
      const { status, body } = await upload(shoebox, image);
      assert.equal(status, 201);
      id[name] = body.id;
    }
    const { ffmpeg } = await videoTools();
    const clip = join(makeDataDir(), "clip.mp4");
    execFileSync(ffmpeg, [
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=160x120:rate=10",
      "-t",
      "1",
      "-c:v",
      "mpeg4",
      clip,
    ]);
    const video = await shoebox.api("/api/assets", {
      method: "POST",
      body: uploadForm({ bytes: readFileSync(clip), name: "clip.mp4" }),
    });
    assert.equal(video.status, 201);
    id.video = ((await video.json()) as { id: string }).id;

    const lisbonExif = await ready(
      shoebox.api,
      id.lisbon2019!,
      (exif) => exif.city !== null && exif.city !== undefined,
    );
    city = String(lisbonExif.city);
    await ready(shoebox.api, id.paris2021!, (exif) => exif.country !== null && exif.country !== undefined);
    await ready(shoebox.api, id.july2021!, (exif) => exif.dateTimeOriginal !== null);

    // Bob's: Lisbon in 2019 and June 2021, the same camera make.
    for (const image of [
      await makeJpeg(311, {
        IFD0: { Make: "Boxcam", Model: "Boxcam Z9" },
        IFD2: { DateTimeOriginal: "2019:08:11 12:00:00" },
        IFD3: lisbon,
      }),
      await makeJpeg(312, { IFD2: { DateTimeOriginal: "2021:06:06 10:00:00" }, IFD3: paris }),
    ]) {
      const response = await bob.fetch("/api/assets", { method: "POST", body: uploadForm(image) });
      assert.equal(response.status, 201);
      const bobId = ((await response.json()) as { id: string }).id;
      id[`bob${image.name}`] = bobId;
      await ready(bob.fetch, bobId, (exif) => exif.country !== null && exif.country !== undefined);
    }
    browser = await signInWithCookie(shoebox.url, admin.email, admin.password);
  });

  after(async () => {
    await shoebox?.stop();
  });

  const ids = (html: string) => [...html.matchAll(/href="\/photos\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
  const search = async (q: string) => pageText(await browser.get(`/search?q=${encodeURIComponent(q)}`));
  const bobIds = () =>
    Object.entries(id)
      .filter(([name]) => name.startsWith("bob"))
      .map(([, value]) => value);

  it("finds photos by year, month, place, camera and type, with chips of what it understood", async () => {
    const y2019 = await search("2019");
    assert.deepEqual(ids(y2019), [id.lisbon2019]);
    assert.match(y2019, /class="search-chip search-chip-date"><span>2019<\/span>/);
    assert.match(y2019, /<h3 class="search-month">August 2019<\/h3>/);

    const june = await search("june 2021");
    assert.deepEqual(ids(june), [id.paris2021]);
    assert.match(june, /<span>June 2021<\/span>/);
    assert.deepEqual(ids(await search("2021")), [id.july2021, id.paris2021]);

    assert.equal(city, "Lisbon", "the GPS geocodes to Lisbon");
    const inCity = await search(city.toLowerCase());
    assert.deepEqual(ids(inCity), [id.lisbon2019]);
    assert.match(inCity, /search-chip-place"><span>Lisbon<\/span>/);
    // The Paris GPS geocodes to Neuilly-sur-Seine, in France.
    assert.deepEqual(ids(await search("photos in france june 2021")), [id.paris2021]);
    assert.deepEqual(ids(await search("france 2019")), []);
    assert.deepEqual(ids(await search("boxcam")), [id.paris2021]);

    const videos = await search("video");
    assert.deepEqual(ids(videos), [id.video]);
    assert.match(videos, /<span>Videos<\/span>/);
    assert.deepEqual(ids(await search("clip.mp4")), [id.video]);

    // A word understood as nothing narrows by file name: "made-3" is part of three file names.
    const words = await search("made-30");
    assert.deepEqual(new Set(ids(words)), new Set([id.lisbon2019, id.paris2021, id.july2021]));
    assert.match(words, /in name or description/);
    // A chip's "×" searches without it.
    assert.match(await search("france june 2021"), /href="\/search\?q=june\+2021" aria-label="Remove France"/);
  });

  it("narrows the box with the advanced fields", async () => {
    assert.deepEqual(ids(await pageText(await browser.get(`/search?q=2021&camera=boxcam`))), [id.paris2021]);
  });

  it("answers POST /api/search/metadata with a query", async () => {
    const found = async (body: unknown, api = shoebox.api) =>
      (
        (await (await api("/api/search/metadata", json(body))).json()) as { assets: { items: Array<{ id: string }> } }
      ).assets.items.map((item) => item.id);
    assert.deepEqual(await found({ query: "june 2021" }), [id.paris2021]);
    assert.deepEqual(await found({ query: "lisbon 2019" }), [id.lisbon2019]);
    assert.deepEqual(await found({ query: "2021", takenBefore: "2021-06-30T00:00:00Z" }), [id.paris2021]);
    assert.deepEqual(await found({ query: "video" }), [id.video]);
    // Bob's own, and never the admin's.
    assert.deepEqual(new Set(await found({ query: "lisbon 2019" }, bob.fetch)), new Set([id["bobmade-311.jpg"]]));
  });

  it("never shows another user's photos", async () => {
    const theirs = new Set(bobIds());
    for (const q of ["2019", "june 2021", "lisbon", "france", "boxcam", "made", "photos", "2021"]) {
      for (const found of ids(await search(q))) assert.ok(!theirs.has(found!), `${q} found Bob's ${found}`);
    }
  });
});
