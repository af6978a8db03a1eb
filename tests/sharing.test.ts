// Sharing end to end: albums shared with other users as viewer or editor, public links with a
// password, an expiry and switches, and partners who see each other's library.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { videoTools } from "../workers/media/video";
import { startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";
import { makeJpeg, uploadForm } from "./helpers/media";
import { signIn, type Client } from "./helpers/accounts";

let shoebox: Shoebox;
let alice: Client;
let bob: Client;
let beach: string;
let dinner: string;

async function uploadAs(client: Client, seed: number, exif: Parameters<typeof makeJpeg>[1] = {}): Promise<string> {
  const photo = await makeJpeg(seed, exif);
  const response = await client.fetch("/api/assets", {
    method: "POST",
    body: uploadForm({ bytes: photo.bytes, name: `photo-${seed}.jpg` }),
  });
  assert.equal(response.status, 201);
  return ((await response.json()) as { id: string }).id;
}

async function body<T>(response: Response | Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

const gps = {
  IFD0: { Make: "Canon", Model: "EOS R6" },
  IFD3: { GPSLatitudeRef: "N", GPSLatitude: "38/1 43/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "9/1 8/1 0/1" },
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
  beach = await uploadAs(alice, 11, gps);
  dinner = await uploadAs(alice, 12);
  for (const id of [beach, dinner])
    await waitFor("thumbnails", async () => (await alice.fetch(`/api/assets/${id}/thumbnail`)).ok);
  await waitFor(
    "metadata",
    async () =>
      (await body<{ exifInfo?: { model: string | null } }>(alice.fetch(`/api/assets/${beach}`))).exifInfo?.model ===
      "EOS R6",
  );
});

after(async () => {
  await shoebox?.stop();
});

describe("albums shared with other users", () => {
  it("a viewer sees the album and its photos, and changes nothing", async () => {
    const album = await body<{ id: string }>(
      alice.json("POST", "/api/albums", {
        albumName: "Lisbon",
        assetIds: [beach],
        albumUsers: [{ userId: bob.userId, role: "viewer" }],
      }),
    );
    const listed = await body<
      Array<{
        id: string;
        shared: boolean;
        owner: { name: string };
        albumUsers: Array<{ user: { id: string }; role: string }>;
      }>
    >(bob.fetch("/api/albums"));
    const seen = listed.find((a) => a.id === album.id);
    assert.ok(seen, "the shared album is in Bob's list");
    assert.equal(seen.shared, true);
    assert.equal(seen.owner.name, "Alice");
    assert.deepEqual(
      seen.albumUsers.map((m) => [m.user.id, m.role]),
      [[bob.userId, "viewer"]],
    );
    assert.ok((await body<Array<{ id: string }>>(bob.fetch("/api/albums?shared=true"))).some((a) => a.id === album.id));
    assert.ok(
      !(await body<Array<{ id: string }>>(bob.fetch("/api/albums?shared=false"))).some((a) => a.id === album.id),
    );

    assert.equal((await bob.fetch(`/api/assets/${beach}`)).status, 200);
    assert.equal((await bob.fetch(`/api/assets/${beach}/thumbnail`)).status, 200);
    // Not in the album: still Alice's alone.
    assert.equal((await bob.fetch(`/api/assets/${dinner}`)).status, 404);

    assert.equal((await bob.json("PUT", `/api/albums/${album.id}/assets`, { ids: [dinner] })).status, 403);
    assert.equal((await bob.json("PATCH", `/api/albums/${album.id}`, { albumName: "Mine now" })).status, 403);
    assert.equal((await bob.json("DELETE", `/api/albums/${album.id}`)).status, 403);
    assert.equal((await bob.json("DELETE", "/api/assets", { ids: [beach] })).status, 404);
  });

  it("an editor adds their own photos, which the owner then sees; leaving ends it", async () => {
    const album = await body<{ id: string }>(
      alice.json("POST", "/api/albums", {
        albumName: "Trip",
        assetIds: [beach],
        albumUsers: [{ userId: bob.userId, role: "viewer" }],
      }),
    );
    assert.equal(
      (await alice.json("PUT", `/api/albums/${album.id}/user/${bob.userId}`, { role: "editor" })).status,
      204,
    );
    const bobs = await uploadAs(bob, 21);
    const added = await body<Array<{ id: string; success: boolean; error?: string }>>(
      bob.json("PUT", `/api/albums/${album.id}/assets`, { ids: [bobs, dinner] }),
    );
    // Alice's dinner is not Bob's to share.
    assert.deepEqual(added, [
      { id: bobs, success: true },
      { id: dinner, success: false, error: "no_permission" },
    ]);
    assert.equal((await alice.fetch(`/api/assets/${bobs}`)).status, 200);
    const removed = await body<Array<{ id: string; success: boolean; error?: string }>>(
      bob.json("DELETE", `/api/albums/${album.id}/assets`, { ids: [beach] }),
    );
    assert.deepEqual(removed, [{ id: beach, success: false, error: "no_permission" }]);

    assert.equal((await bob.json("DELETE", `/api/albums/${album.id}/user/me`)).status, 204);
    assert.equal((await bob.fetch(`/api/albums/${album.id}`)).status, 404);
    assert.ok(!(await body<Array<{ id: string }>>(bob.fetch("/api/albums"))).some((a) => a.id === album.id));
    // What Bob added stays in the album (as in Immich), and so stays visible to its owner.
    assert.equal((await alice.fetch(`/api/assets/${bobs}`)).status, 200);
  });
});

describe("shared links", () => {
  async function linkTo(settings: Record<string, unknown>) {
    const album = await body<{ id: string }>(
      alice.json("POST", "/api/albums", { albumName: "Public", assetIds: [beach, dinner] }),
    );
    const link = await body<{ id: string; key: string; allowDownload: boolean; password: string | null }>(
      alice.json("POST", "/api/shared-links", { type: "ALBUM", albumId: album.id, ...settings }),
    );
    return { album, link };
  }
  const visit = (path: string, init?: RequestInit) => fetch(`${shoebox.url}${path}`, init);

  it("with a password, shows nothing until it is given", async () => {
    const { link } = await linkTo({ password: "open sesame" });
    assert.equal(link.password, "********");
    assert.equal((await visit(`/api/shared-links/me?key=${link.key}`)).status, 401);
    assert.equal((await visit(`/api/shared-links/me?key=${link.key}&password=wrong`)).status, 401);
    assert.equal((await visit(`/api/assets/${beach}/thumbnail?key=${link.key}`)).status, 401);

    const opened = await visit(`/api/shared-links/me?key=${link.key}&password=${encodeURIComponent("open sesame")}`);
    assert.equal(opened.status, 200);
    const shared = (await opened.json()) as { token: string; assets: Array<{ id: string }> };
    assert.deepEqual(shared.assets.map((a) => a.id).sort(), [beach, dinner].sort());
    // The token (also set as a cookie) opens the link's photos without the password.
    const cookie = opened.headers
      .getSetCookie()
      .find((c) => c.startsWith("immich_shared_link_token_"))!
      .split(";")[0]!;
    assert.equal((await visit(`/api/assets/${beach}/thumbnail?key=${link.key}`, { headers: { cookie } })).status, 200);
    assert.equal((await visit(`/api/assets/${beach}/thumbnail?key=${link.key}&token=${shared.token}`)).status, 200);

    // A new password shuts out whoever knew the old one.
    await alice.json("PATCH", `/api/shared-links/${link.id}`, { password: "new secret" });
    assert.equal((await visit(`/api/assets/${beach}/thumbnail?key=${link.key}`, { headers: { cookie } })).status, 401);
  });

  it("stops taking password guesses after five wrong ones", async () => {
    const { link } = await linkTo({ password: "hard to guess" });
    for (let i = 0; i < 5; i++)
      assert.equal((await visit(`/api/shared-links/me?key=${link.key}&password=guess${i}`)).status, 401);
    const blocked = await visit(`/api/shared-links/me?key=${link.key}&password=${encodeURIComponent("hard to guess")}`);
    assert.equal(blocked.status, 429);
    assert.match(((await blocked.json()) as { message: string }).message, /Too many failed attempts/);
  });

  it("expires on time", async () => {
    const { link } = await linkTo({ expiresAt: new Date(Date.now() + 2_000).toISOString() });
    assert.equal((await visit(`/api/shared-links/me?key=${link.key}`)).status, 200);
    assert.equal((await visit(`/api/assets/${beach}/thumbnail?key=${link.key}`)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    assert.equal((await visit(`/api/shared-links/me?key=${link.key}`)).status, 401);
    assert.equal((await visit(`/api/assets/${beach}/thumbnail?key=${link.key}`)).status, 401);
  });

  it("hides metadata when asked, and then never allows downloads", async () => {
    const { link } = await linkTo({ showMetadata: false, allowDownload: true });
    assert.equal(link.allowDownload, false);
    const asset = await body<{ exifInfo?: unknown; originalFileName: string; hasMetadata: boolean }>(
      visit(`/api/assets/${beach}?key=${link.key}`),
    );
    assert.equal(asset.exifInfo, undefined);
    assert.equal(asset.hasMetadata, false);
    assert.doesNotMatch(asset.originalFileName, /photo-11/);
    const me = await visit(`/api/shared-links/me?key=${link.key}`);
    const text = await me.text();
    assert.doesNotMatch(text, /EOS R6|Canon|latitude|38\.7/);
    assert.equal((await visit(`/api/assets/${beach}/original?key=${link.key}`)).status, 403);
    // The preview itself carries no EXIF either.
    const preview = new Uint8Array(
      await (await visit(`/api/assets/${beach}/thumbnail?size=preview&key=${link.key}`)).arrayBuffer(),
    );
    assert.ok(!Buffer.from(preview).includes("EOS R6"), "the preview carries the camera model");
  });

  it("plays a video to a link that hides metadata or downloads only from a copy without them", async () => {
    // A web-playable H.264 MP4 that says where and on what it was made.
    const { ffmpeg, ffprobe } = await videoTools();
    const dir = mkdtempSync(join(tmpdir(), "shoebox-video-"));
    const path = join(dir, "harbour.mp4");
    execFileSync(ffmpeg, [
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=320x240:rate=10",
      "-t",
      "1",
      "-c:v",
      "libx264",
      "-pix_fmt",
      "yuv420p",
      "-metadata",
      "location=+38.7223-009.1393/",
      "-metadata",
      "make=HarbourCam",
      "-movflags",
      "+faststart",
      path,
    ]);
    const tags = (file: string) =>
      JSON.stringify(
        JSON.parse(
          execFileSync(ffprobe, [
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            file,
          ]).toString(),
        ),
      );
    assert.match(tags(path), /38\.7223/, "the made video carries its place");
    const uploaded = await body<{ id: string }>(
      alice.fetch("/api/assets", {
        method: "POST",
        body: uploadForm({ bytes: readFileSync(path), name: "harbour.mp4" }),
      }),
    );
    await waitFor("the video's thumbnail", async () => (await alice.fetch(`/api/assets/${uploaded.id}/thumbnail`)).ok);
    // The owner plays the original, place and all.
    const own = await alice.fetch(`/api/assets/${uploaded.id}/video/playback`);
    writeFileSync(join(dir, "own.mp4"), new Uint8Array(await own.arrayBuffer()));
    assert.match(tags(join(dir, "own.mp4")), /38\.7223/);

    for (const settings of [{ showMetadata: false }, { allowDownload: false }]) {
      const link = await body<{ key: string }>(
        alice.json("POST", "/api/shared-links", { type: "INDIVIDUAL", assetIds: [uploaded.id], ...settings }),
      );
      // The copy is made once the link exists; until then the visitor is asked to come back, and
      // never gets the original.
      const played = await waitFor(
        "the copy for the link",
        async () => {
          const response = await visit(`/api/assets/${uploaded.id}/video/playback?key=${link.key}`);
          if (response.status === 503) {
            assert.ok(Number(response.headers.get("retry-after")) > 0);
            await response.body?.cancel();
            return undefined;
          }
          return response;
        },
        60_000,
      );
      assert.equal(played.status, 200);
      writeFileSync(join(dir, "shared.mp4"), new Uint8Array(await played.arrayBuffer()));
      const shared = tags(join(dir, "shared.mp4"));
      assert.doesNotMatch(shared, /38\.7223|HarbourCam|"location/i, JSON.stringify(settings));
      assert.match(shared, /h264/, "the copy is the same video");
    }
  });

  it("with metadata shown and downloads allowed, gives the original", async () => {
    const { link } = await linkTo({});
    const asset = await body<{ exifInfo?: { model: string } }>(visit(`/api/assets/${beach}?key=${link.key}`));
    assert.equal(asset.exifInfo?.model, "EOS R6");
    assert.equal((await visit(`/api/assets/${beach}/original?key=${link.key}`)).status, 200);
  });

  it("a link to hand-picked assets shares those only", async () => {
    const link = await body<{ id: string; key: string }>(
      alice.json("POST", "/api/shared-links", { type: "INDIVIDUAL", assetIds: [dinner] }),
    );
    assert.equal((await visit(`/api/assets/${dinner}?key=${link.key}`)).status, 200);
    assert.equal((await visit(`/api/assets/${beach}?key=${link.key}`)).status, 404);
    await alice.json("PUT", `/api/shared-links/${link.id}/assets`, { assetIds: [beach] });
    assert.equal((await visit(`/api/assets/${beach}?key=${link.key}`)).status, 200);
  });

  it("with upload allowed, takes photos into the album", async () => {
    const { album, link } = await linkTo({ allowUpload: true });
    const photo = await makeJpeg(31);
    const uploaded = await visit(`/api/assets?key=${link.key}`, {
      method: "POST",
      body: uploadForm({ bytes: photo.bytes, name: "from-a-guest.jpg" }),
    });
    assert.equal(uploaded.status, 201);
    const { id } = (await uploaded.json()) as { id: string };
    const inAlbum = await body<{ assets: Array<{ id: string }> }>(alice.fetch(`/api/albums/${album.id}`));
    assert.ok(inAlbum.assets.some((a) => a.id === id));
    const { link: readOnly } = await linkTo({});
    const refused = await visit(`/api/assets?key=${readOnly.key}`, {
      method: "POST",
      body: uploadForm({ bytes: photo.bytes, name: "again.jpg" }),
    });
    assert.equal(refused.status, 403);
  });

  it("revoked, shows nothing", async () => {
    const { link } = await linkTo({});
    assert.equal((await alice.fetch(`/api/shared-links/${link.id}`, { method: "DELETE" })).status, 204);
    assert.equal((await visit(`/api/shared-links/me?key=${link.key}`)).status, 401);
    assert.equal((await visit(`/api/assets/${beach}/thumbnail?key=${link.key}`)).status, 401);
  });
});

describe("partners", () => {
  it("see the whole library read-only, until the sharer stops", async () => {
    assert.equal((await bob.fetch(`/api/assets/${dinner}`)).status, 404);
    const partner = await alice.json("POST", "/api/partners", { sharedWithId: bob.userId });
    assert.equal(partner.status, 201);
    assert.equal((await bob.fetch(`/api/assets/${dinner}`)).status, 200);
    assert.equal((await bob.fetch(`/api/assets/${dinner}/original`)).status, 200);
    assert.equal((await bob.json("DELETE", "/api/assets", { ids: [dinner] })).status, 404);

    const updated = await body<{ id: string; inTimeline: boolean }>(
      bob.json("PUT", `/api/partners/${alice.userId}`, { inTimeline: true }),
    );
    assert.deepEqual({ ...updated }, { ...updated, id: alice.userId, inTimeline: true });
    const sharedWithBob = await body<Array<{ id: string; inTimeline: boolean }>>(
      bob.fetch("/api/partners?direction=shared-with"),
    );
    assert.deepEqual(
      sharedWithBob.map((p) => [p.id, p.inTimeline]),
      [[alice.userId, true]],
    );
    const sharedByAlice = await body<Array<{ id: string }>>(alice.fetch("/api/partners?direction=shared-by"));
    assert.deepEqual(
      sharedByAlice.map((p) => p.id),
      [bob.userId],
    );

    assert.equal((await alice.fetch(`/api/partners/${bob.userId}`, { method: "DELETE" })).status, 204);
    assert.equal((await bob.fetch(`/api/assets/${dinner}`)).status, 404);
  });
});
