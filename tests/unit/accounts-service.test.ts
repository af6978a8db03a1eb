// Partners' and API keys' rules of functions/services/partners.ts and api-keys.ts, on a real library:
// whom one may share with, whose photos a timeline shows, and what a key may grant.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Auth } from "../../common/access";
import type { User } from "../../common/schema";
import { createKey, keyInUse, updateKey } from "../../functions/services/api-keys";
import {
  myPartners,
  shareLibrary,
  showPartnerInTimeline,
  stopSharing,
  timelineOwners,
} from "../../functions/services/partners";
import { openTestLibrary, type TestLibrary } from "./helpers/library";
import { as, openTwoUsers } from "./helpers/two-users";

describe("partners", () => {
  let library: TestLibrary;
  let alice: User;
  let bob: User;

  before(async () => ({ library, alice, bob } = await openTwoUsers()));
  after(() => library.close());

  it("shares with another active user once, never with oneself", async () => {
    await assert.rejects(shareLibrary(library.c, as(alice), alice.id), { status: 400 });
    await assert.rejects(shareLibrary(library.c, as(alice), crypto.randomUUID()), { status: 404 });
    assert.equal((await shareLibrary(library.c, as(alice), bob.id)).user.id, bob.id);
    await assert.rejects(shareLibrary(library.c, as(alice), bob.id), { status: 400 });
    assert.deepEqual(
      (await myPartners(library.c, as(bob), "shared-with")).map((p) => p.user.id),
      [alice.id],
    );
  });

  it("shows a partner's photos in the timeline only once the one shared with chooses so", async () => {
    assert.deepEqual(await timelineOwners(library.c, as(bob)), [bob.id]);
    await assert.rejects(
      showPartnerInTimeline(library.c, as(alice), bob.id, true),
      { status: 404 },
      "Bob shares nothing with Alice",
    );
    await showPartnerInTimeline(library.c, as(bob), alice.id, true);
    assert.deepEqual((await timelineOwners(library.c, as(bob))).sort(), [alice.id, bob.id].sort());
    assert.deepEqual(await timelineOwners(library.c, as(bob), false), [bob.id]);
    assert.deepEqual(await timelineOwners(library.c, as(alice)), [alice.id], "sharing goes one way");
  });

  it("lets only the sharer stop", async () => {
    await assert.rejects(stopSharing(library.c, as(bob), alice.id), { status: 404 });
    await stopSharing(library.c, as(alice), bob.id);
    assert.deepEqual(await timelineOwners(library.c, as(bob)), [bob.id]);
  });
});

describe("API keys", () => {
  let library: TestLibrary;
  let alice: User;

  before(async () => {
    library = await openTestLibrary();
    alice = await library.createUser();
  });
  after(() => library.close());

  it("grants from a session anything, and from a key no more than it holds", async () => {
    const session: Auth = { user: alice, session: { id: "a-session" } };
    const { secret, apiKey } = await createKey(library.c, session, { permissions: ["asset.read", "apiKey.create"] });
    assert.ok(secret.length >= 32);
    assert.equal(apiKey.name, "API Key");
    const withKey: Auth = { user: alice, apiKey: { id: apiKey.id, permissions: apiKey.permissions } };
    await assert.rejects(createKey(library.c, withKey, { name: "more", permissions: ["asset.delete"] }), {
      status: 403,
    });
    assert.deepEqual((await createKey(library.c, withKey, { permissions: ["asset.read"] })).apiKey.permissions, [
      "asset.read",
    ]);
    await assert.rejects(updateKey(library.c, withKey, apiKey.id, { permissions: ["all"] }), { status: 403 });
    assert.equal((await keyInUse(library.c, withKey)).id, apiKey.id);
    await assert.rejects(keyInUse(library.c, session), { status: 403 });
  });

  it("finds no other user's key", async () => {
    const bob = await library.createUser();
    const { apiKey } = await createKey(library.c, { user: alice }, { permissions: ["all"] });
    await assert.rejects(updateKey(library.c, { user: bob }, apiKey.id, { name: "mine now" }), { status: 404 });
  });
});
