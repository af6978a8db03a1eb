// Search's rules, for the API and the pages alike: only the asker's own photos and videos (in the
// timeline or the archive, not the trash) are searched. The search box's words are read against the
// asker's own places, people and cameras (common/search-query.ts); with a CLIP model, the words that
// are none of those rank the results by what the photos show, which the worker turns into an
// embedding (workerd runs no models) for the smart_search index (common/smart-search.ts).
import type { Auth } from "../../common/access";
import { badRequest } from "../../common/errors";
import {
  hasFilters,
  narrowFilters,
  searchAssets,
  searchVocabulary,
  type SearchFilters,
  type SearchHit,
  type SearchPage,
} from "../../common/search";
import { parseSearchQuery, smartSearchQuery, type ParsedSearchQuery } from "../../common/search-query";
import { searchAssetsBySimilarity } from "../../common/smart-search";
import type { ServiceContext as Ctx } from "./context";
import { callWorker } from "./worker";

// What a search asks for, once its words are read.
export interface SearchPlan {
  // The words as understood, for showing back; none when there were no words.
  parsed?: ParsedSearchQuery;
  // The text a CLIP model ranks the results by, best first; otherwise they come newest first.
  rankedBy?: string;
  filters: SearchFilters;
  // Whether it asks for anything: otherwise it would find the whole library.
  asksSomething: boolean;
}

// Reads the search box's `words`; `filters` (fields given besides) narrow what they find.
export async function planSearch(
  c: Ctx,
  auth: Auth,
  words: string | undefined,
  filters: SearchFilters,
): Promise<SearchPlan> {
  const text = words?.trim();
  const parsed = text
    ? parseSearchQuery(text, { ...(await searchVocabulary(c.var.db, auth.user.id)), now: Date.now() })
    : undefined;
  const ranking = parsed && c.env.CLIP === "on" ? smartSearchQuery(parsed) : undefined;
  const narrowed = narrowFilters((ranking ?? parsed)?.filters ?? {}, filters);
  return {
    parsed,
    rankedBy: ranking?.text,
    filters: narrowed,
    asksSomething: ranking !== undefined || hasFilters(narrowed),
  };
}

// A search in words by what the photos show ("dog on the beach"): only with a CLIP model.
export function planSmartSearch(c: Ctx, text: string, filters: SearchFilters): SearchPlan {
  if (c.env.CLIP !== "on")
    throw badRequest("Smart search is not enabled: the admin sets CLIP_MODEL_DIR to a CLIP model (see the README)");
  return { rankedBy: text, filters, asksSomething: true };
}

// One page of what the plan finds in the asker's library. Ranked results page by `offset` only.
export async function runSearch(c: Ctx, auth: Auth, plan: SearchPlan, page: SearchPage): Promise<SearchHit[]> {
  const owners = [auth.user.id];
  if (plan.rankedBy === undefined) return searchAssets(c.var.db, owners, plan.filters, page);
  const { embedding } = await callWorker<{ embedding: number[] }>(c.env, "/internal/clip/text", {
    text: plan.rankedBy,
  });
  return searchAssetsBySimilarity(c.var.db, owners, Float32Array.from(embedding), plan.filters, {
    limit: page.limit,
    offset: page.offset,
  });
}
