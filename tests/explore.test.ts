// Tags of things and the Explore page on a real Shoebox: photos of ../shared/media with a dog, a car
// and people uploaded, the object model's tags kept per photo; the Explore page lists them with
// people and places, /explore/tags/dog shows the dog, searching "puppy" (a synonym) finds it; another
// user sees none of it; and ML=off queues no tagging job at all.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Libsql from "libsql";
import { tagsForWord } from "../common/tags";
import { signIn, type Client } from "./helpers/accounts";
import { uploadForm } from "./helpers/media";
import { pageText, signInWithCookie } from "./helpers/pages";
import { queueStates, sharedMedia, startShoebox, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";

const photos = {
  dog: "bench/hires-debian/lomiri-16.04/friends_by_Aitzol_Berasategi.jpg", // two spaniels at a window
  car: "exif/cameras/exif-org/olympus-c960.jpg", // a car park under a mountain
  person: "faces/face_recognition/two_people.jpg",
};
const missing = Object.values(photos).find((file) => !existsSync(join(sharedMedia, file)));
const noMedia = missing ? `no shared photo at ${join(sharedMedia, missing)}` : false;

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  assert.equal(response.status, status, `${response.url}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function upload(fetcher: (path: string, init?: RequestInit) => Promise<Response>, file: string): Promise<string> {
  const bytes = readFileSync(join(sharedMedia, file));
  const response = await fetcher("/api/assets", {
    method: "POST",
    body: uploadForm({ bytes, name: file.replace(/\//g, "_") }),
  });
  return (await json<{ id: string }>(response, 201)).id;
}

async function searchTag(client: Client, tag: string): Promise<string[]> {
  const response = await client.fetch("/api/search/metadata", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tag }),
  });
  return (await json<{ assets: { items: Array<{ id: string }> } }>(response)).assets.items.map((item) => item.id);
}

describe("synonyms of tags", () => {
  it("maps words to the model's tags", () => {
    assert.ok(tagsForWord("Puppy").includes("dog"));
    assert.ok(tagsForWord("dogs").includes("dog"));
    assert.ok(tagsForWord("kitty").includes("cat"));
    assert.ok(tagsForWord("automobile").includes("car"));
    assert.ok(tagsForWord("woman").includes("person"));
    assert.ok(tagsForWord("buses").includes("bus"));
    assert.deepEqual(tagsForWord("  "), []);
  });
});

describe("tags and Explore", { skip: noMedia }, () => {
  let shoebox: Shoebox;
  let alice: Client;
  let bob: Client;
  const assetOf: Record<string, string> = {};

  before(async () => {
    shoebox = await startShoebox({ signUp: false });
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
    for (const [what, file] of Object.entries(photos))
      assetOf[what] = await upload((path, init) => alice.fetch(path, init), file);
    await waitForQueuesToDrain({ api: (path) => alice.fetch(path) }, 120_000);
  });

  after(async () => {
    await shoebox?.stop();
  });

  it("tags each photo with what is in it", () => {
    const db = new Libsql(join(shoebox.dataDir, "shoebox.db"), { readonly: true });
    try {
      const rows = db.prepare("SELECT asset_id, tag, score FROM asset_tags ORDER BY score DESC").all() as Array<{
        asset_id: string;
        tag: string;
        score: number;
      }>;
      const tagsOf = (id: string) => rows.filter((row) => row.asset_id === id).map((row) => row.tag);
      console.log(
        Object.entries(assetOf)
          .map(
            ([what, id]) =>
              `${what}: ${rows
                .filter((r) => r.asset_id === id)
                .map((r) => `${r.tag} ${r.score.toFixed(2)}`)
                .join(", ")}`,
          )
          .join("; "),
      );
      for (const [what, id] of Object.entries(assetOf))
        assert.ok(tagsOf(id).includes(what), `the ${what} photo is tagged ${what}: ${tagsOf(id).join(", ")}`);
      assert.ok(!tagsOf(assetOf.car!).includes("dog"), "the car park has no dog");
    } finally {
      db.close();
    }
  });

  it("lists people, places and things on the Explore page", async () => {
    const browser = await signInWithCookie(shoebox.url, alice.email, alice.password);
    const html = await pageText(await browser.get("/explore"));
    for (const heading of ["People", "Places", "Things"]) assert.match(html, new RegExp(`>${heading}<`));
    for (const tag of ["dog", "car", "person"]) assert.match(html, new RegExp(`href="/explore/tags/${tag}"`));
    assert.match(html, /href="\/explore" aria-current="page"/, "the section is in the navigation");
    const home = await pageText(await browser.get("/"));
    assert.match(home, /href="\/people"[\s\S]*href="\/explore"/, "Explore comes after People in the navigation");
  });

  it("shows the photos of one thing, linking to the viewer", async () => {
    const browser = await signInWithCookie(shoebox.url, alice.email, alice.password);
    const html = await pageText(await browser.get("/explore/tags/dog"));
    assert.ok(html.includes(`href="/photos/${assetOf.dog}"`), "the dog photo is there");
    assert.ok(!html.includes(`/photos/${assetOf.car}"`), "the car photo is not");
    await pageText(await browser.get("/explore/tags/unicorn"), 404);
  });

  it("finds the dog by a word for it, in the API and on the search page", async () => {
    assert.ok((await searchTag(alice, "puppy")).includes(assetOf.dog!));
    assert.ok(!(await searchTag(alice, "puppy")).includes(assetOf.car!));
    assert.ok((await searchTag(alice, "automobile")).includes(assetOf.car!));
    const browser = await signInWithCookie(shoebox.url, alice.email, alice.password);
    const html = await pageText(await browser.get("/search?thing=puppy"));
    assert.ok(html.includes(`href="/photos/${assetOf.dog}"`));
  });

  it("shows another user none of it", async () => {
    assert.deepEqual(await searchTag(bob, "puppy"), []);
    assert.deepEqual(await searchTag(bob, "dog"), []);
    const browser = await signInWithCookie(shoebox.url, bob.email, bob.password);
    const html = await pageText(await browser.get("/explore"));
    assert.doesNotMatch(html, /\/explore\/tags\//);
    for (const id of Object.values(assetOf)) assert.ok(!html.includes(id), "no cover of Alice's");
    await pageText(await browser.get("/explore/tags/dog"), 404);
  });
});

describe("ML=off and tags", { skip: noMedia }, () => {
  let shoebox: Shoebox;
  before(async () => {
    shoebox = await startShoebox({ env: { ML: "off" } });
  });
  after(async () => {
    await shoebox?.stop();
  });

  it("queues no tagging job at all", async () => {
    await upload(shoebox.api, photos.dog);
    const queues = await waitForQueuesToDrain(shoebox, 60_000);
    assert.ok(
      queues.find((q) => q.name === "thumbnailGeneration")!.statistics.completed >= 1,
      "the thumbnails were made",
    );
    const queue = (await queueStates(shoebox)).find((q) => q.name === "smartSearch")!;
    assert.deepEqual(queue.statistics, { active: 0, completed: 0, failed: 0, delayed: 0, waiting: 0, paused: 0 });
    const db = new Libsql(join(shoebox.dataDir, "shoebox.db"), { readonly: true });
    try {
      assert.equal((db.prepare("SELECT count(*) AS n FROM asset_tags").get() as { n: number }).n, 0);
    } finally {
      db.close();
    }
  });
});
