// Who gets in through a shared link, checked on the built handlers running on Miniflare over a real
// library: a valid key opens what the link shares and nothing else; an unknown or expired key, or a
// missing or wrong password, opens nothing; the right password gives a token that opens it again.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hashPassword } from "../../workers/auth/passwords";
import { openTestLibrary, type TestLibrary } from "../unit/helpers/library";
import { startHandlers, type Handlers } from "./helpers/handlers";

describe("shared links on the handlers", () => {
  let library: TestLibrary;
  let handlers: Handlers;
  before(async () => {
    library = await openTestLibrary();
    const started = performance.now();
    handlers = await startHandlers(library);
    console.log(`Miniflare ready in ${Math.round(performance.now() - started)} ms`);
  });
  after(async () => {
    await handlers?.dispose();
    await library?.close();
  });

  const message = async (response: Response) => ((await response.json()) as { message: string }).message;

  it("opens what a link shares, and only that", async () => {
    const owner = await library.createUser();
    const shared = await library.createAsset(owner.id);
    const unshared = await library.createAsset(owner.id);
    const link = await library.createSharedLink(owner.id, {}, [shared.id]);

    const me = await handlers.fetch(`/api/shared-links/me?key=${link.key}`);
    assert.equal(me.status, 200);
    const body = (await me.json()) as { id: string; assets: Array<{ id: string }> };
    assert.equal(body.id, link.id);
    assert.deepEqual(
      body.assets.map((asset) => asset.id),
      [shared.id],
    );

    assert.equal((await handlers.fetch(`/api/assets/${shared.id}?key=${link.key}`)).status, 200);
    const other = await handlers.fetch(`/api/assets/${unshared.id}?key=${link.key}`);
    assert.equal(other.status, 404);
    assert.equal(await message(other), "Asset not found");
  });

  it("refuses an unknown or expired key", async () => {
    const owner = await library.createUser();
    const asset = await library.createAsset(owner.id);
    const expired = await library.createSharedLink(owner.id, { expiresAt: Date.now() - 60_000 }, [asset.id]);

    for (const key of ["no-such-key", expired.key]) {
      const response = await handlers.fetch(`/api/shared-links/me?key=${key}`);
      assert.equal(response.status, 401, key);
      assert.equal(await message(response), "This link is invalid or has expired");
      const asAsset = await handlers.fetch(`/api/assets/${asset.id}?key=${key}`);
      assert.equal(asAsset.status, 401, key);
      await asAsset.body?.cancel();
    }
  });

  it("asks for a link's password, and opens it with the right one or its token", async () => {
    const owner = await library.createUser();
    const asset = await library.createAsset(owner.id);
    const link = await library.createSharedLink(owner.id, { passwordHash: await hashPassword("open sesame") }, [
      asset.id,
    ]);

    const without = await handlers.fetch(`/api/shared-links/me?key=${link.key}`);
    assert.equal(without.status, 401);
    assert.equal(await message(without), "Invalid password");
    const wrong = await handlers.fetch(`/api/shared-links/me?key=${link.key}&password=guess`);
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    const locked = await handlers.fetch(`/api/assets/${asset.id}?key=${link.key}`);
    assert.equal(locked.status, 401);
    assert.equal(await message(locked), "This link needs its password");

    const right = await handlers.fetch(
      `/api/shared-links/me?key=${link.key}&password=${encodeURIComponent("open sesame")}`,
    );
    assert.equal(right.status, 200);
    const { token } = (await right.json()) as { token?: string };
    assert.ok(token, "the answer carries a token for the next requests");
    const again = await handlers.fetch(`/api/assets/${asset.id}?key=${link.key}&token=${encodeURIComponent(token)}`);
    assert.equal(again.status, 200);
    await again.body?.cancel();
  });
});
