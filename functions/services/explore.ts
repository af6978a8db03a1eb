// Explore's rules: what is in the asker's own library at a glance (as for people, only their own
// photos count): people, places (the cities of geocoding) and things (tags the object model is
// confident enough of), and the photos of one thing.
import type { Auth } from "../../common/access";
import { defaults } from "../../common/config";
import type { PersonWithCount } from "../../common/people";
import type { Asset } from "../../common/schema";
import { listPlaces, listTags, taggedAssets, type PlaceSummary, type TagSummary } from "../../common/tags";
import type { ServiceContext as Ctx } from "./context";
import { myPeople } from "./people";

// A tag as the object model names things: lower-case words.
const tagPattern = /^[a-z][a-z ]{0,40}$/;

export interface ExploreOverview {
  people: PersonWithCount[];
  places: PlaceSummary[];
  things: TagSummary[];
}

export async function exploreOverview(c: Ctx, auth: Auth): Promise<ExploreOverview> {
  const [{ people }, places, things] = await Promise.all([
    myPeople(c, auth, { withHidden: false }),
    listPlaces(c.var.db, auth.user.id),
    listTags(c.var.db, auth.user.id, defaults.exploreTagScore),
  ]);
  return { people, places, things };
}

// The asker's photos of a thing, newest first; none for a tag no model gives.
export async function photosOfThing(c: Ctx, auth: Auth, tag: string): Promise<Asset[]> {
  const name = tag.toLowerCase();
  return tagPattern.test(name) ? taggedAssets(c.var.db, auth.user.id, [name], defaults.exploreTagScore) : [];
}
