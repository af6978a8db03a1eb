// The official Immich CLI (@immich/cli, from npm) against a real Shoebox: it signs in, uploads a
// folder of real camera files into an album, finds them all again as duplicates, files them in
// albums named after their folders, and prints the library's counts.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createApiKey, login } from "./helpers/accounts";
import { noSharedMedia, readMetadata, type MetadataRow } from "./helpers/metadata";
import { admin, projectRoot, sharedMedia, startShoebox, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";

// Where each shared file goes in the folder the CLI uploads: photos from phones (one HEIC) and a
// camera, videos from a phone and an Android test suite, one of them two folders down.
const layout: Record<string, string> = {
  "exif/phones/androidx-iphone6s-tokyo.jpg": "Holiday/androidx-iphone6s-tokyo.jpg",
  "exif/phones/ente-pixel_8_pro.jpg": "Holiday/ente-pixel_8_pro.jpg",
  "formats/heic/photoprism-iphone_7.heic": "Holiday/photoprism-iphone_7.heic",
  "video/mov/androidx-iphone14pro-dolbyvision-hdr.MOV": "Holiday/videos/androidx-iphone14pro-dolbyvision-hdr.MOV",
  "video/mp4/androidx-rotate-and-reflect.mp4": "Holiday/videos/androidx-rotate-and-reflect.mp4",
  "exif/gps/ianare-nikon-coolpix/DSCN0010.jpg": "Holiday/nested/deeper/DSCN0010.jpg",
};

// What the CLI's API key needs for login, upload into albums and server-info, and nothing more.
const cliPermissions = [
  "user.read",
  "asset.upload",
  "album.read",
  "album.create",
  "albumAsset.create",
  "server.about",
  "asset.statistics",
];

// The CLI asks for Node 22: its bin script refuses older versions, and it calls
// Iterator.prototype.toArray. The tests run on Shoebox's Node 20, so they start the CLI's entry
// module directly, with that one method filled in where it is missing. The CLI's code is unchanged.
const iteratorToArray = `data:text/javascript,${encodeURIComponent(
  "const p = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));" +
    "if (!p.toArray) Object.defineProperty(p, 'toArray', { value() { return [...this]; }, writable: true, configurable: true });",
)}`;
const cliEntry = join(projectRoot, "node_modules/@immich/cli/dist/index.js");

interface Asset {
  id: string;
  type: "IMAGE" | "VIDEO";
  originalFileName: string;
  localDateTime: string;
  fileCreatedAt: string;
  processingError: string | null;
  exifInfo: { make: string | null; latitude: number | null; longitude: number | null };
}

interface Album {
  id: string;
  albumName: string;
  assetCount: number;
  assets: Array<{ id: string }>;
}

const exifWallClock = (value: string) => {
  const m = value.match(/^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}` : null;
};

// When a video was shot, in UTC: Apple's CreationDate (with its offset), else QuickTime's CreateDate.
function videoCreated(row: MetadataRow): string | null {
  const apple = row.CreationDate?.match(/^(\d{4}):(\d{2}):(\d{2}) (\d{2}:\d{2}:\d{2})([+-]\d{2}:\d{2})/);
  if (apple) return new Date(`${apple[1]}-${apple[2]}-${apple[3]}T${apple[4]}${apple[5]}`).toISOString().slice(0, 19);
  return exifWallClock(row.CreateDate ?? "");
}

describe("the official Immich CLI", { skip: noSharedMedia }, () => {
  let shoebox: Shoebox;
  let home: string;
  let folder: string;
  // Shared file → the id of its asset.
  const ids = new Map<string, string>();

  // Runs `immich ARGS` with a home and config folder of its own, so it never sees the real user's.
  async function immich(...args: string[]): Promise<string> {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", iteratorToArray, cliEntry, ...args],
      {
        env: { PATH: process.env.PATH ?? "", HOME: home, IMMICH_CONFIG_DIR: join(home, "immich") },
        timeout: 60_000,
      },
    ).catch((error: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`immich ${args.join(" ")} failed: ${error.message}\n${error.stdout ?? ""}${error.stderr ?? ""}`);
    });
    return stdout + stderr;
  }

  const getJson = async <T>(path: string): Promise<T> => {
    const response = await shoebox.api(path);
    assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
    return (await response.json()) as T;
  };
  const albums = () => getJson<Album[]>("/api/albums");
  const album = async (name: string) => {
    const found = (await albums()).find((a) => a.albumName === name);
    assert.ok(found, `album ${name}`);
    return getJson<Album>(`/api/albums/${found.id}`);
  };
  const idsOf = (files: string[]) => files.map((file) => ids.get(file)!).sort();

  before(async () => {
    shoebox = await startShoebox({ env: { JOB_CONCURRENCY: "metadataExtraction=2,thumbnailGeneration=2" } });
    home = mkdtempSync(join(tmpdir(), "shoebox-immich-cli-home-"));
    folder = mkdtempSync(join(tmpdir(), "shoebox-immich-cli-media-"));
    for (const [file, path] of Object.entries(layout)) {
      mkdirSync(dirname(join(folder, path)), { recursive: true });
      copyFileSync(join(sharedMedia, file), join(folder, path));
    }
  });
  after(async () => {
    await shoebox?.stop();
    for (const dir of [home, folder]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("logs in with an API key, finding the API through /.well-known/immich", async () => {
    const key = await createApiKey(await login(shoebox.url, admin.email, admin.password), cliPermissions);
    const output = await immich("login", shoebox.url, key);
    assert.match(output, /Discovered API at http:\/\/127\.0\.0\.1:\d+\/api/);
    assert.match(output, new RegExp(`Logged in as ${admin.email}`));
    assert.ok(existsSync(join(home, "immich/auth.yml")), "the CLI keeps its credentials in its own config folder");
  });

  it("uploads a folder of real photos and videos into album Trip, with their metadata", async () => {
    const output = await immich("upload", "--recursive", join(folder, "Holiday"), "--album-name", "Trip");
    assert.match(output, /Found 6 new files and 0 duplicates/);
    assert.match(output, /Successfully uploaded 6 new assets/);
    assert.match(output, /Successfully created 1 new album/);

    // Each file is in the library, found by its checksum as the CLI sent it.
    const assets = Object.keys(layout).map((file) => ({
      id: file,
      checksum: createHash("sha1")
        .update(readFileSync(join(sharedMedia, file)))
        .digest("hex"),
    }));
    const response = await shoebox.api("/api/assets/bulk-upload-check", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ assets }),
    });
    const { results } = (await response.json()) as {
      results: Array<{ id: string; reason?: string; assetId?: string }>;
    };
    for (const result of results) {
      assert.equal(result.reason, "duplicate", `${result.id} is in the library`);
      ids.set(result.id, result.assetId!);
    }

    await waitForQueuesToDrain(shoebox);
    const metadata = readMetadata();
    for (const [file, id] of ids) {
      const asset = await getJson<Asset>(`/api/assets/${id}`);
      const row = metadata.get(file)!;
      assert.equal(asset.originalFileName, basename(file));
      assert.equal(asset.processingError, null, file);
      if (asset.type === "IMAGE")
        assert.ok(
          asset.localDateTime.startsWith(exifWallClock(row.DateTimeOriginal!)!),
          `${file}: taken ${asset.localDateTime}`,
        );
      else assert.ok(asset.fileCreatedAt.startsWith(videoCreated(row)!), `${file}: shot ${asset.fileCreatedAt}`);
      if (row.Make) assert.equal(asset.exifInfo.make, row.Make, file);
      if (row.GPSLatitude) {
        assert.ok(
          Math.abs(asset.exifInfo.latitude! - Number(row.GPSLatitude)) < 1e-4,
          `${file}: latitude ${asset.exifInfo.latitude}`,
        );
        assert.ok(
          Math.abs(asset.exifInfo.longitude! - Number(row.GPSLongitude)) < 1e-4,
          `${file}: longitude ${asset.exifInfo.longitude}`,
        );
      }
    }
    assert.equal((await albums()).length, 1);
    assert.deepEqual((await album("Trip")).assets.map((a) => a.id).sort(), idsOf(Object.keys(layout)));
  });

  it("finds every file a duplicate on a second run, and creates nothing", async () => {
    const output = await immich("upload", "--recursive", join(folder, "Holiday"), "--album-name", "Trip");
    assert.match(output, /Found 0 new files and 6 duplicates/);
    assert.match(output, /All assets were already uploaded, nothing to do/);
    assert.match(output, /Successfully created 0 new albums/);
    assert.deepEqual(await getJson("/api/assets/statistics"), { images: 4, videos: 2, total: 6 });
    assert.equal((await albums()).length, 1);
    assert.equal((await album("Trip")).assetCount, 6);
  });

  it("makes albums named after the folders with --album", async () => {
    const output = await immich("upload", "--recursive", join(folder, "Holiday"), "--album");
    assert.match(output, /Successfully created 3 new albums/);
    const inFolder = (path: string) => Object.keys(layout).filter((file) => dirname(layout[file]!) === path);
    assert.deepEqual((await album("Holiday")).assets.map((a) => a.id).sort(), idsOf(inFolder("Holiday")));
    assert.deepEqual((await album("videos")).assets.map((a) => a.id).sort(), idsOf(inFolder("Holiday/videos")));
    assert.deepEqual((await album("deeper")).assets.map((a) => a.id).sort(), idsOf(inFolder("Holiday/nested/deeper")));
    assert.deepEqual((await albums()).map((a) => a.albumName).sort(), ["Holiday", "Trip", "deeper", "videos"]);
    assert.deepEqual(await getJson("/api/assets/statistics"), { images: 4, videos: 2, total: 6 });
  });

  it("prints the library's counts with server-info, and logs out", async () => {
    const output = await immich("server-info");
    const counts = output.match(/Statistics:\s+Images: (\d+)\s+Videos: (\d+)\s+Total: (\d+)/);
    assert.ok(counts, output);
    assert.deepEqual(counts.slice(1).map(Number), [4, 2, 6]);
    assert.match(output, /Images: .*\bheic\b/);
    assert.match(await immich("logout"), /Successfully logged out/);
    assert.ok(!existsSync(join(home, "immich/auth.yml")));
  });
});
