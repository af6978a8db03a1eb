// The phone app's sync (Immich's /sync): a stream of JSON lines with everything that changed since
// the session's checkpoints, in an order that satisfies the app's foreign keys, and the acks that
// move those checkpoints. Sessions only: a checkpoint belongs to one signed-in device.
import type { Auth } from "../../common/access";
import type { Database, DatabaseConnection } from "../../common/db";
import { AppError, badRequest } from "../../common/errors";
import { albumLinkRows, albumUserRows, visibleAlbumRows } from "../../common/sync/albums";
import { albumAssets, albumExif, ownAssets, ownExif, partnerAssets, partnerExif } from "../../common/sync/assets";
import { deleteCheckpoints, listCheckpoints, saveCheckpoints, syncClockNow } from "../../common/sync/checkpoints";
import { authUserRows, faceRows, partnerRows, personRows, userRows } from "../../common/sync/people";
import { lostAccessSince, removalRows, type RemovalAudience } from "../../common/sync/removals";
import type { Keyed, SyncCursor, SyncWindow } from "../../common/sync/window";
import * as lines from "./sync-lines";

export const syncRequestTypes = [
  "AlbumsV1",
  "AlbumsV2",
  "AlbumUsersV1",
  "AlbumToAssetsV1",
  "AlbumAssetsV1",
  "AlbumAssetsV2",
  "AlbumAssetExifsV1",
  "AssetsV1",
  "AssetsV2",
  "AssetExifsV1",
  "AssetEditsV1",
  "AssetMetadataV1",
  "AssetOcrV1",
  "AuthUsersV1",
  "MemoriesV1",
  "MemoryToAssetsV1",
  "PartnersV1",
  "PartnerAssetsV1",
  "PartnerAssetsV2",
  "PartnerAssetExifsV1",
  "PartnerStacksV1",
  "StacksV1",
  "UsersV1",
  "PeopleV1",
  "AssetFacesV1",
  "AssetFacesV2",
  "UserMetadataV1",
] as const;
export type SyncRequestType = (typeof syncRequestTypes)[number];

export const syncEntityTypes = [
  "AuthUserV1",
  "UserV1",
  "UserDeleteV1",
  "AssetV1",
  "AssetV2",
  "AssetDeleteV1",
  "AssetExifV1",
  "AssetEditV1",
  "AssetEditDeleteV1",
  "AssetMetadataV1",
  "AssetMetadataDeleteV1",
  "AssetOcrV1",
  "AssetOcrDeleteV1",
  "PartnerV1",
  "PartnerDeleteV1",
  "PartnerAssetV1",
  "PartnerAssetV2",
  "PartnerAssetBackfillV1",
  "PartnerAssetBackfillV2",
  "PartnerAssetDeleteV1",
  "PartnerAssetExifV1",
  "PartnerAssetExifBackfillV1",
  "PartnerStackBackfillV1",
  "PartnerStackDeleteV1",
  "PartnerStackV1",
  "AlbumV1",
  "AlbumV2",
  "AlbumDeleteV1",
  "AlbumUserV1",
  "AlbumUserBackfillV1",
  "AlbumUserDeleteV1",
  "AlbumAssetCreateV1",
  "AlbumAssetCreateV2",
  "AlbumAssetUpdateV1",
  "AlbumAssetUpdateV2",
  "AlbumAssetBackfillV1",
  "AlbumAssetBackfillV2",
  "AlbumAssetExifCreateV1",
  "AlbumAssetExifUpdateV1",
  "AlbumAssetExifBackfillV1",
  "AlbumToAssetV1",
  "AlbumToAssetDeleteV1",
  "AlbumToAssetBackfillV1",
  "MemoryV1",
  "MemoryDeleteV1",
  "MemoryToAssetV1",
  "MemoryToAssetDeleteV1",
  "StackV1",
  "StackDeleteV1",
  "PersonV1",
  "PersonDeleteV1",
  "AssetFaceV1",
  "AssetFaceV2",
  "AssetFaceDeleteV1",
  "UserMetadataV1",
  "UserMetadataDeleteV1",
  "SyncAckV1",
  "SyncResetV1",
  "SyncCompleteV1",
] as const;
export type SyncEntityType = (typeof syncEntityTypes)[number];

// One kind of line: the rows a query finds after a checkpoint, and their shape on the wire.
interface LineSource {
  type: SyncEntityType;
  rows: (db: Database, window: SyncWindow) => Promise<Array<Keyed<object>>>;
  data: (row: never) => object;
}

const removals = (audience: RemovalAudience) => (db: Database, w: SyncWindow) => removalRows(db, audience, w);

// What each requested type sends, removals before changes. Backfills (a new partner's or album's
// older items) come as ordinary lines: a row's key counts from when the user could first see it.
const sources: Partial<Record<SyncRequestType, LineSource[]>> = {
  AuthUsersV1: [{ type: "AuthUserV1", rows: authUserRows, data: lines.toSyncAuthUser }],
  UsersV1: [
    { type: "UserDeleteV1", rows: removals("users"), data: lines.removed.user },
    { type: "UserV1", rows: userRows, data: lines.toSyncUser },
  ],
  PartnersV1: [
    { type: "PartnerDeleteV1", rows: removals("partners"), data: lines.removed.partner },
    { type: "PartnerV1", rows: partnerRows, data: lines.toSyncPartner },
  ],
  AssetsV2: [
    { type: "AssetDeleteV1", rows: removals("ownAssets"), data: lines.removed.asset },
    { type: "AssetV2", rows: ownAssets, data: lines.toSyncAsset },
  ],
  PartnerAssetsV2: [
    { type: "PartnerAssetDeleteV1", rows: removals("partnerAssets"), data: lines.removed.asset },
    { type: "PartnerAssetV2", rows: partnerAssets, data: lines.toSyncAsset },
  ],
  AlbumAssetsV2: [{ type: "AlbumAssetCreateV2", rows: albumAssets, data: lines.toSyncAsset }],
  AlbumsV2: [
    { type: "AlbumDeleteV1", rows: removals("albums"), data: lines.removed.album },
    { type: "AlbumV2", rows: visibleAlbumRows, data: lines.toSyncAlbum },
  ],
  AlbumUsersV1: [
    { type: "AlbumUserDeleteV1", rows: removals("albumUsers"), data: lines.removed.albumUser },
    { type: "AlbumUserV1", rows: albumUserRows, data: lines.toSyncAlbumUser },
  ],
  AlbumToAssetsV1: [
    { type: "AlbumToAssetDeleteV1", rows: removals("albumLinks"), data: lines.removed.albumLink },
    { type: "AlbumToAssetV1", rows: albumLinkRows, data: lines.toSyncAlbumLink },
  ],
  AssetExifsV1: [{ type: "AssetExifV1", rows: ownExif, data: lines.toSyncExif }],
  AlbumAssetExifsV1: [{ type: "AlbumAssetExifCreateV1", rows: albumExif, data: lines.toSyncExif }],
  PartnerAssetExifsV1: [{ type: "PartnerAssetExifV1", rows: partnerExif, data: lines.toSyncExif }],
  PeopleV1: [
    { type: "PersonDeleteV1", rows: removals("people"), data: lines.removed.person },
    { type: "PersonV1", rows: personRows, data: lines.toSyncPerson },
  ],
  AssetFacesV2: [
    { type: "AssetFaceDeleteV1", rows: removals("faces"), data: lines.removed.face },
    { type: "AssetFaceV2", rows: faceRows, data: lines.toSyncFace },
  ],
};

// Immich's order, in which everything a line refers to has come before it: users, then assets
// (own, partners', others' in albums), then albums, their members and links, then metadata.
// Types Shoebox has nothing for (stacks, OCR, memories, user and asset metadata, edits) are
// accepted and send nothing.
const order: SyncRequestType[] = [
  "AuthUsersV1",
  "UsersV1",
  "PartnersV1",
  "AssetsV2",
  "StacksV1",
  "PartnerAssetsV2",
  "PartnerStacksV1",
  "AlbumAssetsV2",
  "AlbumsV2",
  "AlbumUsersV1",
  "AlbumToAssetsV1",
  "AssetExifsV1",
  "AlbumAssetExifsV1",
  "AssetOcrV1",
  "PartnerAssetExifsV1",
  "MemoriesV1",
  "MemoryToAssetsV1",
  "PeopleV1",
  "AssetFacesV2",
  "UserMetadataV1",
  "AssetMetadataV1",
  "AssetEditsV1",
];

// Older apps' types, which a 3.x server no longer serves.
const retired: SyncRequestType[] = ["AssetsV1", "PartnerAssetsV1", "AlbumAssetsV1", "AlbumsV1", "AssetFacesV1"];

const pageSize = 1000;

function sessionOf(auth: Auth): string {
  if (!auth.session) throw new AppError(403, "Sync endpoints cannot be used with API keys");
  return auth.session.id;
}

// An ack is "<type>|<k1>[|<k2>]".
const toAck = (type: SyncEntityType, k1: number, k2?: number) =>
  k2 === undefined || k2 === k1 ? `${type}|${k1}` : `${type}|${k1}|${k2}`;

function cursorOf(ack: string | undefined): SyncCursor {
  if (!ack) return { k1: 0, k2: 0 };
  const [, first, second] = ack.split("|");
  const k1 = Number(first);
  const k2 = second === undefined ? k1 : Number(second);
  return Number.isSafeInteger(k1) && Number.isSafeInteger(k2) ? { k1, k2 } : { k1: 0, k2: 0 };
}

const typeOfAck = (ack: string) => ack.split("|", 1)[0] ?? "";

export async function getSyncAcks(db: Database, auth: Auth): Promise<Array<{ type: SyncEntityType; ack: string }>> {
  const known = new Set<string>(syncEntityTypes);
  return (await listCheckpoints(db, sessionOf(auth))).filter((c): c is { type: SyncEntityType; ack: string } =>
    known.has(c.type),
  );
}

// The app acks the last line of each run of one type; the last ack of a type in a request wins.
export async function setSyncAcks(db: Database, auth: Auth, acks: string[]): Promise<void> {
  const sessionId = sessionOf(auth);
  const latest = new Map<string, string>();
  for (const ack of acks) {
    const type = typeOfAck(ack);
    if (type === "SyncResetV1") {
      // The app wiped what it had: it starts over.
      await deleteCheckpoints(db, sessionId);
      return;
    }
    if (!(syncEntityTypes as readonly string[]).includes(type)) throw badRequest(`acks: unknown ack type ${type}`);
    latest.set(type, ack);
  }
  await saveCheckpoints(
    db,
    sessionId,
    [...latest].map(([type, ack]) => ({ type, ack })),
  );
}

export async function deleteSyncAcks(db: Database, auth: Auth, types: string[] | undefined): Promise<void> {
  await deleteCheckpoints(db, sessionOf(auth), types);
}

const line = (type: SyncEntityType, data: object, ack: string) => `${JSON.stringify({ type, data, ack })}\n`;

// The stream, read page by page as the app takes it in. Nothing later than the clock's value at
// the start is sent, so that each line refers only to things sent before it (or in an earlier stream).
// `connect` opens the stream's own connection: the request's closes when the handler returns.
export async function openSyncStream(
  db: Database,
  connect: () => DatabaseConnection,
  auth: Auth,
  request: { types: SyncRequestType[]; reset?: boolean },
): Promise<ReadableStream<Uint8Array>> {
  const sessionId = sessionOf(auth);
  const wanted = new Set(request.types);
  const old = retired.find((type) => wanted.has(type));
  if (old) throw badRequest(`types: ${old} is no longer served; update the app`);
  if (request.reset) await deleteCheckpoints(db, sessionId);

  const checkpoints = new Map((await listCheckpoints(db, sessionId)).map(({ type, ack }) => [type, ack]));
  const complete = checkpoints.get("SyncCompleteV1");
  const mustReset = complete !== undefined && (await lostAccessSince(db, auth.user.id, cursorOf(complete).k1));
  const now = await syncClockNow(db);
  const userId = auth.user.id;

  async function* produce(): AsyncGenerator<string> {
    if (mustReset) {
      yield line("SyncResetV1", {}, "SyncResetV1|reset");
      return;
    }
    const connection = connect();
    try {
      yield* produceChanges(connection.db);
    } finally {
      connection.client.close();
    }
  }

  async function* produceChanges(db: Database): AsyncGenerator<string> {
    for (const requested of order) {
      if (!wanted.has(requested)) continue;
      for (const source of sources[requested] ?? []) {
        let after = cursorOf(checkpoints.get(source.type));
        for (;;) {
          const rows = await source.rows(db, { userId, after, now, limit: pageSize });
          if (rows.length === 0) break;
          yield rows
            .map((row) => line(source.type, source.data(row as never), toAck(source.type, row.k1, row.k2)))
            .join("");
          const last = rows.at(-1)!;
          after = { k1: last.k1, k2: last.k2 };
          if (rows.length < pageSize) break;
        }
      }
    }
    yield line("SyncCompleteV1", {}, toAck("SyncCompleteV1", now));
  }

  const encoder = new TextEncoder();
  const chunks = produce();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        // The answer has begun: all that is left is to log the cause and cut the stream short, which
        // the app takes as a failed sync (it acks only what it applied) and tries again later.
        console.error(
          JSON.stringify({
            level: "error",
            message: "sync stream failed",
            error: String(error),
            cause: String((error as Error).cause),
            stack: (error as Error).stack,
          }),
        );
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
