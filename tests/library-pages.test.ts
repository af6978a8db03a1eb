// The library's pages on a real server: albums (made, changed and shared through their page
// routes), search, administration and people; and the JSON routes behind them (metadata search,
// server statistics). Plain fetch with a small cookie jar plays the browser (helpers/pages.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { login, type Client } from "./helpers/accounts";
import { makeJpeg, upload, uploadForm } from "./helpers/media";
import { Browser, pageText, signInWithCookie } from "./helpers/pages";
import { admin, startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";

// What htmx swaps in: a piece of a page, not a page.
async function fragmentText(response: Response): Promise<string> {
  const html = await response.text();
  assert.equal(response.status, 200, html.slice(0, 500));
  assert.doesNotMatch(html, /<!doctype html>|<html/i);
  assert.doesNotMatch(html, /\sstyle=|<script/);
  return html;
}

function assertRedirect(response: Response, location: string | RegExp): string {
  assert.ok(response.status === 302 || response.status === 303, `a redirect, not ${response.status}`);
  const to = response.headers.get("location") ?? "";
  if (typeof location === "string") assert.equal(to, location);
  else assert.match(to, location);
  return to;
}

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

// Paris (France) and Lisbon (Portugal), as EXIF GPS.
const paris = {
  GPSLatitudeRef: "N",
  GPSLatitude: "48/1 51/1 3024/100",
  GPSLongitudeRef: "E",
  GPSLongitude: "2/1 17/1 4020/100",
};
const lisbon = { GPSLatitudeRef: "N", GPSLatitude: "38/1 43/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "9/1 8/1 0/1" };

interface Photo {
  id: string;
  bytes: number;
  localDateTime: string;
}

describe("the library's pages", () => {
  let shoebox: Shoebox;
  let adminBrowser: Browser;
  let bobBrowser: Browser;
  let bob: Client;
  let bobId: string;
  // Taken in Paris in 2021 with a "Searchcam Alpha"; in Lisbon in 2019 with an "Othercam"; in 2015.
  let alpha: Photo;
  let lisbonPhoto: Photo;
  let old: Photo;
  // Bob's, with the same camera as Alpha.
  let bobPhoto: Photo;

  async function waitForAsset(
    api: (path: string) => Promise<Response>,
    id: string,
    ready: (exif: Record<string, unknown>) => boolean,
  ): Promise<string> {
    return waitFor(`the metadata and thumbnail of ${id}`, async () => {
      const asset = (await (await api(`/api/assets/${id}`)).json()) as {
        localDateTime: string;
        exifInfo: Record<string, unknown>;
      };
      return ready(asset.exifInfo) && (await api(`/api/assets/${id}/thumbnail`)).ok && asset.localDateTime;
    });
  }

  before(async () => {
    shoebox = await startShoebox();
    const created = await shoebox.api(
      "/api/admin/users",
      json({ email: "bob@example.com", password: "bob-password", name: "Bob", quotaSizeInBytes: 5 * 1024 ** 3 }),
    );
    assert.equal(created.status, 201);
    bobId = ((await created.json()) as { id: string }).id;
    bob = await login(shoebox.url, "bob@example.com", "bob-password");

    const images = await Promise.all([
      makeJpeg(201, {
        IFD0: { Make: "Searchcam", Model: "Searchcam Alpha" },
        IFD2: { DateTimeOriginal: "2021:06:05 10:00:00" },
        IFD3: paris,
      }),
      makeJpeg(202, {
        IFD0: { Make: "Othercam", Model: "Othercam B2" },
        IFD2: { DateTimeOriginal: "2019:03:01 23:30:00" },
        IFD3: lisbon,
      }),
      makeJpeg(203, { IFD2: { DateTimeOriginal: "2015:01:01 08:00:00" } }),
    ]);
    const uploads = await Promise.all(images.map((image) => upload(shoebox, image)));
    const [a, l, o] = await Promise.all(
      uploads.map(async ({ body }, i) => ({
        id: body.id,
        bytes: images[i]!.bytes.length,
        localDateTime: await waitForAsset(
          shoebox.api,
          body.id,
          (exif) => exif.dateTimeOriginal !== null && (i === 2 || exif.country !== null),
        ),
      })),
    );
    [alpha, lisbonPhoto, old] = [a!, l!, o!];

    const bobImage = await makeJpeg(204, {
      IFD0: { Make: "Searchcam", Model: "Searchcam Alpha" },
      IFD2: { DateTimeOriginal: "2021:06:06 10:00:00" },
    });
    const bobUpload = await bob.fetch("/api/assets", { method: "POST", body: uploadForm(bobImage) });
    assert.equal(bobUpload.status, 201);
    const bobAssetId = ((await bobUpload.json()) as { id: string }).id;
    bobPhoto = {
      id: bobAssetId,
      bytes: bobImage.bytes.length,
      localDateTime: await waitForAsset(bob.fetch, bobAssetId, (exif) => exif.model !== null),
    };

    adminBrowser = await signInWithCookie(shoebox.url, admin.email, admin.password);
    bobBrowser = await signInWithCookie(shoebox.url, "bob@example.com", "bob-password");
  });

  after(async () => {
    await shoebox?.stop();
  });

  const albumOf = async (id: string) =>
    (await (await shoebox.api(`/api/albums/${id}`)).json()) as {
      albumName: string;
      description: string;
      assetCount: number;
      albumThumbnailAssetId: string | null;
      order: string;
      albumUsers: Array<{ user: { id: string }; role: string }>;
      assets: Array<{ id: string }>;
    };

  async function createAlbum(browser: Browser, albumName: string, description = ""): Promise<string> {
    const location = assertRedirect(
      await browser.post("/albums", { albumName, description }),
      /^\/albums\/[0-9a-f-]{36}$/,
    );
    return location.slice("/albums/".length);
  }

  describe("albums", () => {
    let albumId: string;

    it("makes an album from the list, and refuses a nameless one or one without the CSRF token", async () => {
      const list = await pageText(await adminBrowser.get("/albums"));
      assert.match(list, /<a href="\/albums" aria-current="page">Albums<\/a>/);
      assert.match(list, /No albums yet/);
      assert.match(list, /<link rel="stylesheet" href="\/static\/albums.css"/);

      assert.match(
        await pageText(await adminBrowser.post("/albums", { albumName: "   " }), 400),
        /Give the album a name/,
      );
      assert.equal((await adminBrowser.post("/albums", { albumName: "Forged" }, { csrf: false })).status, 403);

      albumId = await createAlbum(adminBrowser, "Summer", "Beach days");
      const page = await pageText(await adminBrowser.get(`/albums/${albumId}`));
      assert.match(page, /<h1>Summer<\/h1>/);
      assert.match(page, /Beach days/);
      assert.match(page, /Nothing here yet/);
      assert.match(page, new RegExp(`href="/albums/${albumId}/add"`));
    });

    it("adds photos picked from the timeline, and shows them in the album's order", async () => {
      const picker = await pageText(await adminBrowser.get(`/albums/${albumId}/add`));
      for (const photo of [alpha, lisbonPhoto, old])
        assert.ok(picker.includes(`name="ids" value="${photo.id}"`), `the picker offers ${photo.id}`);
      assert.ok(!picker.includes(bobPhoto.id), "and none of Bob's photos");
      const dialog = await fragmentText(
        await adminBrowser.get(`/albums/${albumId}/add?dialog=1`, { "hx-request": "true" }),
      );
      assert.match(dialog, /<form class="picker"/);
      const earlier = await fragmentText(
        await adminBrowser.get(`/albums/${albumId}/add?from=1&more=1`, { "hx-request": "true" }),
      );
      assert.ok(
        earlier.includes(`value="${old.id}"`) && !earlier.includes(`value="${alpha.id}"`),
        "the picker continues month by month",
      );

      assertRedirect(
        await adminBrowser.post(`/albums/${albumId}/assets`, { ids: [alpha.id, lisbonPhoto.id] }),
        `/albums/${albumId}`,
      );
      const album = await albumOf(albumId);
      assert.equal(album.assetCount, 2);
      assert.equal(album.albumThumbnailAssetId, alpha.id);

      const page = await pageText(await adminBrowser.get(`/albums/${albumId}`));
      assert.match(page, /2 items · Mar 1, 2019 – Jun 5, 2021/);
      const alphaAt = page.indexOf(`href="/photos/${alpha.id}?album=${albumId}"`);
      const lisbonAt = page.indexOf(`href="/photos/${lisbonPhoto.id}?album=${albumId}"`);
      assert.ok(alphaAt > 0 && lisbonAt > alphaAt, "newest first");
      assert.ok(
        page.includes(`name="ids" value="${alpha.id}" form="album-selection"`),
        "the owner can select the photos",
      );

      const tiles = await fragmentText(
        await adminBrowser.get(`/albums/${albumId}/tiles?from=1`, { "hx-request": "true" }),
      );
      assert.ok(
        tiles.includes(`/photos/${lisbonPhoto.id}?album=${albumId}`) && !tiles.includes(`/photos/${alpha.id}?`),
        "tiles from the second on",
      );

      const added = await pageText(await adminBrowser.get(`/albums/${albumId}/add`));
      assert.match(
        added,
        new RegExp(`value="${alpha.id}" checked="" disabled=""`),
        "photos in the album already are marked",
      );
    });

    it("renames, picks the cover and the order, and removes photos, answering htmx with the album", async () => {
      const renamed = await fragmentText(
        await adminBrowser.post(
          `/albums/${albumId}/details`,
          { albumName: "Summer 2021", description: "Sea and sun" },
          { htmx: true },
        ),
      );
      assert.match(renamed, /^<div id="album"/);
      assert.match(renamed, /<h1>Summer 2021<\/h1>/);
      assert.match(renamed, /Sea and sun/);
      const blank = await fragmentText(
        await adminBrowser.post(`/albums/${albumId}/details`, { albumName: "" }, { htmx: true }),
      );
      assert.match(blank, /Give the album a name/);
      assert.equal((await albumOf(albumId)).albumName, "Summer 2021");

      assertRedirect(
        await adminBrowser.post(`/albums/${albumId}/cover`, { ids: lisbonPhoto.id }),
        `/albums/${albumId}`,
      );
      assert.equal((await albumOf(albumId)).albumThumbnailAssetId, lisbonPhoto.id);
      // Only a photo of the album can be its cover.
      assert.match(
        await fragmentText(await adminBrowser.post(`/albums/${albumId}/cover`, { ids: old.id }, { htmx: true })),
        /must be one of the album/,
      );
      assert.equal((await albumOf(albumId)).albumThumbnailAssetId, lisbonPhoto.id);

      const oldestFirst = await fragmentText(
        await adminBrowser.post(`/albums/${albumId}/order`, { order: "asc" }, { htmx: true }),
      );
      assert.equal((await albumOf(albumId)).order, "asc");
      assert.ok(
        oldestFirst.indexOf(`/photos/${lisbonPhoto.id}?`) < oldestFirst.indexOf(`/photos/${alpha.id}?`),
        "oldest first",
      );
      assert.match(oldestFirst, /aria-pressed="true">Oldest first/);

      assertRedirect(
        await adminBrowser.post(`/albums/${albumId}/assets/remove`, { ids: [lisbonPhoto.id] }),
        `/albums/${albumId}`,
      );
      const album = await albumOf(albumId);
      assert.deepEqual(
        album.assets.map((a) => a.id),
        [alpha.id],
      );
      assert.equal(album.albumThumbnailAssetId, alpha.id, "the cover gives way to a photo still in the album");

      const list = await pageText(await adminBrowser.get("/albums"));
      assert.match(list, /Summer 2021/);
      assert.match(list, /1 item · Jun 5, 2021/);
      assert.ok(list.includes(`src="/api/assets/${alpha.id}/thumbnail"`), "the list shows the cover");
    });

    it("shares with another user, who can view, then add and remove only their own photos", async () => {
      // Not shared yet: to Bob, the album does not exist.
      assert.match(await pageText(await bobBrowser.get(`/albums/${albumId}`), 404), /Not found/);
      assert.doesNotMatch(await pageText(await bobBrowser.get("/albums")), /Summer 2021/);
      assert.equal((await bobBrowser.post(`/albums/${albumId}/details`, { albumName: "Bob's now" })).status, 404);
      assert.equal((await bobBrowser.post(`/albums/${albumId}/assets`, { ids: bobPhoto.id })).status, 404);
      assert.equal((await bobBrowser.get(`/albums/${albumId}/add`)).status, 404);

      const shared = await fragmentText(
        await adminBrowser.post(`/albums/${albumId}/users`, { userId: bobId, role: "viewer" }, { htmx: true }),
      );
      assert.match(shared, /Bob/);
      assert.match(shared, /<details class="disclosure" open="">\s*<summary class="button button-quiet">Share/);
      assert.deepEqual(
        (await albumOf(albumId)).albumUsers.map((m) => [m.user.id, m.role]),
        [[bobId, "viewer"]],
      );

      const list = await pageText(await bobBrowser.get("/albums"));
      assert.match(list, /Shared with you/);
      assert.match(list, /Summer 2021/);
      assert.match(list, /Shared by Admin/);
      const viewerPage = await pageText(await bobBrowser.get(`/albums/${albumId}`));
      assert.ok(viewerPage.includes(`href="/photos/${alpha.id}?album=${albumId}"`));
      assert.doesNotMatch(viewerPage, /Add photos|name="ids"|Share<\/summary>/);
      assert.match(viewerPage, /Leave album/);
      assert.equal((await bobBrowser.post(`/albums/${albumId}/assets`, { ids: bobPhoto.id })).status, 403);
      assert.equal((await bobBrowser.post(`/albums/${albumId}/details`, { albumName: "Bob's now" })).status, 403);

      assertRedirect(
        await adminBrowser.post(`/albums/${albumId}/users/${bobId}`, { role: "editor" }),
        `/albums/${albumId}?panel=share`,
      );
      assert.equal((await albumOf(albumId)).albumUsers[0]?.role, "editor");

      // An editor adds what they may see: their own photo, not one of the owner's outside the album.
      assertRedirect(
        await bobBrowser.post(`/albums/${albumId}/assets`, { ids: [bobPhoto.id, old.id] }),
        `/albums/${albumId}`,
      );
      assert.deepEqual((await albumOf(albumId)).assets.map((a) => a.id).sort(), [alpha.id, bobPhoto.id].sort());
      const editorPage = await pageText(await bobBrowser.get(`/albums/${albumId}`));
      assert.ok(editorPage.includes(`name="ids" value="${bobPhoto.id}"`), "an editor selects their own photos");
      assert.ok(!editorPage.includes(`name="ids" value="${alpha.id}"`), "but not the owner's");
      assert.doesNotMatch(editorPage, /Make cover/);
      assert.equal((await bobBrowser.post(`/albums/${albumId}/cover`, { ids: bobPhoto.id })).status, 403);

      await bobBrowser.post(`/albums/${albumId}/assets/remove`, { ids: [alpha.id] });
      assert.equal((await albumOf(albumId)).assetCount, 2, "an editor cannot remove the owner's photos");
      await bobBrowser.post(`/albums/${albumId}/assets/remove`, { ids: [bobPhoto.id] });
      assert.deepEqual(
        (await albumOf(albumId)).assets.map((a) => a.id),
        [alpha.id],
      );
    });

    it("makes a shared link to copy, which opens the album in a private window", async () => {
      const panel = await fragmentText(
        await adminBrowser.post(
          `/albums/${albumId}/links`,
          { allowDownload: "on", showMetadata: "on", expires: "7" },
          { htmx: true },
        ),
      );
      const url = panel.match(/value="(http:\/\/[^"]+\/share\/([A-Za-z0-9_-]+))"/);
      assert.ok(url, "the panel shows the link's address");
      assert.match(panel, /class="link link-new"/);
      assert.match(panel, /Downloads allowed · Expires/);
      const visitor = await pageText(await new Browser(shoebox.url).get(`/share/${url[2]}`));
      assert.match(visitor, /Summer 2021/);
      assert.ok(visitor.includes(`/api/assets/${alpha.id}/thumbnail?key=${url[2]}`));

      const links = (await (await shoebox.api(`/api/shared-links?albumId=${albumId}`)).json()) as Array<{
        id: string;
        key: string;
        allowDownload: boolean;
        expiresAt: string;
      }>;
      assert.equal(links.length, 1);
      assert.equal(links[0]!.key, url[2]);
      assert.ok(Date.parse(links[0]!.expiresAt) > Date.now() + 6 * 24 * 3600_000);
      // Bob may not make links to the album; the owner removes them.
      assert.equal((await bobBrowser.post(`/albums/${albumId}/links`, {})).status, 403);
      await adminBrowser.post(`/albums/${albumId}/links/${links[0]!.id}/remove`);
      assert.equal((await new Browser(shoebox.url).get(`/share/${url[2]}`)).status, 404);
    });

    it("stops sharing, lets a member leave, and deletes the album", async () => {
      await adminBrowser.post(`/albums/${albumId}/users/${bobId}/remove`);
      assert.equal((await bobBrowser.get(`/albums/${albumId}`)).status, 404);

      await adminBrowser.post(`/albums/${albumId}/users`, { userId: bobId, role: "viewer" });
      assertRedirect(await bobBrowser.post(`/albums/${albumId}/users/${bobId}/remove`), "/albums");
      assert.deepEqual((await albumOf(albumId)).albumUsers, []);
      // A member cannot remove others, nor share an album that is not theirs.
      assert.equal((await bobBrowser.post(`/albums/${albumId}/users`, { userId: bobId, role: "editor" })).status, 404);

      const doomed = await createAlbum(adminBrowser, "Doomed");
      assert.equal((await bobBrowser.post(`/albums/${doomed}/delete`)).status, 404);
      assertRedirect(await adminBrowser.post(`/albums/${doomed}/delete`), "/albums");
      assert.equal((await shoebox.api(`/api/albums/${doomed}`)).status, 404);
      assert.match(await pageText(await adminBrowser.get(`/albums/${doomed}`), 404), /Not found/);
      assert.equal((await adminBrowser.get(`/albums/not-an-id`)).status, 404);
    });
  });

  describe("search", () => {
    const ids = (html: string) => [...html.matchAll(/href="\/photos\/([0-9a-f-]{36})"/g)].map((m) => m[1]);

    it("finds photos by camera, place, file name and date range, newest first, in one's own library", async () => {
      const empty = await pageText(await adminBrowser.get("/search"));
      assert.match(empty, /<a href="\/search" aria-current="page">Search<\/a>/);
      assert.match(empty, /Fill in what you remember/);
      assert.deepEqual(ids(empty), []);

      assert.deepEqual(
        ids(await pageText(await adminBrowser.get("/search?camera=alpha"))),
        [alpha.id],
        "Bob's Searchcam Alpha stays his",
      );
      assert.deepEqual(ids(await pageText(await adminBrowser.get("/search?camera=othercam+b2"))), [lisbonPhoto.id]);
      assert.deepEqual(ids(await pageText(await adminBrowser.get("/search?camera=searchcam+alpha"))), [alpha.id]);
      assert.deepEqual(ids(await pageText(await bobBrowser.get("/search?camera=alpha"))), [bobPhoto.id]);
      assert.deepEqual(ids(await pageText(await adminBrowser.get("/search?place=portugal"))), [lisbonPhoto.id]);
      assert.deepEqual(ids(await pageText(await adminBrowser.get("/search?place=FRANCE"))), [alpha.id]);
      assert.deepEqual(ids(await pageText(await adminBrowser.get("/search?name=made-"))), [
        alpha.id,
        lisbonPhoto.id,
        old.id,
      ]);
      assert.deepEqual(
        ids(await pageText(await adminBrowser.get("/search?name=%25"))),
        [],
        "a % is a letter, not a wildcard",
      );
      assert.deepEqual(ids(await pageText(await adminBrowser.get("/search?after=2019-01-01&before=2020-12-31"))), [
        lisbonPhoto.id,
      ]);
      // The whole of the last day counts (the Lisbon photo is from 23:30 on 1 March 2019).
      assert.deepEqual(ids(await pageText(await adminBrowser.get("/search?before=2019-03-01"))), [
        lisbonPhoto.id,
        old.id,
      ]);
      assert.deepEqual(ids(await pageText(await adminBrowser.get("/search?after=2021-06-05&camera=searchcam"))), [
        alpha.id,
      ]);

      const none = await pageText(await adminBrowser.get("/search?type=video"));
      assert.match(none, /Nothing matches/);
      assert.match(
        await pageText(await adminBrowser.get("/search?after=2020-01-01&before=2019-01-01"), 400),
        /The first date is after the last one/,
      );
    });

    it("filters favorites, and continues after a given result", async () => {
      assert.equal(
        (await shoebox.api("/api/assets", { ...json({ ids: [old.id], isFavorite: true }), method: "PUT" })).status,
        204,
      );
      assert.deepEqual(ids(await pageText(await adminBrowser.get("/search?favorites=on"))), [old.id]);

      const cursor = `${Date.parse(alpha.localDateTime)}.${alpha.id}`;
      const rest = await pageText(await adminBrowser.get(`/search?name=made-&after_item=${cursor}`));
      assert.deepEqual(ids(rest), [lisbonPhoto.id, old.id]);
      const piece = await fragmentText(
        await adminBrowser.get(`/search?name=made-&after_item=${cursor}&fragment=1`, { "hx-request": "true" }),
      );
      assert.deepEqual(ids(piece), [lisbonPhoto.id, old.id]);
    });

    it("answers POST /api/search/metadata in Immich's shape", async () => {
      const search = async (body: unknown, api = shoebox.api) => {
        const response = await api("/api/search/metadata", json(body));
        assert.equal(response.status, 200);
        return (await response.json()) as {
          albums: { total: number; count: number; items: unknown[]; nextPage: null };
          assets: {
            total: number;
            count: number;
            nextPage: string | null;
            items: Array<{ id: string; exifInfo: { model: string | null; country: string | null } }>;
          };
        };
      };
      const found = await search({ model: "ALPHA" });
      assert.deepEqual(found.albums, { total: 0, count: 0, items: [], facets: [], nextPage: null });
      assert.equal(found.assets.total, 1);
      assert.equal(found.assets.count, 1);
      assert.equal(found.assets.nextPage, null);
      assert.equal(found.assets.items[0]!.id, alpha.id);
      assert.equal(found.assets.items[0]!.exifInfo.model, "Searchcam Alpha");

      assert.deepEqual(
        (await search({ country: "portugal", city: null })).assets.items.map((a) => a.id),
        [lisbonPhoto.id],
      );
      assert.deepEqual(
        (await search({ make: "searchcam", takenAfter: "2021-01-01T00:00:00.000Z" })).assets.items.map((a) => a.id),
        [alpha.id],
      );
      assert.deepEqual(
        (await search({ takenBefore: "2016-01-01T00:00:00Z" })).assets.items.map((a) => a.id),
        [old.id],
      );
      assert.deepEqual(
        (await search({ isFavorite: true })).assets.items.map((a) => a.id),
        [old.id],
      );
      assert.equal((await search({ type: "VIDEO" })).assets.count, 0);

      const pages = [];
      for (let page = 1; page <= 3; page++)
        pages.push((await search({ originalFileName: "MADE-", size: 1, page })).assets);
      assert.deepEqual(
        pages.map((p) => p.items.map((a) => a.id)),
        [[alpha.id], [lisbonPhoto.id], [old.id]],
      );
      assert.deepEqual(
        pages.map((p) => p.nextPage),
        ["2", "3", null],
      );

      const bobs = await search({ model: "alpha" }, (path, init) => bob.fetch(path, init));
      assert.deepEqual(
        bobs.assets.items.map((a) => a.id),
        [bobPhoto.id],
      );
      assert.equal((await shoebox.api("/api/search/metadata", json({ size: 0 }))).status, 400);
      assert.equal((await fetch(`${shoebox.url}/api/search/metadata`, json({}))).status, 401);
    });
  });

  describe("administration", () => {
    it("is a page for admins only", async () => {
      const page = await pageText(await adminBrowser.get("/admin"));
      assert.match(page, /<a href="\/admin" aria-current="page">Administration<\/a>/);
      assert.match(page, /bob@example.com/);
      assert.match(page, /Thumbnails/);
      assert.match(page, /Metadata extraction/);
      assert.match(page, /of 5\.0 GiB/, "Bob's quota");

      const refused = await pageText(await bobBrowser.get("/admin"), 404);
      assert.match(refused, /Not found/);
      assert.doesNotMatch(refused, /bob@example.com|Thumbnails/);
      assert.doesNotMatch(await pageText(await bobBrowser.get("/albums")), /href="\/admin"/);
      assert.equal(
        (
          await bobBrowser.post("/admin/users", {
            name: "Mallory",
            email: "mallory@example.com",
            password: "mallory-password",
          })
        ).status,
        404,
      );
      assert.equal((await bobBrowser.post("/admin/queues/thumbnailGeneration/pause")).status, 404);
      assert.equal((await bobBrowser.get("/admin/queues")).status, 404);
    });

    it("creates, edits, removes and restores accounts", async () => {
      const users = async () =>
        (await (await shoebox.api("/api/admin/users?withDeleted=true")).json()) as Array<{
          id: string;
          email: string;
          name: string;
          isAdmin: boolean;
          quotaSizeInBytes: number | null;
          status: string;
        }>;

      assert.match(
        await pageText(
          await adminBrowser.post("/admin/users", { name: "Carol", email: "carol@example.com", password: "short" }),
          400,
        ),
        /at least 8 characters/,
      );
      const taken = await fragmentText(
        await adminBrowser.post(
          "/admin/users",
          { name: "Bob 2", email: "BOB@example.com", password: "long-enough" },
          { htmx: true },
        ),
      );
      assert.match(taken, /Another account uses this email/);
      assert.match(taken, /value="Bob 2"/, "the form keeps what was typed");

      assertRedirect(
        await adminBrowser.post("/admin/users", {
          name: "Carol",
          email: "carol@example.com",
          password: "carol-password",
          quota: "2.5",
          isAdmin: "on",
        }),
        "/admin",
      );
      const carol = (await users()).find((u) => u.email === "carol@example.com")!;
      assert.equal(carol.name, "Carol");
      assert.equal(carol.isAdmin, true);
      assert.equal(carol.quotaSizeInBytes, 2.5 * 1024 ** 3);
      assert.equal(
        (await fetch(`${shoebox.url}/api/auth/login`, json({ email: "carol@example.com", password: "carol-password" })))
          .status,
        201,
      );

      const edited = await fragmentText(
        await adminBrowser.post(
          `/admin/users/${carol.id}`,
          { name: "Carol C.", email: "carol@example.com", quota: "" },
          { htmx: true },
        ),
      );
      assert.match(edited, /^<div id="admin-main"/);
      assert.match(edited, /Carol C\./);
      const after = (await users()).find((u) => u.id === carol.id)!;
      assert.deepEqual([after.name, after.isAdmin, after.quotaSizeInBytes], ["Carol C.", false, null]);
      assert.match(
        await pageText(
          await adminBrowser.post(`/admin/users/${carol.id}`, {
            name: "Carol",
            email: "carol@example.com",
            quota: "lots",
          }),
          400,
        ),
        /quota in GiB/,
      );

      // Nobody takes away their own admin rights, or removes themselves.
      const me = (await users()).find((u) => u.email === admin.email)!;
      await adminBrowser.post(`/admin/users/${me.id}`, { name: admin.name, email: admin.email, quota: "" });
      assert.equal((await users()).find((u) => u.id === me.id)!.isAdmin, true);
      await adminBrowser.post(`/admin/users/${me.id}/remove`);
      assert.equal((await users()).find((u) => u.id === me.id)!.status, "active");

      assertRedirect(await adminBrowser.post(`/admin/users/${carol.id}/remove`), "/admin");
      assert.equal((await users()).find((u) => u.id === carol.id)!.status, "deleted");
      assert.match(await pageText(await adminBrowser.get("/admin")), /can be restored/);
      assertRedirect(await adminBrowser.post(`/admin/users/${carol.id}/restore`), "/admin");
      assert.equal((await users()).find((u) => u.id === carol.id)!.status, "active");

      assertRedirect(await adminBrowser.post(`/admin/users/${carol.id}/remove`, { force: "on" }), "/admin");
      await waitFor("Carol's account to be deleted", async () => !(await users()).some((u) => u.id === carol.id));
    });

    it("pauses, resumes and retries job queues", async () => {
      const paused = async () =>
        ((await (await shoebox.api("/api/queues/thumbnailGeneration")).json()) as { isPaused: boolean }).isPaused;
      const fragment = await fragmentText(
        await adminBrowser.post("/admin/queues/thumbnailGeneration/pause", {}, { htmx: true }),
      );
      assert.match(fragment, /^<section id="admin-queues"/);
      assert.match(fragment, /Paused/);
      assert.equal(await paused(), true);
      assertRedirect(await adminBrowser.post("/admin/queues/thumbnailGeneration/resume"), /^\/admin/);
      assert.equal(await paused(), false);
      assertRedirect(await adminBrowser.post("/admin/queues/thumbnailGeneration/retry"), /^\/admin/);
      assert.equal((await adminBrowser.post("/admin/queues/noSuchQueue/retry")).status, 404);
      assert.match(
        await fragmentText(await adminBrowser.get("/admin/queues", { "hx-request": "true" })),
        /Video conversion/,
      );
    });

    it("counts photos, videos and bytes in GET /api/server/statistics, for admins only", async () => {
      type Stats = {
        photos: number;
        videos: number;
        usage: number;
        usagePhotos: number;
        usageVideos: number;
        usageByUser: Array<{
          userId: string;
          userName: string;
          photos: number;
          videos: number;
          usage: number;
          usagePhotos: number;
          usageVideos: number;
          quotaSizeInBytes: number | null;
        }>;
      };
      const stats = async () => {
        const response = await shoebox.api("/api/server/statistics");
        assert.equal(response.status, 200);
        return (await response.json()) as Stats;
      };
      const adminBytes = alpha.bytes + lisbonPhoto.bytes + old.bytes;
      const before = await stats();
      assert.deepEqual(
        {
          photos: before.photos,
          videos: before.videos,
          usage: before.usage,
          usagePhotos: before.usagePhotos,
          usageVideos: before.usageVideos,
        },
        {
          photos: 4,
          videos: 0,
          usage: adminBytes + bobPhoto.bytes,
          usagePhotos: adminBytes + bobPhoto.bytes,
          usageVideos: 0,
        },
      );
      assert.deepEqual(
        before.usageByUser.map((u) => [u.userName, u.photos, u.videos, u.usage, u.quotaSizeInBytes]),
        [
          [admin.name, 3, 0, adminBytes, null],
          ["Bob", 1, 0, bobPhoto.bytes, 5 * 1024 ** 3],
        ],
      );
      assert.equal(before.usageByUser[1]!.userId, bobId);

      // The trash does not count.
      assert.equal((await shoebox.api("/api/assets", { ...json({ ids: [old.id] }), method: "DELETE" })).status, 204);
      const trashed = await stats();
      assert.equal(trashed.photos, 3);
      assert.equal(trashed.usageByUser[0]!.usage, adminBytes - old.bytes);

      assert.equal((await bob.fetch("/api/server/statistics")).status, 403);
      assert.equal((await fetch(`${shoebox.url}/api/server/statistics`)).status, 401);
      assert.match(await pageText(await adminBrowser.get("/admin")), /<dt>Photos<\/dt><dd>3<\/dd>/);
    });
  });

  describe("people", () => {
    it("says when people will appear", async () => {
      const page = await pageText(await adminBrowser.get("/people"));
      assert.match(page, /<a href="\/people" aria-current="page">People<\/a>/);
      assert.match(page, /People appear here once face recognition has run on your photos/);
    });
  });
});
