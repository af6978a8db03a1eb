// Receiving an upload: the file streams to storage while its SHA-1 is computed, so memory stays flat
// whatever its size. An upload that breaks off, is refused or turns out to be a duplicate leaves no
// file and no asset behind; a web process that dies mid-way leaves a row in uploads_in_progress for
// the worker to clean up.
import type { Auth } from "../../common/access";
import { addAssetsToAlbum } from "../../common/albums";
import { addSharedLinkAssets } from "../../common/shared-links";
import { addUploadedAsset, findAssetByChecksum, getAsset } from "../../common/assets";
import { durationText } from "../../common/durations";
import { AppError, badRequest } from "../../common/errors";
import { safeFileName } from "../../common/file-names";
import { claimedType, detectMediaType, sniffLength, type MediaType } from "../../common/media-types";
import type { NewJob } from "../../common/queue";
import { originalKey, sidecarKey, type Storage } from "../../common/storage";
import { finishUploadQuery, startUpload } from "../../common/uploads";
import type { Database } from "../../common/db";
import type { Asset, User } from "../../common/schema";
import type { MultipartPart } from "../lib/multipart";
import type { ServiceContext } from "./context";
import { nudgeWorker } from "./jobs";
import { peek } from "../lib/peek";
import { refuseWhenDiskFull } from "./disk-space";

export interface UploadResult {
  id: string;
  status: "created" | "duplicate";
}

export interface StoredFile {
  key: string;
  fileName: string;
  media: MediaType;
  size: number;
  checksum: string;
}

const visibilities = ["timeline", "archive", "hidden", "locked"] as const;
const maxSidecarBytes = 4 * 1024 * 1024;

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// Immich clients send the SHA-1 as hex or base64; the database keeps base64.
export function normalizeChecksum(value: string): string | undefined {
  const trimmed = value.trim();
  if (/^[0-9a-f]{40}$/i.test(trimmed)) {
    return toBase64(new Uint8Array(trimmed.match(/../g)!.map((h) => parseInt(h, 16))));
  }
  if (/^[A-Za-z0-9+/]{27}=$/.test(trimmed)) return trimmed;
  return undefined;
}

// Who the upload is for, and how many more bytes their quota lets them store (undefined: no limit).
export interface UploadOwner {
  id: string;
  bytesLeft?: number;
}

// Where uploads go: this request's database and storage, how often their jobs may be tried, and a
// check that the disk has room.
export interface UploadStore {
  db: Database;
  storage: Storage;
  // Refuses (507) when storing `bytes` more would leave the disk too full.
  checkRoom(bytes: number): Promise<void>;
}

export function uploadStore(c: Pick<ServiceContext, "env" | "var">): UploadStore {
  return { db: c.var.db, storage: c.var.storage, checkRoom: (bytes) => refuseWhenDiskFull(c.env, bytes) };
}

// A write that failed may have failed for want of room: then that is the answer the client gets.
export async function explainWriteFailure(store: UploadStore, error: unknown): Promise<unknown> {
  if (error instanceof AppError) return error;
  return store.checkRoom(0).then(
    () => error,
    (full: unknown) => full,
  );
}

export interface ByteLimit {
  bytes: number;
  error: () => AppError;
}

// Word for word Immich's answer: its phone app stops a backup run on exactly this message, rather
// than fail file after file.
export function quotaExceeded(): AppError {
  return badRequest("Quota has been exceeded!");
}

// An upload into this user's library, with what their quota leaves.
export function uploadOwnerOf(user: Pick<User, "id" | "quotaSizeInBytes" | "quotaUsageInBytes">): UploadOwner {
  return {
    id: user.id,
    bytesLeft: user.quotaSizeInBytes === null ? undefined : Math.max(0, user.quotaSizeInBytes - user.quotaUsageInBytes),
  };
}

// Counts and hashes (SHA-1) what streams through, refusing more than `limit` bytes.
export function hashingStream(limit?: ByteLimit): {
  stream: TransformStream<Uint8Array, Uint8Array>;
  result: () => Promise<{ size: number; checksum: string }>;
} {
  const digest = new crypto.DigestStream("SHA-1");
  const writer = digest.getWriter();
  let size = 0;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      size += chunk.byteLength;
      if (limit && size > limit.bytes) throw limit.error();
      await writer.write(chunk);
      controller.enqueue(chunk);
    },
    async flush() {
      await writer.close();
    },
  });
  return { stream, result: async () => ({ size, checksum: toBase64(new Uint8Array(await digest.digest)) }) };
}

export async function storeHashed(
  storage: Storage,
  key: string,
  body: ReadableStream<Uint8Array>,
  limit?: ByteLimit,
): Promise<{ size: number; checksum: string }> {
  const hashing = hashingStream(limit);
  await storage.put(key, body.pipeThrough(hashing.stream));
  return hashing.result();
}

function parseDate(fields: Map<string, string>, name: string): number {
  const raw = fields.get(name);
  if (raw === undefined) throw badRequest(`${name}: required`);
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw badRequest(`${name}: not a date: ${JSON.stringify(raw)}`);
  return time;
}

function parseVisibility(fields: Map<string, string>): Asset["visibility"] {
  const raw = fields.get("visibility") ?? "timeline";
  if (!(visibilities as readonly string[]).includes(raw))
    throw badRequest(`visibility: must be one of ${visibilities.join(", ")}`);
  return raw as Asset["visibility"];
}

// Immich's clients send a duration in milliseconds since Immich 3 (the phone app sends "0" for a
// photo), and as "H:MM:SS.ffffff" before; either is kept in the second form. No duration, or none
// at all, is left for the metadata job to read from the file.
function parseDuration(fields: Map<string, string>): string | null {
  const raw = fields.get("duration")?.trim();
  if (raw === undefined || raw === "") return null;
  if (/^\d{1,15}$/.test(raw)) return Number(raw) === 0 ? null : durationText(Number(raw) / 1000);
  if (!/^\d+:\d{2}:\d{2}(\.\d+)?$/.test(raw))
    throw badRequest(`duration: expected milliseconds or H:MM:SS.ffffff, got ${JSON.stringify(raw)}`);
  return raw;
}

// Immich's app may send a JSON list of metadata items (an iCloud id, for one). Shoebox keeps none,
// but refuses what Immich would refuse, so that a client learns of a mistake the same way.
function checkMetadata(fields: Map<string, string>): void {
  const raw = fields.get("metadata");
  if (raw === undefined) return;
  let items: unknown;
  try {
    items = JSON.parse(raw);
  } catch {
    throw badRequest("metadata: not JSON");
  }
  if (
    !Array.isArray(items) ||
    !items.every(
      (item) => typeof item === "object" && item !== null && typeof (item as { key?: unknown }).key === "string",
    )
  ) {
    throw badRequest("metadata: expected a list of {key, value}");
  }
}

async function linkedVideo(db: Database, ownerId: string, fields: Map<string, string>): Promise<string | null> {
  const id = fields.get("livePhotoVideoId");
  if (!id) return null;
  const video = /^[0-9a-f-]{36}$/i.test(id) ? await getAsset(db, id) : undefined;
  if (video?.type !== "VIDEO" || video.ownerId !== ownerId) throw badRequest("livePhotoVideoId: no video with that id");
  return id;
}

type AssetDetails = Pick<
  Asset,
  "fileCreatedAt" | "fileModifiedAt" | "duration" | "visibility" | "livePhotoVideoId" | "sidecarKey" | "isFavorite"
>;

// The row of a new asset whose original is stored, until its metadata is read.
export function newAssetRecord(id: string, ownerId: string, file: StoredFile, details: AssetDetails) {
  const now = Date.now();
  return {
    id,
    ownerId,
    type: file.media.type,
    originalFileName: file.fileName,
    originalMimeType: file.media.mimeType,
    originalKey: file.key,
    checksum: file.checksum,
    fileSizeInByte: file.size,
    localDateTime: details.fileCreatedAt,
    ...details,
    createdAt: now,
    updatedAt: now,
  };
}

export const newAssetJobs = (id: string): NewJob[] => [
  { name: "extractMetadata", payload: { assetId: id } },
  { name: "generateThumbnails", payload: { assetId: id } },
];

async function receiveUpload(
  store: UploadStore,
  owner: UploadOwner,
  parts: AsyncIterable<MultipartPart>,
): Promise<{ result: UploadResult; jobs: boolean }> {
  const { db, storage } = store;
  const quota = owner.bytesLeft === undefined ? undefined : { bytes: owner.bytesLeft, error: quotaExceeded };
  const fields = new Map<string, string>();
  const id = crypto.randomUUID();
  const written: string[] = [];
  let file: StoredFile | undefined;
  let sidecar: string | undefined;
  try {
    for await (const part of parts) {
      if (part.name === "sidecarData") {
        if (sidecar) throw badRequest("sidecarData: only one sidecar per upload");
        sidecar = sidecarKey(id);
        await startUpload(db, sidecar);
        written.push(sidecar);
        await storeHashed(storage, sidecar, part.body, {
          bytes: maxSidecarBytes,
          error: () => new AppError(413, `sidecarData: larger than ${maxSidecarBytes} bytes`),
        });
        continue;
      }
      if (part.name !== "assetData") {
        fields.set(part.name, await part.text());
        continue;
      }
      if (file) throw badRequest("assetData: only one file per upload");
      // Immich's iOS uploader names the file in a `filename` field (see originalName below); the
      // part's own name may be a temporary one.
      const fileName = safeFileName(fields.get("filename") || part.filename || "", "");
      const { head, stream } = await peek(part.body, sniffLength);
      if (head.byteLength === 0) throw badRequest("assetData: the file is empty");
      const media = detectMediaType(head, fileName);
      if (!media) {
        await stream.cancel();
        const claimed = claimedType(fileName);
        throw new AppError(
          400,
          claimed
            ? `${JSON.stringify(fileName)} is named like ${claimed} but its content is not a photo or video Shoebox can read`
            : `Unsupported file type: ${JSON.stringify(fileName)}. See /api/server/media-types for what Shoebox accepts.`,
        );
      }
      const key = originalKey(id, media.extension);
      await startUpload(db, key);
      written.push(key);
      file = { key, fileName, media, ...(await storeHashed(storage, key, stream, quota)) };
    }
    if (!file) throw badRequest("assetData: required");
    // The fields may come after the file too.
    const originalName = fields.get("filename");
    if (originalName) file.fileName = safeFileName(originalName, file.fileName);

    checkMetadata(fields);
    const fileCreatedAt = parseDate(fields, "fileCreatedAt");
    const fileModifiedAt = parseDate(fields, "fileModifiedAt");
    const visibility = parseVisibility(fields);
    const duration = parseDuration(fields);
    const livePhotoVideoId = await linkedVideo(db, owner.id, fields);
    const created = await addUploadedAsset(
      db,
      newAssetRecord(id, owner.id, file, {
        fileCreatedAt,
        fileModifiedAt,
        duration,
        visibility,
        livePhotoVideoId,
        sidecarKey: sidecar ?? null,
        isFavorite: fields.get("isFavorite") === "true",
      }),
      newAssetJobs(id),
      written,
    );
    if (!created) {
      // The library already has this file (perhaps from another request a moment ago).
      await discard(db, storage, written);
      const winner = await findAssetByChecksum(db, owner.id, file.checksum);
      return { result: { id: winner?.id ?? id, status: "duplicate" }, jobs: false };
    }
    return { result: { id, status: "created" }, jobs: true };
  } catch (error) {
    await discard(db, storage, written).catch(() => undefined);
    throw await explainWriteFailure(store, error);
  }
}

// What every upload route does around receiving the file: a checksum the owner's library knows
// (x-immich-checksum) answers at once, and an upload that cannot fit the quota or the disk is
// refused before a byte of it is read. `parts` turns the body into the fields and file of an upload.
async function acceptUpload(
  store: UploadStore,
  owner: UploadOwner,
  request: Request,
  parts: (body: ReadableStream<Uint8Array>) => AsyncIterable<MultipartPart>,
): Promise<{ result: UploadResult; jobs: boolean }> {
  const { db } = store;
  const announced = request.headers.get("x-immich-checksum");
  if (announced) {
    const checksum = normalizeChecksum(announced);
    if (!checksum) throw badRequest("x-immich-checksum: expected a SHA-1 as 40 hex digits or base64");
    const existing = await findAssetByChecksum(db, owner.id, checksum);
    if (existing) {
      await request.body?.cancel();
      return { result: { id: existing.id, status: "duplicate" }, jobs: false };
    }
  }
  // The announced length includes a little multipart framing.
  const length = Number(request.headers.get("content-length") ?? NaN);
  if (owner.bytesLeft !== undefined && (owner.bytesLeft === 0 || length > owner.bytesLeft + 64 * 1024)) {
    await request.body?.cancel();
    throw quotaExceeded();
  }
  if (!request.body) throw badRequest("assetData: required");
  await store.checkRoom(Number.isFinite(length) ? length : 0).catch(async (error: unknown) => {
    await request.body?.cancel();
    throw error;
  });
  return receiveUpload(store, owner, parts(request.body));
}

const textPart = (name: string, value: string): MultipartPart => ({
  name,
  body: new Response(value).body!,
  text: async () => value,
});

// Where an upload goes: the asker's library, or, through a link that allows it, the link owner's.
function uploadOwner(auth: Auth): UploadOwner {
  if (auth.sharedLink && !auth.sharedLink.allowUpload) throw new AppError(403, "This link does not allow uploads");
  return uploadOwnerOf(auth.user);
}

// An upload through a link lands in what the link shares, so that its visitors see it.
async function addToSharedLink(db: Database, auth: Auth, assetId: string): Promise<void> {
  const link = auth.sharedLink;
  if (!link) return;
  if (link.albumId) await addAssetsToAlbum(db, link.albumId, [assetId], new Set([assetId]));
  else await addSharedLinkAssets(db, link.id, [assetId]);
}

// An upload from a route: into the asker's library (or through a link, into what it shares), with
// the new asset's jobs queued and the worker woken.
export async function uploadAsset(
  c: ServiceContext,
  auth: Auth,
  request: Request,
  parts: (body: ReadableStream<Uint8Array>) => AsyncIterable<MultipartPart>,
): Promise<UploadResult> {
  const { result, jobs } = await acceptUpload(uploadStore(c), uploadOwner(auth), request, parts);
  await addToSharedLink(c.var.db, auth, result.id);
  if (jobs) nudgeWorker(c);
  return result;
}

// A raw body (what an iOS Shortcut's "Get Contents of URL" sends) as the parts of an upload.
export async function* rawUploadParts(
  body: ReadableStream<Uint8Array>,
  fileName: string,
  createdAt: string,
): AsyncGenerator<MultipartPart> {
  yield textPart("fileCreatedAt", createdAt);
  yield textPart("fileModifiedAt", createdAt);
  yield { name: "assetData", filename: fileName, body, text: () => new Response(body).text() };
}

// A form with one file in any field (what Android's HTTP Shortcuts sends for a shared file) as the
// parts of an upload; other fields are ignored.
export async function* formUploadParts(
  form: AsyncIterable<MultipartPart>,
  createdAt: string,
  fileName?: string,
): AsyncGenerator<MultipartPart> {
  yield textPart("fileCreatedAt", createdAt);
  yield textPart("fileModifiedAt", createdAt);
  for await (const part of form) {
    if (part.filename === undefined) {
      await part.text();
      continue;
    }
    yield { ...part, name: "assetData", filename: fileName ?? part.filename };
  }
}

async function discard(db: Database, storage: Storage, keys: string[]): Promise<void> {
  for (const key of keys) await storage.delete(key);
  await finishUploadQuery(db, keys);
}
