// Duplicates on a real Shoebox: a photo uploaded with a resized, a recompressed, a cropped and a
// brighter copy, among unrelated photos, comes back as one group of exactly those copies, with the
// original proposed to keep; resolving trashes the others, dismissing dissolves a group, and nobody
// else sees any of it. Also: the grouping itself against brute force at library scale, and the
// migration that queues hashes for thumbnails made before them.
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { migrate } from "drizzle-orm/libsql/migrator";
import { connectDatabase } from "../common/db";
import { duplicateDistance, groupDuplicates, hammingDistance, type HashedAsset } from "../common/duplicates";
import { migrationsFolder } from "../workers/db/migrate";
import { perceptualHash } from "../workers/media/image";
import { login, type Client } from "./helpers/accounts";
import { startTestDatabase } from "./helpers/hrana";
import { uploadForm } from "./helpers/media";
import { pageText, signInWithCookie, type Browser } from "./helpers/pages";
import { flip, random, randomHash, syntheticHashLibrary } from "./helpers/hashes";
import { admin, sharedMedia, startShoebox, waitFor, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";

interface Photo {
  name: string;
  bytes: Buffer;
}

// Real photos from ../shared/media when there, else drawn ones with real structure (shapes and
// gradients, not flat colours), one scene per seed.
const real = {
  base: "exif/gps/ianare-nikon-coolpix/DSCN0010.jpg",
  // Two taken with the same camera on the same trip, and two from other cameras.
  unrelated: [
    "exif/gps/ianare-nikon-coolpix/DSCN0027.jpg",
    "exif/gps/ianare-nikon-coolpix/DSCN0042.jpg",
    "exif/cameras/ianare/Canon_PowerShot_S40.jpg",
  ],
  second: "exif/cameras/ianare/Nikon_D70.jpg",
};
const haveMedia = [real.base, real.second, ...real.unrelated].every((path) => existsSync(join(sharedMedia, path)));

async function drawnPhoto(seed: number): Promise<Buffer> {
  const next = random(seed);
  const shapes = Array.from({ length: 40 }, () => {
    const [x, y, r, hue] = [next() * 1200, next() * 900, 20 + next() * 200, Math.floor(next() * 360)];
    return next() < 0.5
      ? `<circle cx="${x}" cy="${y}" r="${r}" fill="hsl(${hue},70%,${30 + next() * 40}%)"/>`
      : `<rect x="${x}" y="${y}" width="${r * 2}" height="${r}" fill="hsl(${hue},60%,${30 + next() * 40}%)" transform="rotate(${next() * 90} ${x} ${y})"/>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900"><defs><linearGradient id="g" x1="0" y1="0" x2="${next()}" y2="1"><stop offset="0" stop-color="hsl(${(seed * 47) % 360},60%,70%)"/><stop offset="1" stop-color="hsl(${(seed * 91) % 360},50%,20%)"/></linearGradient></defs><rect width="1200" height="900" fill="url(#g)"/>${shapes.join("")}</svg>`;
  return sharp(Buffer.from(svg))
    .withExif({ IFD0: { Make: "Drawcam", Model: `Drawn ${seed}` } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

async function source(path: string, seed: number): Promise<Buffer> {
  return haveMedia ? readFileSync(join(sharedMedia, path)) : drawnPhoto(seed);
}

// The copies people end up with: all made from the upright picture, without its metadata.
async function variantsOf(
  original: Buffer,
): Promise<Record<"resized" | "recompressed" | "cropped" | "brighter", Buffer>> {
  const upright = await sharp(original).rotate().toBuffer();
  const { width = 0, height = 0 } = await sharp(upright).metadata();
  const [dx, dy] = [Math.round(width * 0.01), Math.round(height * 0.01)];
  return {
    resized: await sharp(upright)
      .resize(Math.round(width / 2))
      .jpeg({ quality: 85 })
      .toBuffer(),
    recompressed: await sharp(upright).jpeg({ quality: 60 }).toBuffer(),
    // 2% of each side's length gone: 1% from each edge.
    cropped: await sharp(upright)
      .extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy })
      .jpeg({ quality: 90 })
      .toBuffer(),
    brighter: await sharp(upright)
      .resize(Math.round(width * 0.8))
      .modulate({ brightness: 1.05 })
      .jpeg({ quality: 90 })
      .toBuffer(),
  };
}

interface GroupResponse {
  duplicateId: string;
  assets: Array<{ id: string; isTrashed: boolean; duplicateId: string | null; exifInfo: Record<string, unknown> }>;
  suggestedKeepAssetIds: string[];
}

describe("duplicates", { timeout: 240_000 }, () => {
  let shoebox: Shoebox;
  let browser: Browser;
  let bob: Client;
  let bobBrowser: Browser;
  const ids = new Map<string, string>();
  let group: GroupResponse;

  async function uploadAs(
    api: (path: string, init?: RequestInit) => Promise<Response>,
    name: string,
    bytes: Buffer,
  ): Promise<string> {
    const response = await api("/api/assets", { method: "POST", body: uploadForm({ name, bytes }) });
    const body = (await response.json()) as { id: string; status: string };
    assert.equal(response.status, 201, `upload of ${name}: ${JSON.stringify(body)}`);
    return body.id;
  }

  const duplicatesOf = async (api: (path: string) => Promise<Response> = shoebox.api) => {
    const response = await api("/api/duplicates");
    assert.equal(response.status, 200);
    return (await response.json()) as GroupResponse[];
  };

  before(async () => {
    shoebox = await startShoebox();
    const created = await shoebox.api("/api/admin/users", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "bob@example.com", password: "bob-password", name: "Bob" }),
    });
    assert.equal(created.status, 201);
    bob = await login(shoebox.url, "bob@example.com", "bob-password");
    browser = await signInWithCookie(shoebox.url, admin.email, admin.password);
    bobBrowser = await signInWithCookie(shoebox.url, "bob@example.com", "bob-password");

    const original = await source(real.base, 1);
    const photos: Photo[] = [
      { name: "original.jpg", bytes: original },
      ...Object.entries(await variantsOf(original)).map(([name, bytes]) => ({ name: `${name}.jpg`, bytes })),
      ...(await Promise.all(
        real.unrelated.map(async (path, i) => ({ name: `unrelated-${i}.jpg`, bytes: await source(path, 10 + i) })),
      )),
    ];
    for (const photo of photos) ids.set(photo.name, await uploadAs(shoebox.api, photo.name, photo.bytes));
    // Bob has the very same photo: his library is his own.
    ids.set("bob-original.jpg", await uploadAs(bob.fetch, "bob-original.jpg", original));
    await waitForQueuesToDrain(shoebox);
    const groups = await waitFor("the group of copies", async () => {
      const found = await duplicatesOf();
      return found.length > 0 && found[0]!.assets.length >= 5 && found;
    });
    assert.equal(groups.length, 1, JSON.stringify(groups.map((g) => g.assets.map((a) => a.id))));
    group = groups[0]!;
  });

  after(async () => {
    await shoebox?.stop();
  });

  it("groups the photo with its resized, recompressed, cropped and brighter copies, and nothing else", () => {
    const expected = ["original.jpg", "resized.jpg", "recompressed.jpg", "cropped.jpg", "brighter.jpg"].map(
      (name) => ids.get(name)!,
    );
    assert.deepEqual(group.assets.map((a) => a.id).sort(), [...expected].sort());
    assert.ok(group.assets.every((a) => a.duplicateId === group.duplicateId));
  });

  it("proposes the largest copy with the most metadata: the original", () => {
    // The recompressed copy is as large, but lost the camera's metadata.
    assert.deepEqual(group.suggestedKeepAssetIds, [ids.get("original.jpg")]);
  });

  it("shows nothing of it to another user, who cannot resolve or dismiss it", async () => {
    assert.deepEqual(await duplicatesOf(bob.fetch), []);
    assert.equal((await bob.fetch(`/api/duplicates/${group.duplicateId}`, { method: "DELETE" })).status, 404);
    const resolve = await bob.fetch(`/api/duplicates/${group.duplicateId}/resolve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ keepAssetIds: [ids.get("original.jpg")] }),
    });
    assert.equal(resolve.status, 404);
    assert.equal(
      (await bobBrowser.post(`/duplicates/${group.duplicateId}/resolve`, { keep: ids.get("original.jpg")! })).status,
      404,
    );
    assert.equal((await bobBrowser.post(`/duplicates/${group.duplicateId}/dismiss`)).status, 404);
    const page = await pageText(await bobBrowser.get("/duplicates"));
    assert.match(page, /No duplicates found/);
    for (const id of ids.values())
      if (id !== ids.get("bob-original.jpg")) assert.ok(!page.includes(id), `Bob's page shows ${id}`);
    assert.equal((await duplicatesOf()).length, 1, "the group is as it was");
  });

  it("renders the review page with the copies' facts and the proposal checked", async () => {
    const page = await pageText(await browser.get("/duplicates"));
    assert.match(page, /<a href="\/duplicates" aria-current="page">Duplicates<\/a>/);
    assert.match(page, /<link rel="stylesheet" href="\/static\/duplicates.css"/);
    for (const name of ["original.jpg", "resized.jpg", "recompressed.jpg", "cropped.jpg", "brighter.jpg"]) {
      assert.ok(page.includes(`src="/api/assets/${ids.get(name)}/thumbnail"`), `the page shows ${name}`);
    }
    for (const name of ["unrelated-0.jpg", "unrelated-1.jpg", "unrelated-2.jpg"])
      assert.ok(!page.includes(ids.get(name)!), `${name} is no duplicate`);
    assert.match(page, new RegExp(`name="keep" value="${ids.get("original.jpg")}" checked=""`));
    assert.doesNotMatch(page, new RegExp(`name="keep" value="${ids.get("resized.jpg")}" checked`));
    assert.match(page, /name="_csrf"/);
    assert.match(page, / × \d+ \(\d+\.\d MP\)/);
    assert.match(page, /Keep \(suggested\)/);
    for (const path of ["/static/duplicates.css", "/static/duplicates.js"])
      assert.equal((await browser.get(path)).status, 200, path);
  });

  it("keeps the chosen copy and moves the others to the trash on confirming", async () => {
    // Without the CSRF token, nothing happens.
    assert.equal(
      (
        await browser.post(
          `/duplicates/${group.duplicateId}/resolve`,
          { keep: ids.get("original.jpg")! },
          { csrf: false },
        )
      ).status,
      403,
    );
    const outcome = await browser.post(
      `/duplicates/${group.duplicateId}/resolve`,
      { keep: ids.get("original.jpg")! },
      { htmx: true },
    );
    const html = await outcome.text();
    assert.equal(outcome.status, 200, html.slice(0, 300));
    assert.match(html, /^<section class="duplicate-group is-done"/);
    assert.match(html, /Kept 1 copy; 4 copies moved to the trash/);
    for (const asset of group.assets) {
      const found = (await (await shoebox.api(`/api/assets/${asset.id}`)).json()) as { isTrashed: boolean };
      assert.equal(found.isTrashed, asset.id !== ids.get("original.jpg"), asset.id);
    }
    assert.deepEqual(await duplicatesOf(), []);
    const trash = await pageText(await browser.get("/trash"));
    assert.ok(trash.includes(`/api/assets/${ids.get("resized.jpg")}/thumbnail`), "the copies are in the trash");
  });

  it("dismisses a group as not duplicates, for good", async () => {
    const second = await source(real.second, 20);
    const firstId = await uploadAs(shoebox.api, "second.jpg", second);
    const copyId = await uploadAs(shoebox.api, "second-small.jpg", (await variantsOf(second)).resized);
    const [found] = await waitFor("the second group", async () => {
      const groups = await duplicatesOf();
      return groups.length === 1 && groups[0]!.assets.length === 2 && groups;
    });
    assert.deepEqual(found!.assets.map((a) => a.id).sort(), [firstId, copyId].sort());

    assert.equal(
      (
        await shoebox.api("/api/duplicates", {
          method: "DELETE",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ids: [found!.duplicateId, ids.get("bob-original.jpg")] }),
        })
      ).status,
      404,
      "all or nothing",
    );
    const dismissed = await browser.post(`/duplicates/${found!.duplicateId}/dismiss`);
    assert.equal(dismissed.status, 303);
    assert.equal(dismissed.headers.get("location"), "/duplicates");
    assert.deepEqual(await duplicatesOf(), []);
    for (const id of [firstId, copyId])
      assert.equal(
        ((await (await shoebox.api(`/api/assets/${id}`)).json()) as { isTrashed: boolean }).isTrashed,
        false,
      );
    assert.equal(
      (await shoebox.api(`/api/duplicates/${found!.duplicateId}`, { method: "DELETE" })).status,
      404,
      "gone already",
    );

    // Later uploads do not bring a dismissed group back.
    await uploadAs(
      shoebox.api,
      "later.jpg",
      await source(real.unrelated[0]!, 30).then((b) => sharp(b).rotate(90).jpeg().toBuffer()),
    );
    await waitForQueuesToDrain(shoebox);
    await new Promise((r) => setTimeout(r, 3_000));
    await waitForQueuesToDrain(shoebox);
    assert.deepEqual(await duplicatesOf(), []);
  });
});

describe("the grouping", () => {
  it("finds what brute force finds", () => {
    const next = random(7);
    const items: HashedAsset[] = [];
    for (let i = 0; i < 3000; i++) {
      // Clusters of look-alikes among lone photos.
      const base = randomHash(next);
      items.push({ id: `a${i}`, type: "IMAGE", hash: base, duplicateId: null, isNew: true });
      if (i % 10 === 0)
        for (let j = 0; j < 3; j++)
          items.push({
            id: `a${i}-${j}`,
            type: "IMAGE",
            hash: flip(base, Math.floor(next() * 14), next),
            duplicateId: null,
            isNew: true,
          });
    }
    const groups = groupDuplicates(items);
    // Brute force: components of the "within the distance" graph.
    const parent = items.map((_, i) => i);
    const find = (i: number): number => {
      if (parent[i] !== i) parent[i] = find(parent[i]!);
      return parent[i]!;
    };
    const values = items.map((item) => BigInt(`0x${item.hash}`));
    const bits = (x: bigint) => x.toString(2).replaceAll("0", "").length;
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++)
        if (bits(values[i]! ^ values[j]!) <= duplicateDistance) parent[find(i)] = find(j);
    const expected = new Map<number, string[]>();
    items.forEach((item, i) => expected.set(find(i), [...(expected.get(find(i)) ?? []), item.id]));
    const canonical = (sets: string[][]) => sets.map((s) => [...s].sort().join(",")).sort();
    assert.deepEqual(canonical([...groups.values()]), canonical([...expected.values()].filter((s) => s.length > 1)));
    assert.ok(groups.size > 250);
  });

  it("keeps existing groups, merges into them, and leaves dismissed photos alone", () => {
    const a = "8f0f0f0f0f0f0f0f";
    const items: HashedAsset[] = [
      { id: "old1", type: "IMAGE", hash: a, duplicateId: "g1", isNew: false },
      { id: "old2", type: "IMAGE", hash: a, duplicateId: "g1", isNew: false },
      // Dismissed earlier: close, but compared already, and no new photo is near it.
      { id: "dismissed1", type: "IMAGE", hash: "f0f0f0f0f0f0f0f0", duplicateId: null, isNew: false },
      { id: "dismissed2", type: "IMAGE", hash: "f0f0f0f0f0f0f0f1", duplicateId: null, isNew: false },
      { id: "new", type: "IMAGE", hash: "8f0f0f0f0f0f0f0e", duplicateId: null, isNew: true },
      // A video whose poster frame looks the same is no copy of the photo.
      { id: "video", type: "VIDEO", hash: a, duplicateId: null, isNew: true },
      // A flat picture matches nothing.
      { id: "flat1", type: "IMAGE", hash: "8000000000000000", duplicateId: null, isNew: true },
      { id: "flat2", type: "IMAGE", hash: "8000000000000000", duplicateId: null, isNew: true },
    ];
    assert.deepEqual([...groupDuplicates(items)], [["g1", ["old1", "old2", "new"]]]);
  });

  // How long grouping takes is bench/worst-cases.ts's to measure; this checks the grouping at scale.
  it("groups a library of 20,000 photos", () => {
    const items = syntheticHashLibrary(20_000, random(11));
    assert.ok(groupDuplicates(items).size >= 400, "each copy is grouped with its original");
  });
});

describe("the perceptual hash", () => {
  it("is the same for the stored thumbnail of a picture as when it was made", async () => {
    const picture = await drawnPhoto(3);
    const thumbnail = await sharp(picture).resize(250, 250, { fit: "outside" }).webp({ quality: 80 }).toBuffer();
    const hash = await perceptualHash(thumbnail);
    assert.match(hash, /^[0-9a-f]{16}$/);
    assert.equal(await perceptualHash(thumbnail), hash);
    assert.ok(
      hammingDistance(hash, await perceptualHash(await drawnPhoto(4))) > duplicateDistance,
      "another picture is far",
    );
    assert.equal(
      await perceptualHash(
        await sharp({ create: { width: 300, height: 200, channels: 3, background: "#808080" } })
          .png()
          .toBuffer(),
      ),
      "8000000000000000",
    );
  });
});

describe("the perceptual hash migration", () => {
  it("queues a hash for each thumbnail made before", async () => {
    const database = await startTestDatabase();
    const { client, db } = connectDatabase({ url: database.url, authToken: database.token });
    try {
      const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8")) as {
        entries: Array<{ tag: string }>;
      };
      const at = journal.entries.findIndex((e) => e.tag.endsWith("_perceptual_hash"));
      assert.ok(at > 0);
      const older = mkdtempSync(join(tmpdir(), "shoebox-migrations-"));
      mkdirSync(join(older, "meta"));
      writeFileSync(
        join(older, "meta/_journal.json"),
        JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }),
      );
      for (const { tag } of journal.entries.slice(0, at))
        cpSync(join(migrationsFolder, `${tag}.sql`), join(older, `${tag}.sql`));
      await migrate(db, { migrationsFolder: older });
      await client.batch([
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES ('u1', 'u@example.com', 'U', 'x', 1, 1)",
        ...["a1", "a2"].map(
          (
            id,
          ) => `INSERT INTO assets (id, owner_id, type, original_file_name, original_mime_type, original_key, checksum, file_size_in_byte, file_created_at, file_modified_at, local_date_time, created_at, updated_at)
           VALUES ('${id}', 'u1', 'IMAGE', '${id}.jpg', 'image/jpeg', 'library/${id}.jpg', 'c${id}', 1, 1, 1, 1, 1, 1)`,
        ),
        // a2 has no thumbnail yet: its thumbnail job will hash it.
        "INSERT INTO asset_files (asset_id, type, key, mime_type) VALUES ('a1', 'thumbnail', 'thumbs/a1.webp', 'image/webp')",
      ]);
      await migrate(db, { migrationsFolder });
      const jobs = await client.execute("SELECT queue, name, payload FROM jobs WHERE name = 'computePerceptualHash'");
      assert.deepEqual(
        jobs.rows.map((r) => ({ ...r })),
        [{ queue: "thumbnailGeneration", name: "computePerceptualHash", payload: '{"assetId":"a1"}' }],
      );
      const columns = (await client.execute("SELECT name FROM pragma_table_info('assets')")).rows.map((r) => r.name);
      for (const column of ["perceptual_hash", "duplicate_id", "duplicates_detected_at"])
        assert.ok(columns.includes(column), column);
      // The hand-written triggers on assets survive: the table was altered, not rebuilt.
      const triggers = (
        await client.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'assets'")
      ).rows.length;
      assert.ok(triggers > 0);
    } finally {
      client.close();
      await database.close();
    }
  });
});
