// Search's rules of functions/services/search.ts, on a real library: the box's words are read into
// filters, an empty search asks nothing, and only the asker's own assets are searched, a partner's not.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addPartner, setPartnerInTimeline } from "../../common/partners";
import type { User } from "../../common/schema";
import { planSearch, planSmartSearch, runSearch } from "../../functions/services/search";
import type { TestLibrary } from "./helpers/library";
import { as, openTwoUsers } from "./helpers/two-users";

describe("search's rules", () => {
  let library: TestLibrary;
  let alice: User;
  let bob: User;

  before(async () => ({ library, alice, bob } = await openTwoUsers()));
  after(() => library.close());

  it("reads the box's words, and asks nothing without words or fields", async () => {
    const empty = await planSearch(library.c, as(alice), "  ", {});
    assert.equal(empty.asksSomething, false);
    assert.equal(empty.parsed, undefined);
    const videos = await planSearch(library.c, as(alice), "videos", {});
    assert.equal(videos.filters.type, "VIDEO");
    assert.equal(videos.asksSomething, true);
    assert.equal(videos.rankedBy, undefined, "no CLIP model here");
    assert.equal((await planSearch(library.c, as(alice), undefined, { isFavorite: true })).asksSomething, true);
  });

  it("searches the asker's own assets only, a partner's included in nothing", async () => {
    const own = await library.createAsset(alice.id, { originalFileName: "beach-own.jpg" });
    await library.createAsset(bob.id, { originalFileName: "beach-bob.jpg" });
    await addPartner(library.db, bob.id, alice.id);
    await setPartnerInTimeline(library.db, bob.id, alice.id, true);
    const plan = await planSearch(library.c, as(alice), undefined, { originalFileName: "beach" });
    assert.deepEqual(
      (await runSearch(library.c, as(alice), plan, { limit: 10 })).map((hit) => hit.asset.id),
      [own.id],
    );
  });

  it("refuses a smart search without a CLIP model", () => {
    assert.throws(() => planSmartSearch(library.c, "dog", {}), { status: 400 });
  });
});
