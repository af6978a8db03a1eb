// Tags of the things in photos and the places they were taken: the only code that reads or writes
// asset_tags. The worker keeps the object model's tags of each preview (workers/jobs/tags.ts); the
// Explore page lists the owner's tags and places, each with a count and a cover; search matches a
// word against tags through a small map of synonyms ("puppy" finds dogs). Like people, tags and
// places are their owner's alone: only their own assets count.
import { and, desc, eq, gte, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "./db";
import { assets, assetTags, exif, type Asset } from "./schema";

export interface NewTag {
  tag: string;
  score: number;
}

// Replaces an asset's tags with those just found, and notes that the model has seen it.
export async function replaceAssetTags(db: Database, assetId: string, tags: NewTag[]): Promise<void> {
  await db.batch([
    db.delete(assetTags).where(eq(assetTags.assetId, assetId)),
    ...(tags.length ? [db.insert(assetTags).values(tags.map((t) => ({ assetId, tag: t.tag, score: t.score })))] : []),
    db.update(assets).set({ objectsTaggedAt: Date.now() }).where(eq(assets.id, assetId)),
  ]);
}

// Words people search with for the model's tags (COCO's class names), which match themselves too.
export const tagSynonyms: Record<string, string[]> = {
  person: [
    "people",
    "persons",
    "man",
    "men",
    "woman",
    "women",
    "child",
    "children",
    "kid",
    "kids",
    "boy",
    "girl",
    "baby",
    "human",
    "humans",
    "portrait",
    "selfie",
  ],
  dog: ["dogs", "puppy", "puppies", "doggy", "doggie", "pup", "hound", "spaniel"],
  cat: ["cats", "kitten", "kittens", "kitty", "kitties"],
  car: ["cars", "automobile", "automobiles", "auto", "vehicle"],
  bicycle: ["bicycles", "bike", "bikes", "cycle"],
  motorcycle: ["motorcycles", "motorbike", "motorbikes", "scooter"],
  airplane: ["airplanes", "plane", "planes", "aeroplane", "aircraft", "jet"],
  bus: ["buses", "coach"],
  train: ["trains", "railway", "locomotive"],
  truck: ["trucks", "lorry", "lorries"],
  boat: ["boats", "ship", "ships", "sailboat", "yacht"],
  bird: ["birds", "seagull", "pigeon"],
  horse: ["horses", "pony", "ponies"],
  sheep: ["lamb", "lambs"],
  cow: ["cows", "cattle", "calf"],
  "teddy bear": ["teddy", "teddybear"],
  "cell phone": ["phone", "phones", "mobile", "smartphone"],
  "dining table": ["table", "tables"],
  tv: ["television", "tvs"],
  couch: ["sofa", "sofas"],
  "potted plant": ["plant", "plants", "houseplant"],
  "sports ball": ["ball", "football", "soccer", "basketball"],
  "wine glass": ["wine", "glass"],
  cake: ["cakes", "birthday cake"],
  pizza: ["pizzas"],
  laptop: ["laptops", "notebook", "computer"],
  book: ["books"],
  umbrella: ["umbrellas"],
  chair: ["chairs"],
};

const synonymToTag = new Map<string, string>(
  Object.entries(tagSynonyms).flatMap(([tag, words]) => [
    [tag, tag] as [string, string],
    ...words.map((w) => [w, tag] as [string, string]),
  ]),
);

// The tags a word the user typed stands for: the tag itself, a synonym's tag, or a plural's
// ("dogs", "buses"). Unknown words stand for themselves, so that any tag kept can be found.
export function tagsForWord(word: string): string[] {
  const w = word.trim().toLowerCase().replace(/\s+/g, " ");
  if (!w) return [];
  const found = new Set<string>([w]);
  const direct = synonymToTag.get(w);
  if (direct) found.add(direct);
  for (const stem of [w.replace(/s$/, ""), w.replace(/es$/, "")]) {
    const tag = synonymToTag.get(stem);
    if (stem && tag) found.add(tag);
  }
  return [...found];
}

// The owner's assets the viewer sees in tag and place lists: theirs, in the timeline or the
// archive, outside the trash.
const ownVisible = (ownerId: string) =>
  and(eq(assets.ownerId, ownerId), isNull(assets.deletedAt), inArray(assets.visibility, ["timeline", "archive"]));

export interface TagSummary {
  tag: string;
  count: number;
  // The asset shown for the tag: the one the model was surest of.
  coverAssetId: string;
}

// The owner's tags of which the model was at least minScore sure, the most photos first. Explore
// asks for more than the worker keeps (defaults.exploreTagScore): what it shows, and its covers, are
// the surest of what search finds.
export async function listTags(db: Database, ownerId: string, minScore: number): Promise<TagSummary[]> {
  const rows = await db
    .select({
      tag: assetTags.tag,
      count: sql<number>`count(*)`,
      // SQLite takes the bare column from the row that has the max().
      best: sql<number>`max(${assetTags.score})`,
      coverAssetId: assetTags.assetId,
    })
    .from(assetTags)
    .innerJoin(assets, eq(assets.id, assetTags.assetId))
    .where(and(ownVisible(ownerId), gte(assetTags.score, minScore)))
    .groupBy(assetTags.tag)
    .orderBy(desc(sql`count(*)`), assetTags.tag);
  return rows.map((row) => ({ tag: row.tag, count: Number(row.count), coverAssetId: row.coverAssetId }));
}

// The owner's assets with any of these tags (of which the model was at least minScore sure), newest first.
export async function taggedAssets(
  db: Database,
  ownerId: string,
  tags: string[],
  minScore: number,
  limit = 5000,
): Promise<Asset[]> {
  if (tags.length === 0) return [];
  return db
    .selectDistinct({ asset: assets })
    .from(assetTags)
    .innerJoin(assets, eq(assets.id, assetTags.assetId))
    .where(and(inArray(assetTags.tag, tags), gte(assetTags.score, minScore), ownVisible(ownerId)))
    .orderBy(desc(assets.localDateTime), desc(assets.id))
    .limit(limit)
    .then((rows) => rows.map((row) => row.asset));
}

export interface PlaceSummary {
  city: string;
  country: string | null;
  count: number;
  // The newest photo taken there.
  coverAssetId: string;
}

// The cities the owner's photos were taken in (from geocoding), the most photos first.
export async function listPlaces(db: Database, ownerId: string, limit = 100): Promise<PlaceSummary[]> {
  const rows = await db
    .select({
      city: sql<string>`${exif.city}`,
      country: exif.country,
      count: sql<number>`count(*)`,
      newest: sql<number>`max(${assets.localDateTime})`,
      coverAssetId: assets.id,
    })
    .from(exif)
    .innerJoin(assets, eq(assets.id, exif.assetId))
    .where(and(ownVisible(ownerId), sql`${exif.city} IS NOT NULL AND ${exif.city} != ''`))
    .groupBy(exif.city, exif.country)
    .orderBy(desc(sql`count(*)`), exif.city)
    .limit(limit);
  return rows.map((row) => ({
    city: row.city,
    country: row.country,
    count: Number(row.count),
    coverAssetId: row.coverAssetId,
  }));
}
