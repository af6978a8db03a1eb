// The account rules of functions/services/users.ts, which the admin API and the admin pages both
// call, on a real library: emails and storage labels are one account's each, no admin demotes or
// removes themselves, a removal and a restore happen once, and a new password needs the current one.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import type { Auth } from "../../common/access";
import { createSession, listSessions } from "../../common/credentials";
import { jobs, type User } from "../../common/schema";
import {
  changeOwnPassword,
  createAccount,
  listAccounts,
  removeAccount,
  restoreAccount,
  updateAccount,
  updateOwnAccount,
} from "../../functions/services/users";
import { openTestLibrary, type TestLibrary } from "./helpers/library";
import { refusal } from "./helpers/refusal";

describe("accounts", () => {
  let library: TestLibrary;
  let admin: Auth;
  let user: User;
  before(async () => {
    library = await openTestLibrary();
    admin = { user: await library.createUser({ isAdmin: true }) };
    user = await library.createUser();
  });
  after(() => library.close());

  it("are the admin's to manage", async () => {
    assert.equal((await refusal(listAccounts(library.c, { user }, false))).status, 403);
    assert.equal(
      (
        await refusal(
          createAccount(library.c, { user }, { name: "M", email: "m@example.com", password: "mallory-password" }),
        )
      ).status,
      403,
    );
  });

  it("refuse an email or storage label another account has", async () => {
    const taken = await refusal(
      createAccount(library.c, admin, { name: "Twin", email: user.email.toUpperCase(), password: "twin-password" }),
    );
    assert.deepEqual([taken.status, taken.message], [409, "Another account uses this email"]);
    // A label is a folder name, as another user's id is.
    const label = await refusal(updateAccount(library.c, admin, admin.user.id, { storageLabel: user.id }));
    assert.equal(label.status, 409);
    const created = await createAccount(library.c, admin, {
      name: "Carol",
      email: "carol@example.com",
      password: "carol-password",
      quotaSizeInBytes: 5,
    });
    assert.deepEqual([created.name, created.quotaSizeInBytes, created.isAdmin], ["Carol", 5, false]);
  });

  it("keep an admin from taking away their own rights or removing themselves", async () => {
    const demoted = await refusal(updateAccount(library.c, admin, admin.user.id, { isAdmin: false }));
    assert.deepEqual([demoted.status, demoted.message], [400, "You cannot take away your own admin rights"]);
    assert.equal((await refusal(removeAccount(library.c, admin, admin.user.id, false))).status, 400);
    assert.equal((await refusal(updateAccount(library.c, admin, crypto.randomUUID(), { name: "Nobody" }))).status, 404);
  });

  it("move a user's originals when their storage label changes, and wake the worker", async () => {
    const owner = await library.createUser();
    await library.createAsset(owner.id);
    await library.settle();
    const nudges = library.nudges();
    await updateAccount(library.c, admin, owner.id, { storageLabel: "owner" });
    await updateAccount(library.c, admin, owner.id, { storageLabel: "owner" });
    await library.settle();
    const moves = await library.db.select().from(jobs).where(eq(jobs.name, "applyStorageTemplate"));
    assert.equal(moves.length, 1, "the same label again moves nothing");
    assert.equal(library.nudges(), nudges + 1);
  });

  it("are removed once, and restored only in their grace period", async () => {
    const leaving = await library.createUser();
    assert.equal((await removeAccount(library.c, admin, leaving.id, false)).status, "deleted");
    const restored = await restoreAccount(library.c, admin, leaving.id);
    assert.equal(restored.status, "active");
    assert.equal((await refusal(restoreAccount(library.c, admin, leaving.id))).status, 400);

    await library.settle();
    const nudges = library.nudges();
    assert.equal((await removeAccount(library.c, admin, leaving.id, true)).status, "removing");
    const again = await refusal(removeAccount(library.c, admin, leaving.id, true));
    assert.deepEqual([again.status, again.message], [400, "This account is being removed already"]);
    await library.settle();
    assert.equal(library.nudges(), nudges + 1, "a forced removal wakes the worker to delete the data");
  });

  it("take a new password of one's own only with the current one, and sign out other devices", async () => {
    // The helper's users have no real password hash: the admin sets one.
    const owner = await library.createUser({ email: "owner@example.com" });
    const signedIn = await updateAccount(library.c, admin, owner.id, { password: "first-password" });
    const here = await createSession(library.db, { userId: owner.id, tokenHash: "here", deviceType: "", deviceOS: "" });
    await createSession(library.db, { userId: owner.id, tokenHash: "elsewhere", deviceType: "", deviceOS: "" });
    const auth: Auth = { user: signedIn, session: { id: here.id } };

    const missing = await refusal(updateOwnAccount(library.c, auth, { password: "taken-over-password" }));
    assert.match(missing.message, /give your current one/);
    assert.equal(
      (await refusal(updateOwnAccount(library.c, auth, { password: "taken-over-password", currentPassword: "not-it" })))
        .message,
      "Wrong current password",
    );
    assert.equal((await listSessions(library.db, owner.id)).length, 2);

    const changed = await updateOwnAccount(library.c, auth, {
      password: "second-password",
      currentPassword: "first-password",
      name: "Owner",
    });
    assert.equal(changed.name, "Owner");
    assert.deepEqual(
      (await listSessions(library.db, owner.id)).map((session) => session.id),
      [here.id],
    );
    assert.equal(
      (await refusal(updateOwnAccount(library.c, { ...auth, user: changed }, { email: user.email }))).status,
      409,
    );

    // Immich's change-password signs out the others only when asked.
    await createSession(library.db, { userId: owner.id, tokenHash: "again", deviceType: "", deviceOS: "" });
    const renewed = { ...auth, user: changed };
    await changeOwnPassword(library.c, renewed, {
      currentPassword: "second-password",
      newPassword: "third-password",
      signOutOthers: false,
    });
    assert.equal((await listSessions(library.db, owner.id)).length, 2);
  });
});
