// The library's everyday API on a real server: the timeline's months and pages, favorites and the
// archive, editing the date and place, the trash, and downloading many originals as one zip.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startShoebox, waitFor, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";
import { makeJpeg, upload, type MadeImage } from "./helpers/media";

let shoebox: Shoebox;
const photos: Array<{ id: string; image: MadeImage; name: string; taken: string }> = [];

// Taken in three months; the newest first in the timeline.
const taken = ["2019:08:14 09:00:00", "2021:06:05 14:30:00", "2021:06:20 18:00:00", "2023:01:02 08:15:00"];

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await shoebox.api(path, init);
  assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
  return (await response.json()) as T;
}

function send(method: string, path: string, body: unknown): Promise<Response> {
  return shoebox.api(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

const ids = () => photos.map((p) => p.id);

interface ZonedAsset {
  localDateTime: string;
  fileCreatedAt: string;
  exifInfo: { dateTimeOriginal: string; timeZone: string | null };
}
const buckets = (query = "") => json<Array<{ timeBucket: string; count: number }>>(`/api/timeline/buckets${query}`);

before(async () => {
  shoebox = await startShoebox();
  for (const [i, date] of taken.entries()) {
    const image = await makeJpeg(900 + i, { IFD2: { DateTimeOriginal: date } });
    const name = `photo-${i}.jpg`;
    const { body } = await upload(shoebox, { bytes: image.bytes, name });
    photos.push({ id: body.id, image, name, taken: date });
  }
  // Until its metadata is read, a photo sits at its upload's file date (May 2024 in these uploads).
  await waitFor("dates taken", async () => {
    const months = (await buckets()).map((m) => m.timeBucket);
    return months.join() === "2023-01-01,2021-06-01,2019-08-01" ? true : undefined;
  });
});

after(async () => {
  await shoebox?.stop();
});

describe("timeline", () => {
  it("lists months newest first, and a month's photos as columns", async () => {
    assert.deepEqual(await buckets(), [
      { timeBucket: "2023-01-01", count: 1 },
      { timeBucket: "2021-06-01", count: 2 },
      { timeBucket: "2019-08-01", count: 1 },
    ]);
    const june = await json<{ id: string[]; localDateTime: string[]; isImage: boolean[]; ratio: number[] }>(
      "/api/timeline/bucket?timeBucket=2021-06-01",
    );
    assert.deepEqual(june.id, [photos[2]!.id, photos[1]!.id]);
    assert.deepEqual(june.localDateTime, ["2021-06-20T18:00:00.000Z", "2021-06-05T14:30:00.000Z"]);
    assert.deepEqual(june.isImage, [true, true]);
    assert.ok(june.ratio.every((r) => Math.abs(r - 64 / 48) < 0.01));
  });

  it("pages through a month when asked, for months too crowded to send whole", async () => {
    const first = await json<{ id: string[]; nextCursor?: string }>(
      "/api/timeline/bucket?timeBucket=2021-06-01&pageSize=1",
    );
    assert.deepEqual(first.id, [photos[2]!.id]);
    assert.ok(first.nextCursor);
    const second = await json<{ id: string[]; nextCursor?: string }>(
      `/api/timeline/bucket?timeBucket=2021-06-01&pageSize=1&after=${first.nextCursor}`,
    );
    assert.deepEqual(second.id, [photos[1]!.id]);
    assert.equal(second.nextCursor, undefined);
    assert.equal(
      (await shoebox.api("/api/timeline/bucket?timeBucket=2021-06-01&pageSize=1&after=nonsense")).status,
      400,
    );
  });

  it("answers with the time the server took", async () => {
    const response = await shoebox.api("/api/timeline/buckets");
    assert.match(response.headers.get("server-timing") ?? "", /^total;dur=\d+(\.\d)?$/);
    await response.body?.cancel();
  });
});

describe("favorites and the archive", () => {
  it("move photos between the views", async () => {
    assert.equal(
      (await send("PUT", "/api/assets", { ids: [photos[0]!.id, photos[1]!.id], isFavorite: true })).status,
      204,
    );
    assert.equal((await send("PUT", "/api/assets", { ids: [photos[1]!.id], visibility: "archive" })).status, 204);
    assert.deepEqual(await buckets("?isFavorite=true"), [
      { timeBucket: "2021-06-01", count: 1 },
      { timeBucket: "2019-08-01", count: 1 },
    ]);
    assert.deepEqual(await buckets("?visibility=archive"), [{ timeBucket: "2021-06-01", count: 1 }]);
    // Counted as Immich counts: the timeline and the archive, unless asked for one.
    assert.deepEqual(await json("/api/assets/statistics"), { images: 4, videos: 0, total: 4 });
    assert.deepEqual(await json("/api/assets/statistics?isFavorite=true"), { images: 2, videos: 0, total: 2 });
    assert.deepEqual(await json("/api/assets/statistics?visibility=timeline"), { images: 3, videos: 0, total: 3 });
    // Archived photos leave the timeline.
    assert.deepEqual(await buckets(), [
      { timeBucket: "2023-01-01", count: 1 },
      { timeBucket: "2021-06-01", count: 1 },
      { timeBucket: "2019-08-01", count: 1 },
    ]);
    await send("PUT", "/api/assets", { ids: [photos[1]!.id], visibility: "timeline", isFavorite: false });
    await send("PUT", "/api/assets", { ids: [photos[0]!.id], isFavorite: false });
  });
});

describe("editing", () => {
  it("sets the date taken, which moves the photo in the timeline", async () => {
    const edited = await send("PUT", `/api/assets/${photos[0]!.id}`, {
      dateTimeOriginal: "2020-02-29T23:30:00+09:00",
      description: "Leap day",
    });
    assert.equal(edited.status, 200);
    const asset = (await edited.json()) as ZonedAsset & { exifInfo: { description: string } };
    assert.equal(asset.localDateTime, "2020-02-29T23:30:00.000Z");
    assert.equal(asset.fileCreatedAt, "2020-02-29T14:30:00.000Z");
    // As Immich answers: the instant in UTC, the offset as the zone.
    assert.equal(asset.exifInfo.dateTimeOriginal, "2020-02-29T14:30:00.000Z");
    assert.equal(asset.exifInfo.timeZone, "UTC+09:00");
    assert.equal(asset.exifInfo.description, "Leap day");
    assert.ok((await buckets()).some((m) => m.timeBucket === "2020-02-01"));
    assert.ok(!(await buckets()).some((m) => m.timeBucket === "2019-08-01"));
  });

  it("keeps a photo in its own zone: unchanged, across DST, and moved to another zone", async () => {
    // Taken in Rome at 16:52 local time, no offset in the file: the place gives the zone.
    const image = await makeJpeg(950, {
      IFD2: { DateTimeOriginal: "2008:10:22 16:52:00" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "41/1 54/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "12/1 29/1 0/1" },
    });
    const { body } = await upload(shoebox, { bytes: image.bytes, name: "rome.jpg" });
    const read = () => json<ZonedAsset & { updatedAt: string }>(`/api/assets/${body.id}`);
    await waitFor("the zone of the place", async () => (await read()).exifInfo.timeZone === "Europe/Rome");
    // Thumbnails and the place's name land later and change the asset: compare once they have.
    await waitForQueuesToDrain(shoebox);
    const before = await read();
    assert.equal(before.localDateTime, "2008-10-22T16:52:00.000Z");
    assert.equal(before.exifInfo.dateTimeOriginal, "2008-10-22T14:52:00.000Z");

    // Sent back as read, or as its own wall clock and offset: nothing changes, not even updatedAt.
    for (const dateTimeOriginal of [
      before.exifInfo.dateTimeOriginal,
      "2008-10-22T16:52:00+02:00",
      "2008-10-22T16:52:00.000+02:00",
    ]) {
      assert.equal((await send("PUT", `/api/assets/${body.id}`, { dateTimeOriginal })).status, 200);
      assert.deepEqual(await read(), before, dateTimeOriginal);
    }
    assert.equal(
      (await send("PUT", "/api/assets", { ids: [body.id], dateTimeOriginal: "2008-10-22T16:52:00+02:00" })).status,
      204,
    );
    assert.deepEqual(await read(), before);

    // Moved to Christmas, in winter time: still Rome, now at +01:00.
    await send("PUT", `/api/assets/${body.id}`, { dateTimeOriginal: "2008-12-24T18:00:00+01:00" });
    const winter = await read();
    assert.deepEqual(
      [winter.localDateTime, winter.fileCreatedAt, winter.exifInfo.timeZone],
      ["2008-12-24T18:00:00.000Z", "2008-12-24T17:00:00.000Z", "Europe/Rome"],
    );
    // An instant sent in UTC lands on Rome's wall clock, summer time again.
    await send("PUT", `/api/assets/${body.id}`, { dateTimeOriginal: "2009-07-01T10:00:00Z" });
    const summer = await read();
    assert.deepEqual([summer.localDateTime, summer.exifInfo.timeZone], ["2009-07-01T12:00:00.000Z", "Europe/Rome"]);
    // Another offset is another zone: Tokyo's wall clock, Tokyo's instant.
    await send("PUT", `/api/assets/${body.id}`, { dateTimeOriginal: "2009-07-01T19:00:00+09:00" });
    const tokyo = await read();
    assert.deepEqual(
      [tokyo.localDateTime, tokyo.fileCreatedAt, tokyo.exifInfo.timeZone],
      ["2009-07-01T19:00:00.000Z", "2009-07-01T10:00:00.000Z", "UTC+09:00"],
    );
    assert.equal(
      (await send("PUT", `/api/assets/${body.id}`, { dateTimeOriginal: "2009-07-01T19:00:00+19:00" })).status,
      400,
    );
    assert.equal((await send("DELETE", "/api/assets", { ids: [body.id], force: true })).status, 204);
  });

  it("sets the place, which the worker names", async () => {
    assert.equal(
      (await send("PUT", `/api/assets/${photos[3]!.id}`, { latitude: 38.7223, longitude: -9.1393 })).status,
      200,
    );
    const named = await waitFor("the place's name", async () => {
      const asset = await json<{ exifInfo: { city: string | null; country: string | null; latitude: number } }>(
        `/api/assets/${photos[3]!.id}`,
      );
      return asset.exifInfo.city ? asset.exifInfo : undefined;
    });
    assert.equal(named.city, "Lisbon");
    assert.equal(named.country, "Portugal");
    assert.equal((await send("PUT", `/api/assets/${photos[3]!.id}`, { latitude: 10 })).status, 400);
  });
});

describe("trash", () => {
  it("restores some or all, and empties for good", async () => {
    assert.equal(
      (await send("DELETE", "/api/assets", { ids: [photos[0]!.id, photos[1]!.id, photos[2]!.id] })).status,
      204,
    );
    assert.equal(
      (await buckets("?isTrashed=true")).reduce((n, m) => n + m.count, 0),
      3,
    );
    assert.deepEqual(await json("/api/assets/statistics?isTrashed=true"), { images: 3, videos: 0, total: 3 });
    assert.deepEqual(await json("/api/assets/statistics"), { images: 1, videos: 0, total: 1 });
    assert.deepEqual(
      await json("/api/trash/restore/assets", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ids: [photos[0]!.id] }),
      }),
      { count: 1 },
    );
    assert.deepEqual(await json("/api/trash/empty", { method: "POST" }), { count: 2 });
    assert.deepEqual(await buckets("?isTrashed=true"), []);
    assert.equal((await shoebox.api(`/api/assets/${photos[1]!.id}`)).status, 404);
    assert.deepEqual(await json("/api/trash/restore", { method: "POST" }), { count: 0 });
    photos.splice(1, 2);
  });
});

describe("raw uploads, as a phone shortcut sends them", () => {
  it("take the body as the file and its name from X-File-Name, and answer like POST /api/assets", async () => {
    const image = await makeJpeg(950);
    const send = (headers: Record<string, string>, body: Uint8Array | string = image.bytes) =>
      shoebox.api("/api/uploads/raw", {
        method: "POST",
        headers: { "content-type": "application/octet-stream", ...headers },
        body,
      });
    const created = await send({ "x-file-name": "IMG_0950.JPG", "x-file-created-at": "2024-02-03T10:20:30+01:00" });
    assert.equal(created.status, 201);
    const { id, status } = (await created.json()) as { id: string; status: string };
    assert.equal(status, "created");
    const asset = await json<{ originalFileName: string; fileCreatedAt: string }>(`/api/assets/${id}`);
    assert.deepEqual(
      { name: asset.originalFileName, created: asset.fileCreatedAt },
      { name: "IMG_0950.JPG", created: "2024-02-03T09:20:30.000Z" },
    );
    const again = await send({ "x-file-name": "copy.jpg" });
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { id, status: "duplicate" });

    const nameless = await send({});
    assert.equal(nameless.status, 400);
    assert.match(((await nameless.json()) as { message: string }).message, /^x-file-name:/);
    const text = await send({ "x-file-name": "notes.jpg" }, "not a photo");
    assert.equal(text.status, 400);
    assert.match(((await text.json()) as { message: string }).message, /named like .* but its content is not a photo/);
    assert.equal(
      (
        await fetch(`${shoebox.url}/api/uploads/raw`, {
          method: "POST",
          headers: { "x-file-name": "a.jpg" },
          body: image.bytes,
        })
      ).status,
      401,
    );
  });
});

// The entries of a zip, read through its central directory.
function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, "no end of central directory");
  const entries = new Map<string, Buffer>();
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    assert.equal(method, 0, "stored, not compressed");
    const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    entries.set(name, zip.subarray(data, data + size));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe("download", () => {
  it("streams the originals as one zip, byte for byte", async () => {
    const response = await send("POST", "/api/download/archive", { assetIds: ids() });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/zip");
    assert.match(
      response.headers.get("content-disposition") ?? "",
      /attachment; filename="shoebox-\d{4}-\d{2}-\d{2}\.zip"/,
    );
    const entries = readZip(Buffer.from(await response.arrayBuffer()));
    assert.deepEqual([...entries.keys()].sort(), photos.map((p) => p.name).sort());
    for (const photo of photos) assert.ok(entries.get(photo.name)!.equals(Buffer.from(photo.image.bytes)), photo.name);
  });

  it("refuses what the asker may not read", async () => {
    const response = await send("POST", "/api/download/archive", {
      assetIds: [...ids(), "00000000-0000-4000-8000-00000000abcd"],
    });
    assert.equal(response.status, 404);
  });
});
