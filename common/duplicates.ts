// Duplicates: photos (or videos) of one owner that look the same — a copy sent back from a phone, a
// resized or re-encoded export, a slightly cropped edit, the frames of a burst. Each asset carries a
// 64-bit perceptual hash (pHash) of its thumbnail (workers/media/image.ts); two assets are near-duplicates
// when their hashes differ in at most `duplicateDistance` bits. Exact copies hash alike too (one
// owner never holds the same file twice: assets_owner_checksum_idx), so one path finds both.
//
// Grouping runs in a job (detectDuplicates), not in requests: for every asset not compared yet it
// finds the close hashes among all of its owner's with a multi-index hash table, and gives them a
// shared duplicateId as Immich does; with a CLIP model, nearly equal embeddings join groups too
// (common/smart-search.ts). The review page then reads the groups by that id.
import { and, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { trashAssets } from "./assets";
import type { Database } from "./db";
import { enqueueJobUnlessPending } from "./queue";
import { nearIdenticalPairs } from "./smart-search";
import { assets, exif, type Asset, type Exif } from "./schema";

// Measured on the 165 real photos of ../shared/media (their thumbnails, as the worker makes them):
// a copy at half size, re-encoded at JPEG quality 60, cropped by 2% (centred or from one corner),
// 5% or 15% brighter, more saturated or at 160 px stays within 10 bits of the photo (the only
// misses: two tiny test pictures of 128 px, at 12 to 16 bits); of the 13,530 pairs of different
// photos none came closer than 18 bits.
export const duplicateDistance = 10;

// With a CLIP model, pictures whose embeddings are within this cosine distance are duplicates too
// (Immich's default), which can catch copies whose hashes drifted apart (a heavier crop or edit).
export const clipDuplicateDistance = 0.01;

// A flat picture has no frequencies but its mean: its hash has (nearly) one bit set, and every such
// picture would match every other. They are left out of the grouping.
const minSetBits = 6;

// Hashes as two unsigned 32-bit halves.
type Hash = { hi: number; lo: number };

export function parseHash(hex: string): Hash | undefined {
  if (!/^[0-9a-f]{16}$/.test(hex)) return undefined;
  return { hi: Number.parseInt(hex.slice(0, 8), 16) >>> 0, lo: Number.parseInt(hex.slice(8), 16) >>> 0 };
}

function bitCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function hammingDistance(a: string, b: string): number {
  const x = parseHash(a);
  const y = parseHash(b);
  if (!x || !y) return 64;
  return bitCount((x.hi ^ y.hi) >>> 0) + bitCount((x.lo ^ y.lo) >>> 0);
}

function informative({ hi, lo }: Hash): boolean {
  const ones = bitCount(hi) + bitCount(lo);
  return ones >= minSetBits && ones <= 64 - minSetBits;
}

export interface HashedAsset {
  id: string;
  // Only assets of one type are compared: a video's poster frame is no copy of a photo.
  type: string;
  hash: string;
  duplicateId: string | null;
  // Not compared with the others yet.
  isNew: boolean;
}

// The 16-bit chunk `k` (0–3) of a hash.
const chunkOf = (h: Hash, k: number) => (k < 2 ? h.hi >>> (16 - 16 * k) : h.lo >>> (16 - 16 * (k - 2))) & 0xffff;

// Every 16-bit mask with at most `r` bits set: the probes around a chunk.
function masksUpTo(r: number): number[] {
  const masks = [0];
  if (r >= 1) for (let i = 0; i < 16; i++) masks.push(1 << i);
  if (r >= 2) for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) masks.push((1 << i) | (1 << j));
  if (r >= 3)
    for (let i = 0; i < 16; i++)
      for (let j = i + 1; j < 16; j++) for (let k = j + 1; k < 16; k++) masks.push((1 << i) | (1 << j) | (1 << k));
  return masks;
}

// The groups after comparing the new assets with all: for each group of two or more that changed,
// the duplicateId it gets and its members. Multi-index hashing: hashes within `distance` bits agree
// to within floor(distance / 4) bits on at least one of their four 16-bit chunks, so each new hash
// probes four tables (one per chunk) at those few nearby values instead of scanning every hash.
// `alike`: pairs known to be near-identical some other way (their CLIP embeddings), joined as well.
export function groupDuplicates(
  items: HashedAsset[],
  distance = duplicateDistance,
  alike: Array<[string, string]> = [],
): Map<string, string[]> {
  const n = items.length;
  // The hashes in flat arrays (the loop below runs millions of times for a large library).
  const his = new Uint32Array(n);
  const los = new Uint32Array(n);
  const usable = new Uint8Array(n);
  const isNew = new Uint8Array(n);
  const typeCodes = new Map<string, number>();
  const types = new Uint32Array(n);
  items.forEach((item, i) => {
    const hash = parseHash(item.hash);
    if (hash && informative(hash)) [his[i], los[i], usable[i]] = [hash.hi, hash.lo, 1];
    isNew[i] = item.isNew ? 1 : 0;
    if (!typeCodes.has(item.type)) typeCodes.set(item.type, typeCodes.size);
    types[i] = typeCodes.get(item.type)!;
  });
  // Per chunk, the items sorted by that chunk's value (counting sort) and where each value starts.
  const tables = [0, 1, 2, 3].map((k) => {
    const chunks = new Uint16Array(n);
    for (let i = 0; i < n; i++) chunks[i] = chunkOf({ hi: his[i]!, lo: los[i]! }, k);
    const starts = new Int32Array(65_537);
    for (let i = 0; i < n; i++) if (usable[i]) starts[chunks[i]! + 1]!++;
    for (let v = 0; v < 65_536; v++) starts[v + 1]! += starts[v]!;
    const order = new Int32Array(starts[65_536]!);
    const fill = starts.slice(0, 65_536);
    for (let i = 0; i < n; i++) if (usable[i]) order[fill[chunks[i]!]!++] = i;
    return { chunks, starts, order };
  });
  const masks = Int32Array.from(masksUpTo(Math.floor(distance / 4)));

  const parent = Int32Array.from(items.keys());
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const union = (a: number, b: number) => {
    const [x, y] = [find(a), find(b)];
    if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
  };
  // Assets already grouped stay together.
  const firstOfGroup = new Map<string, number>();
  items.forEach((item, i) => {
    if (!item.duplicateId) return;
    const first = firstOfGroup.get(item.duplicateId);
    if (first === undefined) firstOfGroup.set(item.duplicateId, i);
    else union(first, i);
  });
  const seen = new Int32Array(n).fill(-1);
  const touched = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (!isNew[i] || !usable[i]) continue;
    const [hi, lo, type] = [his[i]!, los[i]!, types[i]!];
    for (let k = 0; k < 4; k++) {
      const { chunks, starts, order } = tables[k]!;
      const chunk = chunks[i]!;
      for (let m = 0; m < masks.length; m++) {
        const value = chunk ^ masks[m]!;
        for (let at = starts[value]!, end = starts[value + 1]!; at < end; at++) {
          const j = order[at]!;
          // A pair of new assets is looked at once, from the later one.
          if (j === i || seen[j] === i || (isNew[j] && j > i)) continue;
          seen[j] = i;
          if (types[j] !== type || bitCount((hi ^ his[j]!) >>> 0) + bitCount((lo ^ los[j]!) >>> 0) > distance) continue;
          union(i, j);
          touched.add(i);
        }
      }
    }
  }

  const indexOf = new Map(items.map((item, i) => [item.id, i]));
  for (const [a, b] of alike) {
    const [i, j] = [indexOf.get(a), indexOf.get(b)];
    if (i === undefined || j === undefined || types[i] !== types[j]) continue;
    union(i, j);
    touched.add(isNew[i] ? i : j);
  }

  // Only groups a new asset joined change; others keep their ids as they are.
  const changedRoots = new Set([...touched].map(find));
  const members = new Map<number, number[]>();
  items.forEach((_, i) => {
    const root = find(i);
    if (changedRoots.has(root)) members.set(root, [...(members.get(root) ?? []), i]);
  });
  const groups = new Map<string, string[]>();
  for (const indexes of members.values()) {
    if (indexes.length < 2) continue;
    // The id is chosen from the members alone (the smallest id already given, or else the smallest
    // asset id), so that two runs at once agree on it.
    const existing = indexes
      .map((i) => items[i]!.duplicateId)
      .filter((id): id is string => id !== null)
      .sort();
    const id = existing[0] ?? indexes.map((i) => items[i]!.id).sort()[0]!;
    groups.set(
      id,
      indexes.map((i) => items[i]!.id),
    );
  }
  return groups;
}

const listed = ["timeline", "archive"] as const;

// Queues a duplicate detection, a moment later so that a run of uploads is compared in one go,
// unless one is waiting already (one running does not count: it may have read the library before
// the newest hash). One job serves every owner.
export async function queueDuplicateDetection(db: Database, delayMs = 2_000): Promise<void> {
  await enqueueJobUnlessPending(
    db,
    { name: "detectDuplicates", payload: {}, runAfter: Date.now() + delayMs },
    { orRunning: false },
  );
}

export async function savePerceptualHash(db: Database, id: string, perceptualHash: string): Promise<void> {
  await db.update(assets).set({ perceptualHash, duplicatesDetectedAt: null }).where(eq(assets.id, id));
}

const chunked = <T>(items: T[], size = 500): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

// Compares one owner's assets not compared yet with all of theirs, and groups the near-identical
// ones. How many assets it compared.
export async function detectOwnerDuplicates(
  db: Database,
  ownerId: string,
  distance = duplicateDistance,
): Promise<number> {
  const rows = await db
    .select({
      id: assets.id,
      type: assets.type,
      hash: assets.perceptualHash,
      duplicateId: assets.duplicateId,
      detectedAt: assets.duplicatesDetectedAt,
    })
    .from(assets)
    .where(
      and(
        eq(assets.ownerId, ownerId),
        isNotNull(assets.perceptualHash),
        isNull(assets.deletedAt),
        inArray(assets.visibility, [...listed]),
      ),
    );
  const items: HashedAsset[] = rows.map((row) => ({
    id: row.id,
    type: row.type,
    hash: row.hash!,
    duplicateId: row.duplicateId,
    isNew: row.detectedAt === null,
  }));
  const fresh = items.filter((item) => item.isNew).map((item) => item.id);
  if (fresh.length === 0) return 0;
  const groups = groupDuplicates(items, distance, await nearIdenticalPairs(db, ownerId, fresh, clipDuplicateDistance));
  const current = new Map(items.map((item) => [item.id, item.duplicateId]));
  const now = Date.now();
  const updates = [
    ...[...groups].flatMap(([duplicateId, ids]) =>
      chunked(ids.filter((id) => current.get(id) !== duplicateId)).map((some) =>
        db
          .update(assets)
          .set({ duplicateId })
          .where(and(eq(assets.ownerId, ownerId), inArray(assets.id, some))),
      ),
    ),
    ...chunked(fresh).map((some) =>
      db
        .update(assets)
        .set({ duplicatesDetectedAt: now })
        .where(and(inArray(assets.id, some), isNull(assets.duplicatesDetectedAt))),
    ),
  ];
  for (const batch of chunked(updates, 100)) await db.batch(batch as [(typeof updates)[number], ...typeof updates]);
  return fresh.length;
}

// The detectDuplicates job: every owner with assets not compared yet, until there are none.
export async function detectAllDuplicates(db: Database): Promise<number> {
  let compared = 0;
  for (;;) {
    const owners = await db
      .selectDistinct({ ownerId: assets.ownerId })
      .from(assets)
      .where(
        and(
          isNotNull(assets.perceptualHash),
          isNull(assets.duplicatesDetectedAt),
          isNull(assets.deletedAt),
          inArray(assets.visibility, [...listed]),
        ),
      );
    if (owners.length === 0) return compared;
    for (const { ownerId } of owners) compared += await detectOwnerDuplicates(db, ownerId);
  }
}

export interface DuplicateMember {
  asset: Asset;
  exif: Exif | null;
}

export interface DuplicateGroup {
  duplicateId: string;
  assets: DuplicateMember[];
  // The copy to keep: the largest picture, then the one with the most metadata, then the largest file.
  suggestedKeepId: string;
}

const metadataFields = [
  "make",
  "model",
  "lensModel",
  "fNumber",
  "focalLength",
  "iso",
  "exposureTime",
  "dateTimeOriginal",
  "latitude",
  "city",
  "description",
  "rating",
] as const;

export function metadataCount(exif: Exif | null): number {
  return exif
    ? metadataFields.filter((field) => exif[field] !== null && exif[field] !== undefined && exif[field] !== "").length
    : 0;
}

export function bestCopy(members: DuplicateMember[]): DuplicateMember {
  const pixels = (m: DuplicateMember) => (m.asset.width ?? 0) * (m.asset.height ?? 0);
  return [...members].sort(
    (a, b) =>
      pixels(b) - pixels(a) ||
      metadataCount(b.exif) - metadataCount(a.exif) ||
      b.asset.fileSizeInByte - a.asset.fileSizeInByte ||
      a.asset.createdAt - b.asset.createdAt,
  )[0]!;
}

const inGroup = (ownerId: string) =>
  and(eq(assets.ownerId, ownerId), isNull(assets.deletedAt), inArray(assets.visibility, [...listed]));

// The owner's groups of two or more, the newest first; `limit` groups from `offset`, or all.
export async function listDuplicateGroups(
  db: Database,
  ownerId: string,
  page?: { limit: number; offset: number },
): Promise<DuplicateGroup[]> {
  const newest = sql<number>`max(${assets.localDateTime})`;
  const query = db
    .select({ duplicateId: sql<string>`${assets.duplicateId}` })
    .from(assets)
    .where(and(inGroup(ownerId), isNotNull(assets.duplicateId)))
    .groupBy(assets.duplicateId)
    .having(sql`count(*) >= 2`)
    .orderBy(sql`${newest} DESC`, assets.duplicateId);
  const ids = (page ? await query.limit(page.limit).offset(page.offset) : await query).map((row) => row.duplicateId);
  const members: DuplicateMember[] = [];
  for (const some of chunked(ids, 200)) {
    const rows = await db
      .select()
      .from(assets)
      .leftJoin(exif, eq(exif.assetId, assets.id))
      .where(and(inGroup(ownerId), inArray(assets.duplicateId, some)))
      .orderBy(assets.localDateTime, assets.id);
    members.push(...rows.map((row) => ({ asset: row.assets, exif: row.exif })));
  }
  return ids.map((duplicateId) => {
    const group = members.filter((m) => m.asset.duplicateId === duplicateId);
    return { duplicateId, assets: group, suggestedKeepId: bestCopy(group).asset.id };
  });
}

export async function getDuplicateGroup(
  db: Database,
  ownerId: string,
  duplicateId: string,
): Promise<DuplicateGroup | undefined> {
  const rows = await db
    .select()
    .from(assets)
    .leftJoin(exif, eq(exif.assetId, assets.id))
    .where(and(inGroup(ownerId), eq(assets.duplicateId, duplicateId)))
    .orderBy(assets.localDateTime, assets.id);
  if (rows.length < 2) return undefined;
  const group = rows.map((row) => ({ asset: row.assets, exif: row.exif }));
  return { duplicateId, assets: group, suggestedKeepId: bestCopy(group).asset.id };
}

// Of these group ids, the ones the owner has.
export async function ownedDuplicateIds(db: Database, ownerId: string, duplicateIds: string[]): Promise<string[]> {
  if (duplicateIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ duplicateId: sql<string>`${assets.duplicateId}` })
    .from(assets)
    .where(and(eq(assets.ownerId, ownerId), inArray(assets.duplicateId, [...new Set(duplicateIds)])));
  return rows.map((row) => row.duplicateId);
}

// "Not duplicates": the groups' assets are no longer grouped (nor compared again, unless a new
// look-alike comes). How many of the given groups the owner had.
export async function dismissDuplicateGroups(db: Database, ownerId: string, duplicateIds: string[]): Promise<number> {
  const unique = [...new Set(duplicateIds)];
  const found = await ownedDuplicateIds(db, ownerId, unique);
  if (found.length > 0) {
    await db
      .update(assets)
      .set({ duplicateId: null, updatedAt: Date.now() })
      .where(and(eq(assets.ownerId, ownerId), inArray(assets.duplicateId, unique)));
  }
  return found.length;
}

// Keeps the chosen copies of a group and moves the others to the trash; the group is resolved.
// Undefined when the owner has no such group or a chosen copy is not in it.
export async function resolveDuplicateGroup(
  db: Database,
  ownerId: string,
  duplicateId: string,
  keepIds: string[],
): Promise<{ kept: string[]; trashed: string[] } | undefined> {
  const group = await getDuplicateGroup(db, ownerId, duplicateId);
  if (!group) return undefined;
  const memberIds = group.assets.map((m) => m.asset.id);
  const keep = [...new Set(keepIds)];
  if (keep.length === 0 || keep.some((id) => !memberIds.includes(id))) return undefined;
  const trashed = memberIds.filter((id) => !keep.includes(id));
  await trashAssets(db, trashed);
  await db
    .update(assets)
    .set({ duplicateId: null, updatedAt: Date.now() })
    .where(and(eq(assets.ownerId, ownerId), eq(assets.duplicateId, duplicateId)));
  return { kept: keep, trashed };
}
