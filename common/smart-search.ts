// CLIP embeddings: the only code that reads or writes smart_search. The worker saves each preview's
// embedding (workers/jobs/smart-search.ts); search ranks an owner's assets by their cosine distance to
// a text's embedding, and duplicate detection looks for pictures whose embeddings nearly coincide.
// Both go through the vector index, which knows no owners: it is asked for the k nearest of
// everyone's, and k doubles until enough of the owner's matches are among them.
import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "./db";
import { assets, exif, smartSearch } from "./schema";
import { searchable, searchConditions, type SearchFilters, type SearchHit } from "./search";

const blob = (embedding: Float32Array) => new Uint8Array(embedding.buffer, embedding.byteOffset, embedding.byteLength);

const maxK = 1 << 16;

// Keeps an asset's embedding; the asset is then compared for duplicates again.
export async function saveClipEmbedding(db: Database, assetId: string, embedding: Float32Array): Promise<void> {
  await db.batch([
    db
      .insert(smartSearch)
      .values({ assetId, embedding })
      .onConflictDoUpdate({ target: smartSearch.assetId, set: { embedding } }),
    db.update(assets).set({ duplicatesDetectedAt: null }).where(eq(assets.id, assetId)),
  ]);
}

export interface SimilarHit extends SearchHit {
  distance: number;
}

// The owners' assets that match the filters, nearest to the embedding first.
export async function searchAssetsBySimilarity(
  db: Database,
  ownerIds: string[],
  embedding: Float32Array,
  filters: SearchFilters,
  page: { limit: number; offset?: number },
): Promise<SimilarHit[]> {
  if (ownerIds.length === 0) return [];
  const vector = blob(embedding);
  const wanted = (page.offset ?? 0) + page.limit;
  const [total] = await db.select({ n: count() }).from(smartSearch);
  const all = total?.n ?? 0;
  if (all === 0) return [];
  for (let k = Math.min(Math.max(64, wanted * 4), all); ; k = Math.min(k * 2, all)) {
    const rows = await db
      .select({
        asset: assets,
        exif,
        distance: sql<number>`vector_distance_cos(${smartSearch.embedding}, ${vector})`.as("distance"),
      })
      .from(sql`vector_top_k('smart_search_embedding_idx', ${vector}, ${k}) AS v`)
      .innerJoin(smartSearch, sql`${smartSearch}.rowid = v.id`)
      .innerJoin(assets, eq(assets.id, smartSearch.assetId))
      .leftJoin(exif, eq(exif.assetId, assets.id))
      .where(and(searchable(ownerIds), ...searchConditions(filters)))
      .orderBy(sql`distance`, assets.id)
      .limit(page.limit)
      .offset(page.offset ?? 0);
    // Enough, or every embedding was looked at.
    if (rows.length >= page.limit || k >= all || k >= maxK) return rows;
  }
}

// Pairs of one owner's assets (of one type, in the timeline or the archive) whose embeddings lie
// within maxDistance of each other, for each of these assets that has an embedding.
export async function nearIdenticalPairs(
  db: Database,
  ownerId: string,
  assetIds: string[],
  maxDistance: number,
): Promise<Array<[string, string]>> {
  const pairs: Array<[string, string]> = [];
  for (let at = 0; at < assetIds.length; at += 500) {
    const some = assetIds.slice(at, at + 500);
    const own = await db
      .select({ id: smartSearch.assetId, type: assets.type, embedding: smartSearch.embedding })
      .from(smartSearch)
      .innerJoin(assets, eq(assets.id, smartSearch.assetId))
      .where(inArray(smartSearch.assetId, some));
    for (const { id, type, embedding } of own) {
      const vector = blob(embedding);
      for (let k = 16; ; k *= 2) {
        const rows = await db
          .select({
            id: assets.id,
            type: assets.type,
            distance: sql<number>`vector_distance_cos(${smartSearch.embedding}, ${vector})`.as("distance"),
            mine: sql<number>`${searchable([ownerId])}`,
          })
          .from(sql`vector_top_k('smart_search_embedding_idx', ${vector}, ${k}) AS v`)
          .innerJoin(smartSearch, sql`${smartSearch}.rowid = v.id`)
          .innerJoin(assets, eq(assets.id, smartSearch.assetId));
        const near = rows.filter((row) => row.distance <= maxDistance);
        // Some of the k are farther (of anyone's): none nearer lies beyond them.
        if (near.length < rows.length || rows.length < k || k >= maxK) {
          for (const row of near) if (row.mine && row.id !== id && row.type === type) pairs.push([id, row.id]);
          break;
        }
      }
    }
  }
  return pairs;
}
