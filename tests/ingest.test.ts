// Uploads through the real workerd handlers and the real worker's jobs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createHash } from "node:crypto";
import { connect } from "node:net";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { videoTools } from "../workers/media/video";
import { createClient, type Client } from "@libsql/client/web";
import { makeJpeg, upload, uploadForm } from "./helpers/media";
import { hasSharedMedia, noSharedMedia, readMetadata } from "./helpers/metadata";
import { filesUnder, sharedMedia, startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";

interface AssetBody {
  id: string;
  width: number | null;
  height: number | null;
  localDateTime: string;
  fileCreatedAt: string;
  thumbhash: string | null;
  checksum: string;
  exifInfo: Record<string, unknown>;
}


describe("ingest", () => {
  let shoebox: Shoebox;
  let db: Client;

  before(async () => {
    shoebox = await startShoebox({ env: { JOB_RETRY_BASE_MS: "50", JOB_CONCURRENCY: "metadataExtraction=2,thumbnailGeneration=2" } });
    db = createClient({ url: shoebox.workerUrl, authToken: shoebox.token() });
  });
  after(async () => {
    db.close();
    await shoebox.stop();
  });

  const getAsset = async (id: string) => (await (await shoebox.api(`/api/assets/${id}`)).json()) as AssetBody;
  const processed = (id: string) =>
    waitFor(`asset ${id} to be processed`, async () => {
      const { rows } = await db.execute({ sql: "SELECT count(*) AS n FROM jobs WHERE json_extract(payload, '$.assetId') = ?", args: [id] });
      if (rows[0]!.n !== 0) return undefined;
      return getAsset(id);
    });

  it("stores an upload, reads its metadata and makes its thumbnails", async () => {
    const image = await makeJpeg(1, {
      IFD0: { Make: "Shoebox", Model: "Test Camera" },
      IFD2: { DateTimeOriginal: "2021:07:04 18:30:00", OffsetTimeOriginal: "-04:00", FNumber: "28/10", ISOSpeedRatings: "200" },
    }, { width: 320, height: 200 });
    const created = await upload(shoebox, image, { isFavorite: "true" });
    assert.equal(created.status, 201);
    assert.equal(created.body.status, "created");

    const asset = await processed(created.body.id);
    assert.equal(asset.checksum, createHash("sha1").update(image.bytes).digest("base64"));
    assert.equal(asset.width, 320);
    assert.equal(asset.height, 200);
    assert.equal(asset.exifInfo.make, "Shoebox");
    assert.equal(asset.exifInfo.model, "Test Camera");
    assert.equal(asset.exifInfo.fNumber, 2.8);
    assert.equal(asset.exifInfo.iso, 200);
    // Wall-clock time where it was taken, and the instant it was.
    assert.equal(asset.localDateTime, "2021-07-04T18:30:00.000Z");
    assert.equal(asset.fileCreatedAt, "2021-07-04T22:30:00.000Z");
    assert.equal(asset.exifInfo.timeZone, "UTC-04:00");
    assert.equal((asset as unknown as { isFavorite: boolean }).isFavorite, true);

    const thumbnail = await shoebox.api(`/api/assets/${asset.id}/thumbnail`);
    assert.equal(thumbnail.headers.get("content-type"), "image/webp");
    const thumbMeta = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    assert.equal(thumbMeta.format, "webp");
    assert.equal(Math.min(thumbMeta.width!, thumbMeta.height!), 200, "never enlarged past the original");
    const preview = await shoebox.api(`/api/assets/${asset.id}/thumbnail?size=preview`);
    assert.equal((await sharp(Buffer.from(await preview.arrayBuffer())).metadata()).format, "jpeg");

    const original = await shoebox.api(`/api/assets/${asset.id}/original`);
    assert.deepEqual(Buffer.from(await original.arrayBuffer()), image.bytes);
    const range = await shoebox.api(`/api/assets/${asset.id}/original`, { headers: { range: "bytes=10-19" } });
    assert.equal(range.status, 206);
    assert.equal(range.headers.get("content-range"), `bytes 10-19/${image.bytes.length}`);
    assert.deepEqual(Buffer.from(await range.arrayBuffer()), image.bytes.subarray(10, 20));
  });

  it("answers a second upload of the same file as a duplicate, by body or by checksum header", async () => {
    const image = await makeJpeg(2);
    const first = await upload(shoebox, image);
    const again = await upload(shoebox, image);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { id: first.body.id, status: "duplicate" });

    for (const checksum of [createHash("sha1").update(image.bytes).digest("hex"), createHash("sha1").update(image.bytes).digest("base64")]) {
      const form = new FormData();
      form.set("fileCreatedAt", "2024-01-01T00:00:00Z");
      form.set("fileModifiedAt", "2024-01-01T00:00:00Z");
      form.set("assetData", new Blob([new Uint8Array(10)]), "not-even-the-file.jpg");
      const response = await shoebox.api("/api/assets", { method: "POST", headers: { "x-immich-checksum": checksum }, body: form });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { id: first.body.id, status: "duplicate" });
    }
    const originals = filesUnder(join(shoebox.dataDir, "library/originals"));
    assert.equal(originals.filter((f) => f.includes(first.body.id)).length, 1);
  });

  it("refuses unsupported files and missing fields with a clear 400, storing nothing", async () => {
    const before = filesUnder(join(shoebox.dataDir, "library/originals")).length;
    const text = await upload(shoebox, { bytes: new TextEncoder().encode("hello"), name: "notes.txt" });
    assert.equal(text.status, 400);
    assert.match(text.body.message!, /Unsupported file type.*notes\.txt/);

    const form = new FormData();
    form.set("assetData", new Blob([(await makeJpeg(3)).bytes]), "no-dates.jpg");
    const noDates = await shoebox.api("/api/assets", { method: "POST", body: form });
    assert.equal(noDates.status, 400);
    assert.match(((await noDates.json()) as { message: string }).message, /fileCreatedAt/);

    const notMultipart = await shoebox.api("/api/assets", { method: "POST", body: "x" });
    assert.equal(notMultipart.status, 400);
    assert.equal(filesUnder(join(shoebox.dataDir, "library/originals")).length, before);
  });

  it("leaves no asset and no file behind when an upload breaks off", async () => {
    const before = filesUnder(join(shoebox.dataDir, "library/originals"));
    const { rows: countBefore } = await db.execute("SELECT count(*) AS n FROM assets");
    const port = Number(new URL(shoebox.url).port);
    const boundary = "----shoebox-broken";
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="fileCreatedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="fileModifiedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="assetData"; filename="broken.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(
          `POST /api/assets HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: ${shoebox.apiKey}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 5000000\r\n\r\n${head}`,
        );
        socket.write(Buffer.alloc(300_000, 7));
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 300);
      });
      socket.on("error", () => resolve());
    });
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(filesUnder(join(shoebox.dataDir, "library/originals")).filter((f) => !before.includes(f)), []);
    const { rows: countAfter } = await db.execute("SELECT count(*) AS n FROM assets");
    assert.equal(countAfter[0]!.n, countBefore[0]!.n);
  });

  it("streams a large upload through workerd without holding it in memory", async () => {
    const streamUpload = async (megabytes: number) => {
      const chunk = Buffer.alloc(1024 * 1024);
      const size = megabytes * chunk.length;
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) {
            controller.enqueue(
              new TextEncoder().encode(
                `--b\r\nContent-Disposition: form-data; name="fileCreatedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n` +
                  `--b\r\nContent-Disposition: form-data; name="fileModifiedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n` +
                  `--b\r\nContent-Disposition: form-data; name="assetData"; filename="big-${megabytes}.mp4"\r\n\r\n`,
              ),
            );
          }
          if (sent >= size) {
            controller.enqueue(new TextEncoder().encode("\r\n--b--\r\n"));
            controller.close();
            return;
          }
          // An MP4 file type box first, so the content check takes it for the video it claims to be.
          if (sent === 0) chunk.set([0, 0, 0, 0x10, ...Buffer.from("ftypmp42"), 0, 0, 0, 0]);
          chunk.writeUInt32LE(sent, 16);
          controller.enqueue(new Uint8Array(chunk));
          sent += chunk.length;
        },
      });
      const response = await shoebox.api("/api/assets", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=b" },
        body,
        duplex: "half",
      } as RequestInit);
      const result = (await response.json()) as { id: string };
      assert.equal(response.status, 201, JSON.stringify(result));
      return { id: result.id, size };
    };
    const [workerdPid] = readFileSync(`/proc/${shoebox.process.pid}/task/${shoebox.process.pid}/children`, "utf8").trim().split(/\s+/);
    const rss = () => Number(readFileSync(`/proc/${workerdPid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)![1]) * 1024;

    await streamUpload(32); // Lets the runtime's heap settle to its working size first.
    const before = rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
    const big = await streamUpload(384).finally(() => clearInterval(sampler));
    const asset = await getAsset(big.id);
    assert.equal((asset.exifInfo as { fileSizeInByte: number }).fileSizeInByte, big.size);
    const grown = Math.round((peak - before) / 1048576);
    assert.ok(grown < 128, `workerd grew by ${grown} MiB while a 384 MiB upload streamed through`);
  });

  it("retries a job that fails, then shows it failed with its reason until retried", async () => {
    const failedJobs = async () =>
      (await (await shoebox.api("/api/queues/metadataExtraction/jobs?status=failed")).json()) as Array<{
        data: { assetId: string };
        attemptsMade: number;
        failedReason: string;
      }>;
    const put = (isPaused: boolean) =>
      shoebox.api("/api/queues/metadataExtraction", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ isPaused }) });
    await put(true);
    const created = await upload(shoebox, await makeJpeg(4));
    // The original vanishes from the volume before the job runs.
    const original = filesUnder(join(shoebox.dataDir, "library/originals")).find((f) => f.includes(created.body.id))!;
    rmSync(original);
    await put(false);

    const failed = await waitFor("the job to fail for good", async () => (await failedJobs()).find((j) => j.data.assetId === created.body.id));
    assert.equal(failed.attemptsMade, 3, "a missing file is retried: a volume can come back");
    assert.match(failed.failedReason, /missing/i);
    const asset = await getAsset(created.body.id);
    assert.match((asset as unknown as { processingError: string }).processingError, /missing/);

    await shoebox.api("/api/queues/metadataExtraction/retry", { method: "POST" });
    assert.equal((await failedJobs()).some((j) => j.data.assetId === created.body.id), false);
    await waitFor("the retried job to fail again", async () => (await failedJobs()).some((j) => j.data.assetId === created.body.id));
  });

  it("tells a client which files it already has, by checksum", async () => {
    const image = await makeJpeg(20);
    const created = await upload(shoebox, image);
    const sha1 = (bytes: Uint8Array) => createHash("sha1").update(bytes).digest("hex");
    const response = await shoebox.api("/api/assets/bulk-upload-check", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        assets: [
          { id: "known", checksum: sha1(image.bytes) },
          { id: "new", checksum: sha1((await makeJpeg(21)).bytes) },
          { id: "garbled", checksum: "not-a-checksum" },
        ],
      }),
    });
    const { results } = (await response.json()) as { results: Array<Record<string, unknown>> };
    assert.deepEqual(results, [
      { id: "known", action: "reject", reason: "duplicate", assetId: created.body.id, isTrashed: false },
      { id: "new", action: "accept" },
      { id: "garbled", action: "reject", reason: "unsupported-format" },
    ]);
  });

  it("lists the file types it takes", async () => {
    const types = (await (await fetch(`${shoebox.url}/api/server/media-types`)).json()) as Record<string, string[]>;
    for (const extension of [".jpg", ".heic", ".dng", ".jxl", ".avif"]) assert.ok(types.image!.includes(extension), extension);
    for (const extension of [".mp4", ".mov", ".webm"]) assert.ok(types.video!.includes(extension), extension);
    assert.deepEqual(types.sidecar, [".xmp"]);
  });

  it("goes by a file's content, not its name", async () => {
    const jpeg = await makeJpeg(22);
    const misnamed = await upload(shoebox, { bytes: jpeg.bytes, name: "holiday.heic" });
    assert.equal(misnamed.status, 201);
    const asset = (await getAsset(misnamed.body.id)) as unknown as { originalMimeType: string; originalFileName: string };
    assert.equal(asset.originalMimeType, "image/jpeg");
    assert.equal(asset.originalFileName, "holiday.heic");
    const text = await upload(shoebox, { bytes: new TextEncoder().encode("just words, no pixels"), name: "photo.jpg" });
    assert.equal(text.status, 400);
    assert.match(text.body.message!, /named like image\/jpeg but its content is not a photo or video/);
  });

  it("lets an XMP sidecar win over the photo's own metadata", async () => {
    const image = await makeJpeg(23, { IFD0: { Make: "Embedded" }, IFD2: { DateTimeOriginal: "2010:01:01 10:00:00" } });
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
        exif:DateTimeOriginal="2019-06-09T12:57:32" exif:GPSLatitude="50,2.8647N" exif:GPSLongitude="8,34.3413E" tiff:Make="Sidecar" xmp:Rating="4"/>
      </rdf:RDF></x:xmpmeta>`;
    const form = uploadForm(image);
    form.set("sidecarData", new Blob([xmp]), `${image.name}.xmp`);
    const response = await shoebox.api("/api/assets", { method: "POST", body: form });
    const { id } = (await response.json()) as { id: string };
    const asset = await processed(id);
    assert.equal(asset.exifInfo.make, "Sidecar");
    assert.equal(asset.exifInfo.rating, 4);
    assert.equal(asset.localDateTime, "2019-06-09T12:57:32.000Z");
    // No offset given: the zone of the place (Frankfurt, summer) puts it in time.
    assert.equal(asset.exifInfo.timeZone, "Europe/Berlin");
    assert.equal(asset.fileCreatedAt, "2019-06-09T10:57:32.000Z");
    assert.equal(asset.exifInfo.country, "Germany");
  });

  it("moves assets to the trash, and deletes them with their files when forced", async () => {
    const created = await upload(shoebox, await makeJpeg(24));
    await processed(created.body.id);
    const files = () => filesUnder(join(shoebox.dataDir, "library")).filter((f) => f.includes(created.body.id));
    assert.equal(files().length, 3, "original, thumbnail and preview");
    const remove = (force: boolean) =>
      shoebox.api("/api/assets", { method: "DELETE", headers: { "content-type": "application/json" }, body: JSON.stringify({ ids: [created.body.id], force }) });
    assert.equal((await remove(false)).status, 204);
    assert.equal(((await getAsset(created.body.id)) as unknown as { isTrashed: boolean }).isTrashed, true);
    assert.equal(files().length, 3, "the trash keeps the files");
    assert.equal((await remove(true)).status, 204);
    assert.equal((await shoebox.api(`/api/assets/${created.body.id}`)).status, 404);
    await waitFor("the files to be deleted", async () => files().length === 0);
  });

  it("plays a video browsers cannot play from a web-playable copy, with Range", async () => {
    const dir = mkdtempSync(join(tmpdir(), "shoebox-video-"));
    try {
      // MPEG-4 Part 2 in AVI: a real format no browser plays.
      const path = join(dir, "clip.avi");
      const { ffmpeg } = await videoTools();
      execFileSync(ffmpeg, ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "2", "-c:v", "mpeg4", path]);
      const created = await upload(shoebox, { bytes: readFileSync(path), name: "clip.avi" });
      assert.equal(created.status, 201);
      const asset = await processed(created.body.id);
      assert.equal(asset.width, 320);
      const playback = await waitFor("the web-playable copy", async () => {
        const response = await shoebox.api(`/api/assets/${created.body.id}/video/playback`, { headers: { range: "bytes=0-99" } });
        if (response.headers.get("content-type") === "video/mp4") return response;
        await response.body?.cancel();
        return undefined;
      }, 60_000);
      assert.equal(playback.status, 206);
      assert.equal(Buffer.from(await playback.arrayBuffer()).toString("latin1", 4, 8), "ftyp");
      const thumbnail = await shoebox.api(`/api/assets/${created.body.id}/thumbnail?size=preview`);
      assert.equal(thumbnail.headers.get("content-type"), "image/jpeg");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads real photos' metadata as exiftool does", { skip: noSharedMedia }, async () => {
    if (!hasSharedMedia) return;
    const metadata = readMetadata();
    const files = [
      "exif/cameras/exif-org/canon-ixus.jpg",
      "exif/cameras/exif-org/fujifilm-dx10.jpg",
      "exif/cameras/exif-org/olympus-c960.jpg",
      "exif/gps/ianare-nikon-coolpix/DSCN0010.jpg",
      "exif/gps/ianare-nikon-coolpix/DSCN0042.jpg",
      "exif/phones/HMD_Nokia_8.3_5G.jpg",
      "exif/phones/ente-pixel_8_pro.jpg",
    ];
    for (const file of files) {
      const expected = metadata.get(file)!;
      const created = await upload(shoebox, { bytes: readFileSync(join(sharedMedia, file)), name: file.split("/").pop()! });
      assert.equal(created.status, 201, `${file}: ${JSON.stringify(created.body)}`);
      const asset = await processed(created.body.id);
      assert.equal(asset.exifInfo.make, expected.Make, file);
      assert.equal(asset.exifInfo.model, expected.Model, file);
      assert.equal(asset.width, Number(expected.ImageWidth), file);
      assert.equal(asset.height, Number(expected.ImageHeight), file);
      const [date, time] = expected.DateTimeOriginal!.split(" ");
      assert.equal(asset.localDateTime, `${date!.replaceAll(":", "-")}T${time!.slice(0, 8)}.000Z`, file);
      if (expected.GPSLatitude) {
        assert.ok(Math.abs((asset.exifInfo.latitude as number) - Number(expected.GPSLatitude)) < 1e-5, file);
        assert.ok(Math.abs((asset.exifInfo.longitude as number) - Number(expected.GPSLongitude)) < 1e-5, file);
      }
    }
  });
});
