// Receiving an upload: the file streams to storage while its SHA-1 is computed, so memory stays flat
// whatever its size. An upload that breaks off, is refused or turns out to be a duplicate leaves no
// file and no asset behind.
import { findAssetByChecksum, insertAssetQuery } from "../../common/assets";
import { AppError, badRequest } from "../../common/errors";
import { mediaTypeOf } from "../../common/media-types";
import { enqueueJobsQuery, type NewJob } from "../../common/queue";
import { originalKey, type Storage } from "../../common/storage";
import type { Database } from "../../common/db";
import { parseMultipart } from "../lib/multipart";

export interface UploadResult {
  id: string;
  status: "created" | "duplicate";
}

interface StoredFile {
  key: string;
  fileName: string;
  type: "IMAGE" | "VIDEO";
  mimeType: string;
  size: number;
  checksum: string;
}

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

async function storeHashed(storage: Storage, key: string, body: ReadableStream<Uint8Array>): Promise<{ size: number; checksum: string }> {
  const digest = new crypto.DigestStream("SHA-1");
  const writer = digest.getWriter();
  let size = 0;
  const hashing = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      size += chunk.byteLength;
      await writer.write(chunk);
      controller.enqueue(chunk);
    },
    async flush() {
      await writer.close();
    },
  });
  await storage.put(key, body.pipeThrough(hashing));
  return { size, checksum: toBase64(new Uint8Array(await digest.digest)) };
}

function parseDate(fields: Map<string, string>, name: string): number {
  const raw = fields.get(name);
  if (raw === undefined) throw badRequest(`${name}: required`);
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw badRequest(`${name}: not a date: ${JSON.stringify(raw)}`);
  return time;
}

export async function receiveUpload(
  db: Database,
  storage: Storage,
  body: ReadableStream<Uint8Array>,
  boundary: string,
  maxAttempts: number,
): Promise<{ result: UploadResult; jobs: boolean }> {
  const fields = new Map<string, string>();
  const id = crypto.randomUUID();
  let file: StoredFile | undefined;
  try {
    for await (const part of parseMultipart(body, boundary)) {
      if (part.name !== "assetData") {
        fields.set(part.name, (await part.text()).slice(0, 10_000));
        continue;
      }
      if (file) throw badRequest("assetData: only one file per upload");
      const fileName = part.filename?.split(/[\\/]/).pop()?.trim() ?? "";
      const media = mediaTypeOf(fileName);
      if (!media) {
        await part.body.cancel();
        throw new AppError(400, `Unsupported file type: ${JSON.stringify(fileName)}. See /api/server/media-types for what Shoebox accepts.`);
      }
      const key = originalKey(id, media.extension);
      const stored = await storeHashed(storage, key, part.body);
      file = { key, fileName, type: media.type, mimeType: media.mimeType, ...stored };
    }
    if (!file) throw badRequest("assetData: required");
    if (file.size === 0) throw badRequest("assetData: the file is empty");

    const existing = await findAssetByChecksum(db, file.checksum);
    if (existing) {
      await storage.delete(file.key);
      return { result: { id: existing.id, status: "duplicate" }, jobs: false };
    }

    const fileCreatedAt = parseDate(fields, "fileCreatedAt");
    const fileModifiedAt = parseDate(fields, "fileModifiedAt");
    const now = Date.now();
    const jobs: NewJob[] =
      file.type === "IMAGE"
        ? [
            { name: "extractMetadata", payload: { assetId: id } },
            { name: "generateThumbnails", payload: { assetId: id } },
          ]
        : [];
    // The asset and its jobs are written together: never an asset without its jobs.
    const created = await db.transaction(async (tx) => {
      const inserted = await insertAssetQuery(tx, {
        id,
        type: file!.type,
        originalFileName: file!.fileName,
        originalMimeType: file!.mimeType,
        originalKey: file!.key,
        checksum: file!.checksum,
        fileSizeInByte: file!.size,
        fileCreatedAt,
        fileModifiedAt,
        localDateTime: fileCreatedAt,
        isFavorite: fields.get("isFavorite") === "true",
        createdAt: now,
        updatedAt: now,
      });
      if (inserted.rowsAffected === 0) return false;
      if (jobs.length) await enqueueJobsQuery(tx, jobs, maxAttempts, now);
      return true;
    });
    if (!created) {
      // The same file arrived through another request a moment ago.
      await storage.delete(file.key);
      const winner = await findAssetByChecksum(db, file.checksum);
      return { result: { id: winner?.id ?? id, status: "duplicate" }, jobs: false };
    }
    return { result: { id, status: "created" }, jobs: jobs.length > 0 };
  } catch (error) {
    if (file) await storage.delete(file.key).catch(() => undefined);
    throw error;
  }
}
