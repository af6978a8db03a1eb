// Every route, walked by a second user against the first user's things, and by a key that may only
// upload. The tables below must name every operation of the OpenAPI document and every page route:
// a route added later without a case fails here, and one added without an access check fails its case.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { videoTools } from "../workers/media/video";
import { Browser, csrfOf, signInWithCookie } from "./helpers/pages";
import { makeDataDir, projectRoot, startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";
import { makeJpeg, uploadForm } from "./helpers/media";
import { signIn, type Client } from "./helpers/accounts";

interface Fixtures {
  alice: Client;
  bob: Client;
  assetId: string;
  videoId: string;
  albumId: string;
  linkId: string;
  linkKey: string;
  apiKeyId: string;
  sessionId: string;
  checksum: string;
  // A direct upload of Alice's, put but not completed.
  uploadId: string;
  // A key of Alice's that may only upload, as the README's phone recipes make.
  uploadOnlyKey: string;
}

interface Case {
  // The status the second user must get.
  status: number | number[];
  body?: (f: Fixtures) => unknown;
  query?: string;
  // Needs a session of its own (it signs out or changes the password).
  ownSession?: boolean;
}

const notFound: Case = { status: 404 };
const adminOnly: Case = { status: 403 };

// Keyed by "METHOD /path" as in the OpenAPI document. Path parameters are filled with the first
// user's ids (see `fill`).
const cases: Record<string, Case> = {
  "GET /api/admin/users": adminOnly,
  "POST /api/admin/users": {
    ...adminOnly,
    body: () => ({ email: "mallory@example.com", password: "mallory-pass", name: "Mallory" }),
  },
  "GET /api/admin/users/{id}": adminOnly,
  "PUT /api/admin/users/{id}": { ...adminOnly, body: () => ({ quotaSizeInBytes: 0 }) },
  "DELETE /api/admin/users/{id}": { ...adminOnly, body: () => ({ force: true }) },
  "POST /api/admin/users/{id}/restore": adminOnly,
  "GET /api/admin/users/{id}/statistics": adminOnly,
  "GET /api/admin/integrity": adminOnly,
  "POST /api/admin/integrity/check": adminOnly,

  "GET /api/albums": { status: 200 },
  "POST /api/albums": { status: 201, body: (f) => ({ albumName: "Bob's", assetIds: [f.assetId] }) },
  "GET /api/albums/{id}": notFound,
  "PATCH /api/albums/{id}": { ...notFound, body: () => ({ albumName: "taken over" }) },
  "DELETE /api/albums/{id}": notFound,
  "PUT /api/albums/{id}/assets": { ...notFound, body: (f) => ({ ids: [f.assetId] }) },
  "DELETE /api/albums/{id}/assets": { ...notFound, body: (f) => ({ ids: [f.assetId] }) },
  "PUT /api/albums/{id}/users": {
    ...notFound,
    body: (f) => ({ albumUsers: [{ userId: f.bob.userId, role: "editor" }] }),
  },
  "PUT /api/albums/{id}/user/{userId}": { ...notFound, body: () => ({ role: "editor" }) },
  "DELETE /api/albums/{id}/user/{userId}": notFound,

  "POST /api/api-keys": { status: 201, body: () => ({ name: "bob's", permissions: ["all"] }) },
  "GET /api/api-keys": { status: 200 },
  // Bob signs in with a session, not a key.
  "GET /api/api-keys/me": { status: 403 },
  "GET /api/api-keys/{id}": notFound,
  "PUT /api/api-keys/{id}": { ...notFound, body: () => ({ name: "renamed" }) },
  "DELETE /api/api-keys/{id}": notFound,

  // Bob's own library knows nothing of Alice's copy of the same file.
  "PUT /api/assets": { ...notFound, body: (f) => ({ ids: [f.assetId], isFavorite: true, visibility: "archive" }) },
  "PUT /api/assets/{id}": {
    ...notFound,
    body: () => ({ isFavorite: true, dateTimeOriginal: "2001-01-01T00:00:00+00:00" }),
  },
  "POST /api/assets/bulk-upload-check": { status: 200, body: (f) => ({ assets: [{ id: "x", checksum: f.checksum }] }) },
  "POST /api/assets/exist": {
    status: 200,
    body: () => ({ deviceAssetIds: ["alice-secret-beach.jpg"], deviceId: "test" }),
  },
  // Counts of Bob's own library.
  "GET /api/assets/statistics": { status: 200, query: "isFavorite=false" },
  "DELETE /api/assets": { ...notFound, body: (f) => ({ ids: [f.assetId], force: true }) },
  "POST /api/assets": { status: 201 },
  "GET /api/assets/{id}/video/playback": notFound,
  "GET /api/assets/{id}": notFound,
  "GET /api/assets/{id}/original": notFound,
  "GET /api/assets/{id}/thumbnail": notFound,

  "POST /api/auth/logout": { status: 200, ownSession: true },
  "POST /api/auth/change-password": {
    status: 400,
    ownSession: true,
    body: () => ({ password: "not-bobs-password", newPassword: "new-password" }),
  },
  "POST /api/auth/validateToken": { status: 200 },

  // Bob's map holds his own photos only (tests/map.test.ts puts both users' photos on it).
  // External libraries are the admin's to manage.
  "GET /api/libraries": adminOnly,
  "POST /api/libraries": { ...adminOnly, body: (f) => ({ ownerId: f.bob.userId, importPaths: ["/"] }) },
  "GET /api/libraries/{id}": adminOnly,
  "PUT /api/libraries/{id}": { ...adminOnly, body: () => ({ watch: true, importPaths: ["/"] }) },
  "DELETE /api/libraries/{id}": adminOnly,
  "POST /api/libraries/{id}/scan": adminOnly,
  "GET /api/libraries/{id}/statistics": adminOnly,
  "POST /api/libraries/{id}/validate": { ...adminOnly, body: () => ({ importPaths: ["/"] }) },

  "GET /api/map/markers": { status: 200, query: "withPartners=true" },
  "GET /api/map/clusters": { status: 200, query: "zoom=2&west=-180&south=-90&east=180&north=90" },
  "GET /api/map/assets": { status: 200, query: "west=-180&south=-90&east=180&north=90" },

  // People are their owner's alone ({id} is no person of Bob's; tests/people.test.ts walks Alice's).
  "GET /api/people": { status: 200, query: "withHidden=true" },
  "GET /api/people/{id}": notFound,
  "PUT /api/people/{id}": { ...notFound, body: () => ({ name: "taken over", isHidden: true }) },
  "POST /api/people/{id}/merge": { ...notFound, body: (f) => ({ ids: [f.alice.userId] }) },
  "GET /api/people/{id}/thumbnail": notFound,
  "GET /api/people/{id}/merge-suggestions": notFound,
  // The faces of Alice's asset (the query names an asset id that is not Bob's either way).
  "GET /api/faces": { ...notFound, query: "id=00000000-0000-4000-8000-000000000000" },
  "PUT /api/faces/{id}": { ...notFound, body: (f) => ({ personId: f.alice.userId }) },

  "GET /api/partners": { status: 200, query: "direction=shared-with" },
  // Bob sharing his own library with Alice is his to do; Alice's is not.
  "POST /api/partners": { status: 201, body: (f) => ({ sharedWithId: f.alice.userId }) },
  "POST /api/partners/{id}": { status: 400 },
  "PUT /api/partners/{id}": { ...notFound, body: () => ({ inTimeline: true }) },
  "DELETE /api/partners/{id}": { status: 204 },

  "GET /api/queues": adminOnly,
  "GET /api/queues/{name}": adminOnly,
  "PUT /api/queues/{name}": { ...adminOnly, body: () => ({ isPaused: true }) },
  "GET /api/queues/{name}/jobs": adminOnly,
  "DELETE /api/queues/{name}/jobs": adminOnly,
  "POST /api/queues/{name}/retry": adminOnly,
  "GET /api/jobs": adminOnly,
  "PUT /api/jobs/{name}": { ...adminOnly, body: () => ({ command: "start", force: true }) },

  // Search looks in Bob's own library only: none of Alice's files match.
  "POST /api/search/metadata": { status: 200, body: () => ({ originalFileName: "alice-secret" }) },
  // This server has no CLIP model (tests/smart-search.test.ts checks isolation with one).
  "POST /api/search/smart": { status: 400, body: () => ({ query: "alice-secret" }) },

  "GET /api/server/statistics": adminOnly,
  "GET /api/server/about": { status: 200 },

  "GET /api/sessions": { status: 200 },
  "DELETE /api/sessions": { status: 204 },
  "DELETE /api/sessions/{id}": notFound,

  // Bob's stream of what others share with him: none of Alice's things are in it (the secrets check
  // reads every line). His own assets are left out: his copy of Alice's file has her checksum.
  "POST /api/sync/stream": {
    status: 200,
    body: () => ({
      types: [
        "AuthUsersV1",
        "UsersV1",
        "PartnersV1",
        "PartnerAssetsV2",
        "PartnerAssetExifsV1",
        "AlbumsV2",
        "AlbumUsersV1",
        "AlbumAssetsV2",
        "AlbumToAssetsV1",
        "AlbumAssetExifsV1",
      ],
    }),
  },
  "GET /api/sync/ack": { status: 200 },
  "POST /api/sync/ack": { status: 204, body: () => ({ acks: ["AssetV2|1"] }) },
  "DELETE /api/sync/ack": { status: 204, body: () => ({ types: ["AssetV2"] }) },

  "GET /api/shared-links": { status: 200 },
  "POST /api/shared-links": { ...notFound, body: (f) => ({ type: "INDIVIDUAL", assetIds: [f.assetId] }) },
  "GET /api/shared-links/{id}": notFound,
  "PATCH /api/shared-links/{id}": { ...notFound, body: () => ({ allowDownload: true, showMetadata: true }) },
  "DELETE /api/shared-links/{id}": notFound,
  "PUT /api/shared-links/{id}/assets": { ...notFound, body: (f) => ({ assetIds: [f.assetId] }) },
  "DELETE /api/shared-links/{id}/assets": { ...notFound, body: (f) => ({ assetIds: [f.assetId] }) },

  "GET /api/timeline/buckets": { status: 200, query: "withPartners=true" },
  "GET /api/timeline/bucket": { status: 200, query: "withPartners=true&timeBucket=2024-05-01" },

  // Bob's own trash, which is empty; Alice's asset is not in it.
  "POST /api/trash/restore": { status: 200 },
  "POST /api/trash/restore/assets": { status: 200, body: (f) => ({ ids: [f.assetId] }) },
  "POST /api/trash/empty": { status: 200 },

  // Bob's own upload, into Bob's library.
  "POST /api/uploads/raw": { status: 201 },
  "POST /api/uploads": { status: 201, body: () => ({ filename: "bobs-direct.jpg", size: 1000 }) },
  "POST /api/uploads/{uploadId}/complete": notFound,

  "POST /api/download/archive": { ...notFound, body: (f) => ({ assetIds: [f.assetId, f.videoId] }) },

  // Bob's own groups (none); Alice's groups, by any id, do not exist for him (tests/duplicates.test.ts
  // tries her real ones).
  "GET /api/duplicates": { status: 200 },
  "DELETE /api/duplicates": { ...notFound, body: (f) => ({ ids: [f.assetId] }) },
  "DELETE /api/duplicates/{id}": notFound,
  "POST /api/duplicates/{id}/resolve": { ...notFound, body: (f) => ({ keepAssetIds: [f.assetId] }) },

  "GET /api/users/me": { status: 200 },
  "PUT /api/users/me": { status: 200, body: () => ({ name: "Bob B." }) },
  "GET /api/users/me/preferences": { status: 200 },
  "PUT /api/users/me/preferences": { status: 200, body: () => ({ memories: { enabled: false } }) },
  // Nobody has a profile picture on Shoebox.
  "GET /api/users/{id}/profile-image": notFound,
  // The user directory is how people pick whom to share with: names are visible by design.
  "GET /api/users": { status: 200 },
  "GET /api/users/{id}": { status: 200 },
};

interface Operation {
  method: string;
  path: string;
  isPublic: boolean;
  sharedLink: boolean;
}

let shoebox: Shoebox;
let fixtures: Fixtures;
let operations: Operation[];
// Values that must never reach Bob.
let secrets: string[];

function fill(path: string, f: Fixtures): string {
  return path
    .replace(/^\/api\/assets\/\{id\}\/video/, `/api/assets/${f.videoId}/video`)
    .replace(/^\/api\/assets\/\{id\}/, `/api/assets/${f.assetId}`)
    .replace(/^\/api\/albums\/\{id\}/, `/api/albums/${f.albumId}`)
    .replace(/^\/api\/shared-links\/\{id\}/, `/api/shared-links/${f.linkId}`)
    .replace(/^\/api\/api-keys\/\{id\}/, `/api/api-keys/${f.apiKeyId}`)
    .replace(/^\/api\/sessions\/\{id\}/, `/api/sessions/${f.sessionId}`)
    .replace(/\{uploadId\}/, f.uploadId)
    .replace(/\{name\}/, "metadataExtraction")
    .replace(/\{userId\}/, f.alice.userId)
    .replace(/\{id\}/, f.alice.userId);
}

async function directUpload(alice: Client): Promise<string> {
  const image = await makeJpeg(77);
  const announced = await alice.json("POST", "/api/uploads", {
    filename: "alice-secret-direct.jpg",
    size: image.bytes.byteLength,
  });
  const ticket = (await announced.json()) as { uploadId: string; url: string };
  assert.equal((await fetch(ticket.url, { method: "PUT", body: image.bytes })).status, 200);
  return ticket.uploadId;
}

async function makeVideo(dir: string): Promise<Uint8Array> {
  const { ffmpeg } = await videoTools();
  const path = join(dir, "clip.mp4");
  execFileSync(ffmpeg, [
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=160x120:rate=10",
    "-t",
    "1",
    "-c:v",
    "mpeg4",
    path,
  ]);
  return readFileSync(path);
}

async function uploadAs(client: Client, bytes: Uint8Array, name: string): Promise<{ id: string; status: string }> {
  const response = await client.fetch("/api/assets", { method: "POST", body: uploadForm({ bytes, name }) });
  assert.ok(response.status === 201 || response.status === 200, `upload of ${name}: ${response.status}`);
  return (await response.json()) as { id: string; status: string };
}

before(async () => {
  shoebox = await startShoebox({ signUp: false });
  const alice = await signIn(shoebox.url, {
    email: "alice@example.com",
    password: "alice-password",
    name: "Alice",
    admin: true,
  });
  const bob = await signIn(shoebox.url, {
    email: "bob@example.com",
    password: "bob-password",
    name: "Bob",
    createdBy: alice,
  });

  const photo = await makeJpeg(7, { IFD0: { Make: "AliceCam", Model: "Secret 1" } });
  const asset = await uploadAs(alice, photo.bytes, "alice-secret-beach.jpg");
  const video = await uploadAs(alice, await makeVideo(makeDataDir()), "alice-secret-clip.mp4");
  const album = (await (
    await alice.json("POST", "/api/albums", { albumName: "Alice private album", assetIds: [asset.id] })
  ).json()) as { id: string };
  const link = (await (await alice.json("POST", "/api/shared-links", { type: "ALBUM", albumId: album.id })).json()) as {
    id: string;
    key: string;
  };
  const key = (await (await alice.json("POST", "/api/api-keys", { name: "alice's", permissions: ["all"] })).json()) as {
    secret: string;
    apiKey: { id: string };
  };
  const sessions = (await (await alice.fetch("/api/sessions")).json()) as Array<{ id: string; current: boolean }>;
  const checksum = ((await (await alice.fetch(`/api/assets/${asset.id}`)).json()) as { checksum: string }).checksum;
  // The thumbnail exists, so that a missing check would answer 200 rather than "no thumbnail yet".
  await waitFor("Alice's thumbnail", async () => (await alice.fetch(`/api/assets/${asset.id}/thumbnail`)).ok);

  fixtures = {
    alice,
    bob,
    assetId: asset.id,
    videoId: video.id,
    albumId: album.id,
    linkId: link.id,
    linkKey: link.key,
    apiKeyId: key.apiKey.id,
    sessionId: sessions.find((s) => s.current)!.id,
    checksum,
    uploadId: await directUpload(alice),
    uploadOnlyKey: (
      (await (await alice.json("POST", "/api/api-keys", { name: "phone", permissions: ["asset.upload"] })).json()) as {
        secret: string;
      }
    ).secret,
  };
  secrets = [
    fixtures.uploadId,
    asset.id,
    video.id,
    album.id,
    link.id,
    link.key,
    key.apiKey.id,
    key.secret,
    fixtures.sessionId,
    alice.token,
    checksum,
    "alice-secret",
    "Alice private album",
    "AliceCam",
  ];

  const spec = (await (await fetch(`${shoebox.url}/api/spec.json`)).json()) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      isPublic: operation["x-shoebox-public"] === true,
      sharedLink: operation["x-immich-shared-link"] === true,
    })),
  );
});

after(async () => {
  await shoebox?.stop();
});

test("every operation either is public or names its permission, and has an isolation case", () => {
  const missing = operations
    .filter((op) => !op.isPublic && !cases[`${op.method} ${op.path}`])
    .map((op) => `${op.method} ${op.path}`);
  assert.deepEqual(missing, [], "routes without an isolation case: add one to the table in tests/isolation.test.ts");
  const stale = Object.keys(cases).filter((key) => !operations.some((op) => `${op.method} ${op.path}` === key));
  assert.deepEqual(stale, [], "cases for routes that no longer exist");
  assert.ok(operations.length > 50);
});

test("without credentials, every guarded operation answers 401", async () => {
  for (const op of operations.filter((o) => !o.isPublic)) {
    const body = cases[`${op.method} ${op.path}`]?.body?.(fixtures);
    const response = await fetch(`${shoebox.url}${fill(op.path, fixtures)}`, {
      method: op.method,
      ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
    });
    assert.equal(response.status, 401, `${op.method} ${op.path}`);
    await response.body?.cancel();
  }
});

test("a second user gets 404 for the first user's things, never their data", async () => {
  const bobUpload = await makeJpeg(7, { IFD0: { Make: "AliceCam", Model: "Secret 1" } });
  for (const op of operations.filter((o) => !o.isPublic)) {
    const name = `${op.method} ${op.path}`;
    const spec = cases[name]!;
    const client = spec.ownSession ? await fixtures.bob.newSession() : fixtures.bob;
    const url = fill(op.path, fixtures) + (spec.query ? `?${spec.query}` : "");
    const response =
      name === "POST /api/assets"
        ? await client.fetch(url, {
            method: "POST",
            body: uploadForm({ bytes: bobUpload.bytes, name: "bobs-copy.jpg" }),
          })
        : name === "POST /api/uploads/raw"
          ? await client.fetch(url, {
              method: "POST",
              headers: { "x-file-name": "bobs-raw.jpg" },
              body: (await makeJpeg(8)).bytes,
            })
          : await client.json(op.method, url, spec.body?.(fixtures));
    const text = await response.text();
    const expected = Array.isArray(spec.status) ? spec.status : [spec.status];
    assert.ok(
      expected.includes(response.status),
      `${name}: expected ${expected.join(" or ")}, got ${response.status} ${text.slice(0, 200)}`,
    );
    for (const secret of secrets) assert.ok(!text.includes(secret), `${name} leaked ${secret}: ${text.slice(0, 300)}`);
  }
});

test("a shared link's visitor sees what it shares and nothing more", async () => {
  const key = fixtures.linkKey;
  const inLink = await fetch(`${shoebox.url}/api/assets/${fixtures.assetId}?key=${key}`);
  assert.equal(inLink.status, 200);
  assert.equal(((await inLink.json()) as { id: string }).id, fixtures.assetId);
  // The video is Alice's, but not in the album the link shares.
  for (const path of [
    `/api/assets/${fixtures.videoId}`,
    `/api/assets/${fixtures.videoId}/thumbnail`,
    `/api/assets/${fixtures.videoId}/video/playback`,
  ]) {
    const response = await fetch(`${shoebox.url}${path}?key=${key}`);
    assert.equal(response.status, 404, path);
    await response.body?.cancel();
  }
  // On routes that do not take links, the key is no credential at all.
  for (const op of operations.filter((o) => !o.isPublic && !o.sharedLink)) {
    const response = await fetch(`${shoebox.url}${fill(op.path, fixtures)}?key=${key}`, { method: op.method });
    assert.equal(response.status, 401, `${op.method} ${op.path}`);
    await response.body?.cancel();
  }
});

test("after all that, the first user's things are as they were", async () => {
  const { alice } = fixtures;
  assert.equal((await alice.fetch(`/api/assets/${fixtures.assetId}`)).status, 200);
  assert.equal((await alice.fetch(`/api/assets/${fixtures.videoId}`)).status, 200);
  const album = (await (await alice.fetch(`/api/albums/${fixtures.albumId}`)).json()) as {
    albumName: string;
    assetCount: number;
    albumUsers: unknown[];
  };
  assert.equal(album.albumName, "Alice private album");
  assert.equal(album.assetCount, 1);
  assert.deepEqual(album.albumUsers, []);
  const link = (await (await fetch(`${shoebox.url}/api/shared-links/me?key=${fixtures.linkKey}`)).json()) as {
    allowDownload: boolean;
    assets: unknown[];
  };
  assert.equal(link.assets.length, 1);
  assert.equal((await alice.fetch(`/api/api-keys/${fixtures.apiKeyId}`)).status, 200);
  const queues = await alice.fetch("/api/queues/metadataExtraction");
  assert.equal(((await queues.json()) as { isPaused: boolean }).isPaused, false);
  const me = (await (await alice.fetch("/api/users/me")).json()) as { quotaSizeInBytes: number | null; status: string };
  assert.equal(me.quotaSizeInBytes, null);
  assert.equal(me.status, "active");
});

// The HTML pages, for browsers. Keyed by "METHOD /path" as Hono routes them. `bob`: what the second
// user's browser gets (a redirect counts as refused only when it leads to the sign-in form); public
// pages (sign-in, links) are open by design and say so.
interface PageCase {
  bob: number | "public";
  form?: (f: Fixtures) => Record<string, string>;
}

const nowhere = "00000000-0000-4000-8000-000000000000";
const pageCases: Record<string, PageCase> = {
  "GET /": { bob: 200 },
  "GET /favorites": { bob: 200 },
  "GET /archive": { bob: 200 },
  "GET /trash": { bob: 200 },
  "GET /recent": { bob: 200 },
  "GET /timeline/months/:month": { bob: 200 },
  "GET /photos/:id": { bob: 404 },
  "POST /photos/:id/favorite": { bob: 404 },
  "POST /photos/:id/trash": { bob: 404 },
  "POST /photos/:id/restore": { bob: 404 },
  "POST /photos/:id/delete": { bob: 404 },
  "POST /photos/:id/date": { bob: 404, form: () => ({ date: "2001-01-01", time: "10:00", zone: "+00:00" }) },
  "POST /photos/:id/place": { bob: 404, form: () => ({ latitude: "1", longitude: "1" }) },
  // Others find no administration at all.
  "GET /admin": { bob: 404 },
  "GET /admin/queues": { bob: 404 },
  "GET /admin/integrity": { bob: 404 },
  "GET /admin/libraries": { bob: 404 },
  "POST /admin/integrity/check": { bob: 404 },
  "POST /admin/users": {
    bob: 404,
    form: () => ({ name: "Mallory", email: "mallory-page@example.com", password: "mallory-password", isAdmin: "on" }),
  },
  "POST /admin/users/:id": { bob: 404, form: () => ({ name: "Taken", email: "alice@example.com", isAdmin: "on" }) },
  "POST /admin/users/:id/remove": { bob: 404 },
  "POST /admin/users/:id/restore": { bob: 404 },
  "POST /admin/libraries": { bob: 404, form: () => ({ name: "x", importPaths: "/" }) },
  "POST /admin/libraries/:id/scan": { bob: 404 },
  "POST /admin/libraries/:id/delete": { bob: 404 },
  "POST /admin/queues/:name/retry": { bob: 404 },
  "POST /admin/queues/:name/pause": { bob: 404 },
  "POST /admin/queues/:name/resume": { bob: 404 },
  "POST /admin/queues/:name/start": { bob: 404 },
  // Bob's own albums, and a new one of his; Alice's are not there for him.
  "GET /albums": { bob: 200 },
  "POST /albums": { bob: 303, form: () => ({ albumName: "Bob's page album" }) },
  "GET /albums/:id": { bob: 404 },
  "GET /albums/:id/tiles": { bob: 404 },
  "GET /albums/:id/add": { bob: 404 },
  "POST /albums/:id/assets": { bob: 404, form: (f) => ({ ids: f.assetId }) },
  "POST /albums/:id/assets/remove": { bob: 404, form: (f) => ({ ids: f.assetId }) },
  "POST /albums/:id/cover": { bob: 404, form: (f) => ({ assetId: f.assetId }) },
  "POST /albums/:id/details": { bob: 404, form: () => ({ albumName: "taken over" }) },
  "POST /albums/:id/order": { bob: 404, form: () => ({ order: "asc" }) },
  "POST /albums/:id/delete": { bob: 404 },
  "POST /albums/:id/users": { bob: 404, form: (f) => ({ userId: f.bob.userId, role: "editor" }) },
  "POST /albums/:id/users/:userId": { bob: 404, form: () => ({ role: "editor" }) },
  "POST /albums/:id/users/:userId/remove": { bob: 404 },
  "POST /albums/:id/links": { bob: 404, form: () => ({ allowDownload: "on", showMetadata: "on" }) },
  "POST /albums/:id/links/:linkId/remove": { bob: 404 },
  "GET /auth/login": { bob: "public" },
  "GET /auth/register": { bob: "public" },
  "POST /auth/login": { bob: "public" },
  "POST /auth/register": { bob: "public" },
  "POST /auth/logout": { bob: "public" },
  "GET /duplicates": { bob: 200 },
  "POST /duplicates/:id/resolve": { bob: 404 },
  "POST /duplicates/:id/dismiss": { bob: 404 },
  "GET /explore": { bob: 200 },
  // Bob has no photos of dogs (tests/explore.test.ts looks at tagged ones).
  "GET /explore/tags/:tag": { bob: 404 },
  "GET /map": { bob: 200 },
  "GET /people": { bob: 200 },
  "GET /people/:id": { bob: 404 },
  "POST /people/:id/name": { bob: 404, form: () => ({ name: "taken over" }) },
  "POST /people/:id/hide": { bob: 404 },
  "POST /people/:id/merge": { bob: 404, form: () => ({ into: nowhere }) },
  "GET /search": { bob: 200 },
  // A link's key is its credential: anyone who has it may look.
  "GET /share/:key": { bob: "public" },
  "POST /share/:key": { bob: "public" },
  "GET /share/:key/photos/:assetId": { bob: "public" },
};

function fillPage(path: string, f: Fixtures): string {
  return path
    .replace(/^\/photos\/:id/, `/photos/${f.assetId}`)
    .replace(/^\/albums\/:id/, `/albums/${f.albumId}`)
    .replace(":userId", f.alice.userId)
    .replace(":linkId", f.linkId)
    .replace(/^\/admin\/users\/:id/, `/admin/users/${f.alice.userId}`)
    .replace(/^\/share\/:key/, `/share/${f.linkKey}`)
    .replace(":assetId", f.assetId)
    .replace(":month", "2024-05")
    .replace(":tag", "dog")
    .replace(":name", "metadataExtraction")
    .replace(":id", nowhere);
}

async function pageRoutes(): Promise<string[]> {
  const { default: app } = (await import(join(projectRoot, "dist/functions.js"))) as {
    default: { routes: Array<{ method: string; path: string }> };
  };
  const routes = app.routes.filter(
    ({ method, path }) => ["GET", "POST"].includes(method) && !/^\/(api|static|\.well-known)(\/|$)/.test(path),
  );
  return [...new Set(routes.map(({ method, path }) => `${method} ${path}`))];
}

test("every page route has an isolation case", async () => {
  const routes = await pageRoutes();
  assert.deepEqual(
    routes.filter((route) => !pageCases[route]),
    [],
    "page routes without a case: add one to pageCases in tests/isolation.test.ts",
  );
  assert.deepEqual(
    Object.keys(pageCases).filter((key) => !routes.includes(key)),
    [],
    "cases for page routes that no longer exist",
  );
});

test("pages refuse API keys and tokens, GET and POST alike, and change nothing for them", async () => {
  const users = async () => ((await (await fixtures.alice.fetch("/api/admin/users")).json()) as unknown[]).length;
  const before = await users();
  for (const route of Object.keys(pageCases)) {
    const [method, path] = route.split(" ") as [string, string];
    const form = new URLSearchParams(pageCases[route]!.form?.(fixtures) ?? {});
    const credentials: Array<Record<string, string>> = [
      { "x-api-key": fixtures.uploadOnlyKey },
      { authorization: `Bearer ${fixtures.alice.token}` },
    ];
    for (const credential of credentials) {
      const response = await fetch(`${shoebox.url}${fillPage(path, fixtures)}`, {
        method,
        headers: credential,
        redirect: "manual",
        ...(method === "POST" ? { body: form } : {}),
      });
      const text = await response.text();
      assert.equal(response.status, 401, `${route} with ${Object.keys(credential)[0]}: ${text.slice(0, 200)}`);
    }
  }
  assert.equal(await users(), before, "no account was made");
  assert.equal((await fixtures.alice.fetch(`/api/assets/${fixtures.assetId}`)).status, 200);
});

test("a second user's browser gets 404 for the first user's pages, never their data", async () => {
  const bob = await signInWithCookie(shoebox.url, fixtures.bob.email, fixtures.bob.password);
  for (const [route, spec] of Object.entries(pageCases)) {
    if (spec.bob === "public") continue;
    const [method, path] = route.split(" ") as [string, string];
    const response =
      method === "GET"
        ? await bob.get(fillPage(path, fixtures))
        : await bob.post(fillPage(path, fixtures), spec.form?.(fixtures) ?? {});
    const text = await response.text();
    assert.equal(response.status, spec.bob, `${route}: ${text.slice(0, 200)}`);
    if (response.status === 302 || response.status === 303)
      assert.doesNotMatch(response.headers.get("location") ?? "", /\/auth\/login/, route);
    for (const secret of secrets) assert.ok(!text.includes(secret), `${route} leaked ${secret}`);
  }
  // Bob's browser is still signed in, and its CSRF token still his.
  assert.equal(csrfOf(await (await bob.get("/")).text()), bob.csrf);
});

test("without a browser session, every guarded page leads to the sign-in form", async () => {
  const anonymous = new Browser(shoebox.url);
  for (const [route, spec] of Object.entries(pageCases)) {
    if (spec.bob === "public") continue;
    const [method, path] = route.split(" ") as [string, string];
    const response =
      method === "GET"
        ? await anonymous.get(fillPage(path, fixtures))
        : await anonymous.post(fillPage(path, fixtures), spec.form?.(fixtures) ?? {});
    await response.body?.cancel();
    assert.equal(response.status, 302, route);
    assert.match(response.headers.get("location") ?? "", /^\/auth\/login/, route);
  }
});
