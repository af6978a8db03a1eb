// Direct uploads: a client announces a file, puts it at a signed URL, then completes it. With a
// bucket the URL is a presigned PUT straight to the bucket, so the bytes never pass through Shoebox;
// on a local volume it is a URL on this server with the same properties: it names one object of one
// size, works for minutes, and works once.
import { addUploadedAsset, findAssetByChecksum } from "../../common/assets";
import { defaults, directUploadCompletionGraceMs } from "../../common/config";
import {
  announceDirectUpload,
  claimDirectUploadContent,
  getDirectUpload,
  releaseDirectUploadContent,
  spendDirectUpload,
  type DirectUpload,
} from "../../common/direct-uploads";
import { safeFileName } from "../../common/file-names";
import { signingKey } from "../../common/server-keys";
import { AppError, badRequest, notFound } from "../../common/errors";
import { claimedType, detectMediaType, extensionOf, sniffLength } from "../../common/media-types";
import { originalKey, stagedUploadKey, type Storage } from "../../common/storage";
import { finishUploadQuery, startUpload } from "../../common/uploads";
import type { Database } from "../../common/db";
import { inLargeChunks } from "../lib/chunks";
import {
  explainWriteFailure,
  hashingStream,
  newAssetJobs,
  newAssetRecord,
  normalizeChecksum,
  quotaExceeded,
  type UploadOwner,
  type UploadStore,
  type UploadResult,
} from "./upload";

export interface DirectUploadRequest {
  filename: string;
  size: number;
  checksum?: string;
  contentType?: string;
}

export interface DirectUploadTicket {
  uploadId: string;
  url: string;
  method: "PUT";
  headers: Record<string, string>;
  expiresAt: string;
}

const encoder = new TextEncoder();
const urlSigningKey = (secret: string) => signingKey(secret, "shoebox direct upload url");

const signedText = (key: string, size: number, expires: number) => `PUT\n${key}\n${size}\n${expires}`;

const toHex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
const fromHex = (hex: string) => new Uint8Array((hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));

export async function announceUpload(
  store: UploadStore,
  owner: UploadOwner,
  request: DirectUploadRequest,
  local: { origin: string; secret: string },
): Promise<DirectUploadTicket | UploadResult> {
  const { db, storage } = store;
  const fileName = safeFileName(request.filename, "");
  if (!claimedType(fileName)) {
    throw new AppError(
      415,
      `Unsupported file type: ${JSON.stringify(fileName)}. See /api/server/media-types for what Shoebox accepts.`,
    );
  }
  if (owner.bytesLeft !== undefined && request.size > owner.bytesLeft) throw quotaExceeded();
  await store.checkRoom(request.size);
  let checksum: string | null = null;
  if (request.checksum) {
    checksum = normalizeChecksum(request.checksum) ?? null;
    if (!checksum) throw badRequest("checksum: expected a SHA-1 as 40 hex digits or base64");
    const existing = await findAssetByChecksum(db, owner.id, checksum);
    if (existing) return { id: existing.id, status: "duplicate" };
  }
  const id = crypto.randomUUID();
  // On a volume the PUT comes through Shoebox, which takes it once, so it can land in place.
  const key = (storage.uploadUrl ? stagedUploadKey : originalKey)(id, extensionOf(fileName));
  const expiresInSeconds = defaults.presignedUploadSeconds;
  const expiresAt = Date.now() + expiresInSeconds * 1000;
  await announceDirectUpload(db, {
    id,
    ownerId: owner.id,
    key,
    fileName,
    size: request.size,
    checksum,
    contentType: request.contentType ?? null,
    expiresAt,
    createdAt: Date.now(),
  });
  const headers = { "content-length": String(request.size) };
  if (storage.uploadUrl) {
    return {
      uploadId: id,
      url: await storage.uploadUrl(key, request.size, expiresInSeconds),
      method: "PUT",
      headers,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }
  const expires = Math.floor(expiresAt / 1000);
  const signature = toHex(
    await crypto.subtle.sign(
      "HMAC",
      await urlSigningKey(local.secret),
      encoder.encode(signedText(key, request.size, expires)),
    ),
  );
  const url = `${local.origin}/api/uploads/${id}/content?expires=${expires}&signature=${signature}`;
  return { uploadId: id, url, method: "PUT", headers, expiresAt: new Date(expiresAt).toISOString() };
}

// The PUT of a local direct upload. The signature covers the object and its size, so the URL
// cannot be bent to another file; the PUT claims the upload before writing, so two PUTs at once or
// one after another cannot both write it.
export async function receiveDirectUpload(
  store: UploadStore,
  uploadId: string,
  query: { expires: number; signature: string },
  body: ReadableStream<Uint8Array> | null,
  secret: string,
): Promise<{ size: number }> {
  const { db, storage } = store;
  const refused = () =>
    new AppError(
      403,
      "This upload URL is not valid: it was changed, has expired or was already used. Ask for a new one.",
    );
  const upload = await getDirectUpload(db, uploadId);
  if (!upload || upload.completedAt !== null) throw refused();
  const expected = signedText(upload.key, upload.size, query.expires);
  const valid = await crypto.subtle.verify(
    "HMAC",
    await urlSigningKey(secret),
    fromHex(query.signature),
    encoder.encode(expected),
  );
  if (!valid || query.expires * 1000 < Date.now()) throw refused();
  if (!body) throw badRequest("The request has no body: send the file as it is");
  await store.checkRoom(upload.size);
  if (!(await claimDirectUploadContent(db, uploadId))) throw refused();

  const tooLarge = () => new AppError(413, `The file is larger than the ${upload.size} bytes announced`);
  const hashing = hashingStream({ bytes: upload.size, error: tooLarge });
  await startUpload(db, upload.key);
  try {
    await storage.put(upload.key, body.pipeThrough(hashing.stream));
    const { size } = await hashing.result();
    if (size !== upload.size) throw badRequest(`The file has ${size} bytes, not the ${upload.size} announced`);
    await finishUploadQuery(db, [upload.key]);
    return { size };
  } catch (error) {
    await storage.delete(upload.key).catch(() => undefined);
    await finishUploadQuery(db, [upload.key]).catch(() => undefined);
    await releaseDirectUploadContent(db, uploadId).catch(() => undefined);
    throw await explainWriteFailure(store, error);
  }
}

// Checks what arrived at the URL and ingests it like any other upload. Whatever the outcome, the
// upload is spent; an object that is refused is removed.
export async function completeDirectUpload(
  store: UploadStore,
  owner: UploadOwner,
  uploadId: string,
): Promise<UploadResult> {
  const { db, storage } = store;
  const upload = await getDirectUpload(db, uploadId);
  if (!upload || upload.ownerId !== owner.id) throw notFound("No such upload");
  if (upload.completedAt !== null) throw new AppError(409, "This upload was already completed");
  if (upload.expiresAt + directUploadCompletionGraceMs < Date.now())
    throw new AppError(409, "This upload expired before it was completed. Start a new one.");
  const size = await storage.size(upload.key);
  if (size === null) throw new AppError(409, "Nothing has been uploaded to this upload's URL yet");
  if (!(await spendDirectUpload(db, uploadId))) throw new AppError(409, "This upload was already completed");
  try {
    return await ingest(db, storage, owner, upload, size);
  } catch (error) {
    await storage.delete(upload.key).catch(() => undefined);
    throw await explainWriteFailure(store, error);
  }
}

async function ingest(
  db: Database,
  storage: Storage,
  owner: UploadOwner,
  upload: DirectUpload,
  size: number,
): Promise<UploadResult> {
  if (size !== upload.size) throw badRequest(`The uploaded file has ${size} bytes, not the ${upload.size} announced`);
  if (owner.bytesLeft !== undefined && size > owner.bytesLeft) throw quotaExceeded();
  const head = await storage.get(upload.key, { offset: 0, length: sniffLength });
  const media = head && detectMediaType(new Uint8Array(await new Response(head.body).arrayBuffer()), upload.fileName);
  if (!media) throw new AppError(415, `${JSON.stringify(upload.fileName)} is not a photo or video Shoebox can read`);

  const whole = await storage.get(upload.key);
  if (!whole) throw new AppError(409, "The uploaded file disappeared");
  const hashing = hashingStream();
  await inLargeChunks(whole.body).pipeThrough(hashing.stream).pipeTo(new WritableStream());
  const { checksum } = await hashing.result();
  if (upload.checksum && upload.checksum !== checksum)
    throw badRequest("The uploaded file does not match the checksum announced");

  const key = originalKey(upload.id, media.extension);
  if (key !== upload.key) {
    await storage.copy(upload.key, key);
    await storage.delete(upload.key);
  }
  const file = { key, fileName: upload.fileName, media, size, checksum };
  // The file's own date replaces the announcement's once its metadata is read.
  const details = {
    fileCreatedAt: upload.createdAt,
    fileModifiedAt: upload.createdAt,
    duration: null,
    visibility: "timeline" as const,
    livePhotoVideoId: null,
    sidecarKey: null,
    isFavorite: false,
  };
  const created = await addUploadedAsset(
    db,
    newAssetRecord(upload.id, owner.id, file, details),
    newAssetJobs(upload.id),
    [],
  );
  if (!created) {
    await storage.delete(key);
    const winner = await findAssetByChecksum(db, owner.id, checksum);
    return { id: winner?.id ?? upload.id, status: "duplicate" };
  }
  return { id: upload.id, status: "created" };
}
