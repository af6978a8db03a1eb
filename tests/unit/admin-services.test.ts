// The admin's commands on queues, the integrity check and external libraries
// (functions/services/{jobs,integrity,libraries}.ts), which the API and the admin pages both call,
// on a real library: only an admin gives them, and each wakes the worker when it queued work.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Auth } from "../../common/access";
import { checkIntegrity, lastIntegrityReport } from "../../functions/services/integrity";
import { emptyQueue, pauseQueue, queueState, retryFailed, startQueue } from "../../functions/services/jobs";
import { addLibrary, allLibraries } from "../../functions/services/libraries";
import { openTestLibrary, type TestLibrary } from "./helpers/library";
import { refusal } from "./helpers/refusal";

describe("the admin's commands", () => {
  let library: TestLibrary;
  let admin: Auth;
  let someone: Auth;
  before(async () => {
    library = await openTestLibrary();
    admin = { user: await library.createUser({ isAdmin: true }) };
    someone = { user: await library.createUser() };
  });
  after(() => library.close());

  it("are refused to anyone but an admin", async () => {
    for (const call of [
      pauseQueue(library.c, someone, "thumbnailGeneration", true),
      startQueue(library.c, someone, "thumbnailGeneration", true),
      emptyQueue(library.c, someone, "thumbnailGeneration", { waiting: true, failed: true }),
      checkIntegrity(library.c, someone),
      allLibraries(library.c, someone),
    ]) {
      assert.equal((await refusal(call)).status, 403);
    }
  });

  it("pause and resume a queue, waking the worker on resume", async () => {
    await library.settle();
    const nudges = library.nudges();
    await pauseQueue(library.c, admin, "thumbnailGeneration", true);
    assert.equal((await queueState(library.c, admin, "thumbnailGeneration")).isPaused, true);
    await library.settle();
    assert.equal(library.nudges(), nudges);
    await pauseQueue(library.c, admin, "thumbnailGeneration", false);
    await library.settle();
    assert.equal((await queueState(library.c, admin, "thumbnailGeneration")).isPaused, false);
    assert.equal(library.nudges(), nudges + 1);
    // Nothing failed: retrying queues nothing, and wakes nobody.
    await retryFailed(library.c, admin, "thumbnailGeneration");
    await library.settle();
    assert.equal(library.nudges(), nudges + 1);
  });

  it("run a queue over the library, but not one that only runs what others queue", async () => {
    // The run is itself a job, which queues the queue's work asset by asset.
    const waiting = async () => (await queueState(library.c, admin, "backgroundTask")).statistics.waiting;
    const before = await waiting();
    await library.settle();
    const nudges = library.nudges();
    await startQueue(library.c, admin, "thumbnailGeneration", true);
    await library.settle();
    assert.equal(await waiting(), before + 1);
    assert.equal(library.nudges(), nudges + 1);
    const refused = await refusal(startQueue(library.c, admin, "backgroundTask", false));
    assert.deepEqual(
      [refused.status, refused.message],
      [400, "The backgroundTask queue runs only what other work queues; there is nothing to start in it"],
    );
    await emptyQueue(library.c, admin, "backgroundTask", { waiting: true, failed: false });
    assert.equal(await waiting(), 0);
  });

  it("start one integrity check at a time", async () => {
    await library.settle();
    const nudges = library.nudges();
    assert.equal(await checkIntegrity(library.c, admin), true);
    assert.equal(await checkIntegrity(library.c, admin), false);
    assert.equal((await lastIntegrityReport(library.c, admin, 10)).checking, true);
    await library.settle();
    assert.equal(library.nudges(), nudges + 1);
  });

  it("give a library only to an active user, and scan at once only folders it names", async () => {
    const owner = await refusal(
      addLibrary(library.c, admin, { ownerId: crypto.randomUUID(), importPaths: ["/photos"] }, { scanNow: false }),
    );
    assert.deepEqual([owner.status, owner.message], [400, "Choose an active user as the library's owner"]);
    const empty = await refusal(
      addLibrary(library.c, admin, { ownerId: someone.user.id, name: "Nothing" }, { scanNow: true }),
    );
    assert.deepEqual([empty.status, empty.message], [400, "Enter the folder to import from"]);
    // Made to be filled later (Immich's way): no folders, no scan.
    const later = await addLibrary(library.c, admin, { ownerId: someone.user.id }, { scanNow: false });
    assert.equal(later.name, "New External Library");
    assert.deepEqual(
      (await allLibraries(library.c, admin)).map((made) => made.id),
      [later.id],
    );
  });
});
