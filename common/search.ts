// The search repository: a library's photos and videos by file name, place, camera, date taken,
// type and favourite, newest first. Text filters match anywhere in the field, ignoring case.
import { and, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Database } from "./db";
import { assets, assetTags, exif, type Asset, type Exif } from "./schema";
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

function conditions(filters: SearchFilters): Array<SQL | undefined> {
  const text = (value: string | undefined, match: (text: string) => SQL | undefined) => (present(value) ? match(value.trim()) : undefined);
  return [
    text(filters.originalFileName, (t) => contains(assets.originalFileName, t)),
    text(filters.city, (t) => contains(exif.city, t)),
    text(filters.state, (t) => contains(exif.state, t)),
    text(filters.country, (t) => contains(exif.country, t)),
    text(filters.place, (t) => or(contains(exif.city, t), contains(exif.state, t), contains(exif.country, t))),
    text(filters.make, (t) => contains(exif.make, t)),
    text(filters.model, (t) => contains(exif.model, t)),
    text(filters.camera, (t) => or(contains(exif.make, t), contains(exif.model, t), contains(sql`(${exif.make} || ' ' || ${exif.model})`, t))),
    filters.takenAfter !== undefined ? gte(assets.localDateTime, filters.takenAfter) : undefined,
    filters.takenBefore !== undefined ? lte(assets.localDateTime, filters.takenBefore) : undefined,
    filters.type ? eq(assets.type, filters.type) : undefined,
    filters.isFavorite !== undefined ? eq(assets.isFavorite, filters.isFavorite) : undefined,
    text(filters.tag, (t) => sql`EXISTS (SELECT 1 FROM ${assetTags} WHERE ${assetTags.assetId} = ${assets.id} AND ${inArray(assetTags.tag, tagsForWord(t))})`),
  ];
}

// Whether the filters narrow anything down (an empty search form finds nothing, rather than all).
export function hasFilters(filters: SearchFilters): boolean {
  return conditions(filters).some((condition) => condition !== undefined);
}

// The owners' assets that match, newest first, in the timeline or the archive, outside the trash.
export async function searchAssets(db: Database, ownerIds: string[], filters: SearchFilters, page: SearchPage): Promise<SearchHit[]> {
  if (ownerIds.length === 0) return [];
  const { before } = page;
  const rows = await db
    .select()
    .from(assets)
    .leftJoin(exif, eq(exif.assetId, assets.id))
    .where(
      and(
        inArray(assets.ownerId, ownerIds),
        isNull(assets.deletedAt),
        inArray(assets.visibility, ["timeline", "archive"]),
        ...conditions(filters),
        before ? or(lt(assets.localDateTime, before.localDateTime), and(eq(assets.localDateTime, before.localDateTime), lt(assets.id, before.id))) : undefined,
      ),
    )
    .orderBy(desc(assets.localDateTime), desc(assets.id))
    .limit(page.limit)
    .offset(page.offset ?? 0);
  return rows.map((row) => ({ asset: row.assets, exif: row.exif }));
}
