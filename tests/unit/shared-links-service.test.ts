// The shared-link rules of functions/services/shared-links.ts, on a real library: who may make,
// change and remove a link, what its settings may be (hidden metadata means no downloads), and what
// it shows its visitors.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Auth } from "../../common/access";
import { createLink, deleteLink, linkContents, ownLink, updateLink } from "../../functions/services/shared-links";
import { openTestLibrary, type TestLibrary } from "./helpers/library";
import { refused } from "./helpers/refused";

describe("the shared-link service", () => {
  let library: TestLibrary;
  let owner: Auth;
  let member: Auth;
  let stranger: Auth;

  before(async () => {
    library = await openTestLibrary();
    owner = { user: await library.createUser() };
    member = { user: await library.createUser() };
    stranger = { user: await library.createUser() };
  });
  after(() => library.close());

  it("links an album for its owner only", async () => {
    const albumId = await library.createAlbum(owner.user.id, [], [{ userId: member.user.id, role: "editor" }]);
    await refused(createLink(library.c, member, { type: "ALBUM", albumId }), 403);
    await refused(createLink(library.c, stranger, { type: "ALBUM", albumId }), 404);
    await refused(createLink(library.c, owner, { type: "ALBUM" }), 400, /albumId/);
    const link = await createLink(library.c, owner, { type: "ALBUM", albumId });
    assert.equal(link.albumId, albumId);
    assert.equal((await ownLink(library.c, owner, link.id)).key, link.key);
  });

  it("never allows downloads from a link that hides metadata", async () => {
    const photo = await library.createAsset(owner.user.id);
    const hiding = await createLink(library.c, owner, {
      type: "INDIVIDUAL",
      assetIds: [photo.id],
      showMetadata: false,
      allowDownload: true,
    });
    assert.equal(hiding.allowDownload, false);
    assert.equal(
      (await updateLink(library.c, owner, hiding.id, { allowDownload: true })).allowDownload,
      false,
      "still hiding metadata",
    );
    const shown = await updateLink(library.c, owner, hiding.id, { showMetadata: true, allowDownload: true });
    assert.equal(shown.allowDownload, true);
    assert.equal((await updateLink(library.c, owner, hiding.id, { showMetadata: false })).allowDownload, false);
  });

  it("refuses an expiry in the past and an overlong password", async () => {
    const photo = await library.createAsset(owner.user.id);
    await refused(
      createLink(library.c, owner, { type: "INDIVIDUAL", assetIds: [photo.id], expiresAt: Date.now() - 1000 }),
      400,
      /future/,
    );
    await refused(
      createLink(library.c, owner, { type: "INDIVIDUAL", assetIds: [photo.id], password: "x".repeat(1025) }),
      400,
      /1024/,
    );
    const link = await createLink(library.c, owner, {
      type: "INDIVIDUAL",
      assetIds: [photo.id],
      password: "open sesame",
    });
    assert.ok(link.passwordHash);
  });

  it("is changed and removed by its maker only; a link's visitor makes none", async () => {
    const photo = await library.createAsset(owner.user.id);
    const link = await createLink(library.c, owner, { type: "INDIVIDUAL", assetIds: [photo.id] });
    await refused(createLink(library.c, stranger, { type: "INDIVIDUAL", assetIds: [photo.id] }), 404);
    await refused(updateLink(library.c, stranger, link.id, { allowUpload: true }), 404);
    await refused(deleteLink(library.c, stranger, link.id), 404);
    await refused(
      createLink(library.c, { user: owner.user, sharedLink: link }, { type: "INDIVIDUAL", assetIds: [photo.id] }),
      403,
    );
    await deleteLink(library.c, owner, link.id);
    await refused(ownLink(library.c, owner, link.id), 404);
  });

  it("shows neither trashed nor locked photos", async () => {
    const open = await library.createAsset(owner.user.id);
    const locked = await library.createAsset(owner.user.id, { visibility: "locked" });
    const trashed = await library.createAsset(owner.user.id, { deletedAt: Date.now() });
    const albumId = await library.createAlbum(owner.user.id, [open.id, locked.id, trashed.id]);
    const link = await createLink(library.c, owner, { type: "ALBUM", albumId });
    const contents = await linkContents(library.c, link);
    assert.equal(contents.owner.id, owner.user.id);
    assert.deepEqual(
      contents.assets.map((row) => row.asset.id),
      [open.id],
    );
  });
});
