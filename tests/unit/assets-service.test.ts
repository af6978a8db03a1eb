// The rules of functions/services/{assets,trash,downloads,timeline}.ts on a real library: who may see,
// change, trash, restore and download an asset, how edits are checked, and whose photos a view
// shows (partners' on the timeline only; an album as its members see it).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import type { Auth } from "../../common/access";
import { getAsset, getAssetWithExif } from "../../common/assets";
import { AppError } from "../../common/errors";
import { addPartner, setPartnerInTimeline } from "../../common/partners";
import { jobs, type User } from "../../common/schema";
import { assetDetails, editAssets, readableAsset } from "../../functions/services/assets";
import { mayDownload, originalFile, originalsZip } from "../../functions/services/downloads";
import { openAsset, timelineMonth, timelineMonths } from "../../functions/services/timeline";
import {
  deleteForGood,
  emptyTrash,
  moveToTrash,
  restoreFromTrash,
  restoreOwnAsset,
} from "../../functions/services/trash";
import { openTestLibrary, type TestLibrary } from "./helpers/library";

const refused = (status: number, message?: RegExp) => (error: unknown) =>
  error instanceof AppError && error.status === status && (!message || message.test(error.message));

const taken = Date.UTC(2021, 5, 5, 14, 30);
const month = "2021-06";

describe("asset services", () => {
  let library: TestLibrary;
  let alice: Auth;
  let bob: Auth;
  let carol: Auth;
  before(async () => {
    library = await openTestLibrary();
    const as = (user: User): Auth => ({ user });
    alice = as(await library.createUser());
    bob = as(await library.createUser());
    carol = as(await library.createUser());
    // Alice shares her library with Carol, who shows it in her timeline.
    await addPartner(library.db, alice.user.id, carol.user.id);
    await setPartnerInTimeline(library.db, alice.user.id, carol.user.id, true);
  });
  after(() => library.close());

  const jobsNamed = async (name: string) =>
    (await library.db.select().from(jobs).where(eq(jobs.name, name))).map(
      (job) => job.payload as Record<string, unknown>,
    );

  it("shows an asset to its owner and partners, and answers a stranger as if it did not exist", async () => {
    const photo = await library.createAsset(alice.user.id);
    const locked = await library.createAsset(alice.user.id, { visibility: "locked" });
    assert.equal((await readableAsset(library.c, alice, photo.id)).id, photo.id);
    assert.equal((await readableAsset(library.c, carol, photo.id)).id, photo.id);
    await assert.rejects(readableAsset(library.c, bob, photo.id), refused(404));
    await assert.rejects(
      readableAsset(library.c, carol, locked.id),
      refused(404),
      "a partner never sees the locked folder",
    );
    await assert.rejects(readableAsset(library.c, alice, crypto.randomUUID()), refused(404));
    // People are their owner's own: a partner sees the photo, not whom it shows.
    assert.equal((await assetDetails(library.c, alice, photo.id)).owned, true);
    assert.equal((await assetDetails(library.c, carol, photo.id)).owned, false);
  });

  it("lets only the owner edit, checks the edit after that, and names a new place in one queued job", async () => {
    const photo = await library.createAsset(alice.user.id, { localDateTime: taken, fileCreatedAt: taken });
    await assert.rejects(editAssets(library.c, carol, [photo.id], { isFavorite: true }), refused(404));
    await assert.rejects(
      editAssets(library.c, bob, [photo.id], { latitude: 100, longitude: 0 }),
      refused(404),
      "a stranger learns nothing from the checks",
    );
    assert.equal((await getAsset(library.db, photo.id))!.isFavorite, false);

    await assert.rejects(editAssets(library.c, alice, [photo.id], { latitude: 10 }), refused(400, /together/));
    await assert.rejects(
      editAssets(library.c, alice, [photo.id], { latitude: 91, longitude: 0 }),
      refused(400, /latitude from -90 to 90/),
    );
    await assert.rejects(
      editAssets(library.c, alice, [photo.id], { latitude: Number.NaN, longitude: 0 }),
      refused(400, /latitude/),
    );
    await assert.rejects(
      editAssets(library.c, alice, [photo.id], { dateTaken: { wallClock: "yesterday", timeZone: null } }),
      refused(400, /Enter a date/),
    );
    await assert.rejects(
      editAssets(library.c, alice, [photo.id], {
        dateTaken: { wallClock: "2021-06-05T14:30", timeZone: "Mars/Olympus" },
      }),
      refused(400, /Enter a date/),
    );
    await assert.rejects(
      editAssets(library.c, alice, [photo.id], { dateTaken: { wallClock: "2021-02-30T10:00", timeZone: null } }),
      refused(400, /does not exist/),
    );
    await assert.rejects(
      editAssets(library.c, alice, [photo.id], { dateTaken: { iso: "2021-06-05T14:30:00+19:00" } }),
      refused(400, /offset/),
    );

    const nudges = library.nudges();
    await editAssets(library.c, alice, [photo.id], { isFavorite: true, latitude: 48.8584, longitude: 2.2945 });
    await library.settle();
    const edited = (await getAssetWithExif(library.db, photo.id))!;
    assert.equal(edited.asset.isFavorite, true);
    assert.deepEqual([edited.exif?.latitude, edited.exif?.longitude], [48.8584, 2.2945]);
    assert.ok((await jobsNamed("nameAssetPlace")).some((payload) => payload.assetId === photo.id));
    assert.equal(library.nudges(), nudges + 1);
  });

  it("leaves the date alone when the form comes back as it was, and moves it otherwise", async () => {
    const photo = await library.createAsset(alice.user.id, { localDateTime: taken, fileCreatedAt: taken });
    const before = (await getAsset(library.db, photo.id))!;
    await editAssets(library.c, alice, [photo.id], { dateTaken: { wallClock: "2021-06-05T14:30", timeZone: null } });
    assert.equal((await getAsset(library.db, photo.id))!.updatedAt, before.updatedAt);
    await editAssets(library.c, alice, [photo.id], {
      dateTaken: { wallClock: "2018-02-03T04:05", timeZone: "UTC+02:00" },
    });
    const moved = (await getAssetWithExif(library.db, photo.id))!;
    assert.equal(new Date(moved.asset.localDateTime).toISOString(), "2018-02-03T04:05:00.000Z");
    assert.equal(new Date(moved.asset.fileCreatedAt).toISOString(), "2018-02-03T02:05:00.000Z");
    assert.equal(moved.exif?.timeZone, "UTC+02:00");
  });

  it("trashes, restores and deletes for the owner only; others' ids are refused or passed over", async () => {
    const [one, two] = [await library.createAsset(alice.user.id), await library.createAsset(alice.user.id)];
    await assert.rejects(moveToTrash(library.c, carol, [one.id]), refused(404));
    await assert.rejects(
      moveToTrash(library.c, alice, [one.id, crypto.randomUUID()]),
      refused(404),
      "all of them, or none",
    );
    assert.equal((await getAsset(library.db, one.id))!.deletedAt, null);

    await moveToTrash(library.c, alice, [one.id, two.id]);
    await assert.rejects(readableAsset(library.c, carol, one.id), refused(404), "others' trash stays private");
    assert.equal(await restoreFromTrash(library.c, bob, [one.id]), 0);
    await assert.rejects(restoreOwnAsset(library.c, carol, one.id), refused(404));
    await restoreOwnAsset(library.c, alice, one.id);
    assert.equal((await getAsset(library.db, one.id))!.deletedAt, null);

    await assert.rejects(deleteForGood(library.c, bob, [two.id]), refused(404));
    const nudges = library.nudges();
    await deleteForGood(library.c, alice, [two.id]);
    await library.settle();
    assert.equal(await getAsset(library.db, two.id), undefined);
    assert.ok((await jobsNamed("deleteFiles")).some((payload) => (payload.keys as string[]).includes(two.originalKey)));
    assert.equal(library.nudges(), nudges + 1);

    await moveToTrash(library.c, alice, [one.id]);
    assert.equal(await emptyTrash(library.c, bob), 0);
    assert.equal(await emptyTrash(library.c, alice), 1);
    assert.equal(await getAsset(library.db, one.id), undefined);
  });

  it("lets whoever may see an original download it, except through a link without downloads", async () => {
    const photo = await library.createAsset(alice.user.id);
    const other = await library.createAsset(bob.user.id);
    assert.equal((await originalFile(library.c, carol, photo.id)).downloadName, photo.originalFileName);
    await assert.rejects(originalFile(library.c, bob, photo.id), refused(404));
    await assert.rejects(
      originalsZip(library.c, alice, [photo.id, other.id]),
      refused(404),
      "one asset not theirs refuses the zip",
    );
    const zip = await originalsZip(library.c, alice, [photo.id]);
    assert.match(zip.fileName, /^shoebox-\d{4}-\d{2}-\d{2}\.zip$/);
    const bytes = new Uint8Array(await new Response(zip.body).arrayBuffer());
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 2)), "PK");

    const closed = await library.createSharedLink(alice.user.id, { allowDownload: false }, [photo.id]);
    const visitor: Auth = { user: alice.user, sharedLink: closed };
    assert.equal(mayDownload(visitor), false);
    assert.equal((await readableAsset(library.c, visitor, photo.id)).id, photo.id);
    await assert.rejects(originalFile(library.c, visitor, photo.id), refused(403, /does not allow downloads/));
    await assert.rejects(originalsZip(library.c, visitor, [photo.id]), refused(403));
  });

  it("shows partners' photos on the timeline only, never their favorites, archive or trash", async () => {
    const shown = await library.createAsset(alice.user.id, { localDateTime: taken, fileCreatedAt: taken });
    const archived = await library.createAsset(alice.user.id, {
      localDateTime: taken,
      fileCreatedAt: taken,
      visibility: "archive",
      isFavorite: true,
    });
    const ids = async (kind: "timeline" | "archive" | "favorites" | "trash") =>
      (await timelineMonth(library.c, carol, { kind, withPartners: true }, month)).assets.map((asset) => asset.id);
    assert.ok((await ids("timeline")).includes(shown.id));
    assert.deepEqual(await ids("archive"), []);
    assert.deepEqual(await ids("favorites"), []);
    assert.ok(!(await ids("timeline")).includes(archived.id));
    // Without asking for partners, the API's timeline is one's own.
    assert.deepEqual(
      (await timelineMonth(library.c, carol, { kind: "timeline", withPartners: false }, month)).assets,
      [],
    );
  });

  it("lists an album as its members see it: others' locked photos and live photos' video halves left out", async () => {
    const mine = await library.createAsset(alice.user.id, { localDateTime: taken, fileCreatedAt: taken });
    const locked = await library.createAsset(alice.user.id, {
      localDateTime: taken,
      fileCreatedAt: taken,
      visibility: "locked",
    });
    const hidden = await library.createAsset(alice.user.id, {
      localDateTime: taken,
      fileCreatedAt: taken,
      visibility: "hidden",
    });
    const albumId = await library.createAlbum(
      alice.user.id,
      [mine.id, locked.id, hidden.id],
      [{ userId: bob.user.id, role: "viewer" }],
    );
    const query = { kind: "timeline" as const, withPartners: false, albumId };
    assert.deepEqual(await timelineMonths(library.c, bob, query), [{ month, count: 1 }]);
    assert.deepEqual(
      (await timelineMonth(library.c, alice, query, month)).assets.map((asset) => asset.id).sort(),
      [mine.id, locked.id].sort(),
    );
    await assert.rejects(timelineMonths(library.c, carol, query), refused(404, /Album not found/));
    // Opened from the album, a member's viewer steps only through what they may see.
    assert.deepEqual((await openAsset(library.c, bob, mine.id, { kind: "album", albumId })).neighbours, {
      previous: undefined,
      next: undefined,
    });
  });
});
