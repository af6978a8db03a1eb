// Faces and people on a real Shoebox: the photos of ../shared/media/faces uploaded, their faces found
// on the previews and clustered into people, then scored against who is really in them (pairwise
// precision and recall, printed). Then renaming, moving a face, hiding and merging, through the API
// and the pages; another user sees none of it; and ML=off queues no face job at all.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Libsql from "libsql";
import sharp from "sharp";
import { defaults } from "../common/config";
import { signIn, type Client } from "./helpers/accounts";
import { uploadForm } from "./helpers/media";
import { pageText, signInWithCookie, type Browser } from "./helpers/pages";
import { queueStates, sharedMedia, startShoebox, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";
import { peopleInFacePhotos } from "./helpers/faces";

const facesDir = join(sharedMedia, "faces");
const noFaces = existsSync(facesDir) ? false : `no face photos at ${facesDir}`;

interface ApiPerson {
  id: string;
  name: string;
  isHidden: boolean;
  thumbnailPath: string;
}
interface ApiFace {
  id: string;
  boundingBoxX1: number;
  imageWidth: number;
  person: ApiPerson | null;
}
interface Found {
  file: string;
  assetId: string;
  faceId: string;
  who: string;
  personId: string | null;
}

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  assert.equal(response.status, status, `${response.url}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function uploadFile(client: Client, file: string): Promise<string> {
  const bytes = readFileSync(join(facesDir, file));
  const response = await client.fetch("/api/assets", {
    method: "POST",
    body: uploadForm({ bytes, name: file.replace(/\//g, "_") }),
  });
  return (await json<{ id: string }>(response, 201)).id;
}

// Pairwise precision and recall: of the pairs of faces put with one person, how many are one
// person; of the pairs of faces of one person, how many were put together.
function pairwise(found: Found[]): { precision: number; recall: number; predicted: number; actual: number } {
  let together = 0;
  let right = 0;
  let same = 0;
  for (let i = 0; i < found.length; i++) {
    for (let j = i + 1; j < found.length; j++) {
      const a = found[i]!;
      const b = found[j]!;
      const predicted = a.personId !== null && a.personId === b.personId;
      const actual = a.who === b.who;
      if (predicted) together++;
      if (actual) same++;
      if (predicted && actual) right++;
    }
  }
  return {
    precision: together ? right / together : 1,
    recall: same ? right / same : 1,
    predicted: together,
    actual: same,
  };
}

describe("faces and people", { skip: noFaces }, () => {
  let shoebox: Shoebox;
  let alice: Client;
  let bob: Client;
  const assetOf = new Map<string, string>();
  const found: Found[] = [];

  const facesOf = async (client: Client, assetId: string) =>
    json<ApiFace[]>(await client.fetch(`/api/faces?id=${assetId}`));
  const personOf = (who: string) => {
    const ids = found.filter((f) => f.who === who && f.personId).map((f) => f.personId!);
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  };

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
    const started = Date.now();
    for (const file of Object.keys(peopleInFacePhotos)) assetOf.set(file, await uploadFile(alice, file));
    const api = (path: string) => alice.fetch(path);
    await waitForQueuesToDrain({ api });
    console.log(
      `${assetOf.size} photos uploaded, their faces found and clustered in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const [file, who] of Object.entries(peopleInFacePhotos)) {
      const faces = await facesOf(alice, assetOf.get(file)!);
      assert.equal(
        faces.length,
        who.length,
        `${file}: ${faces.length} faces found on the preview, ${who.length} in the photo`,
      );
      faces.forEach((face, i) =>
        found.push({
          file,
          assetId: assetOf.get(file)!,
          faceId: face.id,
          who: who[i]!,
          personId: face.person?.id ?? null,
        }),
      );
    }
  });

  after(async () => {
    await shoebox?.stop();
  });

  it("finds the people in the photos: pairwise precision at least 0.9, each person's faces together", async () => {
    // The cosine distances between the faces, read from the database itself (the API has no embeddings).
    const db = new Libsql(join(shoebox.dataDir, "shoebox.db"), { readonly: true });
    const same: number[] = [];
    const different: number[] = [];
    const distance = db.prepare(
      "SELECT vector_distance_cos(a.embedding, b.embedding) AS d FROM faces a, faces b WHERE a.id = ? AND b.id = ?",
    );
    for (let i = 0; i < found.length; i++) {
      for (let j = i + 1; j < found.length; j++) {
        const d = (distance.get(found[i]!.faceId, found[j]!.faceId) as { d: number }).d;
        (found[i]!.who === found[j]!.who ? same : different).push(d);
      }
    }
    db.close();
    const { precision, recall, predicted, actual } = pairwise(found);
    const { maxDistance, minFaces } = defaults.faces;
    console.log(
      `cosine distance of the same person's faces ${Math.min(...same).toFixed(3)}..${Math.max(...same).toFixed(3)}, of different people's ${Math.min(...different).toFixed(3)}..${Math.max(...different).toFixed(3)}`,
    );
    console.log(
      `clustering with maxDistance ${maxDistance}, minFaces ${minFaces}: pairwise precision ${precision.toFixed(3)} (${predicted} pairs put together), recall ${recall.toFixed(3)} (${actual} pairs of one person)`,
    );
    for (const f of found) console.log(`  ${f.file} ${f.who} → ${f.personId ?? "nobody"}`);
    assert.ok(precision >= 0.9, `pairwise precision ${precision}`);

    const obama = personOf("obama");
    const biden = personOf("biden");
    assert.ok(obama && biden && obama !== biden, "Obama and Biden are two people");
    const obamas = found.filter((f) => f.who === "obama");
    const bidens = found.filter((f) => f.who === "biden");
    assert.ok(
      obamas.every((f) => f.personId === obama),
      "every face of Obama is with one person",
    );
    assert.ok(bidens.filter((f) => f.personId === biden).length >= 3, "Biden's faces are with one person");
    // Someone seen once is nobody yet (DBSCAN's noise), not a person of their own.
    for (const who of ["collins", "girl"]) assert.equal(found.find((f) => f.who === who)!.personId, null, who);

    const list = await json<{ total: number; hidden: number; people: ApiPerson[] }>(await alice.fetch("/api/people"));
    assert.equal(list.total, new Set(found.flatMap((f) => (f.personId ? [f.personId] : []))).size);
    assert.equal(list.hidden, 0);
    // The asset carries its people, in Immich's shape.
    const asset = await json<{ people: Array<{ id: string; faces: unknown[] }> }>(
      await alice.fetch(`/api/assets/${assetOf.get("face_recognition/two_people.jpg")}`),
    );
    assert.deepEqual(asset.people.map((p) => p.id).sort(), [obama, biden].sort());
    assert.ok(asset.people.every((p) => p.faces.length === 1));
  });

  it("shows a person by their face, cut from the preview", async () => {
    const obama = personOf("obama")!;
    const response = await alice.fetch(`/api/people/${obama}/thumbnail`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "image/jpeg");
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    assert.deepEqual([meta.width, meta.height], [250, 250]);
  });

  it("renames, moves a face, hides and merges", async () => {
    const obama = personOf("obama")!;
    const biden = personOf("biden")!;
    const renamed = await json<ApiPerson>(await alice.json("PUT", `/api/people/${obama}`, { name: "Barack Obama" }));
    assert.equal(renamed.name, "Barack Obama");
    await json(await alice.json("PUT", `/api/people/${biden}`, { name: "Joe Biden" }));
    const list = await json<{ people: ApiPerson[] }>(await alice.fetch("/api/people"));
    assert.deepEqual(
      list.people.slice(0, 2).map((p) => p.name),
      ["Barack Obama", "Joe Biden"],
    );

    // Immich's form: the person in the path, the face in the body; and the other way round.
    const bidenFace = found.find((f) => f.who === "biden" && f.personId === biden)!;
    assert.equal(
      (await json<ApiPerson>(await alice.json("PUT", `/api/faces/${obama}`, { id: bidenFace.faceId }))).id,
      obama,
    );
    assert.equal((await facesOf(alice, bidenFace.assetId)).find((f) => f.id === bidenFace.faceId)!.person!.id, obama);
    assert.equal(
      (await json<ApiPerson>(await alice.json("PUT", `/api/faces/${bidenFace.faceId}`, { personId: biden }))).id,
      biden,
    );
    assert.equal((await facesOf(alice, bidenFace.assetId)).find((f) => f.id === bidenFace.faceId)!.person!.id, biden);

    const hidden = await json<ApiPerson>(await alice.json("PUT", `/api/people/${biden}`, { isHidden: true }));
    assert.equal(hidden.isHidden, true);
    const visible = await json<{ people: ApiPerson[]; hidden: number }>(await alice.fetch("/api/people"));
    assert.ok(!visible.people.some((p) => p.id === biden));
    assert.equal(visible.hidden, 1);
    const all = await json<{ people: ApiPerson[] }>(await alice.fetch("/api/people?withHidden=true"));
    assert.ok(all.people.some((p) => p.id === biden));
    await json(await alice.json("PUT", `/api/people/${biden}`, { isHidden: false }));

    // Through the pages: the grid, the person's own page, the viewer's details, a rename by form.
    const browser: Browser = await signInWithCookie(shoebox.url, alice.email, alice.password);
    const grid = await pageText(await browser.get("/people"));
    assert.match(grid, /Barack Obama/);
    assert.match(grid, new RegExp(`/api/people/${obama}/thumbnail`));
    const page = await pageText(await browser.get(`/people/${obama}`));
    assert.match(page, new RegExp(`/photos/${assetOf.get("face_recognition/obama1.jpg")}`));
    const viewer = await pageText(
      await browser.get(`/photos/${assetOf.get("face_recognition/two_people.jpg")}?info=1`),
    );
    assert.match(viewer, /Barack Obama/);
    assert.match(viewer, /Joe Biden/);
    const rename = await browser.post(`/people/${biden}/name`, { name: "Joseph Biden" });
    assert.equal(rename.status, 303);
    assert.equal((await json<ApiPerson>(await alice.fetch(`/api/people/${biden}`))).name, "Joseph Biden");
    assert.equal((await browser.post(`/people/${biden}/name`, { name: "x" }, { csrf: false })).status, 403);

    const merged = await json<Array<{ id: string; success: boolean }>>(
      await alice.json("POST", `/api/people/${obama}/merge`, { ids: [biden] }),
    );
    assert.deepEqual(merged, [{ id: biden, success: true }]);
    assert.equal((await alice.fetch(`/api/people/${biden}`)).status, 404);
    assert.equal((await facesOf(alice, bidenFace.assetId)).find((f) => f.id === bidenFace.faceId)!.person!.id, obama);
  });

  it("shows another user none of it, a partner included", async () => {
    const obama = personOf("obama")!;
    const assetId = assetOf.get("face_recognition/two_people.jpg")!;
    const faceId = found.find((f) => f.assetId === assetId)!.faceId;
    const mine = await json<{ total: number; people: unknown[] }>(await bob.fetch("/api/people?withHidden=true"));
    assert.equal(mine.total, 0);
    for (const [method, path, body] of [
      ["GET", `/api/people/${obama}`],
      ["GET", `/api/people/${obama}/thumbnail`],
      ["PUT", `/api/people/${obama}`, { name: "Stolen" }],
      ["POST", `/api/people/${obama}/merge`, { ids: [obama] }],
      ["PUT", `/api/faces/${faceId}`, { personId: obama }],
      ["PUT", `/api/faces/${obama}`, { id: faceId }],
      ["GET", `/api/faces?id=${assetId}`],
    ] as Array<[string, string, unknown?]>) {
      const response = await bob.json(method, path, body);
      const text = await response.text();
      assert.equal(response.status, 404, `${method} ${path}: ${text}`);
      assert.ok(!text.includes("Barack"), `${method} ${path} leaked a name`);
    }
    const bobsBrowser = await signInWithCookie(shoebox.url, bob.email, bob.password);
    assert.equal((await bobsBrowser.get(`/people/${obama}`)).status, 404);
    assert.doesNotMatch(await pageText(await bobsBrowser.get("/people")), /Barack/);

    // A partner sees the photos, not whom they show.
    await json(await alice.json("POST", "/api/partners", { sharedWithId: bob.userId }), 201);
    const asset = await json<{ id: string; people?: unknown[] }>(await bob.fetch(`/api/assets/${assetId}`));
    assert.equal(asset.people, undefined);
    assert.deepEqual(await facesOf(bob, assetId), []);
    assert.doesNotMatch(await pageText(await bobsBrowser.get(`/photos/${assetId}?info=1`)), /Barack/);
    assert.equal((await json<ApiPerson>(await alice.fetch(`/api/people/${obama}`))).name, "Barack Obama");
  });
});

describe("ML=off", { skip: noFaces }, () => {
  let shoebox: Shoebox;
  before(async () => {
    shoebox = await startShoebox({ env: { ML: "off" } });
  });
  after(async () => {
    await shoebox?.stop();
  });

  it("queues no face job at all", async () => {
    const bytes = readFileSync(join(facesDir, "face_recognition/two_people.jpg"));
    const response = await shoebox.api("/api/assets", {
      method: "POST",
      body: uploadForm({ bytes, name: "two_people.jpg" }),
    });
    const { id } = await json<{ id: string }>(response, 201);
    const queues = await waitForQueuesToDrain(shoebox);
    const thumbnails = queues.find((q) => q.name === "thumbnailGeneration")!;
    assert.ok(thumbnails.statistics.completed >= 1, "the thumbnails were made");
    for (const name of ["faceDetection", "facialRecognition"]) {
      const queue = (await queueStates(shoebox)).find((q) => q.name === name)!;
      assert.deepEqual(
        queue.statistics,
        { active: 0, completed: 0, failed: 0, delayed: 0, waiting: 0, paused: 0 },
        name,
      );
    }
    assert.deepEqual(await json(await shoebox.api(`/api/faces?id=${id}`)), []);
    assert.equal((await json<{ total: number }>(await shoebox.api("/api/people"))).total, 0);
  });
});
