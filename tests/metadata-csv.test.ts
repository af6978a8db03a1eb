// Every file of ../shared/media through the whole pipeline, checked against exiftool's reading of it
// (METADATA.csv): refused with a clear reason or processed, never a server error, and where processed,
// with the date, place, camera, size and duration exiftool sees.
import assert from "node:assert/strict";
import { openAsBlob } from "node:fs";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { noSharedMedia, readMetadata, type MetadataRow } from "./helpers/metadata";
import { sharedMedia, startShoebox, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";

interface Asset {
  id: string;
  type: string;
  width: number | null;
  height: number | null;
  duration: string;
  localDateTime: string;
  fileCreatedAt: string;
  livePhotoVideoId: string | null;
  processingError: string | null;
  exifInfo: { make: string | null; model: string | null; latitude: number | null; longitude: number | null; country: string | null };
}

interface Outcome {
  file: string;
  row: MetadataRow;
  status: number;
  message?: string;
  id?: string;
  asset?: Asset;
}

// Formats Shoebox does not take: it must refuse them at upload, saying so.
const refusedTypes = new Set(["XMP", "TXT", "EXIF", "BTF", "CRW", "MRW", "X3F", "PSD", "ICO"]);

// Sound files that cannot be shown, each for a reason of its own; they must end in an error state
// that says so (metadata is still read). exiftool's stubs carry metadata and no picture at all.
const unrenderable: Record<string, string> = {
  "formats/raw/imageio-blackmagic-pocket4k.dng": "holds only 12-bit raw sensor tiles and no preview to show",
  "formats/heic/elodie-photo-tiny.heic": "its declared size (100×74) disagrees with its coded image, which libheif refuses",
  "video/mov/photoprism-mjpeg-41s.mov": "a reference movie whose frames live in other files",
};
const isStub = (file: string) => file.startsWith("exif/exiftool-stubs/");

// Values exiftool reads from places Shoebox does not look (maker notes, pre-EXIF formats).
const exiftoolOnly: Record<string, string> = {
  "exif/cameras/ianare/Reconyx_HC500_Hyperfire.jpg": "date only in Reconyx maker notes",
  "exif/cameras/exif-org/sony-powershota5.jpg": "Canon CIFF metadata from before EXIF",
  "exif/exiftool-stubs/jpeg-makernotes/ExifTool.jpg": "exiftool's own test file: exiftool prefers other blocks over its EXIF",
  "exif/exiftool-stubs/video-stubs/QuickTime.mov": "camera make in Pentax QuickTime atoms",
};

const exifWallClock = (value: string) => {
  const m = value.match(/^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/);
  return m && m[1] !== "0000" ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}` : null;
};
const seconds = (duration: string) => {
  const [h, m, s] = duration.split(":").map(Number);
  return h! * 3600 + m! * 60 + s!;
};

describe("every file of the shared media", { skip: noSharedMedia }, () => {
  let shoebox: Shoebox;
  const outcomes: Outcome[] = [];

  before(async () => {
    shoebox = await startShoebox({
      env: { JOB_CONCURRENCY: "metadataExtraction=2,thumbnailGeneration=2,videoConversion=1", JOB_RETRY_BASE_MS: "100", JOB_MAX_ATTEMPTS: "2" },
    });
  });
  after(async () => {
    await shoebox?.stop();
  });

  it("takes every file it supports and refuses the rest with a reason, never with a server error", async () => {
    const rows = [...readMetadata()].filter(([file]) => !file.startsWith("bench/"));
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < rows.length) {
          const [file, row] = rows[next++]!;
          const form = new FormData();
          form.set("fileCreatedAt", "2001-02-03T04:05:06.000Z");
          form.set("fileModifiedAt", "2001-02-03T04:05:06.000Z");
          form.set("assetData", await openAsBlob(join(sharedMedia, file)), basename(file));
          const response = await shoebox.api("/api/assets", { method: "POST", body: form });
          const body = (await response.json()) as { id?: string; message?: string };
          outcomes.push({ file, row, status: response.status, id: body.id, message: body.message });
        }
      }),
    );
    const serverErrors = outcomes.filter((o) => o.status >= 500);
    assert.deepEqual(serverErrors.map((o) => `${o.file}: ${o.status} ${o.message}`), []);
    for (const o of outcomes) {
      if (o.status >= 400) assert.ok(o.message && o.message.length > 10, `${o.file} was refused without a reason`);
    }
    const wronglyRefused = outcomes.filter((o) => o.status >= 400 && !o.file.startsWith("corrupt/") && !refusedTypes.has(o.row.FileType!));
    assert.deepEqual(wronglyRefused.map((o) => `${o.file}: ${o.message}`), []);
    const wronglyTaken = outcomes.filter((o) => o.status < 400 && refusedTypes.has(o.row.FileType!));
    assert.deepEqual(wronglyTaken.map((o) => o.file), []);
  });

  it("processes everything it took, or shows why not", async () => {
    await waitForQueuesToDrain(shoebox, 15 * 60_000);
    for (const outcome of outcomes.filter((o) => o.id)) {
      outcome.asset = (await (await shoebox.api(`/api/assets/${outcome.id}`)).json()) as Asset;
    }
    // Damaged files may end in an error state, but only with a reason; sound files must not.
    const expectedToFail = (file: string) => file.startsWith("corrupt/") || isStub(file) || file in unrenderable;
    const failedSound = outcomes.filter((o) => o.asset?.processingError && !expectedToFail(o.file));
    assert.deepEqual(failedSound.map((o) => `${o.file}: ${o.asset!.processingError}`), []);
    for (const file of Object.keys(unrenderable)) {
      const outcome = outcomes.find((o) => o.file === file);
      assert.ok(outcome?.asset?.processingError, `${file} shows why it cannot be shown`);
    }
    assert.match(shoebox.output(), /worker ready/);
    assert.equal(shoebox.process.exitCode, null, "the worker is still running");
  });

  it("reads what exiftool reads", () => {
    const mismatches: string[] = [];
    const check = (file: string, what: string, ok: boolean, detail: string) => ok || mismatches.push(`${file}: ${what} ${detail}`);
    for (const { file, row, asset } of outcomes) {
      if (!asset || file.startsWith("corrupt/") || file in exiftoolOnly) continue;
      if (row.Make) check(file, "make", asset.exifInfo.make === row.Make.trim(), `${asset.exifInfo.make} ≠ ${row.Make}`);
      if (row.Model) check(file, "model", asset.exifInfo.model === row.Model.trim(), `${asset.exifInfo.model} ≠ ${row.Model}`);

      const width = Number(row.ImageWidth);
      const height = Number(row.ImageHeight);
      // A stub has no picture, so no size of its own, nor a length for its video.
      if (width && height && !isStub(file)) {
        const turned = ["5", "6", "7", "8"].includes(row.Orientation!) || ["90", "270"].includes(row.Rotation!);
        const [w, h] = turned ? [height, width] : [width, height];
        check(file, "size", asset.width === w && asset.height === h, `${asset.width}×${asset.height} ≠ ${w}×${h}`);
      }

      const lat = Number(row.GPSLatitude);
      const lon = Number(row.GPSLongitude);
      if (row.GPSLatitude && row.GPSLongitude && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0)) {
        const close = Math.abs((asset.exifInfo.latitude ?? NaN) - lat) < 1e-4 && Math.abs((asset.exifInfo.longitude ?? NaN) - lon) < 1e-4;
        check(file, "GPS", close, `${asset.exifInfo.latitude},${asset.exifInfo.longitude} ≠ ${lat},${lon}`);
      }

      if (asset.type === "IMAGE") {
        const taken = exifWallClock(row.DateTimeOriginal || row.CreateDate || "");
        if (taken) check(file, "date taken", asset.localDateTime.startsWith(taken), `${asset.localDateTime} ≠ ${taken}`);
      } else {
        if (row.Duration && !isStub(file)) check(file, "duration", Math.abs(seconds(asset.duration) - Number(row.Duration)) < 0.1, `${asset.duration} ≠ ${row.Duration}s`);
        // Apple's CreationDate (with its offset) is when the clip was shot; CreateDate is often when the file was written.
        const apple = row.CreationDate?.match(/^(\d{4}):(\d{2}):(\d{2}) (\d{2}:\d{2}:\d{2})([+-]\d{2}:\d{2})/);
        const created = apple
          ? new Date(`${apple[1]}-${apple[2]}-${apple[3]}T${apple[4]}${apple[5]}`).toISOString().slice(0, 19)
          : exifWallClock(row.CreateDate || "");
        if (created) check(file, "creation time", asset.fileCreatedAt.startsWith(created), `${asset.fileCreatedAt} ≠ ${created}Z`);
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it("pairs live photos and pulls the video out of motion photos", () => {
    const byFile = new Map(outcomes.map((o) => [o.file, o]));
    const live = byFile.get("video/live-photo/lychee-train/IMG_train.jpg")!;
    const liveVideo = byFile.get("video/live-photo/lychee-train/IMG_train.mov")!;
    assert.equal(live.asset?.livePhotoVideoId, liveVideo.id);
    for (const o of outcomes.filter((o) => o.file.startsWith("video/motion-photo/"))) {
      const hasVideo = !/removed|non-motion/.test(o.file);
      assert.equal(o.asset?.livePhotoVideoId !== null, hasVideo, `${o.file}: motion video ${hasVideo ? "missing" : "invented"}`);
    }
  });
});
