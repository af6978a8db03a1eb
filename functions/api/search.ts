// Search in Immich's shapes. Metadata search looks in the caller's own library; smart search comes later.
import { z } from "@hono/zod-openapi";
import { searchAssets, searchVocabulary, type SearchFilters } from "../../common/search";
import { parseSearchQuery } from "../../common/search-query";
import { createRouter, json, route } from "../router";
import { AssetResponse, toAssetResponse } from "./responses";

// Immich's clients send null for a filter they do not use: null and absent mean the same here.
const Text = z.string().max(1000).nullable().optional();

const MetadataSearch = z
  .object({
    originalFileName: Text,
    city: Text,
    state: Text,
    country: Text,
    make: Text,
    model: Text,
    takenAfter: z.iso.datetime({ offset: true }).optional(),
    takenBefore: z.iso.datetime({ offset: true }).optional(),
    type: z.enum(["IMAGE", "VIDEO"]).optional(),
    isFavorite: z.boolean().optional(),
    // Shoebox's own: a thing in the photo, by its tag or a word for it ("puppy" finds dogs).
    tag: Text,
    // Shoebox's own: the search box's words ("mum lisbon june 2021"), read as the search page reads them.
    query: Text,
    page: z.number().int().min(1).optional(),
    size: z.number().int().min(1).max(1000).optional(),
  })
  .openapi("MetadataSearchDto");

const SearchResponse = z
  .object({
    albums: z.object({ total: z.number().int(), count: z.number().int(), items: z.array(z.unknown()), facets: z.array(z.unknown()), nextPage: z.null() }),
    assets: z.object({
      total: z.number().int(),
      count: z.number().int(),
      items: z.array(AssetResponse),
      facets: z.array(z.unknown()),
      nextPage: z.string().nullable(),
    }),
  })
  .openapi("SearchResponseDto");

const metadata = route(
  { permission: "asset.read" },
  {
    method: "post",
    path: "/metadata",
    tags: ["Search"],
    description:
      "My photos and videos (in the timeline or the archive, not in the trash) matching every filter given, newest first. Text filters match part of the field, ignoring case; `takenAfter` and `takenBefore` bound the date taken; `tag` names a thing in the photo, or a word for it (\"puppy\" finds dogs); `query` is the search box's words (dates such as \"2019\", \"june 2021\" or \"last summer\", places, people's names, things, cameras, file names, \"videos\"), and the other filters narrow it further. `nextPage` names the next page, if there is one.",
    request: { body: { content: { "application/json": { schema: MetadataSearch } } } },
    responses: { 200: json(SearchResponse, "The matching assets, one page of them") },
  },
);

const orUndefined = (text: string | null | undefined) => text ?? undefined;

// The date taken is stored as the wall-clock time where it was taken, as if it were UTC; an
// instant with an offset is compared by its wall-clock reading.
function wallClock(datetime: string | undefined): number | undefined {
  if (datetime === undefined) return undefined;
  const local = datetime.match(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)/)?.[1];
  return local ? Date.parse(`${local}Z`) : Date.parse(datetime);
}

export const searchRoutes = createRouter().openapi(metadata, async (c) => {
  const body = c.req.valid("json");
  const page = body.page ?? 1;
  const size = body.size ?? 250;
  const given: SearchFilters = {
    originalFileName: orUndefined(body.originalFileName),
    city: orUndefined(body.city),
    state: orUndefined(body.state),
    country: orUndefined(body.country),
    make: orUndefined(body.make),
    model: orUndefined(body.model),
    takenAfter: wallClock(body.takenAfter),
    takenBefore: wallClock(body.takenBefore),
    type: body.type,
    isFavorite: body.isFavorite,
    tag: orUndefined(body.tag),
  };
  const query = body.query?.trim();
  const parsed = query ? parseSearchQuery(query, { ...(await searchVocabulary(c.var.db, c.var.auth.user.id)), now: Date.now() }).filters : {};
  const filters: SearchFilters = { ...parsed, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) };
  if (parsed.takenAfter !== undefined && given.takenAfter !== undefined) filters.takenAfter = Math.max(parsed.takenAfter, given.takenAfter);
  if (parsed.takenBefore !== undefined && given.takenBefore !== undefined) filters.takenBefore = Math.min(parsed.takenBefore, given.takenBefore);
  // One more than asked for tells whether there is a next page.
  const hits = await searchAssets(c.var.db, [c.var.auth.user.id], filters, { limit: size + 1, offset: (page - 1) * size });
  const items = hits.slice(0, size).map((hit) => toAssetResponse(hit.asset, hit.exif));
  return c.json(
    {
      albums: { total: 0, count: 0, items: [], facets: [], nextPage: null },
      assets: { total: items.length, count: items.length, items, facets: [], nextPage: hits.length > size ? String(page + 1) : null },
    },
    200,
  );
});
