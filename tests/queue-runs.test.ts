// An admin runs a queue over the whole library, on a real Shoebox: photos uploaded while the image
// models were off get their faces, people and tags from a "missing" run once they are on; a second
// "missing" run finds nothing to do; an "all" run detects every face again and keeps the person
// their owner named; recognition run again from scratch keeps named people whole; thumbnails are
// made again from the admin page; and once a CLIP model is set up, a "missing" run makes only the
// embeddings. Through Immich's PUT /api/jobs/{name} and the admin page.
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Libsql from "libsql";
import { login, signIn, type Client } from "./helpers/accounts";
import { writeTinyClipModel } from "./helpers/clip";
import { uploadForm } from "./helpers/media";
import { pageText, signInWithCookie } from "./helpers/pages";
import {
  makeDataDir,
  sharedMedia,
  startShoebox,
  waitForQueuesToDrain,
  queueStates,
  type Shoebox,
} from "./helpers/shoebox";

// Four photos of one man (at least FACE_MIN_FACES, so that he becomes a person).
const photos = ["obama.jpg", "obama1.jpg", "obama2.jpg", "obama3.jpg"].map((name) =>
  join(sharedMedia, "faces/face_recognition", name),
);
const noMedia = photos.every((file) => existsSync(file)) ? false : "the face photos of ../shared/media are absent";

interface Person {
  id: string;
  name: string;
}

describe("running a queue over the library", { skip: noMedia }, () => {
  const dataDir = makeDataDir();
  const admin = { email: "admin@example.com", password: "admin-password", name: "Admin" };
  let shoebox: Shoebox;
  let client: Client;
  let clipDir: string | undefined;
  const assetIds: string[] = [];

  const command = (queue: string, body: Record<string, unknown>) => client.json("PUT", `/api/jobs/${queue}`, body);
  const drain = () => waitForQueuesToDrain({ api: (path) => client.fetch(path) });
  const faceRows = () => {
    const db = new Libsql(join(dataDir, "shoebox.db"), { readonly: true });
    try {
      return db.prepare("SELECT id, asset_id, person_id FROM faces ORDER BY asset_id").all() as Array<{
        id: string;
        asset_id: string;
        person_id: string | null;
      }>;
    } finally {
      db.close();
    }
  };
  const people = async () =>
    ((await (await client.fetch("/api/people?withHidden=true")).json()) as { people: Person[] }).people;

  before(async () => {
    // First with the models off: the photos come in without faces or tags.
    const off = await startShoebox({ dataDir, signUp: false, env: { ML: "off" } });
    client = await signIn(off.url, { ...admin, admin: true });
    for (const file of photos) {
      const response = await client.fetch("/api/assets", {
        method: "POST",
        body: uploadForm({ bytes: readFileSync(file), name: file.split("/").pop()! }),
      });
      assert.equal(response.status, 201);
      assetIds.push(((await response.json()) as { id: string }).id);
    }
    await drain();
    const refused = await command("faceDetection", { command: "start" });
    assert.equal(refused.status, 400, "nothing to run with the models off");
    assert.match(((await refused.json()) as { message: string }).message, /ML=off/);
    await off.stop();
    assert.deepEqual(faceRows(), []);

    shoebox = await startShoebox({ dataDir, signUp: false });
    client = await login(shoebox.url, admin.email, admin.password);
  });

  after(async () => {
    await shoebox?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (clipDir) rmSync(clipDir, { recursive: true, force: true });
  });

  it("finds the faces and things of photos the models have not seen", async () => {
    const started = await command("faceDetection", { command: "start" });
    assert.equal(started.status, 200, await started.clone().text());
    const status = (await started.json()) as { jobCounts: Record<string, number>; queueStatus: { isPaused: boolean } };
    assert.equal(status.queueStatus.isPaused, false);
    assert.equal((await command("smartSearch", { command: "start", force: false })).status, 200);
    await drain();
    const faces = faceRows();
    assert.deepEqual(
      [...new Set(faces.map((face) => face.asset_id))].sort(),
      [...assetIds].sort(),
      "a face in every photo",
    );
    const found = await people();
    assert.equal(found.length, 1, "one man, one person");
    const db = new Libsql(join(dataDir, "shoebox.db"), { readonly: true });
    try {
      const tagged = db.prepare("SELECT DISTINCT asset_id FROM asset_tags WHERE tag = 'person'").all() as Array<{
        asset_id: string;
      }>;
      assert.equal(tagged.length, assetIds.length, "each photo is tagged with a person");
    } finally {
      db.close();
    }
  });

  it("finds nothing to do in a second run of the missing ones", async () => {
    const before = faceRows().map((face) => face.id);
    const done = (await queueStates({ api: (path) => client.fetch(path) })).find(
      (queue) => queue.name === "faceDetection",
    )!.statistics.completed;
    assert.equal((await command("faceDetection", { command: "start" })).status, 200);
    await drain();
    assert.deepEqual(
      faceRows().map((face) => face.id),
      before,
      "the same faces",
    );
    const after = (await queueStates({ api: (path) => client.fetch(path) })).find(
      (queue) => queue.name === "faceDetection",
    )!.statistics.completed;
    assert.equal(after, done, "no face job ran");
  });

  it("detects every face again and keeps the person their owner named", async () => {
    const [person] = await people();
    assert.equal((await client.json("PUT", `/api/people/${person!.id}`, { name: "Barack" })).status, 200);
    const before = faceRows();
    assert.equal((await command("faceDetection", { command: "start", force: true })).status, 200);
    await drain();
    const after = faceRows();
    assert.equal(after.length, before.length);
    assert.ok(
      after.every((face) => !before.some((old) => old.id === face.id)),
      "every face was found again",
    );
    assert.ok(
      after.every((face) => face.person_id === person!.id),
      "each is still Barack's",
    );
    assert.deepEqual(
      (await people()).map((p) => p.name),
      ["Barack"],
    );
  });

  it("clusters again from scratch, keeping named people whole", async () => {
    assert.equal((await command("facialRecognition", { command: "start", force: true })).status, 200);
    await drain();
    const [barack, ...others] = await people();
    assert.equal(barack!.name, "Barack");
    assert.deepEqual(others, []);
    assert.ok(faceRows().every((face) => face.person_id === barack!.id));
  });

  it("answers Immich's job status shapes, and refuses what cannot start", async () => {
    const all = (await (await client.fetch("/api/jobs")).json()) as Record<
      string,
      { jobCounts: Record<string, number>; queueStatus: { isActive: boolean; isPaused: boolean } }
    >;
    assert.ok(all.thumbnailGeneration && typeof all.thumbnailGeneration.jobCounts.completed === "number");
    assert.equal(all.faceDetection!.queueStatus.isActive, false);
    assert.equal((await command("backgroundTask", { command: "start" })).status, 400);
    assert.equal((await command("nonsense", { command: "start" })).status, 400);
    assert.equal((await command("thumbnailGeneration", { command: "pause" })).status, 200);
    assert.equal(
      ((await (await client.fetch("/api/jobs")).json()) as typeof all).thumbnailGeneration!.queueStatus.isPaused,
      true,
    );
    assert.equal((await command("thumbnailGeneration", { command: "resume" })).status, 200);
    // Without a CLIP model there is no smart search.
    assert.equal((await client.json("POST", "/api/search/smart", { query: "a man" })).status, 400);
    const bob = await signIn(shoebox.url, {
      email: "bob@example.com",
      password: "bob-password",
      name: "Bob",
      createdBy: client,
    });
    assert.equal((await bob.json("PUT", "/api/jobs/faceDetection", { command: "start" })).status, 403);
  });

  it("makes every thumbnail again from the admin page", async () => {
    const browser = await signInWithCookie(shoebox.url, admin.email, admin.password);
    const html = await pageText(await browser.get("/admin"));
    for (const id of ["start-missing-thumbnailGeneration", "start-all-faceDetection", "start-library"])
      assert.match(html, new RegExp(`id="${id}"`));
    assert.doesNotMatch(html, /id="start-missing-backgroundTask"/);
    const done = (await queueStates({ api: (path) => client.fetch(path) })).find(
      (queue) => queue.name === "thumbnailGeneration",
    )!.statistics.completed;
    const response = await browser.post("/admin/queues/thumbnailGeneration/start?force=1", {}, { htmx: true });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /^<section id="admin-queues"/, "htmx gets the jobs section back");
    await drain();
    const after = (await queueStates({ api: (path) => client.fetch(path) })).find(
      (queue) => queue.name === "thumbnailGeneration",
    )!.statistics.completed;
    assert.equal(after - done, assetIds.length, "one thumbnail job per photo");
  });

  it("makes only the CLIP embeddings once a CLIP model is set up", async () => {
    await shoebox.stop();
    clipDir = writeTinyClipModel();
    shoebox = await startShoebox({ dataDir, signUp: false, env: { CLIP_MODEL_DIR: clipDir } });
    client = await login(shoebox.url, admin.email, admin.password);
    const completed = async () =>
      (await queueStates({ api: (path) => client.fetch(path) })).find((queue) => queue.name === "smartSearch")!
        .statistics.completed;
    const done = await completed();
    assert.equal((await command("smartSearch", { command: "start" })).status, 200);
    await drain();
    assert.equal((await completed()) - done, assetIds.length, "one embedding job per photo, and no tagging again");
    const db = new Libsql(join(dataDir, "shoebox.db"), { readonly: true });
    try {
      assert.equal((db.prepare("SELECT count(*) AS n FROM smart_search").get() as { n: number }).n, assetIds.length);
    } finally {
      db.close();
    }
    assert.equal((await client.json("POST", "/api/search/smart", { query: "a man" })).status, 200);
  });
});
