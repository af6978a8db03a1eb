// Search in Immich's shapes, in the caller's own library: metadata search, and smart search (ranked by
// a CLIP model, when one is set up).
import { z } from "@hono/zod-openapi";
import type { SearchFilters, SearchHit } from "../../common/search";
import { createRouter, json, route } from "../router";
import { planSearch, planSmartSearch, runSearch } from "../services/search";
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
    // Photos of all these people (the caller's own people).
    personIds: z.array(z.uuid()).max(100).optional(),
    // Shoebox's own: a thing in the photo, by its tag or a word for it ("puppy" finds dogs).
    tag: Text,
    // Shoebox's own: the search box's words ("mum lisbon june 2021"), read as the search page reads them.
    query: Text,
    page: z.number().int().min(1).optional(),
    size: z.number().int().min(1).max(1000).optional(),
  })
  .openapi("MetadataSearchDto");

const SmartSearch = MetadataSearch.omit({ query: true, tag: true })
  .extend({ query: z.string().trim().min(1).max(1000) })
  .openapi("SmartSearchDto");

const SearchResponse = z
  .object({
    albums: z.object({
      total: z.number().int(),
      count: z.number().int(),
      items: z.array(z.unknown()),
      facets: z.array(z.unknown()),
      nextPage: z.null(),
    }),
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
      'My photos and videos (in the timeline or the archive, not in the trash) matching every filter given, newest first. Text filters match part of the field, ignoring case; `takenAfter` and `takenBefore` bound the date taken; `tag` names a thing in the photo, or a word for it ("puppy" finds dogs); `query` is the search box\'s words (dates such as "2019", "june 2021" or "last summer", places, people\'s names, things, cameras, file names, "videos"), and the other filters narrow it further; with a CLIP model, its other words rank the results by what the photos show, best first. `nextPage` names the next page, if there is one.',
    request: { body: { content: { "application/json": { schema: MetadataSearch } } } },
    responses: { 200: json(SearchResponse, "The matching assets, one page of them") },
  },
);

const smart = route(
  { permission: "asset.read" },
  {
    method: "post",
    path: "/smart",
    tags: ["Search"],
    description:
      'My photos and videos ranked by how well they match `query` in words ("dog on the beach"), by the CLIP model set up with CLIP_MODEL_DIR, nearest first; the other filters narrow as in metadata search. 400 when no CLIP model is set up.',
    request: { body: { content: { "application/json": { schema: SmartSearch } } } },
    responses: { 200: json(SearchResponse, "The best matches, one page of them") },
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

// The filters given as fields, as search reads them.
function givenFilters(body: z.infer<typeof SmartSearch> | z.infer<typeof MetadataSearch>): SearchFilters {
  return {
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
    personIds: body.personIds,
    tag: "tag" in body ? orUndefined(body.tag) : undefined,
  };
}

// One page, asked for with one more than its size: that one tells whether there is a next page.
function resultPage(hits: SearchHit[], page: number, size: number) {
  const items = hits.slice(0, size).map((hit) => toAssetResponse(hit.asset, hit.exif));
  return {
    albums: { total: 0, count: 0, items: [], facets: [], nextPage: null },
    assets: {
      total: items.length,
      count: items.length,
      items,
      facets: [],
      nextPage: hits.length > size ? String(page + 1) : null,
    },
  };
}

// The page asked for, as search windows it: one more than its size tells whether there is a next.
const windowOf = (page: number, size: number) => ({ limit: size + 1, offset: (page - 1) * size });

export const searchRoutes = createRouter()
  .openapi(metadata, async (c) => {
    const body = c.req.valid("json");
    const page = body.page ?? 1;
    const size = body.size ?? 250;
    const plan = await planSearch(c, c.var.auth, orUndefined(body.query), givenFilters(body));
    return c.json(resultPage(await runSearch(c, c.var.auth, plan, windowOf(page, size)), page, size), 200);
  })
  .openapi(smart, async (c) => {
    const body = c.req.valid("json");
    const page = body.page ?? 1;
    const size = body.size ?? 100;
    const plan = planSmartSearch(c, body.query, givenFilters(body));
    return c.json(resultPage(await runSearch(c, c.var.auth, plan, windowOf(page, size)), page, size), 200);
  });
