// The photo viewer in a real Chromium: editing the date taken (a save that changes nothing moves
// nothing; dates across DST and across zones). Screenshots go to tmp/screenshots.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, noBrowser, screenshot, watchForErrors } from "./helpers/browser";
import { makeJpeg, upload } from "./helpers/media";
import { admin, startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";

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
    shoebox = await startShoebox();
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
        IFD3: { GPSLatitudeRef: "N", GPSLatitude: "41/1 54/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "12/1 29/1 0/1" },
      });
      rome = (await upload(shoebox, { bytes: photo.bytes, name: "rome.jpg" })).body.id;
      // No place and no offset: the zone is unknown.
      const plain = await makeJpeg(1902, { IFD2: { DateTimeOriginal: "2012:03:04 05:06:07" } });
      unknownZone = (await upload(shoebox, { bytes: plain.bytes, name: "plain.jpg" })).body.id;
      await waitFor("the dates taken", async () => (await asset(rome)).exifInfo.timeZone === "Europe/Rome" && (await asset(unknownZone)).exifInfo.dateTimeOriginal !== null);
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
      assert.deepEqual([winter.localDateTime, winter.fileCreatedAt, winter.exifInfo.timeZone], ["2008-12-24T18:00:00.000Z", "2008-12-24T17:00:00.000Z", "Europe/Rome"]);
      assert.match(await taken(), /Dec 24, 2008, 6:00 PM\s+Europe\/Rome \(UTC\+01:00\)/);
      await saveDate(rome, { dateTime: "2009-07-01T12:00" });
      assert.equal((await asset(rome)).fileCreatedAt, "2009-07-01T10:00:00.000Z");
    });

    it("moves a photo to another zone, keeping the wall clock it shows", async () => {
      await saveDate(rome, { timeZone: "UTC+09:00" });
      const tokyo = await asset(rome);
      assert.deepEqual([tokyo.localDateTime, tokyo.fileCreatedAt, tokyo.exifInfo.timeZone], ["2009-07-01T12:00:00.000Z", "2009-07-01T03:00:00.000Z", "UTC+09:00"]);
      assert.match(await taken(), /Jul 1, 2009, 12:00 PM\s+UTC\+09:00$/);
      await page.locator("summary", { hasText: "Edit date and time" }).click();
      assert.equal(await page.locator("#pv-zone").inputValue(), "UTC+09:00");
      await screenshot(page, "viewer-02-date-moved");
      await saveDate(rome);
      assert.deepEqual(await asset(rome), tokyo);

      // A photo whose zone was not known gets one.
      await saveDate(unknownZone, { timeZone: "UTC-05:00" });
      const placed = await asset(unknownZone);
      assert.deepEqual([placed.localDateTime, placed.fileCreatedAt, placed.exifInfo.timeZone], ["2012-03-04T05:06:07.000Z", "2012-03-04T10:06:07.000Z", "UTC-05:00"]);
      assert.deepEqual(errors, []);
    });
  });
});
