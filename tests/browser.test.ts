// The web app in a real Chromium, as a new owner uses it: first-run setup, uploading photos from the
// browser, the timeline in date order, the viewer, an album, favorites, the archive, the trash and
// the map. Every page gets a screenshot in tmp/screenshots (look at them after a change to the UI).
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, noBrowser, screenshot, watchForErrors } from "./helpers/browser";
import { makeJpeg } from "./helpers/media";
import { startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";

// Photos made for the test: a date taken each, and a place for some.
const photos = [
  { name: "lisbon-tram.jpg", taken: "2022:07:14 11:20:00", gps: ["N", "38/1 42/1 50/1", "W", "9/1 8/1 20/1"] },
  { name: "lisbon-view.jpg", taken: "2022:07:15 19:05:00", gps: ["N", "38/1 43/1 10/1", "W", "9/1 7/1 55/1"] },
  { name: "tokyo-tower.jpg", taken: "2019:03:30 16:45:00", gps: ["N", "35/1 39/1 31/1", "E", "139/1 44/1 43/1"] },
  { name: "garden.jpg", taken: "2023:05:01 09:00:00" },
  { name: "birthday.jpg", taken: "2016:11:02 20:30:00" },
] as const;

const owner = { email: "owner@example.com", name: "Olive Owner", password: "olive-password" };

describe("the web app in Chromium", { skip: noBrowser }, () => {
  let shoebox: Shoebox;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let folder: string;

  const tiles = () => page.locator("#timeline .tile");
  const tileIds = async () =>
    (await tiles().evaluateAll((links) =>
      links.map((a) => (a as unknown as { pathname: string }).pathname.split("/").pop()!),
    )) as string[];

  // Loads every month of the timeline (they come as the page scrolls near them, however slowly a
  // busy machine answers) and returns the tiles' ids.
  async function allTiles(): Promise<string[]> {
    await waitFor("every month to load", async () => {
      await page.mouse.wheel(0, 20_000);
      return (await page.locator("#timeline .month-body.is-pending").count()) === 0;
    });
    return tileIds();
  }

  async function select(ids: string[]): Promise<void> {
    for (const id of ids) await page.locator(`#timeline .tile[href^="/photos/${id}"] .tile-check`).click();
  }

  async function act(action: string): Promise<void> {
    await page.locator(`[data-selection-bar] [data-action="${action}"]`).click();
  }

  async function api<T>(path: string): Promise<T> {
    const response = await page.request.get(path);
    assert.ok(response.ok(), `${path}: ${response.status()}`);
    return (await response.json()) as T;
  }

  before(async () => {
    shoebox = await startShoebox({ signUp: false });
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: shoebox.url, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = watchForErrors(page);
    folder = mkdtempSync(join(tmpdir(), "shoebox-browser-"));
    for (const [i, photo] of photos.entries()) {
      const gps: Record<string, Record<string, string>> = "gps" in photo
        ? {
            IFD3: {
              GPSLatitudeRef: photo.gps[0],
              GPSLatitude: photo.gps[1],
              GPSLongitudeRef: photo.gps[2],
              GPSLongitude: photo.gps[3],
            },
          }
        : {};
      const image = await makeJpeg(
        300 + i,
        { IFD0: { Make: "Test", Model: "Camera" }, IFD2: { DateTimeOriginal: photo.taken }, ...gps },
        { width: 320, height: 240 },
      );
      writeFileSync(join(folder, photo.name), image.bytes);
    }
  });

  after(async () => {
    await browser?.close();
    await shoebox?.stop();
  });

  it("sends the first visitor to create the admin account", async () => {
    await page.goto("/");
    assert.match(page.url(), /\/auth\/register$/);
    await screenshot(page, "01-register");
    await page.fill("input[name=email]", owner.email);
    await page.fill("input[name=name]", owner.name);
    for (const field of await page.locator("input[type=password]").all()) await field.fill(owner.password);
    await page.click("button[type=submit]");
    await page.waitForURL(`${shoebox.url}/`);
    assert.match((await page.locator("header").textContent()) ?? "", /Olive Owner/);
    await screenshot(page, "02-empty-timeline");
  });

  it("uploads several photos from the file picker, with progress, and reports duplicates", async () => {
    await page.locator("[data-upload-input]").setInputFiles(photos.map((p) => join(folder, p.name)));
    const panel = page.locator("[data-upload-panel]");
    await panel.waitFor({ state: "visible" });
    await screenshot(page, "03-uploading");
    const title = panel.locator("[data-upload-title]");
    await waitFor("the uploads to finish", async () => (await title.textContent()) === "5 added");
    // The same file again is reported as a duplicate, not added twice.
    await page.locator("[data-upload-input]").setInputFiles([join(folder, photos[0].name)]);
    await waitFor(
      "the duplicate to be reported",
      async () => (await title.textContent()) === "1 already in your library",
    );
    await screenshot(page, "04-uploaded");
  });

  it("shows the timeline newest first, by date taken", async () => {
    // Dates come from the metadata job, a moment after the upload.
    await waitFor("dates taken", async () => {
      const months = await api<Array<{ timeBucket: string }>>("/api/timeline/buckets");
      return months.map((m) => m.timeBucket).join() === "2023-05-01,2022-07-01,2019-03-01,2016-11-01";
    });
    await page.goto("/");
    const ids = await allTiles();
    assert.equal(ids.length, photos.length);
    const taken = await Promise.all(
      ids.map(async (id) => (await api<{ localDateTime: string }>(`/api/assets/${id}`)).localDateTime),
    );
    assert.deepEqual(taken, [...taken].sort().reverse());
    assert.equal(taken[0], "2023-05-01T09:00:00.000Z");
    // Every thumbnail has arrived. The function runs in the page (as a function: the CSP refuses
    // code passed as a string), where the DOM is, which this file's types do not know.
    await page.waitForFunction(() => {
      const { document } = globalThis as unknown as {
        document: { querySelectorAll(selector: string): Iterable<{ complete: boolean; naturalWidth: number }> };
      };
      return [...document.querySelectorAll("#timeline .tile img")].every((img) => img.complete && img.naturalWidth > 0);
    });
    await screenshot(page, "05-timeline");
  });

  it("opens the viewer and steps through with the arrow keys", async () => {
    const ids = await allTiles();
    await tiles().first().click();
    await page.waitForURL(new RegExp(`/photos/${ids[0]}`));
    await screenshot(page, "06-viewer");
    await page.keyboard.press("ArrowRight");
    await page.waitForURL(new RegExp(`/photos/${ids[1]}`));
    await page.keyboard.press("ArrowRight");
    await page.waitForURL(new RegExp(`/photos/${ids[2]}`));
    await page.keyboard.press("ArrowLeft");
    await page.waitForURL(new RegExp(`/photos/${ids[1]}`));
    await page.keyboard.press("i");
    await page.getByText("Test Camera").first().waitFor();
    // Where it was taken, on a small map (the tiles themselves cannot load here).
    await page.locator(".mini-map .mini-map-pin").waitFor();
    await screenshot(page, "07-viewer-info");
    await page.keyboard.press("Escape");
    await page.waitForURL(/\/(\?.*)?$/);
  });

  it("creates an album from a selection", async () => {
    await page.goto("/");
    const ids = await allTiles();
    await select([ids[0]!, ids[1]!]);
    await screenshot(page, "08-selection");
    await act("album");
    const dialog = page.locator("[data-album-dialog]");
    await dialog.locator("input[name=albumName]").fill("Summer in Lisbon");
    await dialog.locator("form[data-album-new] button[type=submit]").click();
    await waitFor(
      "the album",
      async () =>
        (await api<Array<{ albumName: string; assetCount: number }>>("/api/albums")).find(
          (a) => a.albumName === "Summer in Lisbon",
        )?.assetCount === 2,
    );
    await page.goto("/albums");
    await page.getByText("Summer in Lisbon").first().waitFor();
    await screenshot(page, "09-albums");
    await page.getByText("Summer in Lisbon").first().click();
    await page.waitForURL(/\/albums\/[0-9a-f-]{36}/);
    assert.equal(await page.locator("main .tile").count(), 2);
    await screenshot(page, "10-album");
  });

  it("favorites, archives, trashes and restores", async () => {
    await page.goto("/");
    const [first, second, third] = await allTiles();
    await select([first!]);
    await act("favorite");
    await waitFor("the favorite", async () => (await api<{ isFavorite: boolean }>(`/api/assets/${first}`)).isFavorite);
    await page.goto("/favorites");
    assert.deepEqual(await allTiles(), [first]);
    await screenshot(page, "11-favorites");

    await page.goto("/");
    await allTiles();
    await select([second!]);
    await act("archive");
    await waitFor("the archive", async () => (await api<{ isArchived: boolean }>(`/api/assets/${second}`)).isArchived);
    await page.goto("/");
    assert.ok(!(await allTiles()).includes(second!), "archived photos leave the timeline");
    await page.goto("/archive");
    assert.deepEqual(await allTiles(), [second]);
    await screenshot(page, "12-archive");

    await page.goto("/");
    await allTiles();
    await select([third!]);
    await act("trash");
    await waitFor("the trash", async () => (await api<{ isTrashed: boolean }>(`/api/assets/${third}`)).isTrashed);
    await page.goto("/trash");
    assert.deepEqual(await allTiles(), [third]);
    await screenshot(page, "13-trash");
    await select([third!]);
    await act("restore");
    await waitFor("the restore", async () => !(await api<{ isTrashed: boolean }>(`/api/assets/${third}`)).isTrashed);
    await page.goto("/");
    assert.ok((await allTiles()).includes(third!));
  });

  it("puts the geotagged photos on the map", async () => {
    await page.goto("/map");
    await page.locator(".leaflet-marker-icon").first().waitFor();
    await page.waitForTimeout(500);
    const counted = await page
      .locator(".leaflet-marker-icon")
      .evaluateAll((markers) => markers.reduce((sum, marker) => sum + (Number(marker.textContent?.trim()) || 1), 0));
    // The archived one stays off the map, like everywhere but the archive.
    const geotagged = await api<Array<{ id: string }>>("/api/map/markers");
    assert.equal(counted, geotagged.length);
    assert.ok(geotagged.length >= 2);
    await screenshot(page, "14-map");
  });

  it("renders the other pages, on a phone too, with no errors", async () => {
    for (const path of ["/recent", "/search?camera=Test", "/people", "/admin"]) {
      await page.goto(path);
      await screenshot(page, `15-${path.slice(1).replace(/[^a-z]+/g, "-")}`);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/", "/albums", "/map"]) {
      await page.goto(path);
      const scrollable = await page.evaluate("document.documentElement.scrollWidth > window.innerWidth");
      assert.equal(scrollable, false, `${path} scrolls sideways on a phone`);
      await screenshot(page, `16-phone-${path.slice(1) || "timeline"}`);
    }
    // Tiles cannot load here (no network); everything else must be clean, CSP included.
    assert.deepEqual(
      errors.filter(
        (e) =>
          !/tile\.openstreetmap\.org|ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e),
      ),
      [],
    );
  });
});
