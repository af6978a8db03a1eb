// The photo viewer and the timeline in a real Chromium: editing the date taken (a save that changes
// nothing moves nothing; dates across DST and across zones), files that can and cannot be shown
// (HDR AVIF, a HEIF sequence, RAW without a preview, a broken PNG), zooming into full-size copies,
// animations and videos that play. Screenshots go to tmp/screenshots.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, noBrowser, screenshot, watchForErrors } from "./helpers/browser";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { makeLinearDng } from "./helpers/camera-files";
import { animatedGif, animatedWebp, hasAvifenc, hdrAvif, heifSequence, shortVideo } from "./helpers/made-media";
import { makeJpeg, upload } from "./helpers/media";
import { admin, sharedMedia, startShoebox, waitFor, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";

interface AssetDates {
  localDateTime: string;
  fileCreatedAt: string;
  updatedAt: string;
  exifInfo: { dateTimeOriginal: string | null; timeZone: string | null };
}

describe("the viewer in Chromium", { skip: noBrowser }, () => {
  let shoebox: Shoebox;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  async function asset(id: string): Promise<AssetDates> {
    return (await (await shoebox.api(`/api/assets/${id}`)).json()) as AssetDates;
  }

  // Opens the details' date form and saves it, with the changes given (none: as it came).
  async function saveDate(id: string, changes: { dateTime?: string; timeZone?: string } = {}) {
    await page.goto(`/photos/${id}?info=1`);
    await page.locator("summary", { hasText: "Edit date and time" }).click();
    if (changes.dateTime) await page.locator("#pv-date").fill(changes.dateTime);
    if (changes.timeZone) await page.locator("#pv-zone").selectOption(changes.timeZone);
    // The form posts in the background, then the viewer reloads in place.
    await Promise.all([page.waitForEvent("load"), page.locator("button", { hasText: "Save the date" }).click()]);
  }

  const taken = () => page.locator(".pv-details .pv-row", { hasText: "Taken" }).locator("dd").innerText();

  before(async () => {
    // No face or object models: these tests are about pictures, not what is in them.
    shoebox = await startShoebox({ env: { ML: "off" } });
    browser = await launchBrowser();
    page = await (await browser.newContext({ baseURL: shoebox.url, viewport: { width: 1280, height: 900 } })).newPage();
    errors = watchForErrors(page);
    await page.goto("/auth/login");
    await page.fill("input[name=email]", admin.email);
    await page.fill("input[name=password]", admin.password);
    await Promise.all([page.waitForURL(`${shoebox.url}/`), page.click("button[type=submit]")]);
  });

  after(async () => {
    await browser?.close();
    await shoebox?.stop();
  });

  describe("editing the date taken", () => {
    let rome: string;
    let unknownZone: string;

    before(async () => {
      // Taken in Rome at 16:52, summer time; the file gives no offset, its place gives the zone.
      const photo = await makeJpeg(1901, {
        IFD2: { DateTimeOriginal: "2008:10:22 16:52:00" },
        IFD3: {
          GPSLatitudeRef: "N",
          GPSLatitude: "41/1 54/1 0/1",
          GPSLongitudeRef: "E",
          GPSLongitude: "12/1 29/1 0/1",
        },
      });
      rome = (await upload(shoebox, { bytes: photo.bytes, name: "rome.jpg" })).body.id;
      // No place and no offset: the zone is unknown.
      const plain = await makeJpeg(1902, { IFD2: { DateTimeOriginal: "2012:03:04 05:06:07" } });
      unknownZone = (await upload(shoebox, { bytes: plain.bytes, name: "plain.jpg" })).body.id;
      await waitFor(
        "the dates taken",
        async () =>
          (await asset(rome)).exifInfo.timeZone === "Europe/Rome" &&
          (await asset(unknownZone)).exifInfo.dateTimeOriginal !== null,
      );
    });

    it("shows the photo's own zone and offset, and a save that changes nothing moves nothing", async () => {
      const before = await asset(rome);
      assert.equal(before.localDateTime, "2008-10-22T16:52:00.000Z");
      await page.goto(`/photos/${rome}?info=1`);
      assert.match(await taken(), /Oct 22, 2008, 4:52 PM\s+Europe\/Rome \(UTC\+02:00\)/);
      await page.locator("summary", { hasText: "Edit date and time" }).click();
      assert.equal(await page.locator("#pv-date").inputValue(), "2008-10-22T16:52");
      assert.equal(await page.locator("#pv-zone").inputValue(), "Europe/Rome");
      await screenshot(page, "viewer-01-date-form");
      await saveDate(rome);
      assert.deepEqual(await asset(rome), before);

      const plain = await asset(unknownZone);
      await page.goto(`/photos/${unknownZone}?info=1`);
      assert.match(await taken(), /Mar 4, 2012, 5:06 AM$/);
      await saveDate(unknownZone);
      assert.deepEqual(await asset(unknownZone), plain);
    });

    it("moves a date across DST in the photo's zone", async () => {
      await saveDate(rome, { dateTime: "2008-12-24T18:00" });
      const winter = await asset(rome);
      assert.deepEqual(
        [winter.localDateTime, winter.fileCreatedAt, winter.exifInfo.timeZone],
        ["2008-12-24T18:00:00.000Z", "2008-12-24T17:00:00.000Z", "Europe/Rome"],
      );
      assert.match(await taken(), /Dec 24, 2008, 6:00 PM\s+Europe\/Rome \(UTC\+01:00\)/);
      await saveDate(rome, { dateTime: "2009-07-01T12:00" });
      assert.equal((await asset(rome)).fileCreatedAt, "2009-07-01T10:00:00.000Z");
    });

    it("moves a photo to another zone, keeping the wall clock it shows", async () => {
      await saveDate(rome, { timeZone: "UTC+09:00" });
      const tokyo = await asset(rome);
      assert.deepEqual(
        [tokyo.localDateTime, tokyo.fileCreatedAt, tokyo.exifInfo.timeZone],
        ["2009-07-01T12:00:00.000Z", "2009-07-01T03:00:00.000Z", "UTC+09:00"],
      );
      assert.match(await taken(), /Jul 1, 2009, 12:00 PM\s+UTC\+09:00$/);
      await page.locator("summary", { hasText: "Edit date and time" }).click();
      assert.equal(await page.locator("#pv-zone").inputValue(), "UTC+09:00");
      await screenshot(page, "viewer-02-date-moved");
      await saveDate(rome);
      assert.deepEqual(await asset(rome), tokyo);

      // A photo whose zone was not known gets one.
      await saveDate(unknownZone, { timeZone: "UTC-05:00" });
      const placed = await asset(unknownZone);
      assert.deepEqual(
        [placed.localDateTime, placed.fileCreatedAt, placed.exifInfo.timeZone],
        ["2012-03-04T05:06:07.000Z", "2012-03-04T10:06:07.000Z", "UTC-05:00"],
      );
      assert.deepEqual(errors, []);
    });
  });

  describe("files of every kind", () => {
    // Sensor data only, no preview: LibRaw's to decode (from the shared media, when present).
    const rawDng = join(sharedMedia, "formats/raw/imageio-blackmagic-pocket4k.dng");
    const ids: Record<string, string> = {};
    const thumbnailRequests: string[] = [];

    before(async () => {
      const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#4a7" } })
        .png()
        .toBuffer();
      const files: Record<string, Buffer> = {
        "sequence.heic": heifSequence(),
        "moving.gif": animatedGif(),
        "moving.webp": animatedWebp(),
        "clip.mp4": shortVideo(),
        "scan.tif": await sharp({ create: { width: 1800, height: 1600, channels: 3, background: "#a63" } })
          .tiff()
          .toBuffer(),
        // A PNG whose image data stops half-way.
        "broken.png": png.subarray(0, png.length - 20),
        // A phone's linear DNG with no preview in it.
        "phone.dng": makeLinearDng(),
      };
      if (hasAvifenc) files["hdr.avif"] = hdrAvif();
      if (existsSync(rawDng)) files["sensor.dng"] = readFileSync(rawDng);
      for (const [name, bytes] of Object.entries(files)) ids[name] = (await upload(shoebox, { bytes, name })).body.id;
      await waitForQueuesToDrain(shoebox, 10 * 60_000);
      page.on("request", (request) => {
        if (request.url().includes("/thumbnail")) thumbnailRequests.push(request.url());
      });
    });

    const picture = async (id: string, size: string) => {
      const response = await shoebox.api(`/api/assets/${id}/thumbnail?size=${size}`);
      assert.equal(response.status, 200, `${size} of ${id}: ${response.status}`);
      return sharp(Buffer.from(await response.arrayBuffer()));
    };

    it("renders what can be rendered: the first image of a sequence, RAW sensor data, HDR tone-mapped", async (t) => {
      assert.deepEqual(
        await (await picture(ids["sequence.heic"]!, "preview")).metadata().then((m) => [m.width, m.height]),
        [320, 240],
      );
      const sequence = (await (await shoebox.api(`/api/assets/${ids["sequence.heic"]}`)).json()) as {
        width: number;
        height: number;
        processingError: string | null;
      };
      assert.deepEqual([sequence.width, sequence.height, sequence.processingError], [320, 240, null]);
      // A gradient, brighter to the right, warm as it was made.
      const gradient = await (await picture(ids["phone.dng"]!, "preview")).raw().toBuffer({ resolveWithObject: true });
      const pixel = (x: number) =>
        Array.from(
          gradient.data.subarray(
            (32 * gradient.info.width + x) * gradient.info.channels,
            (32 * gradient.info.width + x) * gradient.info.channels + 3,
          ),
        );
      const [left, right] = [pixel(4), pixel(gradient.info.width - 4)];
      assert.ok(right[0]! > left[0]! + 100 && right[0]! > right[2]!, `the DNG's gradient: ${left} to ${right}`);
      if (ids["sensor.dng"]) {
        assert.deepEqual(
          await (await picture(ids["sensor.dng"], "fullsize")).metadata().then((m) => [m.width, m.height]),
          [4128, 2176],
        );
      } else t.diagnostic("../shared/media is absent: no RAW without a preview to decode");
      if (!ids["hdr.avif"]) return t.skip("avifenc is not installed: no HDR AVIF");
      // Full red, green and cyan bars: PQ's code values would show them at 148 of 255 (white at 203
      // nits); tone-mapped to sRGB they come out bright, and keep their hue.
      const { data, info } = await (await picture(ids["hdr.avif"], "preview"))
        .resize(320, 240)
        .raw()
        .toBuffer({ resolveWithObject: true });
      const at = (x: number, y: number) =>
        Array.from(data.subarray((y * 320 + x) * info.channels, (y * 320 + x) * info.channels + 3));
      const [red, green, cyan] = [at(20, 150), at(80, 150), at(290, 150)];
      assert.ok(red[0]! > 160 && red[1]! < 60 && red[2]! < 60, `red bar ${red}`);
      assert.ok(green[1]! > 160 && green[0]! < 60 && green[2]! < 60, `green bar ${green}`);
      assert.ok(cyan[1]! > 160 && cyan[2]! > 160 && cyan[0]! < 60, `cyan bar ${cyan}`);
    });

    it("says why a file cannot be shown, in the timeline and the viewer, and asks nothing of it", async () => {
      const broken = ids["broken.png"]!;
      const answer = await shoebox.api(`/api/assets/${broken}/thumbnail`);
      assert.equal(answer.status, 422);
      const { message } = (await answer.json()) as { message: string };
      assert.match(message, /^This file can't be displayed: The image cannot be decoded/);
      assert.doesNotMatch(message, /\/tmp\/|\/library\//, "no server path");

      thumbnailRequests.length = 0;
      await page.goto("/");
      await waitFor("every month", async () => {
        await page.mouse.wheel(0, 20_000);
        return (await page.locator("#timeline .month-body.is-pending").count()) === 0;
      });
      const tile = page.locator(`#timeline .tile[href^="/photos/${broken}"]`);
      await tile.locator(".tile-broken").waitFor();
      assert.equal(await tile.locator(".tile-broken").innerText(), "Can't display");
      assert.match((await tile.locator(".tile-broken").getAttribute("title")) ?? "", /cannot be decoded/);
      await page.waitForFunction(() => {
        const { document } = globalThis as unknown as {
          document: { querySelectorAll(selector: string): Iterable<{ complete: boolean; naturalWidth: number }> };
        };
        return [...document.querySelectorAll("#timeline .tile img")].every(
          (img) => img.complete && img.naturalWidth > 0,
        );
      });
      await screenshot(page, "viewer-03-timeline-cannot-display");
      assert.deepEqual(
        thumbnailRequests.filter((url) => url.includes(broken)),
        [],
      );

      await tile.click();
      await page.getByText("This file can't be displayed").waitFor();
      assert.match(await page.locator(".pv-broken-reason").innerText(), /cannot be decoded/);
      assert.equal(await page.locator("[data-zoom-button]").count(), 0);
      await screenshot(page, "viewer-04-cannot-display");
      assert.deepEqual(errors, []);
    });

    it("zooms into a full-size copy of a photo browsers cannot show, and into the original of one they can", async () => {
      const tiff = ids["scan.tif"]!;
      await page.goto(`/photos/${tiff}`);
      const image = page.locator("[data-image]");
      await page.locator("[data-zoom-button]").click();
      await waitFor(
        "the full-size copy",
        async () =>
          (await image.getAttribute("src"))?.endsWith("size=fullsize") &&
          (await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)) === 1800,
      );
      await screenshot(page, "viewer-05-zoomed-fullsize");

      // The copy is one of the asset's files: the integrity check expects it (it finds only the
      // stray file put there for it to find), and deleting the photo removes it.
      const copy = join(
        shoebox.dataDir,
        "library",
        "thumbs",
        tiff.slice(0, 2),
        tiff.slice(2, 4),
        `${tiff}-fullsize.jpeg`,
      );
      assert.ok(existsSync(copy), copy);
      mkdirSync(join(shoebox.dataDir, "library", "originals", "zz"), { recursive: true });
      writeFileSync(join(shoebox.dataDir, "library", "originals", "zz", "stray.jpg"), "not Shoebox's");
      assert.equal((await shoebox.api("/api/admin/integrity/check", { method: "POST" })).status, 202);
      type Report = { checking: boolean; counts: Record<string, number>; findings: Array<{ key: string }> };
      const report = await waitFor("the integrity check", async () => {
        const body = (await (await shoebox.api("/api/admin/integrity")).json()) as Report;
        return !body.checking && body.findings.length > 0 && body;
      });
      assert.deepEqual(
        [report.counts, report.findings.map((f) => f.key)],
        [{ missing: 0, orphan: 1, checksum: 0 }, ["originals/zz/stray.jpg"]],
      );
      const remove = await shoebox.api("/api/assets", {
        method: "DELETE",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ids: [tiff], force: true }),
      });
      assert.equal(remove.status, 204);
      await waitFor("the copy to go", async () => !existsSync(copy));
      const jpeg = (await upload(shoebox, await makeJpeg(1903))).body.id;
      const redirect = await shoebox.api(`/api/assets/${jpeg}/thumbnail?size=fullsize`, { redirect: "manual" });
      assert.equal(redirect.status, 302);
      assert.equal(redirect.headers.get("location"), `/api/assets/${jpeg}/original`);
    });

    it("plays animated GIF and WebP, and starts a video when it opens", async () => {
      for (const name of ["moving.gif", "moving.webp"]) {
        await page.goto(`/photos/${ids[name]}`);
        const image = page.locator("[data-image]");
        assert.equal(
          await image.getAttribute("src"),
          `/api/assets/${ids[name]}/original`,
          `${name} shows its original, which moves`,
        );
        await page.waitForFunction(() => {
          const { document } = globalThis as unknown as {
            document: { querySelector(selector: string): { complete: boolean; naturalWidth: number } | null };
          };
          const img = document.querySelector("[data-image]");
          return img?.complete === true && img.naturalWidth === 320;
        });
      }
      await page.goto(`/photos/${ids["clip.mp4"]}`);
      await page.waitForFunction(() => {
        const { document } = globalThis as unknown as {
          document: { querySelector(selector: string): { paused: boolean; currentTime: number } | null };
        };
        const video = document.querySelector("[data-video]");
        return video !== null && !video.paused && video.currentTime > 0;
      });
      await screenshot(page, "viewer-06-video-playing");
      assert.deepEqual(errors, []);
    });
  });
});
