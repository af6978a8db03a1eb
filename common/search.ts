// The search repository: a library's photos and videos by file name, place, camera, date taken,
// type and favourite, newest first. Text filters match anywhere in the field, ignoring case.
import { and, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Database } from "./db";
import { assets, assetTags, exif, faces, people, type Asset, type Exif } from "./schema";
import type { SearchVocabulary } from "./search-query";
import { tagsForWord } from "./tags";

export interface SearchFilters {
  originalFileName?: string;
  city?: string;
  state?: string;
  country?: string;
  // Any of city, state and country.
  place?: string;
  make?: string;
  model?: string;
  // The make, the model, or both as "make model".
  camera?: string;
  // Bounds of the date taken (local_date_time: the wall-clock time, stored as if it were UTC), inclusive.
  takenAfter?: number;
  takenBefore?: number;
  type?: Asset["type"];
  isFavorite?: boolean;
  // A thing in the photo: a tag of the object model, or a word for one ("puppy" finds dogs).
  tag?: string;
  // The search box's (common/search-query.ts): every one must match.
  // People in the photo, each of them.
  personIds?: string[];
  // Things in the photo, each a tag or a word for one.
  tags?: string[];
  // Cameras, each the make, the model, or part of "make model".
  cameras?: string[];
  // Words in the file name or the description.
  words?: string[];
}

export interface SearchCursor {
  localDateTime: number;
  id: string;
}

export interface SearchPage {
  limit: number;
  // The last result of the previous page: results continue after it.
  before?: SearchCursor;
  // Or skip this many (the API's numbered pages).
  offset?: number;
}

export interface SearchHit {
  asset: Asset;
  exif: Exif | null;
}

// `%` and `_` in what the user typed are letters, not wildcards.
function contains(column: SQLWrapper, text: string): SQL {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`${column} LIKE ${`%${escaped}%`} ESCAPE '\\'`;
}

const present = (text: string | undefined): text is string => text !== undefined && text.trim() !== "";

export function searchConditions(filters: SearchFilters): Array<SQL | undefined> {
  const text = (value: string | undefined, match: (text: string) => SQL | undefined) =>
    present(value) ? match(value.trim()) : undefined;
  return [
    text(filters.originalFileName, (t) => contains(assets.originalFileName, t)),
    text(filters.city, (t) => contains(exif.city, t)),
    text(filters.state, (t) => contains(exif.state, t)),
    text(filters.country, (t) => contains(exif.country, t)),
    text(filters.place, (t) => or(contains(exif.city, t), contains(exif.state, t), contains(exif.country, t))),
    text(filters.make, (t) => contains(exif.make, t)),
    text(filters.model, (t) => contains(exif.model, t)),
    text(filters.camera, (t) =>
      or(contains(exif.make, t), contains(exif.model, t), contains(sql`(${exif.make} || ' ' || ${exif.model})`, t)),
    ),
    filters.takenAfter !== undefined ? gte(assets.localDateTime, filters.takenAfter) : undefined,
    filters.takenBefore !== undefined ? lte(assets.localDateTime, filters.takenBefore) : undefined,
    filters.type ? eq(assets.type, filters.type) : undefined,
    filters.isFavorite !== undefined ? eq(assets.isFavorite, filters.isFavorite) : undefined,
    text(filters.tag, (t) => hasTag(t)),
    ...(filters.tags ?? []).filter(present).map((t) => hasTag(t.trim())),
    ...(filters.personIds ?? []).map(
      (id) => sql`EXISTS (SELECT 1 FROM ${faces} WHERE ${faces.assetId} = ${assets.id} AND ${faces.personId} = ${id})`,
    ),
    ...(filters.cameras ?? [])
      .filter(present)
      .map((t) =>
        or(
          contains(exif.make, t.trim()),
          contains(exif.model, t.trim()),
          contains(sql`(${exif.make} || ' ' || ${exif.model})`, t.trim()),
        ),
      ),
    ...(filters.words ?? [])
      .filter(present)
      .map((t) => or(contains(assets.originalFileName, t.trim()), contains(exif.description, t.trim()))),
  ];
}

const hasTag = (word: string) =>
  sql`EXISTS (SELECT 1 FROM ${assetTags} WHERE ${assetTags.assetId} = ${assets.id} AND ${inArray(assetTags.tag, tagsForWord(word))})`;

// The search box's filters narrowed by fields given apart (the search page's advanced fields, the
// API's): a field given in both is the field's, and both date ranges hold.
export function narrowFilters(box: SearchFilters, fields: SearchFilters): SearchFilters {
  const defined = Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as SearchFilters;
  const max = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
  const min = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
  const both = (a?: string[], b?: string[]) => (a === undefined ? b : b === undefined ? a : [...new Set([...a, ...b])]);
  return {
    ...box,
    ...defined,
    takenAfter: max(box.takenAfter, fields.takenAfter),
    takenBefore: min(box.takenBefore, fields.takenBefore),
    personIds: both(box.personIds, fields.personIds),
  };
}

// Whether the filters narrow anything down (an empty search form finds nothing, rather than all).
export function hasFilters(filters: SearchFilters): boolean {
  return searchConditions(filters).some((condition) => condition !== undefined);
}

// What search may find of the owners': their assets in the timeline or the archive, outside the trash.
export const searchable = (ownerIds: string[]) =>
  and(inArray(assets.ownerId, ownerIds), isNull(assets.deletedAt), inArray(assets.visibility, ["timeline", "archive"]));

// The owners' assets that match, newest first.
export async function searchAssets(
  db: Database,
  ownerIds: string[],
  filters: SearchFilters,
  page: SearchPage,
): Promise<SearchHit[]> {
  if (ownerIds.length === 0) return [];
  const { before } = page;
  const rows = await db
    .select()
    .from(assets)
    .leftJoin(exif, eq(exif.assetId, assets.id))
    .where(
      and(
        searchable(ownerIds),
        ...searchConditions(filters),
        before
          ? or(
              lt(assets.localDateTime, before.localDateTime),
              and(eq(assets.localDateTime, before.localDateTime), lt(assets.id, before.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(assets.localDateTime), desc(assets.id))
    .limit(page.limit)
    .offset(page.offset ?? 0);
  return rows.map((row) => ({ asset: row.assets, exif: row.exif }));
}

// What the search box can recognise in an owner's library: the places, cameras, named people and
// tags of their own photos (in the timeline or the archive, outside the trash).
export async function searchVocabulary(db: Database, ownerId: string): Promise<SearchVocabulary> {
  const own = and(
    eq(assets.ownerId, ownerId),
    isNull(assets.deletedAt),
    inArray(assets.visibility, ["timeline", "archive"]),
  );
  const distinct = async (column: SQLWrapper) => {
    const rows = await db
      .selectDistinct({ value: sql<string>`${column}` })
      .from(exif)
      .innerJoin(assets, eq(assets.id, exif.assetId))
      .where(and(own, sql`${column} IS NOT NULL AND ${column} != ''`))
      .limit(5000);
    return rows.map((row) => row.value);
  };
  const [cities, states, countries, makes, models, named, tags] = await Promise.all([
    distinct(exif.city),
    distinct(exif.state),
    distinct(exif.country),
    distinct(exif.make),
    distinct(exif.model),
    db
      .select({ id: people.id, name: people.name })
      .from(people)
      .where(and(eq(people.ownerId, ownerId), sql`${people.name} != ''`)),
    db
      .selectDistinct({ tag: assetTags.tag })
      .from(assetTags)
      .innerJoin(assets, eq(assets.id, assetTags.assetId))
      .where(own)
      .limit(1000),
  ]);
  return { cities, states, countries, makes, models, people: named, tags: tags.map((row) => row.tag) };
}
