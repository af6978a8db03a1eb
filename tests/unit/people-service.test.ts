// People's rules of functions/services/people.ts, on a real library: names are trimmed and limited,
// merges and face moves stay within one owner's people, and whom a photo shows is told its owner only.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPersonForFace, replaceAssetFaces } from "../../common/people";
import type { User } from "../../common/schema";
import {
  facesShownTo,
  mergePeople,
  mergePersonInto,
  moveFace,
  myPeople,
  ownPerson,
  personNameMaxLength,
  updatePerson,
} from "../../functions/services/people";
import type { TestLibrary } from "./helpers/library";
import { as, openTwoUsers } from "./helpers/two-users";

const face = {
  imageWidth: 100,
  imageHeight: 100,
  box: { x1: 10, y1: 10, x2: 40, y2: 40 },
  landmarks: [],
  score: 0.9,
  embedding: null,
};

describe("people's rules", () => {
  let library: TestLibrary;
  let alice: User;
  let bob: User;

  // A photo of the owner's with one face, and a person for it.
  async function personOf(owner: User): Promise<{ personId: string; faceId: string; assetId: string }> {
    const asset = await library.createAsset(owner.id);
    const [faceId] = await replaceAssetFaces(library.db, asset.id, [face], () => []);
    return { personId: await createPersonForFace(library.db, owner.id, faceId!), faceId: faceId!, assetId: asset.id };
  }

  before(async () => ({ library, alice, bob } = await openTwoUsers()));
  after(() => library.close());

  it("trims a name and refuses one that is too long", async () => {
    const { personId } = await personOf(alice);
    const longest = "a".repeat(personNameMaxLength);
    assert.equal((await updatePerson(library.c, as(alice), personId, { name: `  ${longest}  ` })).name, longest);
    await assert.rejects(updatePerson(library.c, as(alice), personId, { name: `${longest}b` }), { status: 400 });
    assert.equal(
      (await ownPerson(library.c, as(alice), personId.toUpperCase())).name,
      longest,
      "the name was left as it was",
    );
  });

  it("answers 404 for another user's person, and a link visitor has no people", async () => {
    const { personId, faceId } = await personOf(alice);
    const bobs = await personOf(bob);
    await assert.rejects(ownPerson(library.c, as(bob), personId), { status: 404 });
    await assert.rejects(updatePerson(library.c, as(bob), personId, { isHidden: true }), { status: 404 });
    await assert.rejects(mergePersonInto(library.c, as(bob), bobs.personId, personId), { status: 404 });
    await assert.rejects(moveFace(library.c, as(bob), faceId, bobs.personId), { status: 404 });
    const link = await library.createSharedLink(alice.id);
    assert.deepEqual(await myPeople(library.c, { user: alice, sharedLink: link }, { withHidden: true }), {
      people: [],
      total: 0,
      hidden: 0,
    });
    await assert.rejects(ownPerson(library.c, { user: alice, sharedLink: link }, personId), { status: 404 });
  });

  it("merges only the owner's own people, never someone into themselves", async () => {
    const keep = await personOf(alice);
    const other = await personOf(alice);
    await updatePerson(library.c, as(alice), other.personId, { name: "Ann" });
    const bobs = await personOf(bob);
    const results = await mergePeople(library.c, as(alice), keep.personId, [
      other.personId,
      keep.personId,
      bobs.personId,
    ]);
    assert.deepEqual(results, [
      { id: other.personId, success: true },
      { id: keep.personId, success: false, error: "duplicate" },
      { id: bobs.personId, success: false, error: "not_found" },
    ]);
    assert.equal((await ownPerson(library.c, as(alice), keep.personId)).name, "Ann", "the kept person takes the name");
    await assert.rejects(ownPerson(library.c, as(alice), other.personId), { status: 404 });
    assert.ok(await ownPerson(library.c, as(bob), bobs.personId), "Bob's person is untouched");
    await assert.rejects(mergePersonInto(library.c, as(alice), keep.personId, keep.personId), { status: 404 });
    const [shown] = await facesShownTo(library.c, as(alice), { id: other.assetId, ownerId: alice.id });
    assert.equal(shown?.person?.id, keep.personId, "the merged person's face went to the one kept");
  });

  it("tells whom a photo shows to its owner only", async () => {
    const { assetId } = await personOf(alice);
    assert.equal((await facesShownTo(library.c, as(alice), { id: assetId, ownerId: alice.id })).length, 1);
    assert.deepEqual(await facesShownTo(library.c, as(bob), { id: assetId, ownerId: alice.id }), []);
  });
});
