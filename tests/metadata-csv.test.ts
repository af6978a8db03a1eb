// Every file of ../shared/media through the whole pipeline, checked against exiftool's reading of it
// (METADATA.csv, and exiftool itself for the exposure it does not list): refused with a clear reason
// or processed, never a server error, and where processed, with the date and its offset, place,
// camera, lens, exposure, size, orientation and duration exiftool sees. Kinds of files the shared
// media lack (a Canon CR3, a CIFF JPEG of 1998, dates only in XMP) are made here and go through too.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, openAsBlob, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { makeCiffJpeg, makeCr3 } from "./helpers/camera-files";
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
  exifInfo: {
    make: string | null;
    model: string | null;
    lensModel: string | null;
    fNumber: number | null;
    focalLength: number | null;
    iso: number | null;
    exposureTime: string | null;
    timeZone: string | null;
    latitude: number | null;
    longitude: number | null;
    orientation: string | null;
    country: string | null;
  };
}

interface Outcome {
  file: string;
  row: MetadataRow;
  // exiftool's exposure values (-n), which METADATA.csv does not list; absent without exiftool.
  exposure?: Exposure;
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
  "formats/heic/elodie-photo-tiny.heic":
    "its declared size (100×74) disagrees with its coded image, which libheif refuses",
  "video/mov/photoprism-mjpeg-41s.mov": "a reference movie whose frames live in other files",
};
const isStub = (file: string) => file.startsWith("exif/exiftool-stubs/");

type Field =
  | "make"
  | "model"
  | "lens"
  | "size"
  | "orientation"
  | "GPS"
  | "date taken"
  | "offset"
  | "creation time"
  | "duration"
  | "exposure time"
  | "ISO"
  | "f-number"
  | "focal length";

// What exiftool reads that Shoebox leaves, field by field, and why. Nothing else may differ.
const leftToExiftool: Record<string, Partial<Record<Field, string>>> = {
  "exif/exiftool-stubs/jpeg-makernotes/ExifTool.jpg": {
    "exposure time": "only in an old camera's PictureInfo text segment (exiftool's test file of every block)",
  },
  "exif/exiftool-stubs/jpeg-makernotes/Kodak.jpg": {
    "exposure time": "exiftool prefers the Kodak maker note's 1/216 to EXIF's 1/180; Shoebox keeps EXIF's",
    ISO: "only in Kodak's maker note, which Shoebox does not read",
  },
  "exif/exiftool-stubs/jpeg-makernotes/FLIR.jpg": {
    lens: "in FLIR's thermal-camera records (FFF), which Shoebox does not read",
  },
  "exif/exiftool-stubs/video-stubs/QuickTime.mov": {
    make: "in a Pentax TAGS atom of 2005, which Shoebox does not read",
  },
};

// exiftool's numbers for the exposure, by file.
interface Exposure {
  ExposureTime?: number;
  ISO?: number | string;
  FNumber?: number;
  FocalLength?: number;
}

// exiftool's reading of these files (-n: numbers as numbers), when exiftool is installed.
function exiftoolExposure(files: string[], cwd: string): Map<string, Exposure> | undefined {
  const run = spawnSync("exiftool", ["-json", "-n", "-ExposureTime", "-ISO", "-FNumber", "-FocalLength", ...files], {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) return undefined;
  const rows = JSON.parse(run.stdout || "[]") as Array<Exposure & { SourceFile: string }>;
  return new Map(rows.map(({ SourceFile, ...rest }) => [SourceFile.replace(/^\.\//, ""), rest]));
}

// "1/250" for fast shutters, "2.5" for slow ones, as Shoebox writes them.
const exposureTime = (seconds: number) =>
  seconds >= 1 ? String(Math.round(seconds * 10) / 10) : `1/${Math.round(1 / seconds)}`;

// Files of kinds the shared media lack, with what exiftool reads from them (checked below where
// exiftool is installed), in METADATA.csv's columns.
async function madeFiles(): Promise<Array<{ file: string; bytes: Buffer; row: MetadataRow }>> {
  const xmpJpeg = (xmp: string, seed: number) =>
    sharp({ create: { width: 64, height: 48, channels: 3, background: { r: seed, g: 90, b: 160 } } })
      .withXmp(
        `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${xmp}</rdf:RDF></x:xmpmeta>`,
      )
      .jpeg()
      .toBuffer();
  const row = (values: MetadataRow): MetadataRow => ({ FileType: "JPEG", ...values });
  return [
    {
      file: "made/canon-eos-r6.cr3",
      bytes: await makeCr3({
        make: "Canon",
        model: "Canon EOS R6",
        lens: "RF24-105mm F4 L IS USM",
        taken: "2021:09:18 17:45:12",
        offset: "+02:00",
        exposure: [1, 250],
        fNumber: [8, 1],
        iso: 400,
        focalLength: [50, 1],
        size: { width: 5472, height: 3648 },
        gps: { latitude: [46, 30, 12.5], north: true, longitude: [11, 21, 0], east: true },
      }),
      row: row({
        FileType: "CR3",
        Make: "Canon",
        Model: "Canon EOS R6",
        LensModel: "RF24-105mm F4 L IS USM",
        DateTimeOriginal: "2021:09:18 17:45:12",
        OffsetTimeOriginal: "+02:00",
        GPSLatitude: "46.5034722222222",
        GPSLongitude: "11.35",
      }),
    },
    {
      file: "made/canon-powershot-a5-1998.jpg",
      bytes: await makeCiffJpeg({
        make: "Canon",
        model: "Canon PowerShot A5",
        taken: "1998:05:01 21:33:18",
        focalLength: 5,
      }),
      row: row({
        Make: "Canon",
        Model: "Canon PowerShot A5",
        DateTimeOriginal: "1998:05:01 21:33:18",
        ImageWidth: "96",
        ImageHeight: "64",
      }),
    },
    {
      // Old Photoshop bound the xmp namespace to "xap".
      file: "made/xmp-create-date-only.jpg",
      bytes: await xmpJpeg(
        `<rdf:Description rdf:about="" xmlns:xap="http://ns.adobe.com/xap/1.0/" xap:CreateDate="2006-04-12T08:30:15-05:00"/>`,
        10,
      ),
      row: row({ CreateDate: "2006:04:12 08:30:15-05:00", ImageWidth: "64", ImageHeight: "48" }),
    },
    {
      file: "made/xmp-photoshop-date-created.jpg",
      bytes: await xmpJpeg(
        `<rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"><photoshop:DateCreated>2003-07-19T14:02:05</photoshop:DateCreated></rdf:Description>`,
        20,
      ),
      row: row({ DateTimeOriginal: "2003:07:19 14:02:05", ImageWidth: "64", ImageHeight: "48" }),
    },
  ];
}

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
  let made: Awaited<ReturnType<typeof madeFiles>> = [];
  let madeDir = "";
  let madeExposures: Map<string, Exposure> | undefined;
  let sharedExposures: Map<string, Exposure> | undefined;

  before(async () => {
    made = await madeFiles();
    madeDir = mkdtempSync(join(tmpdir(), "shoebox-made-"));
    for (const { file, bytes } of made) writeFileSync(join(madeDir, basename(file)), bytes);
    // exiftool runs before Shoebox starts: a test process busy for seconds would leave the
    // server's output unread.
    madeExposures = exiftoolExposure(["."], madeDir);
    sharedExposures = exiftoolExposure(["-r", "."], sharedMedia);
    shoebox = await startShoebox({
      env: {
        JOB_CONCURRENCY: "metadataExtraction=2,thumbnailGeneration=2,videoConversion=1",
        JOB_RETRY_BASE_MS: "100",
        JOB_MAX_ATTEMPTS: "2",
      },
    });
  });
  after(async () => {
    await shoebox?.stop();
  });

  it("takes every file it supports and refuses the rest with a reason, never with a server error", async () => {
    const shared = [...readMetadata()].filter(([file]) => !file.startsWith("bench/"));
    const uploads = [
      ...shared.map(([file, row]) => ({
        file,
        row,
        exposure: sharedExposures?.get(file),
        blob: () => openAsBlob(join(sharedMedia, file)),
      })),
      ...made.map(({ file, bytes, row }) => ({
        file,
        row,
        exposure: madeExposures?.get(basename(file)),
        blob: async () => new Blob([bytes]),
      })),
    ];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < uploads.length) {
          const { file, row, exposure, blob } = uploads[next++]!;
          const form = new FormData();
          form.set("fileCreatedAt", "2001-02-03T04:05:06.000Z");
          form.set("fileModifiedAt", "2001-02-03T04:05:06.000Z");
          form.set("assetData", await blob(), basename(file));
          const response = await shoebox.api("/api/assets", { method: "POST", body: form });
          const body = (await response.json()) as { id?: string; message?: string };
          outcomes.push({ file, row, exposure, status: response.status, id: body.id, message: body.message });
        }
      }),
    );
    const serverErrors = outcomes.filter((o) => o.status >= 500);
    assert.deepEqual(
      serverErrors.map((o) => `${o.file}: ${o.status} ${o.message}`),
      [],
    );
    for (const o of outcomes) {
      if (o.status >= 400) assert.ok(o.message && o.message.length > 10, `${o.file} was refused without a reason`);
    }
    const wronglyRefused = outcomes.filter(
      (o) => o.status >= 400 && !o.file.startsWith("corrupt/") && !refusedTypes.has(o.row.FileType!),
    );
    assert.deepEqual(
      wronglyRefused.map((o) => `${o.file}: ${o.message}`),
      [],
    );
    const wronglyTaken = outcomes.filter((o) => o.status < 400 && refusedTypes.has(o.row.FileType!));
    assert.deepEqual(
      wronglyTaken.map((o) => o.file),
      [],
    );
  });

  it("makes files exiftool reads as they are meant to be read", (t) => {
    if (!madeExposures) return t.skip("exiftool is not installed");
    const read = spawnSync(
      "exiftool",
      [
        "-json",
        "-Make",
        "-Model",
        "-LensModel",
        "-DateTimeOriginal",
        "-OffsetTimeOriginal",
        "-CreateDate",
        "-DateCreated",
        "-GPSLatitude",
        "-GPSLongitude",
        "-n",
        ".",
      ],
      { cwd: madeDir, encoding: "utf8" },
    );
    const byName = new Map(
      (JSON.parse(read.stdout) as MetadataRow[]).map((row) => [row.SourceFile!.replace(/^\.\//, ""), row]),
    );
    for (const { file, row } of made) {
      const seen = byName.get(basename(file))!;
      for (const [column, value] of Object.entries(row)) {
        if (column === "FileType" || column === "ImageWidth" || column === "ImageHeight") continue;
        const expected = column === "DateTimeOriginal" && seen.DateCreated ? "DateCreated" : column;
        assert.equal(String(seen[expected]).slice(0, value.length), value, `${file}: exiftool's ${column}`);
      }
    }
  });

  it("processes everything it took, or shows why not", async () => {
    await waitForQueuesToDrain(shoebox, 15 * 60_000);
    for (const outcome of outcomes.filter((o) => o.id)) {
      outcome.asset = (await (await shoebox.api(`/api/assets/${outcome.id}`)).json()) as Asset;
    }
    // Damaged files may end in an error state, but only with a reason; sound files must not.
    const expectedToFail = (file: string) => file.startsWith("corrupt/") || isStub(file) || file in unrenderable;
    const failedSound = outcomes.filter((o) => o.asset?.processingError && !expectedToFail(o.file));
    assert.deepEqual(
      failedSound.map((o) => `${o.file}: ${o.asset!.processingError}`),
      [],
    );
    for (const file of Object.keys(unrenderable)) {
      const outcome = outcomes.find((o) => o.file === file);
      assert.ok(outcome?.asset?.processingError, `${file} shows why it cannot be shown`);
    }
    assert.match(shoebox.output(), /worker ready/);
    assert.equal(shoebox.process.exitCode, null, "the worker is still running");
  });

  it("reads what exiftool reads", () => {
    const mismatches: string[] = [];
    for (const { file, row, exposure, asset } of outcomes) {
      if (!asset || file.startsWith("corrupt/")) continue;
      const check = (what: Field, ok: boolean, detail: string) =>
        ok || leftToExiftool[file]?.[what] || mismatches.push(`${file}: ${what} ${detail}`);
      const { exifInfo } = asset;
      if (row.Make) check("make", exifInfo.make === row.Make.trim(), `${exifInfo.make} ≠ ${row.Make}`);
      if (row.Model) check("model", exifInfo.model === row.Model.trim(), `${exifInfo.model} ≠ ${row.Model}`);
      if (row.LensModel?.trim())
        check("lens", exifInfo.lensModel === row.LensModel.trim(), `${exifInfo.lensModel} ≠ ${row.LensModel}`);

      const width = Number(row.ImageWidth);
      const height = Number(row.ImageHeight);
      // A stub has no picture, so no size of its own, nor a length for its video.
      if (width && height && !isStub(file)) {
        const turned = ["5", "6", "7", "8"].includes(row.Orientation!) || ["90", "270"].includes(row.Rotation!);
        const [w, h] = turned ? [height, width] : [width, height];
        check("size", asset.width === w && asset.height === h, `${asset.width}×${asset.height} ≠ ${w}×${h}`);
      }
      if (row.Orientation && asset.type === "IMAGE")
        check("orientation", exifInfo.orientation === row.Orientation, `${exifInfo.orientation} ≠ ${row.Orientation}`);

      const lat = Number(row.GPSLatitude);
      const lon = Number(row.GPSLongitude);
      if (
        row.GPSLatitude &&
        row.GPSLongitude &&
        Math.abs(lat) <= 90 &&
        Math.abs(lon) <= 180 &&
        !(lat === 0 && lon === 0)
      ) {
        const close =
          Math.abs((exifInfo.latitude ?? NaN) - lat) < 1e-4 && Math.abs((exifInfo.longitude ?? NaN) - lon) < 1e-4;
        check("GPS", close, `${exifInfo.latitude},${exifInfo.longitude} ≠ ${lat},${lon}`);
      }

      if (asset.type === "IMAGE") {
        const date = row.DateTimeOriginal || row.CreateDate || "";
        const taken = exifWallClock(date);
        if (taken) check("date taken", asset.localDateTime.startsWith(taken), `${asset.localDateTime} ≠ ${taken}`);
        // The offset exiftool gives the date places it in time.
        const offset = row.DateTimeOriginal ? row.OffsetTimeOriginal : date.match(/([+-]\d{2}:\d{2})$/)?.[1];
        if (taken && offset) {
          const instant = new Date(`${taken}${offset}`).toISOString();
          check("offset", asset.fileCreatedAt === instant, `${asset.fileCreatedAt} ≠ ${instant} (${taken}${offset})`);
        }
      } else {
        if (row.Duration && !isStub(file))
          check(
            "duration",
            Math.abs(seconds(asset.duration) - Number(row.Duration)) < 0.1,
            `${asset.duration} ≠ ${row.Duration}s`,
          );
        // Apple's CreationDate (with its offset) is when the clip was shot; CreateDate is often when the file was written.
        const apple = row.CreationDate?.match(/^(\d{4}):(\d{2}):(\d{2}) (\d{2}:\d{2}:\d{2})([+-]\d{2}:\d{2})/);
        const created = apple
          ? new Date(`${apple[1]}-${apple[2]}-${apple[3]}T${apple[4]}${apple[5]}`).toISOString().slice(0, 19)
          : exifWallClock(row.CreateDate || "");
        if (created)
          check("creation time", asset.fileCreatedAt.startsWith(created), `${asset.fileCreatedAt} ≠ ${created}Z`);
      }

      // The exposure, from exiftool itself (METADATA.csv does not list it); photos only, as Immich.
      if (!exposure || asset.type !== "IMAGE") continue;
      const near = (value: number | null, expected: number) => value !== null && Math.abs(value - expected) < 0.05;
      if (exposure.ExposureTime)
        check(
          "exposure time",
          exifInfo.exposureTime === exposureTime(exposure.ExposureTime),
          `${exifInfo.exposureTime} ≠ ${exposureTime(exposure.ExposureTime)}`,
        );
      // A camera that wrote two ISO values ("0 200") means the one that is not 0.
      const iso = String(exposure.ISO ?? "")
        .split(" ")
        .map(Number)
        .find(Boolean);
      if (iso) check("ISO", exifInfo.iso === Math.round(iso), `${exifInfo.iso} ≠ ${exposure.ISO}`);
      if (exposure.FNumber)
        check("f-number", near(exifInfo.fNumber, exposure.FNumber), `${exifInfo.fNumber} ≠ ${exposure.FNumber}`);
      if (exposure.FocalLength)
        check(
          "focal length",
          near(exifInfo.focalLength, exposure.FocalLength),
          `${exifInfo.focalLength} ≠ ${exposure.FocalLength}`,
        );
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
      assert.equal(
        o.asset?.livePhotoVideoId !== null,
        hasVideo,
        `${o.file}: motion video ${hasVideo ? "missing" : "invented"}`,
      );
    }
  });
});
