// The integrity check: compares what storage holds with what the database refers to, and finds
// files missing from storage, files nothing refers to (orphans), and originals whose content no
// longer matches their SHA-1. A library of millions takes hours to hash, longer than a job may run,
// so a check is a chain of steps: one lists storage for orphans, then each checks assets in id order
// until its time is up and queues the next from where it stopped. The last publishes the findings.
import { createHash } from "node:crypto";
import { defaults } from "../../common/config";
import type { JobPayloads } from "../../common/jobs";
import {
  discardStagedFindings,
  keysBeingDeleted,
  keysOfUploadsUnderWay,
  saveIntegrityStep,
  type NewFinding,
} from "../../common/integrity";
import { assetObjects, assetObjectsPage, type AssetObjects, type StoredObjectKind } from "../../common/stored-objects";
import { openObject } from "../backup/objects";
import type { StoredEntry, WorkerStorage } from "../storage/storage";
import type { JobContext } from "./context";

// A fifth of the queue's time limit, which leaves room for one large original started at the end.
const stepMs = defaults.jobTimeoutMs.backgroundTask / 5;
const pageSize = 200;

const labels: Record<StoredObjectKind, string> = {
  original: "original",
  sidecar: "XMP sidecar",
  encodedVideo: "web-playable copy of the video",
  thumbnail: "thumbnail",
  preview: "preview",
  fullsize: "full-size copy",
};

// Keys as 64-bit hashes in a sorted array: 8 bytes a key, so that the keys of a library of millions
// fit in memory. A collision could only hide an orphan, never report one that is not.
class KeySet {
  private hashes = new BigUint64Array(4096);
  private size = 0;

  private static hash(key: string): bigint {
    return createHash("sha1").update(key).digest().readBigUInt64BE(0);
  }

  add(key: string): void {
    if (this.size === this.hashes.length) {
      const grown = new BigUint64Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.size++] = KeySet.hash(key);
  }

  // Call once every key is in, before `has`.
  seal(): this {
    this.hashes = this.hashes.slice(0, this.size).sort();
    return this;
  }

  has(key: string): boolean {
    const wanted = KeySet.hash(key);
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.hashes[middle]!;
      if (value === wanted) return true;
      if (value < wanted) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}

// Every key a row refers to, and those of uploads under way and of deletions queued.
async function referencedKeys(context: JobContext): Promise<KeySet> {
  const keys = new KeySet();
  for (let after = ""; ; ) {
    const page = await assetObjectsPage(context.db, after, 1000);
    if (page.length === 0) break;
    for (const asset of page) for (const { key } of asset.objects) keys.add(key);
    after = page.at(-1)!.assetId;
  }
  for (const key of await keysOfUploadsUnderWay(context.db)) keys.add(key);
  for (const key of await keysBeingDeleted(context.db)) keys.add(key);
  return keys.seal();
}

async function findOrphans(context: JobContext): Promise<NewFinding[]> {
  const known = await referencedKeys(context);
  // The scratch folder is no object: list leaves it out.
  const suspects: StoredEntry[] = [];
  for await (const entry of context.storage.list("")) if (!known.has(entry.key)) suspects.push(entry);
  if (suspects.length === 0) return [];
  // A file listed before the row that refers to it was written (an upload finishing), or one deleted
  // since, is no orphan: look again.
  const now = await referencedKeys(context);
  const orphans: NewFinding[] = [];
  for (const { key, size } of suspects) {
    if (now.has(key) || (await context.storage.size(key)) === null) continue;
    orphans.push({
      kind: "orphan",
      key,
      assetId: null,
      detail: `No photo or video refers to it (${size === 1 ? "1 byte" : `${size} bytes`})`,
    });
  }
  return orphans;
}

async function sha1Of(body: AsyncIterable<Uint8Array>): Promise<{ checksum: string; size: number }> {
  const hash = createHash("sha1");
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { checksum: hash.digest("base64"), size };
}

async function checkAsset(storage: WorkerStorage, asset: AssetObjects): Promise<NewFinding[]> {
  const findings: NewFinding[] = [];
  for (const { kind, key } of asset.objects) {
    const missing: NewFinding = {
      kind: "missing",
      key,
      assetId: asset.assetId,
      detail: `The ${labels[kind]} is not in storage`,
    };
    if (kind !== "original") {
      if ((await storage.size(key)) === null) findings.push(missing);
      continue;
    }
    const object = await openObject(storage, key);
    if (!object) {
      findings.push(missing);
      continue;
    }
    const { checksum, size } = await sha1Of(object);
    if (checksum === asset.checksum) continue;
    const sizes = size === asset.fileSizeInByte ? "" : `; it has ${size} bytes, not ${asset.fileSizeInByte}`;
    findings.push({
      kind: "checksum",
      key,
      assetId: asset.assetId,
      detail: `Its SHA-1 is ${checksum}, not ${asset.checksum}${sizes}`,
    });
  }
  return findings;
}

// Keeps what is still true now: an asset deleted, or whose file moved, while it was checked is fine.
async function confirm(storage: WorkerStorage, current: AssetObjects[], suspects: NewFinding[]): Promise<NewFinding[]> {
  const confirmed: NewFinding[] = [];
  for (const finding of suspects) {
    const asset = current.find((a) => a.assetId === finding.assetId);
    if (!asset?.objects.some((object) => object.key === finding.key)) continue;
    if (finding.kind === "missing" && (await storage.size(finding.key)) !== null) continue;
    confirmed.push(finding);
  }
  return confirmed;
}

// Checks assets after `after` until the time is up; `next` is where the next step starts, null when
// every asset was checked.
async function checkAssets(
  context: JobContext,
  after: string,
  deadline: number,
): Promise<{ findings: NewFinding[]; next: string | null }> {
  const findings: NewFinding[] = [];
  let cursor = after;
  while (Date.now() < deadline) {
    const page = await assetObjectsPage(context.db, cursor, pageSize);
    if (page.length === 0) return { findings, next: null };
    const suspects: NewFinding[] = [];
    for (const asset of page) {
      if (Date.now() >= deadline) break;
      suspects.push(...(await checkAsset(context.storage, asset)));
      cursor = asset.assetId;
    }
    if (suspects.length) {
      const current = await assetObjects(context.db, [...new Set(suspects.map((s) => s.assetId!))]);
      findings.push(...(await confirm(context.storage, current, suspects)));
    }
  }
  return { findings, next: cursor };
}

export async function checkIntegrity(context: JobContext, payload: JobPayloads["checkIntegrity"]): Promise<void> {
  const { db } = context;
  const { runId } = payload;
  if (payload.phase === "orphans") {
    await discardStagedFindings(db, runId);
    const orphans = await findOrphans(context);
    await saveIntegrityStep(db, runId, orphans, {
      name: "checkIntegrity",
      payload: { runId, phase: "assets", after: "" },
    });
  } else {
    const { findings, next } = await checkAssets(context, payload.after, Date.now() + stepMs);
    await saveIntegrityStep(
      db,
      runId,
      findings,
      next === null ? null : { name: "checkIntegrity", payload: { runId, phase: "assets", after: next } },
    );
  }
  context.wake();
}
