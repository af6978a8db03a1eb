// Uploads through the real workerd handlers and the real worker's jobs, with the library on the local
// volume and in an S3-compatible bucket (a local s3rver that checks SigV4 signatures as a bucket does).
// What was stored is looked at through a storage-neutral view, and an asset's files are found by the
// keys the database keeps, never by the asset's id in a path (originals move under the storage template).
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
import { startLocalS3, type LocalS3 } from "./helpers/s3";
import {
  makeDataDir,
  sharedMedia,
  startShoebox,
  waitFor,
  waitForQueuesToDrain,
  workerdPid,
  type Shoebox,
} from "./helpers/shoebox";
import { added, assetKeys, localStorageView, s3StorageView, type StorageView } from "./helpers/storage";

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

for (const mode of ["local", "s3"] as const)
  describe(`ingest (${mode} storage)`, () => {
    let s3: LocalS3 | undefined;
    let dataDir: string;
    let env: Record<string, string>;
    let shoebox: Shoebox;
    let db: Client;
    let storage: StorageView;

    before(async () => {
      if (mode === "s3") s3 = await startLocalS3();
      // A data folder of our own, so that the S3 test of redirects can restart Shoebox on it.
      dataDir = makeDataDir();
      env = { ...s3?.env, JOB_RETRY_BASE_MS: "50", JOB_CONCURRENCY: "metadataExtraction=2,thumbnailGeneration=2" };
      shoebox = await startShoebox({ dataDir, env });
      db = createClient({ url: shoebox.workerUrl, authToken: shoebox.token() });
      storage = s3 ? s3StorageView(s3) : localStorageView(dataDir);
    });
    after(async () => {
      db?.close();
      await shoebox?.stop();
      await s3?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    // The asset's files as the database names them (the asset must exist).
    const keysOf = async (id: string) => {
      const keys = await assetKeys(db, id);
      assert.ok(keys, `asset ${id} is in the database`);
      return keys;
    };
    // Every stored key, once no job is left to add, move or delete one.
    const settledKeys = async () => {
      await waitForQueuesToDrain(shoebox);
      return storage.keys();
    };

    const getAsset = async (id: string) => (await (await shoebox.api(`/api/assets/${id}`)).json()) as AssetBody;
    const processed = (id: string) =>
      waitFor(`asset ${id} to be processed`, async () => {
        const { rows } = await db.execute({
          sql: "SELECT count(*) AS n FROM jobs WHERE json_extract(payload, '$.assetId') = ?",
          args: [id],
        });
        if (rows[0]!.n !== 0) return undefined;
        return getAsset(id);
      });

    it("stores an upload, reads its metadata and makes its thumbnails", async () => {
      const image = await makeJpeg(
        1,
        {
          IFD0: { Make: "Shoebox", Model: "Test Camera" },
          IFD2: {
            DateTimeOriginal: "2021:07:04 18:30:00",
            OffsetTimeOriginal: "-04:00",
            FNumber: "28/10",
            ISOSpeedRatings: "200",
          },
        },
        { width: 320, height: 200 },
      );
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

      // Stored as it came, where the database says; with a bucket, nothing is kept on the local volume.
      const keys = await keysOf(asset.id);
      assert.deepEqual(Buffer.from((await storage.read(keys.original))!), image.bytes);
      for (const key of keys.all) assert.notEqual(await storage.read(key), null, `${key} is stored`);
      if (mode === "s3")
        assert.deepEqual(await localStorageView(dataDir).keys(), [], "no file in the local library folder");
    });

    it("answers a second upload of the same file as a duplicate, by body or by checksum header", async () => {
      const image = await makeJpeg(2);
      const keysBefore = await settledKeys();
      const first = await upload(shoebox, image);
      const again = await upload(shoebox, image);
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, { id: first.body.id, status: "duplicate" });

      for (const checksum of [
        createHash("sha1").update(image.bytes).digest("hex"),
        createHash("sha1").update(image.bytes).digest("base64"),
      ]) {
        const form = new FormData();
        form.set("fileCreatedAt", "2024-01-01T00:00:00Z");
        form.set("fileModifiedAt", "2024-01-01T00:00:00Z");
        form.set("assetData", new Blob([new Uint8Array(10)]), "not-even-the-file.jpg");
        const response = await shoebox.api("/api/assets", {
          method: "POST",
          headers: { "x-immich-checksum": checksum },
          body: form,
        });
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { id: first.body.id, status: "duplicate" });
      }
      // One stored copy: what was added is exactly the first upload's original and its derivatives.
      await processed(first.body.id);
      const keys = await keysOf(first.body.id);
      assert.deepEqual(added(keysBefore, await settledKeys()), keys.all);
      assert.deepEqual(Buffer.from((await storage.read(keys.original))!), image.bytes);
    });

    it("refuses unsupported files and missing fields with a clear 400, storing nothing", async () => {
      const before = await settledKeys();
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
      assert.deepEqual(await storage.keys(), before);
    });

    it("leaves no asset and no file behind when an upload breaks off", async () => {
      const before = await settledKeys();
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
      assert.deepEqual(added(before, await storage.keys()), []);
      const { rows: countAfter } = await db.execute("SELECT count(*) AS n FROM assets");
      assert.equal(countAfter[0]!.n, countBefore[0]!.n);
    });

    // In both modes: the handler runs in workerd either way, and with a bucket it is workerd that cuts
    // the body into multipart parts and sends them through its S3 binding, so a buffer held too long
    // there shows in workerd's memory just as one on the way to the disk would.
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
      // The worker's workerd child (its other children are job processes).
      const workerd = workerdPid(shoebox.process.pid!);
      const rss = () => Number(readFileSync(`/proc/${workerd}/status`, "utf8").match(/VmRSS:\s+(\d+)/)![1]) * 1024;

      await streamUpload(32); // Lets the runtime's heap settle to its working size first.
      const before = rss();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
      const big = await streamUpload(384).finally(() => clearInterval(sampler));
      const asset = await getAsset(big.id);
      assert.equal((asset.exifInfo as { fileSizeInByte: number }).fileSizeInByte, big.size);
      // With a bucket, the parts were put together whole (once no job can be moving the original).
      if (s3) {
        await waitForQueuesToDrain(shoebox);
        assert.equal(await s3.bucket.size((await keysOf(big.id)).original), big.size);
      }
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
        shoebox.api("/api/queues/metadataExtraction", {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ isPaused }),
        });
      await put(true);
      const created = await upload(shoebox, await makeJpeg(4));
      // The original vanishes from storage before the job runs.
      const { original } = await keysOf(created.body.id);
      assert.notEqual(await storage.read(original), null);
      await storage.remove(original);
      await put(false);

      const failed = await waitFor("the job to fail for good", async () =>
        (await failedJobs()).find((j) => j.data.assetId === created.body.id),
      );
      assert.equal(failed.attemptsMade, 3, "a missing file is retried: a volume can come back");
      assert.match(failed.failedReason, /missing/i);
      const asset = await getAsset(created.body.id);
      assert.match((asset as unknown as { processingError: string }).processingError, /missing/);

      await shoebox.api("/api/queues/metadataExtraction/retry", { method: "POST" });
      assert.equal(
        (await failedJobs()).some((j) => j.data.assetId === created.body.id),
        false,
      );
      await waitFor("the retried job to fail again", async () =>
        (await failedJobs()).some((j) => j.data.assetId === created.body.id),
      );
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
      for (const extension of [".jpg", ".heic", ".dng", ".jxl", ".avif"])
        assert.ok(types.image!.includes(extension), extension);
      for (const extension of [".mp4", ".mov", ".webm"]) assert.ok(types.video!.includes(extension), extension);
      assert.deepEqual(types.sidecar, [".xmp"]);
    });

    it("goes by a file's content, not its name", async () => {
      const jpeg = await makeJpeg(22);
      const misnamed = await upload(shoebox, { bytes: jpeg.bytes, name: "holiday.heic" });
      assert.equal(misnamed.status, 201);
      const asset = (await getAsset(misnamed.body.id)) as unknown as {
        originalMimeType: string;
        originalFileName: string;
      };
      assert.equal(asset.originalMimeType, "image/jpeg");
      assert.equal(asset.originalFileName, "holiday.heic");
      const text = await upload(shoebox, {
        bytes: new TextEncoder().encode("just words, no pixels"),
        name: "photo.jpg",
      });
      assert.equal(text.status, 400);
      assert.match(text.body.message!, /named like image\/jpeg but its content is not a photo or video/);
    });

    it("lets an XMP sidecar win over the photo's own metadata", async () => {
      const image = await makeJpeg(23, {
        IFD0: { Make: "Embedded" },
        IFD2: { DateTimeOriginal: "2010:01:01 10:00:00" },
      });
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
      const keysBefore = await settledKeys();
      const created = await upload(shoebox, await makeJpeg(24));
      await processed(created.body.id);
      const { all } = await keysOf(created.body.id);
      const stored = new Set(await settledKeys());
      const files = async () => {
        const now = new Set(await storage.keys());
        return all.filter((key) => now.has(key));
      };
      assert.equal(new Set(all).size, 3, "original, thumbnail and preview");
      assert.deepEqual(added(keysBefore, [...stored]), all);
      const remove = (force: boolean) =>
        shoebox.api("/api/assets", {
          method: "DELETE",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ids: [created.body.id], force }),
        });
      assert.equal((await remove(false)).status, 204);
      assert.equal(((await getAsset(created.body.id)) as unknown as { isTrashed: boolean }).isTrashed, true);
      assert.equal((await files()).length, 3, "the trash keeps the files");
      assert.equal((await remove(true)).status, 204);
      assert.equal((await shoebox.api(`/api/assets/${created.body.id}`)).status, 404);
      await waitFor("the files to be deleted", async () => (await files()).length === 0);
      assert.deepEqual(await settledKeys(), keysBefore, "no file left behind");
    });

    it("plays a video browsers cannot play from a web-playable copy, with Range", async () => {
      const dir = mkdtempSync(join(tmpdir(), "shoebox-video-"));
      try {
        // MPEG-4 Part 2 in AVI: a real format no browser plays.
        const path = join(dir, "clip.avi");
        const { ffmpeg } = await videoTools();
        execFileSync(ffmpeg, [
          "-v",
          "error",
          "-f",
          "lavfi",
          "-i",
          "testsrc=size=320x240:rate=10",
          "-t",
          "2",
          "-c:v",
          "mpeg4",
          path,
        ]);
        const created = await upload(shoebox, { bytes: readFileSync(path), name: "clip.avi" });
        assert.equal(created.status, 201);
        const asset = await processed(created.body.id);
        assert.equal(asset.width, 320);
        const playback = await waitFor("the web-playable copy", async () => {
          const response = await shoebox.api(`/api/assets/${created.body.id}/video/playback`, {
            headers: { range: "bytes=0-99" },
          });
          if (response.headers.get("content-type") === "video/mp4") return response;
          await response.body?.cancel();
          return undefined;
        });
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
        const created = await upload(shoebox, {
          bytes: readFileSync(join(sharedMedia, file)),
          name: file.split("/").pop()!,
        });
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

    // Last: it restarts Shoebox with S3_SERVE=redirect, on the same data folder and bucket.
    if (mode === "s3") {
      it("with S3_SERVE=redirect, sends clients to a short-lived presigned URL on the bucket", async () => {
        const bucketOrigin = new URL(s3!.settings.endpoint).origin;
        const policy = async () => {
          const page = await fetch(`${shoebox.url}/`);
          await page.body?.cancel();
          const header = page.headers.get("content-security-policy") ?? "";
          return new Map(
            header
              .split(";")
              .map((d) => d.trim().split(/\s+/))
              .map(([name, ...sources]) => [name!, sources]),
          );
        };
        const image = await makeJpeg(40);
        const name = "Sommer am Fluss – 1.jpg";
        const created = await upload(shoebox, { bytes: image.bytes, name });
        assert.equal(created.status, 201);
        await processed(created.body.id);
        // Proxied, as so far: the bytes come through Shoebox, and pages load nothing from the bucket.
        const proxied = await shoebox.api(`/api/assets/${created.body.id}/original`, { redirect: "manual" });
        assert.equal(proxied.status, 200);
        assert.deepEqual(Buffer.from(await proxied.arrayBuffer()), image.bytes);
        const disposition = `attachment; filename*=UTF-8''${encodeURIComponent(name)}`;
        assert.equal(proxied.headers.get("content-disposition"), disposition);
        assert.equal((await policy()).get("img-src")!.includes(bucketOrigin), false);

        await waitForQueuesToDrain(shoebox);
        db.close();
        await shoebox.stop();
        shoebox = await startShoebox({ dataDir, env: { ...env, S3_SERVE: "redirect" } });
        db = createClient({ url: shoebox.workerUrl, authToken: shoebox.token() });

        const response = await shoebox.api(`/api/assets/${created.body.id}/original`, { redirect: "manual" });
        assert.equal(response.status, 302, await response.text());
        assert.equal(response.headers.get("cache-control"), "no-store");
        const location = response.headers.get("location")!;
        const url = new URL(location);
        const { original } = await keysOf(created.body.id);
        assert.equal(url.origin, bucketOrigin);
        assert.equal(decodeURIComponent(url.pathname), `/${s3!.settings.bucket}/${original}`);
        assert.equal(url.searchParams.get("X-Amz-Algorithm"), "AWS4-HMAC-SHA256");
        assert.ok(Number(url.searchParams.get("X-Amz-Expires")) <= 15 * 60, "short-lived");

        // The URL alone is enough: no API key, no cookie.
        const direct = await fetch(location);
        assert.equal(direct.status, 200, await direct.clone().text());
        assert.deepEqual(Buffer.from(await direct.arrayBuffer()), image.bytes);
        assert.equal(direct.headers.get("content-disposition"), disposition);
        assert.equal(direct.headers.get("content-type"), "image/jpeg");

        // Pages may show what the bucket serves.
        const directives = await policy();
        assert.ok(directives.get("img-src")!.includes(bucketOrigin), `img-src ${directives.get("img-src")!.join(" ")}`);
        assert.ok(
          directives.get("media-src")!.includes(bucketOrigin),
          `media-src ${directives.get("media-src")!.join(" ")}`,
        );

        // One character of the signature changed: the bucket refuses it.
        const signature = url.searchParams.get("X-Amz-Signature")!;
        const changed = `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`;
        const tampered = location.replace(`X-Amz-Signature=${signature}`, `X-Amz-Signature=${changed}`);
        assert.notEqual(tampered, location);
        const refused = await fetch(tampered);
        assert.equal(refused.status, 403);
        assert.match(await refused.text(), /SignatureDoesNotMatch/);
      });
    }
  });
