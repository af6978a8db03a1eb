// A stand-in for Immich's phone app (3.1.0) in tests: it sends only what the app sends (its cookie
// and User-Agent), reads the sync stream as the app does, and applies each line to a small SQLite
// database with the app's foreign keys and unique index (mobile/lib/infrastructure/entities).
import assert from "node:assert/strict";
import Libsql from "libsql";
import { assertImmichShape } from "./immich-openapi";

export const appUserAgent = "immich-ios/2.3.1";

// The request types the app asks a 3.x server for, in its order.
export const appSyncTypes = [
  "AuthUsersV1",
  "UsersV1",
  "AssetsV2",
  "AssetExifsV1",
  "AssetEditsV1",
  "AssetMetadataV1",
  "PartnersV1",
  "PartnerAssetsV2",
  "PartnerAssetExifsV1",
  "AlbumsV2",
  "AlbumUsersV1",
  "AlbumAssetsV2",
  "AlbumAssetExifsV1",
  "AlbumToAssetsV1",
  "MemoriesV1",
  "MemoryToAssetsV1",
  "StacksV1",
  "PartnerStacksV1",
  "UserMetadataV1",
  "PeopleV1",
  "AssetFacesV2",
  "AssetOcrV1",
];

// The schema of each line type's data, as the app's _kResponseMap maps them.
const lineSchemas: Record<string, string> = {
  AuthUserV1: "SyncAuthUserV1",
  UserV1: "SyncUserV1",
  UserDeleteV1: "SyncUserDeleteV1",
  PartnerV1: "SyncPartnerV1",
  PartnerDeleteV1: "SyncPartnerDeleteV1",
  AssetV2: "SyncAssetV2",
  AssetDeleteV1: "SyncAssetDeleteV1",
  AssetExifV1: "SyncAssetExifV1",
  PartnerAssetV2: "SyncAssetV2",
  PartnerAssetBackfillV2: "SyncAssetV2",
  PartnerAssetDeleteV1: "SyncAssetDeleteV1",
  PartnerAssetExifV1: "SyncAssetExifV1",
  PartnerAssetExifBackfillV1: "SyncAssetExifV1",
  AlbumV2: "SyncAlbumV2",
  AlbumDeleteV1: "SyncAlbumDeleteV1",
  AlbumUserV1: "SyncAlbumUserV1",
  AlbumUserBackfillV1: "SyncAlbumUserV1",
  AlbumUserDeleteV1: "SyncAlbumUserDeleteV1",
  AlbumAssetCreateV2: "SyncAssetV2",
  AlbumAssetUpdateV2: "SyncAssetV2",
  AlbumAssetBackfillV2: "SyncAssetV2",
  AlbumAssetExifCreateV1: "SyncAssetExifV1",
  AlbumAssetExifUpdateV1: "SyncAssetExifV1",
  AlbumAssetExifBackfillV1: "SyncAssetExifV1",
  AlbumToAssetV1: "SyncAlbumToAssetV1",
  AlbumToAssetBackfillV1: "SyncAlbumToAssetV1",
  AlbumToAssetDeleteV1: "SyncAlbumToAssetDeleteV1",
  PersonV1: "SyncPersonV1",
  PersonDeleteV1: "SyncPersonDeleteV1",
  AssetFaceV2: "SyncAssetFaceV2",
  AssetFaceDeleteV1: "SyncAssetFaceDeleteV1",
  SyncAckV1: "SyncAckV1",
  SyncResetV1: "SyncResetV1",
  SyncCompleteV1: "SyncCompleteV1",
};

export interface SyncLine {
  type: string;
  data: Record<string, unknown>;
  ack: string;
}

// The app's credentials: the cookie that sign-in set, its User-Agent, nothing else.
export class AppSession {
  private cookies = new Map<string, string>();

  // `bearer`: a session token sent as Authorization instead (for tests of the sync rules alone).
  constructor(
    readonly url: string,
    private readonly bearer?: string,
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const init: RequestInit = {
      method,
      headers: {
        "user-agent": appUserAgent,
        ...(cookie ? { cookie } : {}),
        ...(this.bearer ? { authorization: `Bearer ${this.bearer}` } : {}),
        ...(body === undefined || body instanceof FormData ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: body instanceof FormData ? body : JSON.stringify(body) }),
    };
    const response = await fetch(`${this.url}${path}`, init);
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  // A JSON answer, checked against Immich's schema of it (of each item, for a list).
  async json<T = Record<string, unknown>>(
    method: string,
    path: string,
    schema: string,
    body?: unknown,
    status = 200,
  ): Promise<T> {
    const response = await this.request(method, path, body);
    const text = await response.text();
    assert.equal(response.status, status, `${method} ${path}: ${text}`);
    const value = JSON.parse(text) as T;
    for (const item of Array.isArray(value) ? value : [value]) assertImmichShape(schema, item);
    return value;
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }
}

const localSchema = `
  CREATE TABLE auth_user (id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, is_admin INTEGER NOT NULL, quota_usage INTEGER NOT NULL);
  CREATE TABLE user (id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
  CREATE TABLE partner (shared_by_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE, shared_with_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    in_timeline INTEGER NOT NULL, PRIMARY KEY (shared_by_id, shared_with_id));
  CREATE TABLE remote_asset (id TEXT PRIMARY KEY, checksum TEXT NOT NULL, owner_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    name TEXT NOT NULL, type TEXT NOT NULL, visibility TEXT NOT NULL, deleted_at TEXT, live_photo_video_id TEXT, duration INTEGER);
  CREATE UNIQUE INDEX uq_remote_asset_owner_checksum ON remote_asset (owner_id, checksum);
  CREATE TABLE remote_exif (asset_id TEXT PRIMARY KEY REFERENCES remote_asset(id) ON DELETE CASCADE, make TEXT, city TEXT);
  CREATE TABLE remote_album (id TEXT PRIMARY KEY, name TEXT NOT NULL, thumbnail_asset_id TEXT REFERENCES remote_asset(id) ON DELETE SET NULL);
  CREATE TABLE remote_album_user (album_id TEXT NOT NULL REFERENCES remote_album(id) ON DELETE CASCADE, user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    role TEXT NOT NULL, PRIMARY KEY (album_id, user_id));
  CREATE TABLE remote_album_asset (asset_id TEXT NOT NULL REFERENCES remote_asset(id) ON DELETE CASCADE, album_id TEXT NOT NULL REFERENCES remote_album(id) ON DELETE CASCADE,
    PRIMARY KEY (asset_id, album_id));
  CREATE TABLE person (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE, name TEXT NOT NULL);
  CREATE TABLE asset_face (id TEXT PRIMARY KEY, asset_id TEXT NOT NULL REFERENCES remote_asset(id) ON DELETE CASCADE,
    person_id TEXT REFERENCES person(id) ON DELETE SET NULL);
`;

const remoteTables = [
  "asset_face",
  "person",
  "remote_album_asset",
  "remote_album_user",
  "remote_album",
  "remote_exif",
  "remote_asset",
  "partner",
  "user",
  "auth_user",
];

// The app's local database: lines applied as its sync_stream.repository applies them.
export class LocalDatabase {
  readonly db = new Libsql(":memory:");

  constructor() {
    this.db.exec(localSchema);
    this.db.pragma("foreign_keys = ON");
  }

  apply(line: SyncLine): void {
    const d = line.data as Record<string, never>;
    const run = (sql: string, ...args: unknown[]) => this.db.prepare(sql).run(...args);
    const asset = () =>
      run(
        `INSERT INTO remote_asset (id, checksum, owner_id, name, type, visibility, deleted_at, live_photo_video_id, duration) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET checksum = excluded.checksum, name = excluded.name, visibility = excluded.visibility,
           deleted_at = excluded.deleted_at, live_photo_video_id = excluded.live_photo_video_id, duration = excluded.duration`,
        d.id,
        d.checksum,
        d.ownerId,
        d.originalFileName,
        d.type,
        d.visibility,
        d.deletedAt,
        d.livePhotoVideoId,
        d.duration,
      );
    const exif = () =>
      run(
        "INSERT INTO remote_exif (asset_id, make, city) VALUES (?, ?, ?) ON CONFLICT (asset_id) DO UPDATE SET make = excluded.make, city = excluded.city",
        d.assetId,
        d.make,
        d.city,
      );
    switch (line.type) {
      case "AuthUserV1":
        return void run(
          "INSERT OR REPLACE INTO auth_user VALUES (?, ?, ?, ?, ?)",
          d.id,
          d.name,
          d.email,
          d.isAdmin ? 1 : 0,
          d.quotaUsageInBytes,
        );
      case "UserV1":
        return void run(
          "INSERT INTO user VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email",
          d.id,
          d.name,
          d.email,
        );
      case "UserDeleteV1":
        return void run("DELETE FROM user WHERE id = ?", d.userId);
      case "PartnerV1":
        return void run(
          "INSERT INTO partner VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET in_timeline = excluded.in_timeline",
          d.sharedById,
          d.sharedWithId,
          d.inTimeline ? 1 : 0,
        );
      case "PartnerDeleteV1":
        return void run(
          "DELETE FROM partner WHERE shared_by_id = ? AND shared_with_id = ?",
          d.sharedById,
          d.sharedWithId,
        );
      case "AssetV2":
      case "PartnerAssetV2":
      case "PartnerAssetBackfillV2":
      case "AlbumAssetCreateV2":
      case "AlbumAssetUpdateV2":
      case "AlbumAssetBackfillV2":
        return void asset();
      case "AssetDeleteV1":
      case "PartnerAssetDeleteV1":
        return void run("DELETE FROM remote_asset WHERE id = ?", d.assetId);
      case "AssetExifV1":
      case "PartnerAssetExifV1":
      case "PartnerAssetExifBackfillV1":
      case "AlbumAssetExifCreateV1":
      case "AlbumAssetExifUpdateV1":
      case "AlbumAssetExifBackfillV1":
        return void exif();
      case "AlbumV2":
        return void run(
          "INSERT INTO remote_album VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, thumbnail_asset_id = excluded.thumbnail_asset_id",
          d.id,
          d.name,
          d.thumbnailAssetId,
        );
      case "AlbumDeleteV1":
        return void run("DELETE FROM remote_album WHERE id = ?", d.albumId);
      case "AlbumUserV1":
      case "AlbumUserBackfillV1":
        return void run(
          "INSERT INTO remote_album_user VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET role = excluded.role",
          d.albumId,
          d.userId,
          d.role,
        );
      case "AlbumUserDeleteV1":
        return void run("DELETE FROM remote_album_user WHERE album_id = ? AND user_id = ?", d.albumId, d.userId);
      case "AlbumToAssetV1":
      case "AlbumToAssetBackfillV1":
        return void run("INSERT OR IGNORE INTO remote_album_asset VALUES (?, ?)", d.assetId, d.albumId);
      case "AlbumToAssetDeleteV1":
        return void run("DELETE FROM remote_album_asset WHERE album_id = ? AND asset_id = ?", d.albumId, d.assetId);
      case "PersonV1":
        return void run(
          "INSERT INTO person VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
          d.id,
          d.ownerId,
          d.name,
        );
      case "PersonDeleteV1":
        return void run("DELETE FROM person WHERE id = ?", d.personId);
      case "AssetFaceV2":
        return void run(
          "INSERT INTO asset_face VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET person_id = excluded.person_id",
          d.id,
          d.assetId,
          d.personId,
        );
      case "AssetFaceDeleteV1":
        return void run("DELETE FROM asset_face WHERE id = ?", d.assetFaceId);
      case "SyncResetV1":
        for (const table of remoteTables) this.db.exec(`DELETE FROM ${table}`);
        return;
      case "SyncAckV1":
      case "SyncCompleteV1":
        return;
      default:
        assert.fail(`the app does not know the line type ${line.type}`);
    }
  }

  all<T>(sql: string, ...args: unknown[]): T[] {
    return this.db.prepare(sql).all(...args) as T[];
  }
}

// One sync as the app runs it: the stream, read as JSON lines (each must end in a newline), every
// line's data checked against its schema, applied in runs of one type, each run acked by its last ack.
export async function syncOnce(app: AppSession, local: LocalDatabase): Promise<SyncLine[]> {
  const response = await app.request(
    "POST",
    "/api/sync/stream",
    { types: appSyncTypes },
    { accept: "application/jsonlines+json" },
  );
  const text = await response.text();
  assert.equal(response.status, 200, text);
  assert.ok(text.endsWith("\n"), "the last line ends in a newline (the app drops one that does not)");
  const lines = text
    .slice(0, -1)
    .split("\n")
    .map((raw) => {
      assert.notEqual(raw, "", "no empty line (the app cannot parse one)");
      const line = JSON.parse(raw) as SyncLine;
      assert.deepEqual(Object.keys(line).sort(), ["ack", "data", "type"]);
      const schema = lineSchemas[line.type];
      assert.ok(schema, `a line type the app knows: ${line.type}`);
      assertImmichShape(schema, line.data);
      assert.equal(typeof line.ack, "string");
      return line;
    });
  let run: SyncLine[] = [];
  const flush = async () => {
    if (run.length === 0) return;
    local.db.transaction(() => run.forEach((line) => local.apply(line)))();
    const ack = await app.request("POST", "/api/sync/ack", { acks: [run.at(-1)!.ack] });
    assert.equal(ack.status, 204, await ack.text());
    run = [];
  };
  for (const line of lines) {
    if (run.length > 0 && run[0]!.type !== line.type) await flush();
    run.push(line);
  }
  await flush();
  const reset = lines.some((line) => line.type === "SyncResetV1");
  if (!reset) assert.equal(lines.at(-1)?.type, "SyncCompleteV1", "the stream ends with SyncCompleteV1");
  return lines;
}

// Every album has its owner among its users, as the app's album queries need.
export function assertAlbumsHaveOwners(local: LocalDatabase): void {
  const orphans = local.all(
    "SELECT id FROM remote_album WHERE id NOT IN (SELECT album_id FROM remote_album_user WHERE role = 'owner')",
  );
  assert.deepEqual(orphans, [], "every album has an owner row");
}
