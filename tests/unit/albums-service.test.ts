// The album rules of functions/services/albums.ts, on a real library: who may see and change an
// album (owner, editor, viewer, stranger, a link's visitor), what a valid change is, and which of an
// album's photos each caller sees.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Auth } from "../../common/access";
import {
  addAlbumAssets,
  addMembers,
  changeAlbum,
  createAlbumOf,
  deleteAlbumOf,
  openAlbum,
  removeAlbumAssets,
  removeMember,
  setMemberRole,
} from "../../functions/services/albums";
import { openTestLibrary, type TestLibrary } from "./helpers/library";
import { refused } from "./helpers/refused";

describe("the album service", () => {
  let library: TestLibrary;
  let owner: Auth;
  let editor: Auth;
  let viewer: Auth;
  let stranger: Auth;

  before(async () => {
    library = await openTestLibrary();
    owner = { user: await library.createUser() };
    editor = { user: await library.createUser() };
    viewer = { user: await library.createUser() };
    stranger = { user: await library.createUser() };
  });
  after(() => library.close());

  async function sharedAlbum(assetIds: string[] = []): Promise<string> {
    return library.createAlbum(owner.user.id, assetIds, [
      { userId: editor.user.id, role: "editor" },
      { userId: viewer.user.id, role: "viewer" },
    ]);
  }

  it("hides an album from strangers, and lets only its owner change it", async () => {
    const id = await sharedAlbum();
    await refused(openAlbum(library.c, stranger, id), 404, /Album not found/);
    assert.equal((await openAlbum(library.c, viewer, id)).role, "viewer");
    await refused(changeAlbum(library.c, stranger, id, { albumName: "Mine" }), 404);
    await refused(changeAlbum(library.c, viewer, id, { albumName: "Mine" }), 403, /only view/);
    await refused(changeAlbum(library.c, editor, id, { albumName: "Mine" }), 403, /owner/);
    await refused(deleteAlbumOf(library.c, editor, id), 403);
    assert.equal((await changeAlbum(library.c, owner, id, { albumName: "Renamed" })).album.albumName, "Renamed");
  });

  it("refuses a nameless album, and a cover from outside the album", async () => {
    await refused(createAlbumOf(library.c, owner, { albumName: "" }), 400, /Give the album a name/);
    const inside = await library.createAsset(owner.user.id);
    const outside = await library.createAsset(owner.user.id);
    const { album } = await createAlbumOf(library.c, owner, { albumName: "Covers", assetIds: [inside.id] });
    await refused(
      changeAlbum(library.c, owner, album.id, { albumThumbnailAssetId: outside.id }),
      400,
      /cover must be one of the album's photos/,
    );
    assert.equal(
      (await changeAlbum(library.c, owner, album.id, { albumThumbnailAssetId: inside.id })).album.albumThumbnailAssetId,
      inside.id,
    );
  });

  it("lets editors add what they may see and remove their own; viewers neither", async () => {
    const ownersPhoto = await library.createAsset(owner.user.id);
    const ownersOther = await library.createAsset(owner.user.id);
    const editorsPhoto = await library.createAsset(editor.user.id);
    const id = await sharedAlbum([ownersPhoto.id]);
    await refused(addAlbumAssets(library.c, viewer, id, [ownersPhoto.id]), 403);
    await refused(addAlbumAssets(library.c, editor, id, []), 400, /Choose the photos/);
    assert.deepEqual(await addAlbumAssets(library.c, editor, id, [editorsPhoto.id, ownersOther.id]), [
      { id: editorsPhoto.id, success: true },
      { id: ownersOther.id, success: false, error: "no_permission" },
    ]);
    assert.deepEqual(await removeAlbumAssets(library.c, editor, id, [ownersPhoto.id]), [
      { id: ownersPhoto.id, success: false, error: "no_permission" },
    ]);
    assert.deepEqual(await removeAlbumAssets(library.c, owner, id, [editorsPhoto.id]), [
      { id: editorsPhoto.id, success: true },
    ]);
  });

  it("shares with people who have an account; members leave, only the owner removes others", async () => {
    const id = await library.createAlbum(owner.user.id);
    await refused(
      addMembers(library.c, owner, id, [{ userId: owner.user.id, role: "editor" }]),
      400,
      /owner has it already/,
    );
    await refused(addMembers(library.c, owner, id, [{ userId: crypto.randomUUID(), role: "editor" }]), 400, /account/);
    await refused(addMembers(library.c, stranger, id, [{ userId: stranger.user.id, role: "editor" }]), 404);
    await addMembers(library.c, owner, id, [
      { userId: viewer.user.id, role: "viewer" },
      { userId: editor.user.id, role: "viewer" },
    ]);
    await setMemberRole(library.c, owner, id, editor.user.id, "editor");
    assert.equal((await openAlbum(library.c, editor, id)).role, "editor");
    await refused(setMemberRole(library.c, owner, id, stranger.user.id, "editor"), 400, /not a member/);
    await refused(removeMember(library.c, editor, id, viewer.user.id), 403);
    await removeMember(library.c, viewer, id, viewer.user.id);
    await refused(openAlbum(library.c, viewer, id), 404);
    await removeMember(library.c, owner, id, editor.user.id);
    await refused(removeMember(library.c, owner, id, editor.user.id), 400, /not a member/);
  });

  it("keeps locked photos their owner's own, and shows none through a link", async () => {
    const open = await library.createAsset(editor.user.id);
    const locked = await library.createAsset(editor.user.id, { visibility: "locked" });
    const id = await sharedAlbum([open.id, locked.id]);
    const ids = async (auth: Auth) => (await openAlbum(library.c, auth, id)).assets.map((asset) => asset.id).sort();
    assert.deepEqual(await ids(editor), [open.id, locked.id].sort());
    assert.deepEqual(await ids(owner), [open.id]);
    const link = await library.createSharedLink(editor.user.id, { albumId: id });
    const visitor: Auth = { user: editor.user, sharedLink: link };
    assert.deepEqual(await ids(visitor), [open.id]);
    assert.equal((await openAlbum(library.c, visitor, id)).role, "viewer");
  });
});
