// Immich's phone app (3.1.0) against Shoebox, replayed: a cookie jar and the app's User-Agent only,
// its sign-in sequence, its sync stream applied to a database with the app's foreign keys, and its
// uploads as the app and its iOS background uploader send them. Every JSON answer and every line's
// data is checked against Immich 3.1.0's OpenAPI schemas, as the app's generated client reads them.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { login, signIn, type Client } from "./helpers/accounts";
import { assertImmichShape, noImmichSpec } from "./helpers/immich-openapi";
import { makeJpeg } from "./helpers/media";
import {
  appSyncTypes,
  AppSession,
  assertAlbumsHaveOwners,
  LocalDatabase,
  syncOnce,
  type SyncLine,
} from "./helpers/phone-app";
import { admin, sharedMedia, startShoebox, waitForQueuesToDrain, type Shoebox } from "./helpers/shoebox";

const media = {
  photo: "formats/jpeg-colorspace/photoprism-Iceland-sRGB.jpg",
  heic: "formats/heic/photoprism-iphone_7.heic",
  video: "video/mov/filetype-macbook.mov",
  liveStill: "video/live-photo/lychee-train/IMG_train.jpg",
  liveVideo: "video/live-photo/lychee-train/IMG_train.mov",
};
const missing = noImmichSpec
  ? noImmichSpec
  : Object.values(media).some((file) => !existsSync(join(sharedMedia, file)))
    ? "the shared media (../shared/media) are absent"
    : false;

const read = (file: string) => new Uint8Array(readFileSync(join(sharedMedia, file)));
const sha1 = (bytes: Uint8Array) => createHash("sha1").update(bytes).digest("base64");
const ofType = (lines: SyncLine[], type: string) => lines.filter((line) => line.type === type);

// The app's foreground upload: Dart's MultipartRequest puts the fields first, then the file.
function appUpload(file: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  const values: Record<string, string> = {
    deviceAssetId: `local-${basename(file)}`,
    deviceId: "iphone-of-test",
    fileCreatedAt: "2024-05-01T10:00:00.000Z",
    fileModifiedAt: "2024-05-01T10:00:00.000Z",
    isFavorite: "false",
    duration: "0",
    ...fields,
  };
  for (const [name, value] of Object.entries(values)) form.append(name, value);
  form.append("assetData", new Blob([read(file)]), basename(file));
  return form;
}

// The iOS background uploader: every field before the file, the original name in `filename`, the
// file part under a temporary name, and a JSON `metadata` part.
function backgroundUpload(file: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  const values: Record<string, string> = {
    deviceAssetId: `bg-${basename(file)}`,
    deviceId: "iphone-of-test",
    fileCreatedAt: "2024-05-02T08:30:00.000Z",
    fileModifiedAt: "2024-05-02T08:30:00.000Z",
    isFavorite: "false",
    filename: basename(file),
    metadata: JSON.stringify([{ key: "mobile-app", value: { iCloudId: "0A1B2C3D" } }]),
    ...fields,
  };
  for (const [name, value] of Object.entries(values)) form.append(name, value);
  form.append("assetData", new Blob([read(file)]), "upload-7D3A9F.tmp");
  return form;
}

describe("Immich's phone app, replayed", { skip: missing }, () => {
  let shoebox: Shoebox;
  let partner: Client;
  let app: AppSession;
  const local = new LocalDatabase();
  let me = "";
  const uploaded = new Map<string, string>(); // asset id → checksum

  before(async () => {
    shoebox = await startShoebox();
    const adminClient = await login(shoebox.url, admin.email, admin.password);
    partner = await signIn(shoebox.url, {
      email: "partner@example.com",
      password: "partner-password",
      name: "Partner",
      createdBy: adminClient,
    });
    app = new AppSession(shoebox.url);
  });
  after(async () => {
    await shoebox?.stop();
  });

  it("signs in as the app does", async () => {
    const wellKnown = await app.request("GET", "/.well-known/immich");
    assert.equal(wellKnown.status, 200);
    assert.equal(((await wellKnown.json()) as { api: { endpoint: string } }).api.endpoint, "/api");
    await app.json("GET", "/api/server/ping", "ServerPingResponse");
    const version = await app.json<{ major: number; minor: number }>(
      "GET",
      "/api/server/version",
      "ServerVersionResponseDto",
    );
    assert.ok(version.major >= 3, `the app picks its sync protocol by this version: ${JSON.stringify(version)}`);
    await app.json("GET", "/api/server/features", "ServerFeaturesDto");
    await app.json("GET", "/api/server/config", "ServerConfigDto");
    const login = await app.json<{ userId: string }>(
      "POST",
      "/api/auth/login",
      "LoginResponseDto",
      { email: admin.email, password: admin.password },
      201,
    );
    me = login.userId;
    assert.ok(app.hasCookie("immich_access_token"), "sign-in set the session cookie");
    await app.json("GET", "/api/users/me", "UserAdminResponseDto");
    await app.json("GET", "/api/users/me/preferences", "UserPreferencesResponseDto");
    await app.json("POST", "/api/auth/validateToken", "ValidateAccessTokenResponseDto");
  });

  it("clears its old checkpoints before the first sync", async () => {
    for (const types of [
      ["AlbumV1"],
      ["AssetExifV1", "PartnerAssetExifV1", "AlbumAssetExifCreateV1", "AlbumAssetExifUpdateV1"],
      ["AssetV1", "PartnerAssetV1", "AlbumAssetCreateV1", "AlbumAssetUpdateV1"],
      ["AssetV1", "AssetV2"],
    ]) {
      const response = await app.request("DELETE", "/api/sync/ack", { types });
      assert.equal(response.status, 204, await response.text());
    }
  });

  it("gets itself and the other users in a first sync", async () => {
    const lines = await syncOnce(app, local);
    assert.equal(ofType(lines, "AuthUserV1").length, 1);
    assert.deepEqual(
      ofType(lines, "UserV1")
        .map((line) => line.data.id)
        .sort(),
      [me, partner.userId].sort(),
    );
    assert.equal(ofType(lines, "AssetV2").length, 0);
    const acks = await app.json<Array<{ type: string }>>("GET", "/api/sync/ack", "SyncAckDto");
    assert.ok(
      acks.some((ack) => ack.type === "SyncCompleteV1"),
      "the session keeps its checkpoints",
    );
  });

  it("backs up photos, a video, a live photo and a duplicate as the app sends them", async () => {
    const send = async (form: FormData, status = 201) => {
      const body = await app.json<{ id: string; status: string }>(
        "POST",
        "/api/assets",
        "AssetMediaResponseDto",
        form,
        status,
      );
      return body;
    };
    const photo = await send(appUpload(media.photo));
    uploaded.set(photo.id, sha1(read(media.photo)));
    const heic = await send(backgroundUpload(media.heic));
    uploaded.set(heic.id, sha1(read(media.heic)));
    const video = await send(appUpload(media.video, { duration: "2500" }));
    uploaded.set(video.id, sha1(read(media.video)));
    const liveVideo = await send(backgroundUpload(media.liveVideo, { visibility: "hidden", duration: "1200" }));
    uploaded.set(liveVideo.id, sha1(read(media.liveVideo)));
    const liveStill = await send(backgroundUpload(media.liveStill, { livePhotoVideoId: liveVideo.id }));
    uploaded.set(liveStill.id, sha1(read(media.liveStill)));
    const duplicate = await send(appUpload(media.photo), 200);
    assert.equal(duplicate.id, photo.id);
    assert.equal(duplicate.status, "duplicate");
    await waitForQueuesToDrain(shoebox, 180_000);
  });

  it("gets only what changed in the next sync: every upload, with its checksum and exif", async () => {
    const lines = await syncOnce(app, local);
    const assets = ofType(lines, "AssetV2");
    assert.deepEqual(assets.map((line) => line.data.id).sort(), [...uploaded.keys()].sort(), "each new asset, once");
    for (const line of assets)
      assert.equal(line.data.checksum, uploaded.get(line.data.id as string), "base64 SHA-1, as the app hashes");
    assert.ok(ofType(lines, "AssetExifV1").length >= uploaded.size);
    assert.equal(
      ofType(lines, "UserV1").filter((line) => line.data.id === partner.userId).length,
      0,
      "unchanged users are not sent again",
    );
    const rows = local.all<{
      checksum: string;
      type: string;
      duration: number | null;
      visibility: string;
      live_photo_video_id: string | null;
    }>("SELECT * FROM remote_asset");
    assert.deepEqual(
      rows.map((row) => row.checksum).sort(),
      [...uploaded.values()].sort(),
      "the app's backup finds every file backed up",
    );
    const video = rows.find((row) => row.checksum === sha1(read(media.video)))!;
    assert.equal(video.type, "VIDEO");
    assert.ok(Number.isInteger(video.duration) && video.duration! > 0, "duration in whole milliseconds");
    const still = rows.find((row) => row.checksum === sha1(read(media.liveStill)))!;
    assert.ok(still.live_photo_video_id, "the still knows its motion part");

    const again = await syncOnce(app, local);
    assert.deepEqual(
      again.map((line) => line.type),
      ["SyncCompleteV1"],
      "nothing changed, nothing sent",
    );
  });

  it("follows the trash and deletion for good", async () => {
    const [trashed, gone] = [...uploaded.keys()];
    assert.equal((await app.request("DELETE", "/api/assets", { ids: [trashed] })).status, 204);
    assert.equal((await app.request("DELETE", "/api/assets", { ids: [gone], force: true })).status, 204);
    const lines = await syncOnce(app, local);
    const changed = ofType(lines, "AssetV2");
    assert.deepEqual(
      changed.map((line) => line.data.id),
      [trashed],
    );
    assert.ok(changed[0]!.data.deletedAt, "trashed: deletedAt set");
    assert.deepEqual(
      ofType(lines, "AssetDeleteV1").map((line) => line.data.assetId),
      [gone],
    );
    assert.equal(local.all("SELECT 1 FROM remote_asset WHERE id = ?", gone).length, 0);
    uploaded.delete(gone!);
    assert.equal((await app.request("POST", "/api/trash/restore/assets", { ids: [trashed] })).status, 200);
  });

  it("gets an album with two photos, its owner row first", async () => {
    const ids = [...uploaded.keys()].slice(0, 2);
    const album = await app.json<{ id: string }>(
      "POST",
      "/api/albums",
      "AlbumResponseDto",
      { albumName: "Holidays", assetIds: ids },
      201,
    );
    const lines = await syncOnce(app, local);
    assert.deepEqual(
      ofType(lines, "AlbumV2").map((line) => line.data.id),
      [album.id],
    );
    assert.deepEqual(
      ofType(lines, "AlbumUserV1").map((line) => line.data),
      [{ albumId: album.id, userId: me, role: "owner" }],
    );
    assert.deepEqual(
      ofType(lines, "AlbumToAssetV1")
        .map((line) => line.data.assetId)
        .sort(),
      ids.sort(),
    );
    assertAlbumsHaveOwners(local);
  });

  it("gets a partner's photos, the older ones too", async () => {
    const older = await makeJpeg(41);
    const form = new FormData();
    form.append("assetData", new Blob([older.bytes], { type: "image/jpeg" }), "older.jpg");
    form.append("fileCreatedAt", "2020-01-01T00:00:00.000Z");
    form.append("fileModifiedAt", "2020-01-01T00:00:00.000Z");
    const upload = await partner.fetch("/api/assets", { method: "POST", body: form });
    assert.equal(upload.status, 201, await upload.clone().text());
    const { id: olderId } = (await upload.json()) as { id: string };
    // Sync first, so that the partner's photo is older than the app's checkpoints.
    await syncOnce(app, local);
    const share = await partner.json("POST", "/api/partners", { sharedWithId: me });
    assert.equal(share.status, 201, await share.text());

    const lines = await syncOnce(app, local);
    assert.deepEqual(
      ofType(lines, "PartnerV1").map((line) => line.data),
      [{ sharedById: partner.userId, sharedWithId: me, inTimeline: false }],
    );
    assert.deepEqual(
      ofType(lines, "PartnerAssetV2").map((line) => line.data.id),
      [olderId],
      "the partner's older photo comes as backfill",
    );
    assert.deepEqual(local.all<{ owner_id: string }>("SELECT owner_id FROM remote_asset WHERE id = ?", olderId), [
      { owner_id: partner.userId },
    ]);
  });

  it("signs out, and the session syncs no more", async () => {
    const out = await app.request("POST", "/api/auth/logout");
    assert.equal(out.status, 200, await out.clone().text());
    assertImmichShape("LogoutResponseDto", await out.json());
    const stream = await app.request("POST", "/api/sync/stream", { types: appSyncTypes });
    assert.equal(stream.status, 401);
  });
});

describe("the sync stream's rules", { skip: missing }, () => {
  let shoebox: Shoebox;
  let owner: Client;
  let friend: Client;

  before(async () => {
    shoebox = await startShoebox();
    owner = await login(shoebox.url, admin.email, admin.password);
    friend = await signIn(shoebox.url, {
      email: "friend@example.com",
      password: "friend-password",
      name: "Friend",
      createdBy: owner,
    });
  });
  after(async () => {
    await shoebox?.stop();
  });

  const uploadAs = async (client: Client, seed: number) => {
    const photo = await makeJpeg(seed);
    const form = new FormData();
    form.append("assetData", new Blob([photo.bytes], { type: "image/jpeg" }), `photo-${seed}.jpg`);
    form.append("fileCreatedAt", "2023-03-03T03:03:03.000Z");
    form.append("fileModifiedAt", "2023-03-03T03:03:03.000Z");
    const response = await client.fetch("/api/assets", { method: "POST", body: form });
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { id: string }).id;
  };

  it("refuses API keys, as Immich does", async () => {
    const stream = await shoebox.api("/api/sync/stream", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ types: ["AssetsV2"] }),
    });
    assert.equal(stream.status, 403);
    assert.equal((await shoebox.api("/api/sync/ack")).status, 403);
  });

  it("keeps checkpoints per session: another device of the same user starts from the beginning", async () => {
    const id = await uploadAs(owner, 1);
    // Processing changes the asset: let it finish, so that "nothing changed" holds for the last sync.
    await waitForQueuesToDrain(shoebox, 180_000);
    const phone = new AppSession(shoebox.url, owner.token);
    const first = await syncOnce(phone, new LocalDatabase());
    assert.ok(ofType(first, "AssetV2").some((line) => line.data.id === id));
    const tablet = new AppSession(shoebox.url, (await owner.newSession()).token);
    const fresh = await syncOnce(tablet, new LocalDatabase());
    assert.ok(ofType(fresh, "AssetV2").some((line) => line.data.id === id));
    assert.deepEqual(
      (await syncOnce(phone, new LocalDatabase())).map((line) => line.type),
      ["SyncCompleteV1"],
    );
  });

  it("sends a shared album's other photos to a new member, and starts the member over when they are taken out", async () => {
    const friendsPhoto = await uploadAs(friend, 2);
    const album = await friend.json("POST", "/api/albums", { albumName: "Shared", assetIds: [friendsPhoto] });
    assert.equal(album.status, 201);
    const { id: albumId } = (await album.json()) as { id: string };
    const phone = new AppSession(shoebox.url, (await owner.newSession()).token);
    const local = new LocalDatabase();
    await syncOnce(phone, local);

    const invite = await friend.json("PUT", `/api/albums/${albumId}/users`, {
      albumUsers: [{ userId: owner.userId, role: "viewer" }],
    });
    assert.equal(invite.status, 200, await invite.text());
    const lines = await syncOnce(phone, local);
    assert.deepEqual(
      ofType(lines, "AlbumAssetCreateV2").map((line) => line.data.id),
      [friendsPhoto],
      "the album's older photo, backfilled",
    );
    assert.deepEqual(
      ofType(lines, "AlbumV2").map((line) => line.data.id),
      [albumId],
    );
    assert.deepEqual(
      ofType(lines, "AlbumUserV1")
        .map((line) => line.data)
        .sort((a, b) => String(a.role).localeCompare(String(b.role))),
      [
        { albumId, userId: friend.userId, role: "owner" },
        { albumId, userId: owner.userId, role: "viewer" },
      ],
    );
    assertAlbumsHaveOwners(local);

    const out = await friend.json("DELETE", `/api/albums/${albumId}/user/${owner.userId}`);
    assert.equal(out.status, 204, await out.text());
    const reset = await syncOnce(phone, local);
    assert.deepEqual(
      reset.map((line) => line.type),
      ["SyncResetV1"],
      "what the member saw goes: the app starts over",
    );
    const after = await syncOnce(phone, local);
    assert.equal(after.at(-1)?.type, "SyncCompleteV1");
    assert.equal(local.all("SELECT 1 FROM remote_asset WHERE id = ?", friendsPhoto).length, 0);
    assert.equal(local.all("SELECT 1 FROM remote_album WHERE id = ?", albumId).length, 0);
  });
});
