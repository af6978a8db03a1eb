// Shoebox's own data folder: private to Shoebox, never read as an external library, kept usable on a
// full disk, and never named to users in an error.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeJpeg, upload } from "./helpers/media";
import { filesUnder, makeDataDir, startShoebox, waitFor, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";

describe("the data folder", () => {
  let shoebox: Shoebox;
  before(async () => {
    shoebox = await startShoebox();
  });
  after(() => shoebox?.stop());

  it("is private: other local users can read neither the database nor the originals", async () => {
    const photo = await upload(shoebox, await makeJpeg(1));
    assert.equal(photo.status, 201);
    await waitFor("the thumbnail", async () => (await shoebox.api(`/api/assets/${photo.body.id}/thumbnail`)).ok);
    assert.equal(statSync(shoebox.dataDir).mode & 0o777, 0o700);
    const files = [join(shoebox.dataDir, "shoebox.db"), ...filesUnder(join(shoebox.dataDir, "library"))];
    for (const file of files) assert.equal(statSync(file).mode & 0o077, 0, `${file} is readable by others`);
  });

  it("keeps no shared link's key, so a copy of the database opens no link", async () => {
    const photo = await upload(shoebox, await makeJpeg(2));
    const link = (await (
      await shoebox.api("/api/shared-links", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "INDIVIDUAL", assetIds: [photo.body.id] }),
      })
    ).json()) as { id: string; key: string };
    // The owner can copy the link again, and it opens.
    const listed = (await (await shoebox.api("/api/shared-links")).json()) as Array<{ id: string; key: string }>;
    assert.equal(listed.find((l) => l.id === link.id)?.key, link.key);
    assert.equal((await fetch(`${shoebox.url}/api/shared-links/me?key=${link.key}`)).status, 200);
    const database = readdirSync(shoebox.dataDir)
      .filter((name) => name.startsWith("shoebox.db"))
      .map((name) => readFileSync(join(shoebox.dataDir, name)));
    assert.ok(database.length > 0);
    for (const bytes of database)
      assert.equal(bytes.includes(link.key), false, "the link's key is in the database file");
  });

  it("is never an external library, nor inside one", async () => {
    const ownerId = ((await (await shoebox.api("/api/users/me")).json()) as { id: string }).id;
    const create = (importPaths: string[]) =>
      shoebox.api("/api/libraries", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ownerId, importPaths }),
      });
    for (const path of [dirname(shoebox.dataDir), shoebox.dataDir, join(shoebox.dataDir, "library")]) {
      const refused = await create([path]);
      assert.equal(refused.status, 400, path);
      assert.match(((await refused.json()) as { message: string }).message, /Shoebox's own data folder/);
    }

    // A folder that holds Shoebox's data some other way (a bind mount, say) is passed over by scans.
    const share = mkdtempSync(join(tmpdir(), "shoebox-share-"));
    writeFileSync(join(share, "outside.jpg"), (await makeJpeg(3)).bytes);
    mkdirSync(join(share, "mounted-data"));
    writeFileSync(join(share, "mounted-data", ".shoebox-data-folder"), "");
    writeFileSync(join(share, "mounted-data", "inside.jpg"), (await makeJpeg(4)).bytes);
    const library = (await (await create([share])).json()) as { id: string };
    assert.equal((await shoebox.api(`/api/libraries/${library.id}/scan`, { method: "POST" })).status, 204);
    await waitFor(
      "the scan",
      async () =>
        ((await (await shoebox.api(`/api/libraries/${library.id}/statistics`)).json()) as { total: number }).total > 0,
    );
    await waitForQueuesToDrain(shoebox);
    const statistics = (await (await shoebox.api(`/api/libraries/${library.id}/statistics`)).json()) as {
      total: number;
    };
    assert.equal(statistics.total, 1);
    rmSync(share, { recursive: true, force: true });
  });

  it("names a file that cannot be processed by its name, never by where the server keeps it", async () => {
    // A video whose container is cut short: probing it fails.
    const broken = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from("ftypisom"),
      Buffer.alloc(12),
      Buffer.from("moov garbage".repeat(50)),
    ]);
    const form = new FormData();
    form.set("fileCreatedAt", "2024-01-01T00:00:00Z");
    form.set("fileModifiedAt", "2024-01-01T00:00:00Z");
    form.set("assetData", new Blob([broken]), "Broken holiday.mp4");
    const created = (await (await shoebox.api("/api/assets", { method: "POST", body: form })).json()) as { id: string };
    const error = await waitFor(
      "the error",
      async () =>
        ((await (await shoebox.api(`/api/assets/${created.id}`)).json()) as { processingError: string | null })
          .processingError ?? undefined,
    );
    console.log(`processingError: ${error}`);
    assert.match(error, /Broken holiday\.mp4/);
    assert.ok(!error.includes(shoebox.dataDir) && !error.includes("/library/") && !error.includes(".tmp"), error);
  });
});

// A data folder on a small file system of its own, which the test fills (mounting one needs root).
function smallDisk(megabytes: number): string | undefined {
  const dir = makeDataDir();
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${megabytes}m,mode=0700`, "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

describe("a full disk", () => {
  const dir = smallDisk(160);
  let shoebox: Shoebox;

  before(async () => {
    if (dir) shoebox = await startShoebox({ dataDir: dir, env: { STALE_AFTER_MS: "1000" } });
  });
  after(async () => {
    await shoebox?.stop();
    if (dir) execFileSync("umount", [dir]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses uploads with a message, keeps deleting and emptying the trash working, and leaves no partial file", {
    skip: dir ? false : "mounting a small file system needs root",
  }, async () => {
    const kept = await upload(shoebox, await makeJpeg(10, {}, { width: 800, height: 600 }));
    assert.equal(kept.status, 201);
    await waitForQueuesToDrain(shoebox);

    // Something else fills the disk, to the last byte.
    const filler = join(dir!, "filler");
    try {
      execFileSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=1M", "count=1000"], { stdio: "ignore" });
    } catch {
      // dd stops at the full disk, as it should.
    }
    // The worker sees it and gives back the space it kept for the database.
    await waitFor("the reserve to be given back", async () => !existsSync(join(dir!, ".space-reserve")));

    const filesBefore = filesUnder(join(dir!, "library")).length;
    const refused = await upload(shoebox, await makeJpeg(11, {}, { width: 800, height: 600 }));
    assert.equal(refused.status, 507);
    assert.match(refused.body.message ?? "", /disk is full/);
    assert.equal(filesUnder(join(dir!, "library")).length, filesBefore, "nothing was stored");

    // The library still answers, and space can be freed from the app.
    assert.equal((await shoebox.api("/api/users/me")).status, 200);
    const trashed = await shoebox.api("/api/assets", {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: [kept.body.id] }),
    });
    assert.equal(trashed.status, 204);
    const emptied = await shoebox.api("/api/trash/empty", { method: "POST" });
    assert.equal(emptied.status, 200);
    await waitForQueuesToDrain(shoebox);
    assert.equal((await shoebox.api(`/api/assets/${kept.body.id}`)).status, 404);

    // Once there is room again, uploads go through.
    rmSync(filler);
    const accepted = await waitFor("uploads to be taken again", async () => {
      const attempt = await upload(shoebox, await makeJpeg(12, {}, { width: 800, height: 600 }));
      return attempt.status === 201 ? attempt : undefined;
    });
    assert.equal(accepted.status, 201);
  });
});
