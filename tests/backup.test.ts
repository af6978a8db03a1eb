// npm run backup, restore and export, and the integrity check, against a real Shoebox: a backup taken
// while uploads go on, restored into an empty data folder, loses nothing; the export arranges the
// originals by album with sidecars that read back; the check finds what was done behind its back.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Libsql from "libsql";
import { connectDatabase } from "../common/db";
import { migrateDatabase } from "../workers/db/migrate";
import { readXmp } from "../workers/media/xmp";
import { login, type Client } from "./helpers/accounts";
import { startTestDatabase } from "./helpers/hrana";
import { makeJpeg, upload } from "./helpers/media";
import { csrfOf, pageText, signInWithCookie } from "./helpers/pages";
import { startLocalS3, type LocalS3 } from "./helpers/s3";
import {
  admin,
  makeDataDir,
  projectRoot,
  startShoebox,
  waitFor,
  waitForQueuesToDrain,
  type Shoebox,
} from "./helpers/shoebox";
import { localStorageView, s3StorageView, type StorageView } from "./helpers/storage";

// Paris and Lisbon, as EXIF GPS.
const paris = {
  GPSLatitudeRef: "N",
  GPSLatitude: "48/1 51/1 3024/100",
  GPSLongitudeRef: "E",
  GPSLongitude: "2/1 17/1 4020/100",
};
const lisbon = { GPSLatitudeRef: "N", GPSLatitude: "38/1 43/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "9/1 8/1 0/1" };

interface Photo {
  id: string;
  name: string;
  bytes: Buffer;
}

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

// A script as `npm run <name> -- …` runs it, with this data folder; asynchronous, so that uploads go
// on beside it.
function script(name: string, args: string[], env: Record<string, string>): Promise<Result> {
  const child = spawn(process.execPath, ["--import", "tsx", `scripts/${name}.ts`, ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.once("exit", (status) => done({ status, stdout, stderr })));
}

const sha1 = (bytes: Uint8Array) => createHash("sha1").update(bytes).digest("hex");
const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

for (const mode of ["local", "s3"] as const)
  describe(`backup, restore, export and the integrity check (${mode} storage)`, () => {
    const dataDir = makeDataDir();
    const work = mkdtempSync(join(tmpdir(), "shoebox-backup-"));
    const backupDir = join(work, "backup");
    let s3: LocalS3 | undefined;
    let storage: StorageView;
    // The scripts' environment, and the server's: jobs running when the backup was taken run again
    // once their lease is over, which is soon here.
    let env: Record<string, string>;
    let serverEnv: Record<string, string>;
    let shoebox: Shoebox;
    let session: Client;
    // In "Trip": two files named IMG_1.jpg and beach.jpg (also in "Best of"); alone.jpg in no album.
    const photos = {} as Record<"first" | "second" | "beach" | "alone", Photo>;
    // What the server said of the library before the backup, to compare after the restore.
    const earlier: { assets: Record<string, unknown>; thumbnails: Record<string, string>; albums: unknown } = {
      assets: {},
      thumbnails: {},
      albums: null,
    };
    // Uploaded while the backup ran.
    const concurrent: Photo[] = [];

    async function add(seed: number, name: string, exif: Record<string, Record<string, string>>): Promise<Photo> {
      const { bytes } = await makeJpeg(seed, exif);
      const { status, body } = await upload(shoebox, { bytes, name });
      assert.equal(status, 201, JSON.stringify(body));
      return { id: body.id, name, bytes };
    }

    before(async () => {
      s3 = mode === "s3" ? await startLocalS3() : undefined;
      storage = s3 ? s3StorageView(s3) : localStorageView(dataDir);
      env = { DATA_DIR: dataDir, ...s3?.env };
      serverEnv = { JOB_LEASE_MS: "3000", ...s3?.env };
      shoebox = await startShoebox({ dataDir, env: serverEnv });
      photos.first = await add(901, "IMG_1.jpg", {
        IFD2: { DateTimeOriginal: "2021:07:04 18:30:00", OffsetTimeOriginal: "+02:00" },
        IFD3: paris,
      });
      photos.second = await add(902, "IMG_1.jpg", { IFD2: { DateTimeOriginal: "2020:03:01 09:00:00" }, IFD3: lisbon });
      photos.beach = await add(903, "beach.jpg", {
        IFD2: { DateTimeOriginal: "2019:08:10 12:00:00", OffsetTimeOriginal: "-03:00" },
      });
      photos.alone = await add(904, "alone.jpg", { IFD2: { DateTimeOriginal: "2018:01:02 03:04:05" } });
      await waitForQueuesToDrain(shoebox);
      for (const photo of Object.values(photos)) {
        await waitFor(
          `the thumbnail of ${photo.name}`,
          async () => (await shoebox.api(`/api/assets/${photo.id}/thumbnail`)).ok,
        );
      }
      const edit = async (photo: Photo, changes: Record<string, unknown>) =>
        assert.equal((await shoebox.api(`/api/assets/${photo.id}`, json("PUT", changes))).status, 200);
      await edit(photos.first, { description: "Dinner by the river", rating: 4, isFavorite: true });
      await edit(photos.beach, { rating: 5, description: "Sand & <sea>" });
      const album = async (albumName: string, members: Photo[]) =>
        assert.equal(
          (await shoebox.api("/api/albums", json("POST", { albumName, assetIds: members.map((p) => p.id) }))).status,
          201,
        );
      await album("Trip", [photos.first, photos.second, photos.beach]);
      await album("Best of", [photos.beach]);
      session = await login(shoebox.url, admin.email, admin.password);

      for (const photo of Object.values(photos)) {
        earlier.assets[photo.id] = await (await shoebox.api(`/api/assets/${photo.id}`)).json();
        earlier.thumbnails[photo.id] = sha1(
          new Uint8Array(await (await shoebox.api(`/api/assets/${photo.id}/thumbnail`)).arrayBuffer()),
        );
      }
      earlier.albums = await (await shoebox.api("/api/albums")).json();
    });

    after(async () => {
      await shoebox?.stop();
      await s3?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    });

    it("exports every original by album, each with an XMP sidecar that reads back", async () => {
      const out = join(work, "export");
      const result = await script("export", [out], env);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /Exported 4 photos and videos/);
      const user = join(out, admin.email);
      const listing = (folder: string) => readdirSync(join(user, folder)).sort();
      assert.deepEqual(readdirSync(user).sort(), ["Best of", "Photos from 2018", "Trip"]);
      assert.deepEqual(listing("Trip"), [
        "IMG_1 (2).jpg",
        "IMG_1 (2).jpg.xmp",
        "IMG_1.jpg",
        "IMG_1.jpg.xmp",
        "beach.jpg",
        "beach.jpg.xmp",
      ]);
      assert.deepEqual(listing("Best of"), ["beach.jpg", "beach.jpg.xmp"]);
      assert.deepEqual(listing("Photos from 2018"), ["alone.jpg", "alone.jpg.xmp"]);
      // Assets are exported in id order: which IMG_1 got the plain name depends on it.
      const [plain, second] = [photos.first, photos.second].sort((a, b) => (a.id < b.id ? -1 : 1));
      assert.deepEqual(readFileSync(join(user, "Trip/IMG_1.jpg")), plain!.bytes);
      assert.deepEqual(readFileSync(join(user, "Trip/IMG_1 (2).jpg")), second!.bytes);
      assert.deepEqual(readFileSync(join(user, "Best of/beach.jpg")), photos.beach.bytes);
      assert.deepEqual(readFileSync(join(user, "Trip/beach.jpg")), photos.beach.bytes);
      // The file's time is the moment it was taken.
      assert.equal(statSync(join(user, "Photos from 2018/alone.jpg")).mtime.toISOString(), "2018-01-02T03:04:05.000Z");

      const firstPath = join(user, "Trip", photos.first === plain ? "IMG_1.jpg.xmp" : "IMG_1 (2).jpg.xmp");
      const first = readXmp(readFileSync(firstPath));
      assert.equal(first.dateTaken, "2021-07-04T18:30:00");
      assert.equal(first.offset, "+02:00");
      assert.ok(Math.abs(first.latitude! - (48 + 51 / 60 + 30.24 / 3600)) < 1e-6, String(first.latitude));
      assert.ok(Math.abs(first.longitude! - (2 + 17 / 60 + 40.2 / 3600)) < 1e-6, String(first.longitude));
      assert.equal(first.description, "Dinner by the river");
      assert.equal(first.rating, 4);
      assert.deepEqual(first.albums, ["Trip"]);
      const firstXml = readFileSync(firstPath, "utf8");
      const place = (earlier.assets[photos.first.id] as { exifInfo: { city: string; country: string } }).exifInfo;
      assert.equal(place.country, "France");
      assert.ok(firstXml.includes(`<photoshop:City>${place.city}</photoshop:City>`), firstXml);
      assert.match(firstXml, /<photoshop:Country>France<\/photoshop:Country>/);
      assert.match(firstXml, /<rdf:li>Favorite<\/rdf:li>/);

      const beach = readXmp(readFileSync(join(user, "Best of/beach.jpg.xmp")));
      assert.equal(beach.dateTaken, "2019-08-10T12:00:00");
      assert.equal(beach.offset, "-03:00");
      assert.equal(beach.latitude, null);
      assert.equal(beach.description, "Sand & <sea>");
      assert.equal(beach.rating, 5);
      assert.deepEqual(beach.albums.sort(), ["Best of", "Trip"]);
      assert.equal(
        readFileSync(join(user, "Best of/beach.jpg.xmp"), "utf8"),
        readFileSync(join(user, "Trip/beach.jpg.xmp"), "utf8"),
      );
      const second_ = readXmp(
        readFileSync(join(user, "Trip", photos.second === plain ? "IMG_1.jpg.xmp" : "IMG_1 (2).jpg.xmp")),
      );
      assert.ok(Math.abs(second_.longitude! - -(9 + 8 / 60)) < 1e-6);
      assert.doesNotMatch(
        readFileSync(join(user, "Photos from 2018/alone.jpg.xmp"), "utf8"),
        /Favorite|dc:subject|Rating/,
      );

      const nobody = await script("export", [join(work, "nobody"), "--user", "nobody@example.com"], env);
      assert.equal(nobody.status, 1);
      assert.match(nobody.stderr, /No user has the email nobody@example\.com; the users are admin@example\.com/);
      assert.equal(existsSync(join(work, "nobody")), false);
    });

    it("backs up the database and every file while the server runs and uploads go on", async () => {
      let uploading = true;
      const uploads = (async () => {
        for (let seed = 950; uploading || concurrent.length < 3; seed++)
          concurrent.push(await add(seed, `during-${seed}.jpg`, {}));
      })();
      const result = await script("backup", [backupDir, "--with-files"], env);
      uploading = false;
      await uploads;
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /Backed up the database \(\d+ photos and videos, 1 user\) and copied \d+ files/);

      const manifest = JSON.parse(readFileSync(join(backupDir, "manifest.json"), "utf8")) as {
        shoebox: string;
        withFiles: boolean;
        database: { source: string; migrations: { applied: number }; tables: Record<string, number> };
        objects: { count: number; missing: number; damaged: number };
      };
      assert.equal(manifest.withFiles, true);
      assert.equal(manifest.database.source, "embedded");
      assert.equal(
        manifest.shoebox,
        (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string }).version,
      );
      assert.equal(
        manifest.database.migrations.applied,
        readdirSync(join(projectRoot, "migrations")).filter((f) => f.endsWith(".sql")).length,
      );
      assert.ok(manifest.database.tables.assets! >= 4);
      assert.equal(manifest.database.tables.albums, 2);
      assert.deepEqual([manifest.objects.missing, manifest.objects.damaged], [0, 0]);

      const objects = readFileSync(join(backupDir, "objects.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { key: string; kind: string; assetId: string; sha1: string });
      assert.equal(objects.length, manifest.objects.count);
      for (const photo of Object.values(photos)) {
        const original = objects.find((o) => o.assetId === photo.id && o.kind === "original")!;
        assert.equal(original.sha1, sha1(photo.bytes));
        assert.deepEqual(readFileSync(join(backupDir, "files", original.key)), photo.bytes);
        assert.ok(objects.some((o) => o.assetId === photo.id && o.kind === "thumbnail"));
      }
      // The owner's own tools check the copy.
      const check = spawnSync("sha1sum", ["-c", "--quiet", "SHA1SUMS"], { cwd: backupDir, encoding: "utf8" });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.equal(readFileSync(join(backupDir, "SHA1SUMS"), "utf8").trim().split("\n").length, objects.length);

      const again = await script("backup", [backupDir], env);
      assert.equal(again.status, 2);
      assert.match(again.stderr, /is not empty: give a new or empty folder/);
    });

    it("refuses to restore while Shoebox runs, or from a damaged backup", async () => {
      const running = await script("restore", [backupDir, "--with-files"], env);
      assert.equal(running.status, 1);
      assert.match(running.stderr, /Shoebox is running/);

      await shoebox.stop();
      const damaged = join(work, "damaged");
      mkdirSync(damaged);
      for (const file of ["manifest.json", "objects.jsonl", "shoebox.db"])
        writeFileSync(join(damaged, file), readFileSync(join(backupDir, file)));
      const db = readFileSync(join(damaged, "shoebox.db"));
      db[db.length - 10]! ^= 0xff;
      writeFileSync(join(damaged, "shoebox.db"), db);
      const refused = await script("restore", [damaged], env);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /is not the database its manifest describes/);
      assert.equal((await script("restore", [join(work, "nowhere")], env)).status, 1);
    });

    it("restores everything into an empty data folder and storage", async () => {
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir);
      for (const key of await storage.keys()) await storage.remove(key);
      const result = await script("restore", [backupDir, "--with-files"], env);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /Restored the database of .* and \d+ files/);

      const oldKey = shoebox.apiKey;
      shoebox = await startShoebox({ dataDir, env: serverEnv });
      // The old API key and the old session still work: their hashes came back with the database.
      const me = await fetch(`${shoebox.url}/api/users/me`, { headers: { "x-api-key": oldKey } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { email: string }).email, admin.email);
      assert.equal(
        (await fetch(`${shoebox.url}/api/users/me`, { headers: { authorization: `Bearer ${session.token}` } })).status,
        200,
      );

      await waitForQueuesToDrain(shoebox);
      for (const photo of Object.values(photos)) {
        assert.deepEqual(
          await (await shoebox.api(`/api/assets/${photo.id}`)).json(),
          earlier.assets[photo.id],
          photo.name,
        );
        assert.deepEqual(
          Buffer.from(await (await shoebox.api(`/api/assets/${photo.id}/original`)).arrayBuffer()),
          photo.bytes,
        );
        assert.equal(
          sha1(new Uint8Array(await (await shoebox.api(`/api/assets/${photo.id}/thumbnail`)).arrayBuffer())),
          earlier.thumbnails[photo.id],
        );
      }
      assert.deepEqual(await (await shoebox.api("/api/albums")).json(), earlier.albums);

      // The uploads that made it into the copy came back whole; the others are not there.
      const manifest = JSON.parse(readFileSync(join(backupDir, "manifest.json"), "utf8")) as {
        database: { tables: Record<string, number> };
      };
      const statistics = (await (await shoebox.api("/api/assets/statistics")).json()) as { total: number };
      assert.equal(statistics.total, manifest.database.tables.assets);
      let restored = 0;
      for (const photo of concurrent) {
        const response = await shoebox.api(`/api/assets/${photo.id}/original`);
        if (response.status === 404) continue;
        assert.deepEqual(Buffer.from(await response.arrayBuffer()), photo.bytes);
        restored++;
      }
      assert.equal(restored, statistics.total - 4);
    });

    it("finds a missing file, an unknown one and a damaged original, and lists them for the admin", async () => {
      const objects = readFileSync(join(backupDir, "objects.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { key: string; kind: string; assetId: string });
      const originalOf = (photo: Photo) => objects.find((o) => o.assetId === photo.id && o.kind === "original")!.key;
      await storage.remove(originalOf(photos.alone));
      const damaged = (await storage.read(originalOf(photos.beach)))!;
      damaged[Math.floor(damaged.length / 2)]! ^= 0xff;
      await storage.write(originalOf(photos.beach), damaged);
      await storage.write("originals/zz/stray.jpg", new TextEncoder().encode("not Shoebox's"));

      const started = await shoebox.api("/api/admin/integrity/check", { method: "POST" });
      assert.equal(started.status, 202);
      assert.deepEqual(await started.json(), { started: true });
      type Report = {
        checking: boolean;
        counts: Record<string, number>;
        findings: Array<{ kind: string; key: string; assetId: string | null; detail: string }>;
      };
      const report = await waitFor("the integrity check", async () => {
        const body = (await (await shoebox.api("/api/admin/integrity")).json()) as Report;
        return !body.checking && body.findings.length > 0 && body;
      });
      assert.deepEqual(report.counts, { missing: 1, orphan: 1, checksum: 1 });
      const finding = (kind: string) => report.findings.find((f) => f.kind === kind)!;
      assert.deepEqual(
        [finding("missing").key, finding("missing").assetId],
        [originalOf(photos.alone), photos.alone.id],
      );
      assert.match(finding("missing").detail, /The original is not in storage/);
      assert.deepEqual(
        [finding("checksum").key, finding("checksum").assetId],
        [originalOf(photos.beach), photos.beach.id],
      );
      assert.match(finding("checksum").detail, /Its SHA-1 is \S+, not \S+$/);
      assert.deepEqual([finding("orphan").key, finding("orphan").assetId], ["originals/zz/stray.jpg", null]);

      const browser = await signInWithCookie(shoebox.url, admin.email, admin.password);
      const page = await pageText(await browser.get("/admin"));
      assert.match(page, /Storage integrity/);
      assert.match(page, /Missing files \(1\)/);
      assert.match(page, /Unknown files \(1\)/);
      assert.match(page, /Damaged originals \(1\)/);
      assert.ok(page.includes(originalOf(photos.alone)) && page.includes("originals/zz/stray.jpg"));
      assert.ok(page.includes(`href="/photos/${photos.beach.id}"`));
      csrfOf(page);

      // A second check from the page replaces the findings with its own once it is done.
      await storage.remove("originals/zz/stray.jpg");
      const posted = await browser.post("/admin/integrity/check", {});
      assert.equal(posted.status, 303);
      await waitFor("the second check", async () => {
        const body = (await (await shoebox.api("/api/admin/integrity")).json()) as Report;
        return !body.checking && body.counts.orphan === 0;
      });
      const second = (await (await shoebox.api("/api/admin/integrity")).json()) as Report;
      assert.deepEqual(second.counts, { missing: 1, orphan: 0, checksum: 1 });
    });
  });

describe("npm run backup and export against a libSQL server", () => {
  it("copies every table, row, index, trigger and counter in one read transaction, and exports files of external libraries", async () => {
    const database = await startTestDatabase();
    const { client, db } = connectDatabase({ url: database.url, authToken: database.token });
    const out = mkdtempSync(join(tmpdir(), "shoebox-remote-backup-"));
    try {
      await migrateDatabase(db);
      await client.execute(
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES ('u1', 'a@example.com', 'A', 'x', 1, 1)",
      );
      await client.execute(
        "INSERT INTO assets (id, owner_id, type, original_file_name, original_mime_type, original_key, checksum, file_size_in_byte, file_created_at, file_modified_at, local_date_time, created_at, updated_at) " +
          "VALUES ('a1', 'u1', 'IMAGE', 'x.jpg', 'image/jpeg', 'originals/a1.jpg', 'c2hhMQ==', 3, 1, 1, 1609459200000, 1, 1)",
      );
      // A file of an external library, read where it is: never in storage, never backed up with it.
      const external = join(out, "nas.jpg");
      writeFileSync(external, (await makeJpeg(990)).bytes);
      await client.execute(
        "INSERT INTO libraries (id, owner_id, name, import_paths, exclusion_patterns, created_at, updated_at) VALUES ('l1', 'u1', 'NAS', '[]', '[]', 1, 1)",
      );
      await client.execute({
        sql:
          "INSERT INTO assets (id, owner_id, type, original_file_name, original_mime_type, original_key, checksum, file_size_in_byte, file_created_at, file_modified_at, local_date_time, created_at, updated_at, library_id, external_path) " +
          "VALUES ('a2', 'u1', 'IMAGE', 'nas.jpg', 'image/jpeg', 'external/a2', 'c2hhMg==', 5, 1, 1, 1609459200000, 1, 1, 'l1', ?)",
        args: [external],
      });
      await client.execute(
        "INSERT INTO jobs (queue, name, payload, run_after, created_at, updated_at) VALUES ('backgroundTask', 'deleteFiles', '{\"keys\":[]}', 1, 1, 1)",
      );
      await client.execute("DELETE FROM jobs");
      const result = await script("backup", [join(out, "b")], {
        DATA_DIR: join(out, "data"),
        DATABASE_URL: database.url,
        DATABASE_AUTH_TOKEN: database.token,
      });
      // The asset's original is not in (this empty) storage: the backup says so.
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /Not in storage .*: 1 file the database refers to: originals\/a1\.jpg/);

      const copy = new Libsql(join(out, "b/shoebox.db"));
      const schemaOf = async () =>
        (await client.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name")).rows.map((r) => [
          r.type,
          r.name,
          r.sql,
        ]);
      assert.deepEqual(
        copy.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY name").raw(true).all(),
        await schemaOf(),
      );
      assert.deepEqual(
        copy.prepare("SELECT name, seq FROM sqlite_sequence ORDER BY name").raw(true).all(),
        (await client.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")).rows.map((r) => [r.name, r.seq]),
      );
      // The triggers of the summary tables came over, and did not count the copied rows twice.
      assert.deepEqual(copy.prepare("SELECT month, count FROM timeline_months").raw(true).all(), [["2021-01", 2]]);
      assert.deepEqual(copy.prepare("SELECT id, email FROM users").raw(true).all(), [["u1", "a@example.com"]]);
      const manifest = JSON.parse(readFileSync(join(out, "b/manifest.json"), "utf8")) as {
        database: { source: string; tables: Record<string, number> };
      };
      assert.equal(manifest.database.source, "remote");
      assert.equal(manifest.database.tables.assets, 2);
      assert.deepEqual(
        readFileSync(join(out, "b/objects.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((line) => (JSON.parse(line) as { key: string }).key),
        ["originals/a1.jpg"],
      );
      copy.close();

      const remote = { DATA_DIR: join(out, "data"), DATABASE_URL: database.url, DATABASE_AUTH_TOKEN: database.token };
      const restore = await script("restore", [join(out, "b")], remote);
      assert.equal(restore.status, 1);
      assert.match(restore.stderr, /DATABASE_URL points at a libSQL server/);
      const withFiles = await script("restore", [join(out, "b"), "--with-files"], remote);
      assert.equal(withFiles.status, 2);
      assert.match(withFiles.stderr, /was made without --with-files: it holds no files to put back/);

      const exported = await script("export", [join(out, "e")], remote);
      assert.equal(exported.status, 1);
      assert.match(exported.stderr, /could not export x\.jpg \(a1\): missing from storage \(originals\/a1\.jpg\)/);
      assert.deepEqual(readFileSync(join(out, "e/a@example.com/Photos from 2021/nas.jpg")), readFileSync(external));
      assert.equal(
        readXmp(readFileSync(join(out, "e/a@example.com/Photos from 2021/nas.jpg.xmp"))).dateTaken,
        "2021-01-01T00:00:00",
      );
    } finally {
      client.close();
      await database.close();
      rmSync(out, { recursive: true, force: true });
    }
  });
});
