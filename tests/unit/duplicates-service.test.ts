// Duplicates' rules of functions/services/duplicates.ts, on a real library: a group is its owner's
// alone, resolving keeps at least one copy and only copies of the group, dismissing is all or nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getAsset } from "../../common/assets";
import type { User } from "../../common/schema";
import { dismissGroups, myDuplicateGroups, resolveGroup } from "../../functions/services/duplicates";
import type { TestLibrary } from "./helpers/library";
import { as, openTwoUsers } from "./helpers/two-users";

describe("duplicates' rules", () => {
  let library: TestLibrary;
  let alice: User;
  let bob: User;

  async function groupOf(owner: User, size = 2): Promise<{ id: string; assetIds: string[] }> {
    const id = crypto.randomUUID();
    const assetIds: string[] = [];
    for (let i = 0; i < size; i++) assetIds.push((await library.createAsset(owner.id, { duplicateId: id })).id);
    return { id, assetIds };
  }

  before(async () => ({ library, alice, bob } = await openTwoUsers()));
  after(() => library.close());

  it("keeps the chosen copies, of the group only, and trashes the others", async () => {
    const group = await groupOf(alice, 3);
    const stranger = await library.createAsset(alice.id);
    await assert.rejects(resolveGroup(library.c, as(bob), group.id, [group.assetIds[0]!]), { status: 404 });
    await assert.rejects(resolveGroup(library.c, as(alice), group.id, []), { status: 400 });
    await assert.rejects(resolveGroup(library.c, as(alice), group.id, [stranger.id]), { status: 400 });
    const [keep, ...others] = group.assetIds;
    assert.deepEqual(await resolveGroup(library.c, as(alice), group.id, [keep!]), { kept: [keep], trashed: others });
    for (const id of others) assert.notEqual((await getAsset(library.db, id))?.deletedAt, null);
    assert.equal((await getAsset(library.db, keep!))?.deletedAt, null);
    await assert.rejects(resolveGroup(library.c, as(alice), group.id, [keep!]), { status: 404 }, "the group is gone");
  });

  it("dismisses all the groups asked, or none", async () => {
    const mine = await groupOf(alice);
    const bobs = await groupOf(bob);
    await assert.rejects(dismissGroups(library.c, as(alice), [mine.id, bobs.id]), { status: 404 });
    assert.ok(
      (await myDuplicateGroups(library.c, as(alice))).some((g) => g.duplicateId === mine.id),
      "nothing was dismissed",
    );
    await dismissGroups(library.c, as(alice), [mine.id, mine.id]);
    assert.ok(!(await myDuplicateGroups(library.c, as(alice))).some((g) => g.duplicateId === mine.id));
    assert.equal((await myDuplicateGroups(library.c, as(bob))).length, 1, "Bob's group stays");
  });
});
