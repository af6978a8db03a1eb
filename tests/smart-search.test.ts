// Search in words with a CLIP model, on a real Shoebox with CLIP_MODEL_DIR set to a tiny model of
// Immich's signature that understands colours (tests/helpers/clip.ts): each photo's embedding is
// made by a job and kept in the vector index; POST /api/search/smart, the metadata search's `query`
// and the search page rank by it, narrowed by the other filters; two pictures the perceptual hash
// keeps apart but whose embeddings coincide are offered as duplicates; and another user finds none
// of it.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Libsql from "libsql";
import sharp from "sharp";
import { duplicateDistance, hammingDistance } from "../common/duplicates";
import { signIn, type Client } from "./helpers/accounts";
import { writeTinyClipModel } from "./helpers/clip";
import { uploadForm } from "./helpers/media";
import { pageText, signInWithCookie } from "./helpers/pages";
import { startShoebox, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";

const width = 480;
const height = 360;

// A photo of one colour, with a little noise so that it is not flat; or stripes of two colours.
async function picture(pixel: (x: number, y: number) => [number, number, number], seed: number): Promise<Uint8Array> {
  const data = Buffer.alloc(width * height * 3);
  let state = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      const noise = (state % 9) - 4;
      pixel(x, y).forEach((value, c) => (data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, value + noise))));
    }
  }
  return new Uint8Array(
    await sharp(data, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 92 })
      .toBuffer(),
  );
}

const red: [number, number, number] = [220, 30, 30];
const darkRed: [number, number, number] = [120, 10, 10];

const pictures = {
  red: () => picture(() => red, 1),
  green: () => picture(() => [30, 200, 40], 2),
  blue: () => picture(() => [30, 40, 220], 3),
  // The same two reds in wide bands, across and down: one mean colour, very different hashes.
  bandsAcross: () => picture((_, y) => (Math.floor(y / (height / 4)) % 2 ? darkRed : red), 4),
  bandsDown: () => picture((x) => (Math.floor(x / (width / 4)) % 2 ? darkRed : red), 5),
};
type Name = keyof typeof pictures;

interface SearchResult {
  assets: { items: Array<{ id: string }>; nextPage: string | null };
}

describe("search in words with a CLIP model", () => {
  let shoebox: Shoebox;
  let clipDir: string;
  let alice: Client;
  let bob: Client;
  const ids = {} as Record<Name, string>;
  const nameOf = (id: string) => (Object.keys(ids) as Name[]).find((name) => ids[name] === id) ?? id;

  async function smart(client: Client, body: Record<string, unknown>, status = 200): Promise<string[]> {
    const response = await client.json("POST", "/api/search/smart", body);
    const text = await response.text();
    assert.equal(response.status, status, text);
    return status === 200 ? (JSON.parse(text) as SearchResult).assets.items.map((item) => nameOf(item.id)) : [];
  }

  before(async () => {
    clipDir = writeTinyClipModel();
    shoebox = await startShoebox({ signUp: false, env: { CLIP_MODEL_DIR: clipDir } });
    alice = await signIn(shoebox.url, {
      email: "alice@example.com",
      password: "alice-password",
      name: "Alice",
      admin: true,
    });
    bob = await signIn(shoebox.url, {
      email: "bob@example.com",
      password: "bob-password",
      name: "Bob",
      createdBy: alice,
    });
    for (const [name, make] of Object.entries(pictures) as Array<[Name, () => Promise<Uint8Array>]>) {
      const response = await alice.fetch("/api/assets", {
        method: "POST",
        body: uploadForm({ bytes: await make(), name: `${name}.jpg` }),
      });
      assert.equal(response.status, 201, await response.clone().text());
      ids[name] = ((await response.json()) as { id: string }).id;
    }
    await waitForQueuesToDrain({ api: (path) => alice.fetch(path) });
  });

  after(async () => {
    await shoebox?.stop();
    if (clipDir) rmSync(clipDir, { recursive: true, force: true });
  });

  it("says smart search is on", async () => {
    const features = (await (await fetch(`${shoebox.url}/api/server/features`)).json()) as Record<string, boolean>;
    assert.equal(features.smartSearch, true);
    assert.equal(features.facialRecognition, true);
    assert.equal(features.duplicateDetection, true);
  });

  it("keeps one embedding per photo in the vector index", () => {
    const db = new Libsql(join(shoebox.dataDir, "shoebox.db"), { readonly: true });
    try {
      const rows = db.prepare("SELECT asset_id, length(embedding) AS bytes FROM smart_search").all() as Array<{
        asset_id: string;
        bytes: number;
      }>;
      assert.deepEqual(rows.map((row) => nameOf(row.asset_id)).sort(), Object.keys(pictures).sort());
      assert.ok(rows.every((row) => row.bytes === 512 * 4));
    } finally {
      db.close();
    }
  });

  it("ranks photos by how well they match the words", async () => {
    const ranked = await smart(alice, { query: "a red car" });
    assert.equal(ranked.length, 5);
    assert.equal(ranked[0], "red", `ranked ${ranked.join(", ")}`);
    assert.deepEqual(ranked.slice(3).sort(), ["blue", "green"], "the red bands come before the other colours");
    assert.equal((await smart(alice, { query: "Blue sky" }))[0], "blue");
    assert.equal((await smart(alice, { query: "green grass" }))[0], "green");
  });

  it("pages and narrows with the other filters", async () => {
    const response = await alice.json("POST", "/api/search/smart", { query: "blue", size: 2 });
    const page = (await response.json()) as SearchResult;
    assert.deepEqual(page.assets.items.map((item) => nameOf(item.id)).slice(0, 1), ["blue"]);
    assert.equal(page.assets.nextPage, "2");
    const second = await smart(alice, { query: "blue", size: 2, page: 2 });
    assert.equal(second.length, 2);
    assert.ok(!second.includes("blue"));
    assert.deepEqual(await smart(alice, { query: "blue", type: "VIDEO" }), []);
    assert.deepEqual(
      await smart(alice, { query: "blue", takenAfter: new Date(Date.now() + 86_400_000).toISOString() }),
      [],
    );
    await smart(alice, { query: "" }, 400);
  });

  it("ranks the search box's free words by the model, the API's and the page's", async () => {
    const response = await alice.json("POST", "/api/search/metadata", { query: "green" });
    const found = ((await response.json()) as SearchResult).assets.items.map((item) => nameOf(item.id));
    assert.equal(found[0], "green", "no file is named green: the model ranks instead");

    const browser = await signInWithCookie(shoebox.url, alice.email, alice.password);
    const html = await pageText(await browser.get("/search?q=photos+of+something+red"));
    assert.match(html, /Best matches for “something red” first/);
    const firstLink = html.match(/href="\/photos\/([0-9a-f-]{36})"/)?.[1];
    assert.equal(nameOf(firstLink ?? ""), "red");
    assert.match(html, /search-chip-type/, "“photos” is still understood as the type");
  });

  it("offers pictures with coinciding embeddings as duplicates, which the hash alone keeps apart", async () => {
    const db = new Libsql(join(shoebox.dataDir, "shoebox.db"), { readonly: true });
    try {
      const hashOf = (id: string) =>
        (db.prepare("SELECT perceptual_hash FROM assets WHERE id = ?").get(id) as { perceptual_hash: string })
          .perceptual_hash;
      const bits = hammingDistance(hashOf(ids.bandsAcross), hashOf(ids.bandsDown));
      assert.ok(bits > duplicateDistance, `the bands' hashes are ${bits} bits apart`);
    } finally {
      db.close();
    }
    const groups = (await (await alice.fetch("/api/duplicates")).json()) as Array<{ assets: Array<{ id: string }> }>;
    assert.deepEqual(
      groups.map((group) => group.assets.map((asset) => nameOf(asset.id)).sort()),
      [["bandsAcross", "bandsDown"]],
    );
  });

  it("finds nothing of another user's", async () => {
    assert.deepEqual(await smart(bob, { query: "red" }), []);
  });
});
