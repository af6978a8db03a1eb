// External libraries against a real Shoebox: a read-only folder of photos imported in place, rescanned
// as it changes, watched, and deleted from Shoebox, with a hash of the whole folder proving that
// nothing in it was ever written, moved or deleted.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { createClient, type Client as DbClient } from "@libsql/client/web";
import { login, signIn, type Client } from "./helpers/accounts";
import { makeJpeg, upload } from "./helpers/media";
import { pageText, signInWithCookie } from "./helpers/pages";
import { admin, filesUnder, startShoebox, waitFor, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";
import { logLines } from "./helpers/log-lines";

interface LibraryBody {
  id: string;
  ownerId: string;
  name: string;
  importPaths: string[];
  exclusionPatterns: string[];
  assetCount: number;
  refreshedAt: string | null;
  watch: boolean;
  scanTotal: number;
  scanDone: number;
}

interface AssetBody {
  id: string;
  checksum: string;
  isOffline: boolean;
  libraryId: string | null;
  originalFileName: string;
  localDateTime: string;
  exifInfo: { make: string | null; rating: number | null; dateTimeOriginal: string | null };
}

// Every entry under a folder: its path, type, mode, size, times and content, hashed in one.
function treeHash(root: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const info = lstatSync(path);
      hash.update(`${relative(root, path)}|${info.mode}|${info.size}|${info.mtimeMs}\n`);
      if (info.isDirectory()) walk(path);
      else hash.update(readFileSync(path));
    }
  };
  walk(root);
  return hash.digest("hex");
}

// Folders r-x, files r--: the library as a read-only share. Running as root ignores the modes,
// which is why the tree hash is the real proof.
function setReadOnly(root: string, readOnly: boolean): void {
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (lstatSync(path).isDirectory()) walk(path);
      else chmodSync(path, readOnly ? 0o444 : 0o644);
    }
    chmodSync(dir, readOnly ? 0o555 : 0o755);
  };
  walk(root);
}

const sha1 = (bytes: Uint8Array) => createHash("sha1").update(bytes).digest("base64");
const exifDate = (date: string) => ({ IFD2: { DateTimeOriginal: date } });

describe("external libraries", () => {
  let shoebox: Shoebox;
  let db: DbClient;
  let folder: string;
  let ownerId: string;
  let library: LibraryBody;
  const photo = new Map<string, Buffer>();

  const json = async <T>(response: Response, status: number): Promise<T> => {
    const text = await response.text();
    assert.equal(response.status, status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const call = (method: string, path: string, body?: unknown) =>
    shoebox.api(
      path,
      body === undefined
        ? { method }
        : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
  const getLibrary = async () => json<LibraryBody>(await call("GET", `/api/libraries/${library.id}`), 200);
  const getAsset = async (id: string) => json<AssetBody>(await call("GET", `/api/assets/${id}`), 200);
  const libraryAssets = async () => {
    const { rows } = await db.execute({
      sql: "SELECT id, external_path AS path, is_offline AS offline FROM assets WHERE library_id = ? ORDER BY external_path",
      args: [library.id],
    });
    return rows.map((row) => ({
      id: String(row.id),
      path: relative(folder, String(row.path)),
      offline: row.offline === 1,
    }));
  };
  const jobsCreated = async () =>
    Number((await db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'jobs'")).rows[0]?.seq ?? 0);
  // Scans and waits for the scan and every job it queued.
  const scan = async () => {
    const before = (await getLibrary()).refreshedAt;
    await json(await call("POST", `/api/libraries/${library.id}/scan`), 204);
    await waitFor("the scan", async () => (await getLibrary()).refreshedAt !== before);
    await waitForQueuesToDrain(shoebox);
    return getLibrary();
  };
  const change = (mutate: () => void) => {
    setReadOnly(folder, false);
    mutate();
    setReadOnly(folder, true);
  };

  before(async () => {
    shoebox = await startShoebox({ env: { JOB_RETRY_BASE_MS: "50" } });
    db = createClient({ url: shoebox.workerUrl, authToken: shoebox.token() });
    ownerId = (await json<{ id: string }>(await call("GET", "/api/users/me"), 200)).id;

    folder = mkdtempSync(join(tmpdir(), "shoebox-nas-"));
    photo.set("a.jpg", (await makeJpeg(1, exifDate("2019:03:04 10:00:00"))).bytes);
    photo.set("nested/c.jpg", (await makeJpeg(2, exifDate("2018:01:02 03:04:05"))).bytes);
    photo.set("nested/deeper/b.jpg", (await makeJpeg(3, exifDate("2017:05:06 07:08:09"))).bytes);
    mkdirSync(join(folder, "nested/deeper"), { recursive: true });
    mkdirSync(join(folder, "@eaDir/a.jpg"), { recursive: true });
    mkdirSync(join(folder, ".thumbnails"));
    for (const [name, bytes] of photo) writeFileSync(join(folder, name), bytes);
    writeFileSync(
      join(folder, "nested/c.xmp"),
      `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" tiff:Make="Sidecar" xmp:Rating="4"/></rdf:RDF></x:xmpmeta>`,
    );
    writeFileSync(join(folder, "@eaDir/a.jpg/SYNOPHOTO_THUMB_XL.jpg"), (await makeJpeg(4)).bytes);
    writeFileSync(join(folder, ".thumbnails/hidden.jpg"), (await makeJpeg(5)).bytes);
    writeFileSync(join(folder, "notes.txt"), "not a photo");
    setReadOnly(folder, true);
  });

  after(async () => {
    db?.close();
    await shoebox?.stop();
    if (folder) {
      setReadOnly(folder, false);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  let bob: Client;

  it("is for admins only", async () => {
    bob = await signIn(shoebox.url, {
      email: "bob@example.com",
      password: "bob-password",
      name: "Bob",
      createdBy: await login(shoebox.url, admin.email, admin.password),
    });
    assert.equal((await bob.json("GET", "/api/libraries")).status, 403);
    assert.equal(
      (await bob.json("POST", "/api/libraries", { ownerId: bob.userId, importPaths: [folder] })).status,
      403,
    );
  });

  it("creates a library and reports which import paths are usable", async () => {
    library = await json<LibraryBody>(
      await call("POST", "/api/libraries", {
        ownerId,
        name: "NAS",
        importPaths: [folder],
        exclusionPatterns: ["**/@eaDir/**", "**/.*"],
      }),
      201,
    );
    assert.equal(library.name, "NAS");
    assert.deepEqual(library.importPaths, [folder]);
    assert.equal(library.assetCount, 0);
    assert.equal(library.refreshedAt, null);
    assert.equal(library.watch, false);

    const missing = join(folder, "no-such-folder");
    const checked = await json<{ importPaths: Array<{ importPath: string; isValid: boolean; message?: string }> }>(
      await call("POST", `/api/libraries/${library.id}/validate`, {
        importPaths: [folder, missing, "relative/photos", join(folder, "notes.txt")],
      }),
      200,
    );
    assert.deepEqual(checked.importPaths[0], { importPath: folder, isValid: true });
    assert.equal(checked.importPaths[1]!.isValid, false);
    assert.match(checked.importPaths[1]!.message!, /does not exist/);
    assert.match(checked.importPaths[2]!.message!, /must be absolute/);
    assert.match(checked.importPaths[3]!.message!, /Not a directory/);
    assert.equal((await call("POST", "/api/libraries", { ownerId, importPaths: ["relative"] })).status, 400);
  });

  let before0: string;
  let ids: Map<string, string>;

  it("imports the folder in place: the right files, with metadata, thumbnails and their own bytes", async () => {
    before0 = treeHash(folder);
    const scanned = await scan();
    assert.equal(scanned.scanTotal, 3);
    assert.equal(scanned.scanDone, scanned.scanTotal);
    assert.equal(scanned.assetCount, 3);
    const assets = await libraryAssets();
    assert.deepEqual(
      assets.map((a) => a.path),
      ["a.jpg", "nested/c.jpg", "nested/deeper/b.jpg"],
    );
    ids = new Map(assets.map((a) => [a.path, a.id]));
    assert.deepEqual(await json(await call("GET", `/api/libraries/${library.id}/statistics`), 200), {
      photos: 3,
      videos: 0,
      total: 3,
      usage: [...photo.values()].reduce((sum, bytes) => sum + bytes.length, 0),
    });

    const a = await getAsset(ids.get("a.jpg")!);
    assert.equal(a.checksum, sha1(photo.get("a.jpg")!));
    assert.equal(a.libraryId, library.id);
    assert.equal(a.isOffline, false);
    assert.equal(a.localDateTime, "2019-03-04T10:00:00.000Z");
    const c = await getAsset(ids.get("nested/c.jpg")!);
    assert.equal(c.exifInfo.make, "Sidecar", "the sidecar beside the file is read");
    assert.equal(c.exifInfo.rating, 4);
    for (const id of ids.values()) assert.equal((await call("GET", `/api/assets/${id}/thumbnail`)).status, 200);

    const original = await call("GET", `/api/assets/${a.id}/original`);
    assert.equal(original.status, 200);
    assert.deepEqual(Buffer.from(await original.arrayBuffer()), photo.get("a.jpg"));
    const part = await shoebox.api(`/api/assets/${a.id}/original`, { headers: { range: "bytes=10-29" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 10-29/${photo.get("a.jpg")!.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), photo.get("a.jpg")!.subarray(10, 30));
    const zip = Buffer.from(
      await (await call("POST", "/api/download/archive", { assetIds: [a.id, c.id] })).arrayBuffer(),
    );
    assert.ok(
      zip.includes(photo.get("a.jpg")!) && zip.includes(photo.get("nested/c.jpg")!),
      "the zip holds both originals",
    );

    // Library files do not count against the owner's quota.
    const owner = await json<{ quotaUsageInBytes: number }>(await call("GET", `/api/admin/users/${ownerId}`), 200);
    assert.equal(owner.quotaUsageInBytes, 0);
    assert.equal(treeHash(folder), before0);
  });

  it("rescans an unchanged folder without queueing anything", async () => {
    const jobsBefore = await jobsCreated();
    const refreshedBefore = (await getLibrary()).refreshedAt!;
    const scanned = await scan();
    assert.ok(Date.parse(scanned.refreshedAt!) > Date.parse(refreshedBefore));
    assert.equal(await jobsCreated(), jobsBefore + 1, "only the scan itself was queued");
    assert.equal(scanned.scanDone, scanned.scanTotal);
    assert.deepEqual((await libraryAssets()).map((a) => a.id).sort(), [...ids.values()].sort());
  });

  it("finds new, changed and removed files, and skips what it cannot import", async () => {
    const uploaded = await makeJpeg(9);
    assert.equal((await upload(shoebox, uploaded)).status, 201);
    const changed = (await makeJpeg(11, exifDate("2020:10:10 10:10:10"))).bytes;
    const added = (await makeJpeg(12)).bytes;
    const removedAt = statSync(join(folder, "nested/deeper/b.jpg")).mtime;
    change(() => {
      writeFileSync(join(folder, "a.jpg"), changed);
      utimesSync(join(folder, "a.jpg"), new Date(), new Date(Date.now() + 60_000));
      writeFileSync(join(folder, "nested/new.jpg"), added);
      rmSync(join(folder, "nested/deeper/b.jpg"));
      // The owner's upload again, and text in a photo's name: skipped, not fatal.
      writeFileSync(join(folder, "copy-of-upload.jpg"), uploaded.bytes);
      writeFileSync(join(folder, "broken.jpg"), "this is not a JPEG");
    });
    const before1 = treeHash(folder);
    const scanned = await scan();
    assert.equal(scanned.scanTotal, 5);
    assert.equal(scanned.scanDone, 5);

    const assets = await libraryAssets();
    assert.deepEqual(
      assets.map((a) => [a.path, a.offline]),
      [
        ["a.jpg", false],
        ["nested/c.jpg", false],
        ["nested/deeper/b.jpg", true],
        ["nested/new.jpg", false],
      ],
    );
    const a = await getAsset(ids.get("a.jpg")!);
    assert.equal(a.checksum, sha1(changed), "the changed file has its new checksum, on the same asset");
    assert.equal(a.localDateTime, "2020-10-10T10:10:10.000Z", "and its metadata was read again");
    assert.equal((await getAsset(ids.get("nested/deeper/b.jpg")!)).isOffline, true);
    assert.equal((await call("GET", `/api/assets/${ids.get("nested/deeper/b.jpg")}/original`)).status, 404);
    const fresh = assets.find((x) => x.path === "nested/new.jpg")!;
    assert.equal((await call("GET", `/api/assets/${fresh.id}/thumbnail`)).status, 200);
    ids.set("nested/new.jpg", fresh.id);
    assert.equal(treeHash(folder), before1);

    // The file comes back as it was: the same asset is online again.
    change(() => {
      writeFileSync(join(folder, "nested/deeper/b.jpg"), photo.get("nested/deeper/b.jpg")!);
      utimesSync(join(folder, "nested/deeper/b.jpg"), removedAt, removedAt);
    });
    await scan();
    const back = await libraryAssets();
    assert.equal(back.length, 4);
    assert.equal(back.find((x) => x.path === "nested/deeper/b.jpg")?.offline, false);
    assert.equal((await getAsset(ids.get("nested/deeper/b.jpg")!)).isOffline, false);
  });

  it("with watch on, imports a new file without a scan once it stops growing", async () => {
    const updated = await json<LibraryBody>(await call("PUT", `/api/libraries/${library.id}`, { watch: true }), 200);
    assert.equal(updated.watch, true);
    // The worker starts watching as soon as it hears of the change, and says so once it has walked the folder.
    await waitFor("the watch to start", async () =>
      logLines(shoebox.output()).some(
        (line) => line.message === "watching library folders" && line.libraryId === library.id,
      ),
    );
    const bytes = (await makeJpeg(13)).bytes;
    change(() => {
      mkdirSync(join(folder, "dropped"));
      writeFileSync(join(folder, "dropped/watched.jpg"), bytes);
    });
    const found = await waitFor("the watched file", async () =>
      (await libraryAssets()).find((a) => a.path === "dropped/watched.jpg"),
    );
    await waitForQueuesToDrain(shoebox);
    const asset = await getAsset(found.id);
    assert.equal(asset.checksum, sha1(bytes));
    assert.equal((await call("GET", `/api/assets/${found.id}/thumbnail`)).status, 200);
  });

  it("deleting an asset, then the library, leaves the folder untouched", async () => {
    const untouched = treeHash(folder);
    const id = ids.get("nested/c.jpg")!;
    await json(await call("DELETE", "/api/assets", { ids: [id], force: true }), 204);
    await waitForQueuesToDrain(shoebox);
    assert.equal(treeHash(folder), untouched);
    assert.equal((await call("GET", `/api/assets/${id}`)).status, 404);

    const remaining = await libraryAssets();
    await json(await call("DELETE", `/api/libraries/${library.id}`), 204);
    await waitForQueuesToDrain(shoebox);
    assert.equal((await call("GET", `/api/libraries/${library.id}`)).status, 404);
    assert.deepEqual(await libraryAssets(), []);
    for (const asset of remaining) assert.equal((await call("GET", `/api/assets/${asset.id}`)).status, 404);
    // Their thumbnails went; the files did not.
    const thumbs = filesUnder(join(shoebox.dataDir, "library"));
    assert.ok(!thumbs.some((path) => remaining.some((asset) => path.includes(asset.id))), "derivatives are deleted");
    assert.equal(treeHash(folder), untouched);
  });

  it("is managed from the admin page: add and scan, progress, scan again, delete", async () => {
    const browser = await signInWithCookie(shoebox.url, admin.email, admin.password);
    assert.match(await pageText(await browser.get("/admin")), /External libraries/);
    const refused = await pageText(
      await browser.post("/admin/libraries", {
        name: "Gone",
        ownerId: bob.userId,
        importPaths: join(folder, "no-such-folder"),
      }),
      400,
    );
    assert.match(refused, /does not exist/);

    const archive = mkdtempSync(join(tmpdir(), "shoebox-archive-"));
    writeFileSync(join(archive, "old.jpg"), (await makeJpeg(21)).bytes);
    try {
      const added = await browser.post(
        "/admin/libraries",
        { name: "Old archive", ownerId: bob.userId, importPaths: archive, exclusionPatterns: "**/.*" },
        { htmx: true },
      );
      const fragment = await added.text();
      assert.equal(added.status, 200, fragment);
      assert.match(fragment, /Old archive/);
      const [created] = (await json<LibraryBody[]>(await call("GET", "/api/libraries"), 200)).filter(
        (l) => l.name === "Old archive",
      );
      assert.equal(created!.ownerId, bob.userId);
      await waitFor(
        "the archive's scan",
        async () =>
          (await json<LibraryBody>(await call("GET", `/api/libraries/${created!.id}`), 200)).refreshedAt !== null,
      );
      await waitForQueuesToDrain(shoebox);
      const list = await (await browser.get("/admin/libraries", { "hx-request": "true" })).text();
      assert.match(list, /Scanned /);
      assert.match(list, />1</, "the asset count");

      assert.equal((await browser.post(`/admin/libraries/${created!.id}/scan`)).status, 303);
      // Pages take no tokens; tests/isolation.test.ts shows Bob's browser finds no administration.
      assert.equal((await bob.fetch("/admin/libraries")).status, 401);
      assert.equal((await browser.post(`/admin/libraries/${created!.id}/delete`)).status, 303);
      assert.equal((await call("GET", `/api/libraries/${created!.id}`)).status, 404);
      assert.ok(readdirSync(archive).includes("old.jpg"));
    } finally {
      await waitForQueuesToDrain(shoebox);
      rmSync(archive, { recursive: true, force: true });
    }
  });
});
