// Immich's phone app against a real Shoebox, short of the sync stream: a cookie jar and the app's
// User-Agent only, as the app sends its requests (read from Immich's mobile source at v3.1.0). Every
// JSON answer is read as the app's generated client reads it (helpers/immich-openapi.ts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { connectDatabase } from "../common/db";
import { login, signIn, type Client } from "./helpers/accounts";
import { assertImmichShape, noImmichSpec } from "./helpers/immich-openapi";
import { shortVideo } from "./helpers/made-media";
import { makeJpeg } from "./helpers/media";
import { signInWithCookie } from "./helpers/pages";
import { admin, projectRoot, startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";

const dayMs = 24 * 3600_000;
const appAgent = "immich-ios/3.1.0";

// The app: one cookie, its User-Agent, nothing else (no Origin, no Sec-Fetch-Site, no token).
class App {
  cookie = "";
  lastSetCookie: string[] = [];
  constructor(private readonly url: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("user-agent", appAgent);
    if (this.cookie) headers.set("cookie", `immich_access_token=${this.cookie}`);
    const response = await fetch(`${this.url}${path}`, { ...init, headers });
    this.lastSetCookie = response.headers.getSetCookie();
    for (const cookie of this.lastSetCookie) {
      const [name, value = ""] = cookie.split(";")[0]!.split("=");
      if (name === "immich_access_token") this.cookie = value;
    }
    return response;
  }

  async json<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const response = await this.request(
      path,
      body === undefined
        ? { method }
        : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
    const text = await response.text();
    assert.equal(response.status, expected, `${method} ${path}: ${text}`);
    return JSON.parse(text) as T;
  }

  // An upload as the app builds it: the fields in the order given, the file among them.
  upload(parts: Array<[string, string] | ["assetData", Uint8Array, string]>): Promise<Response> {
    const form = new FormData();
    for (const [name, value, fileName] of parts) {
      if (typeof value === "string") form.append(name, value);
      else form.append(name, new Blob([value]), fileName);
    }
    return this.request("/api/assets", { method: "POST", body: form });
  }
}

// The fields the app's foreground uploader sends with every file (foreground_upload.service.dart).
const appFields = (name: string, extra: Array<[string, string]> = []): Array<[string, string]> => [
  ["deviceAssetId", `local-${name}`],
  ["deviceId", "phone-1"],
  ["fileCreatedAt", "2024-06-01T08:00:00.000Z"],
  ["fileModifiedAt", "2024-06-01T08:00:00.000Z"],
  ["isFavorite", "false"],
  ["duration", "0"],
  ...extra,
];

describe("Immich's phone app", { skip: noImmichSpec }, () => {
  let shoebox: Shoebox;
  let adminClient: Client;
  const email = "phone@example.com";
  const password = "phone-password";
  let userId: string;

  before(async () => {
    shoebox = await startShoebox();
    adminClient = await login(shoebox.url, admin.email, admin.password);
    userId = (await signIn(shoebox.url, { email, password, name: "Phone", createdBy: adminClient })).userId;
  });
  after(() => shoebox?.stop());

  async function signedInApp(): Promise<App> {
    const app = new App(shoebox.url);
    await app.json("POST", "/api/auth/login", { email, password }, 201);
    return app;
  }

  it("signs in through the app's sequence, and every answer parses", async () => {
    const app = new App(shoebox.url);
    assert.deepEqual(await app.json("GET", "/.well-known/immich"), { api: { endpoint: "/api" } });
    assertImmichShape("ServerPingResponse", await app.json("GET", "/api/server/ping"));
    const version = await app.json("GET", "/api/server/version");
    assertImmichShape("ServerVersionResponseDto", version);
    // The version of Immich's API Shoebox speaks, by which the app picks its sync protocol.
    assert.deepEqual(version, { major: 3, minor: 1, patch: 0, prerelease: null });
    assertImmichShape("ServerFeaturesDto", await app.json("GET", "/api/server/features"));
    assertImmichShape("ServerConfigDto", await app.json("GET", "/api/server/config"));

    assertImmichShape("LoginResponseDto", await app.json("POST", "/api/auth/login", { email, password }, 201));
    // Immich's cookie: 400 days, HttpOnly, for the whole site.
    const cookie = app.lastSetCookie.find((c) => c.startsWith("immich_access_token="))!;
    assert.match(cookie, /Max-Age=34560000/i);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Path=\//i);

    const me = await app.json<{ id: string; avatarColor: string }>("GET", "/api/users/me");
    assertImmichShape("UserAdminResponseDto", me);
    assert.equal(me.id, userId);
    const preferences = await app.json<Record<string, Record<string, unknown>>>("GET", "/api/users/me/preferences");
    assertImmichShape("UserPreferencesResponseDto", preferences);
    // Immich's defaults.
    assert.deepEqual(preferences.memories, { enabled: true, duration: 5 });
    assert.deepEqual(preferences.download, { archiveSize: 4 * 1024 ** 3, includeEmbeddedVideos: false });
    assertImmichShape("ValidateAccessTokenResponseDto", await app.json("POST", "/api/auth/validateToken", {}));

    // Shoebox's own version is in its "about", and on the admin page.
    const about = await app.json<{ version: string; shoeboxVersion: string }>("GET", "/api/server/about");
    assertImmichShape("ServerAboutResponseDto", about);
    const ownVersion = (JSON.parse(readFileSync(`${projectRoot}/package.json`, "utf8")) as { version: string }).version;
    assert.deepEqual([about.version, about.shoeboxVersion], ["v3.1.0", ownVersion]);
    const adminPage = await (await signInWithCookie(shoebox.url, admin.email, admin.password)).get("/admin");
    assert.match(
      await adminPage.text(),
      new RegExp(`Shoebox ${ownVersion.replaceAll(".", "\\.")}, implementing the Immich API v3\\.1\\.0`),
    );
  });

  it("writes with the cookie alone, while a browser's cross-site request is still refused", async () => {
    const app = await signedInApp();
    const album = (headers: Record<string, string>) =>
      app.request("/api/albums", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ albumName: "From the phone" }),
      });
    assert.equal((await album({})).status, 201);
    // The same cookie, carried by a browser to a request another site made: refused, token or not.
    const crossSite: Array<Record<string, string>> = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
    ];
    for (const headers of crossSite) {
      const response = await album(headers);
      assert.equal(response.status, 403, JSON.stringify(headers));
      assert.match(((await response.json()) as { message: string }).message, /Cross-site/);
    }
    // A browser on our own pages still needs the session's CSRF token.
    assert.match(
      ((await (await album({ "sec-fetch-site": "same-origin", origin: shoebox.url })).json()) as { message: string })
        .message,
      /CSRF/,
    );
    // And the sign-in form takes no post from another site either.
    const form = await fetch(`${shoebox.url}/auth/login`, {
      method: "POST",
      headers: { "sec-fetch-site": "cross-site" },
      body: new URLSearchParams({ email, password }),
      redirect: "manual",
    });
    assert.equal(form.status, 403);
    assert.equal(form.headers.get("set-cookie"), null);
  });

  it("stays signed in after 40 days unused, renewing the cookie, and is signed out after 400", async () => {
    const app = await signedInApp();
    const { client } = connectDatabase({ url: shoebox.workerUrl, authToken: shoebox.token() });
    const age = (days: number) =>
      client.execute({
        sql: "UPDATE sessions SET updated_at = ? WHERE user_id = ?",
        args: [Date.now() - days * dayMs, userId],
      });
    try {
      await age(40);
      assertImmichShape("UserAdminResponseDto", await app.json("GET", "/api/users/me"));
      // The use is recorded, and the cookie sent again for 400 days from now.
      assert.ok(
        app.lastSetCookie.some((c) => c.startsWith("immich_access_token=") && /Max-Age=34560000/i.test(c)),
        app.lastSetCookie.join("\n"),
      );
      await age(401);
      assert.equal((await app.request("/api/auth/validateToken", { method: "POST" })).status, 401);
    } finally {
      client.close();
    }
  });

  it("keeps preferences per user over Immich's defaults, and has no profile pictures", async () => {
    const app = await signedInApp();
    const updated = await app.json<Record<string, Record<string, unknown>>>("PUT", "/api/users/me/preferences", {
      memories: { enabled: false },
      avatar: { color: "green" },
    });
    assertImmichShape("UserPreferencesResponseDto", updated);
    assert.deepEqual(updated.memories, { enabled: false, duration: 5 });
    const again = await app.json<Record<string, Record<string, unknown>>>("PUT", "/api/users/me/preferences", {
      memories: { duration: 3 },
      tags: { sidebarWeb: false },
    });
    assert.deepEqual(
      [again.memories, again.tags],
      [
        { enabled: false, duration: 3 },
        { enabled: true, sidebarWeb: false },
      ],
    );
    assert.deepEqual(await app.json("GET", "/api/users/me/preferences"), again);
    assert.equal((await app.json<{ avatarColor: string }>("GET", "/api/users/me")).avatarColor, "green");
    // Another user's preferences are their own.
    assert.deepEqual(
      ((await (await adminClient.fetch("/api/users/me/preferences")).json()) as Record<string, unknown>).memories,
      { enabled: true, duration: 5 },
    );

    const refused = await app.request("/api/users/me/preferences", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ download: { archiveSize: 0 } }),
    });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { message: string }).message, /download\.archiveSize/);

    assert.equal((await app.request(`/api/users/${userId}/profile-image`)).status, 404);
    assert.equal((await app.request(`/api/users/${crypto.randomUUID()}/profile-image`)).status, 404);
  });

  describe("backing up", () => {
    let app: App;
    before(async () => {
      app = await signedInApp();
    });

    const asset = (id: string) =>
      app.json<{
        originalFileName: string;
        isFavorite: boolean;
        duration: string;
        visibility: string;
        livePhotoVideoId: string | null;
        type: string;
      }>("GET", `/api/assets/${id}`);
    const seconds = (duration: string) => duration.split(":").reduce((total, part) => total * 60 + Number(part), 0);

    it("takes the foreground uploader's photos: fields first, duration in milliseconds, 201 then a duplicate's 200", async () => {
      const photo = await makeJpeg(1601);
      const first = await app.upload([
        ...appFields("a", [["isFavorite", "true"]]),
        ["assetData", photo.bytes, "IMG_0001.JPG"],
      ]);
      const created = (await first.json()) as { id: string; status: string };
      assert.equal(first.status, 201, JSON.stringify(created));
      assertImmichShape("AssetMediaResponseDto", created);
      assert.equal(created.status, "created");
      const stored = await asset(created.id);
      assert.deepEqual([stored.originalFileName, stored.isFavorite], ["IMG_0001.JPG", true]);

      const again = await app.upload([...appFields("a"), ["assetData", photo.bytes, "IMG_0001.JPG"]]);
      assert.equal(again.status, 200);
      assert.deepEqual(await again.json(), { id: created.id, status: "duplicate" });
    });

    it("takes the iOS background uploader's: the name in a field, a JSON metadata part, and the fields after the file too", async () => {
      const background = await makeJpeg(1602);
      const metadata = JSON.stringify([
        { key: "mobile-app", value: { cloudId: "ABC-123", createdAt: "2024-06-01T08:00:00.000Z" } },
      ]);
      const response = await app.upload([
        ["filename", "IMG_0002.JPG"],
        ...appFields("b", [["metadata", metadata]]),
        ["assetData", background.bytes, "tmp-84C1.jpg"],
      ]);
      const { id } = (await response.json()) as { id: string };
      assert.equal(response.status, 201);
      assert.equal((await asset(id)).originalFileName, "IMG_0002.JPG");

      const late = await makeJpeg(1603);
      const after = await app.upload([
        ["assetData", late.bytes, "tmp-99.jpg"],
        ...appFields("c"),
        ["filename", "IMG_0003.JPG"],
      ]);
      assert.equal(after.status, 201);
      assert.equal((await asset(((await after.json()) as { id: string }).id)).originalFileName, "IMG_0003.JPG");

      for (const [field, value] of [
        ["metadata", "not json"],
        ["duration", "three seconds"],
      ] as const) {
        const refused = await app.upload([
          ...appFields("d").filter(([name]) => name !== field),
          [field, value],
          ["assetData", (await makeJpeg(1604)).bytes, "IMG_0004.JPG"],
        ]);
        assert.equal(refused.status, 400, field);
        assert.match(((await refused.json()) as { message: string }).message, new RegExp(`^${field}:`));
      }
    });

    it("takes a live photo: its video hidden first, with its duration, then the still linked to it", async () => {
      const queue = (isPaused: boolean) =>
        shoebox.api("/api/queues/metadataExtraction", {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ isPaused }),
        });
      // While metadata waits, the asset shows the duration the app sent.
      assert.equal((await queue(true)).status, 200);
      try {
        const video = await app.upload([
          ...appFields("live").filter(([name]) => name !== "duration"),
          ["duration", "2500"],
          ["visibility", "hidden"],
          ["assetData", shortVideo(), "IMG_0005.MOV"],
        ]);
        const { id: videoId } = (await video.json()) as { id: string };
        assert.equal(video.status, 201);
        const hidden = await asset(videoId);
        assert.deepEqual([hidden.type, hidden.visibility, hidden.duration], ["VIDEO", "hidden", "0:00:02.500000"]);

        const still = await app.upload([
          ...appFields("live"),
          ["livePhotoVideoId", videoId],
          ["assetData", (await makeJpeg(1605)).bytes, "IMG_0005.HEIC.JPG"],
        ]);
        const { id: stillId } = (await still.json()) as { id: string };
        assert.equal(still.status, 201);
        assert.equal((await asset(stillId)).livePhotoVideoId, videoId);

        // Immich's older clients' form of a duration is still taken.
        const older = await app.upload([
          ...appFields("older").filter(([name]) => name !== "duration"),
          ["duration", "0:00:03.000000"],
          ["assetData", shortVideo(), "older.mp4"],
        ]);
        assert.ok([200, 201].includes(older.status), String(older.status));
      } finally {
        await queue(false);
      }
    });

    it("answers a full quota exactly as Immich does, so that the app stops its run", async () => {
      const small = await signIn(shoebox.url, {
        email: "small@example.com",
        password: "small-password",
        name: "Small",
        createdBy: adminClient,
        quotaSizeInBytes: 2000,
      });
      const smallApp = new App(shoebox.url);
      await smallApp.json("POST", "/api/auth/login", { email: small.email, password: small.password }, 201);
      const photo = await makeJpeg(1606, {}, { width: 200, height: 150 });
      const response = await smallApp.upload([...appFields("q"), ["assetData", photo.bytes, "IMG_0006.JPG"]]);
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { message: string }).message, "Quota has been exceeded!");
    });

    it("serves thumbnails, originals and video with the app's extra parameters, and Range", async () => {
      const photo = await makeJpeg(1607);
      const { id } = (await (
        await app.upload([...appFields("t"), ["assetData", photo.bytes, "IMG_0007.JPG"]])
      ).json()) as { id: string };
      for (const size of ["thumbnail", "preview"]) {
        const path = `/api/assets/${id}/thumbnail?size=${size}&edited=true&c=${encodeURIComponent("1QcSHQRnh493V4dIh4eXh1h4kJUI")}`;
        await waitFor(`the ${size}`, async () => (await app.request(path)).ok, 60_000);
      }
      const part = await app.request(`/api/assets/${id}/original?edited=true&c=xyz`, {
        headers: { range: "bytes=0-9" },
      });
      assert.equal(part.status, 206);
      assert.deepEqual(new Uint8Array(await part.arrayBuffer()), new Uint8Array(photo.bytes.subarray(0, 10)));

      // The live photo's video, uploaded again: a duplicate, whose id the answer gives.
      const { id: videoId } = (await (
        await app.upload([
          ...appFields("v").filter(([name]) => name !== "duration"),
          ["duration", "3000"],
          ["assetData", shortVideo(), "IMG_0008.MOV"],
        ])
      ).json()) as { id: string };
      const playback = await app.request(`/api/assets/${videoId}/video/playback?c=abc&edited=true`, {
        headers: { range: "bytes=0-99" },
      });
      assert.equal(playback.status, 206);
      assert.equal((await playback.arrayBuffer()).byteLength, 100);
      // Once its metadata is read, the duration is the file's own.
      await waitFor(
        "the video's duration",
        async () => Math.abs(seconds((await asset(videoId)).duration) - 3) < 0.2,
        60_000,
      );
    });
  });
});
