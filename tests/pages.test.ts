// The HTML pages on a real server: the first run, signing in and out, and shared links opened in a
// private window. Plain fetch with a small cookie jar plays the browser (helpers/pages.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { admin, startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";
import { makeJpeg, upload } from "./helpers/media";
import { Browser, csrfOf, pageText, signInWithCookie } from "./helpers/pages";

function assertRedirect(response: Response, location: string) {
  assert.equal(response.status, 302);
  assert.equal(response.headers.get("location"), location);
}

describe("the first run", () => {
  let shoebox: Shoebox;
  before(async () => {
    shoebox = await startShoebox({ signUp: false });
  });
  after(async () => {
    await shoebox?.stop();
  });

  it("sends every page to the sign-up form until there is an admin, then signs the admin in", async () => {
    const browser = new Browser(shoebox.url);
    for (const path of ["/", "/auth/login", "/share/some-key", "/albums"])
      assertRedirect(await browser.get(path), "/auth/register");
    const api = await browser.get("/api/albums");
    assert.equal(api.status, 401);
    assert.match(api.headers.get("content-type") ?? "", /json/);
    assert.equal((await browser.get("/static/app.css")).status, 200);

    const form = await pageText(await browser.get("/auth/register"));
    assert.match(form, /<label for="field-email">/);
    const mismatch = await browser.post("/auth/register", {
      name: "Ada",
      email: "ada@example.com",
      password: "analytical",
      confirm: "analytic",
    });
    assert.match(await pageText(mismatch, 400), /The two passwords differ/);
    const short = await browser.post("/auth/register", {
      name: "Ada",
      email: "ada@example.com",
      password: "short",
      confirm: "short",
    });
    assert.match(await pageText(short, 400), /at least 8 characters/);
    assert.equal(browser.cookies.size, 0);

    const created = await browser.post("/auth/register", {
      name: "Ada Lovelace",
      email: "ada@example.com",
      password: "analytical",
      confirm: "analytical",
    });
    assertRedirect(created, "/");
    assert.ok(
      created.headers.getSetCookie().some((c) => /^immich_access_token=[^;]+;.*HttpOnly; SameSite=Lax/.test(c)),
    );

    assertRedirect(await browser.get("/auth/register"), "/auth/login");
    assertRedirect(
      await new Browser(shoebox.url).post("/auth/register", {
        name: "Eve",
        email: "eve@example.com",
        password: "password1",
        confirm: "password1",
      }),
      "/auth/login",
    );
    const home = await pageText(await browser.get("/"));
    assert.match(home, /Ada Lovelace/);
    assert.match(home, /<script src="\/static\/vendor\/htmx.min.js"/);
    csrfOf(home);
  });
});

describe("a server with an admin", () => {
  let shoebox: Shoebox;
  before(async () => {
    // Sign-in attempts from several addresses, as a reverse proxy on loopback would report them.
    shoebox = await startShoebox({ env: { TRUSTED_PROXIES: "127.0.0.1, ::1" } });
  });
  after(async () => {
    await shoebox?.stop();
  });

  describe("signing in and out", () => {
    it("sends visitors to the sign-in form and back only to a path of this site", async () => {
      const browser = new Browser(shoebox.url);
      assertRedirect(await browser.get("/"), "/auth/login?next=/");
      const form = await pageText(await browser.get("/auth/login?next=/share/abc?x=1"));
      assert.match(form, /<input type="hidden" name="next" value="\/share\/abc\?x=1"\/>/);
      assert.doesNotMatch(await pageText(await browser.get("/auth/login?next=//evil.example")), /name="next"/);
      assertRedirect(
        await browser.post("/auth/login", { email: admin.email, password: admin.password, next: "/share/abc?x=1" }),
        "/share/abc?x=1",
      );
      for (const next of ["//evil.example", "/\\evil.example", "https://evil.example/", "/\t/evil.example"]) {
        assertRedirect(
          await new Browser(shoebox.url).post("/auth/login", { email: admin.email, password: admin.password, next }),
          "/",
        );
      }
    });

    it("shows a wrong password in the form, and signs in with the right one", async () => {
      const browser = new Browser(shoebox.url);
      const wrong = await pageText(
        await browser.post("/auth/login", { email: admin.email, password: "not-the-password" }),
        401,
      );
      assert.match(wrong, /Incorrect email or password/);
      assert.match(wrong, new RegExp(`value="${admin.email}"`));
      assert.equal(browser.cookies.size, 0);

      const right = await browser.post("/auth/login", { email: admin.email, password: admin.password });
      assertRedirect(right, "/");
      assert.ok(
        right.headers.getSetCookie().some((c) => /^immich_access_token=[^;]+;.*HttpOnly; SameSite=Lax/.test(c)),
      );
      assert.match(await pageText(await browser.get("/")), new RegExp(admin.name));
      assertRedirect(await browser.get("/auth/login"), "/");
    });

    it("shows the lock-out after repeated failures", async () => {
      const user = { email: "forgetful@example.com", password: "forgetful-password", name: "Forgetful" };
      const created = await shoebox.api("/api/admin/users", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(user),
      });
      assert.equal(created.status, 201);
      const browser = new Browser(shoebox.url);
      // An address of its own, so that the lock-out stays in this test.
      const from = { "x-forwarded-for": "203.0.113.7" };
      const statuses: number[] = [];
      let html = "";
      for (let attempt = 0; attempt < 6; attempt++) {
        const response = await browser.post("/auth/login", { email: user.email, password: "guess" }, { headers: from });
        statuses.push(response.status);
        html = await pageText(response, response.status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
      assert.match(html, /Too many failed attempts. Try again in \d+ (seconds|minutes)/);
      assert.match(html, new RegExp(`value="${user.email}"`));
    });

    it("refuses a sign-in form posted from another site", async () => {
      const response = await new Browser(shoebox.url).post(
        "/auth/login",
        { email: admin.email, password: admin.password },
        { headers: { origin: "http://evil.example" } },
      );
      assert.equal(response.status, 403);
      assert.equal(response.headers.get("set-cookie"), null);
    });

    it("signs out only with the CSRF token, and the session ends", async () => {
      const browser = new Browser(shoebox.url);
      assertRedirect(await browser.post("/auth/login", { email: admin.email, password: admin.password }), "/");
      const session = browser.cookies.get("immich_access_token")!;
      const csrf = csrfOf(await pageText(await browser.get("/")));

      assert.match(await pageText(await browser.post("/auth/logout", {}), 403), /CSRF/);
      assertRedirect(await browser.post("/auth/logout", { _csrf: csrf }), "/auth/login");
      assert.equal(browser.cookies.has("immich_access_token"), false);

      const replay = new Browser(shoebox.url);
      replay.cookies.set("immich_access_token", session);
      assertRedirect(await replay.get("/"), "/auth/login?next=/");
    });

    it("shows the newest photos at home, in the timeline", async () => {
      const photo = await upload(shoebox, await makeJpeg(40));
      const browser = await signInWithCookie(shoebox.url, admin.email, admin.password);
      const home = await pageText(await browser.get("/"));
      assert.match(
        home,
        new RegExp(
          `<a class="tile" href="/photos/${photo.body.id}"[^>]*><img src="/api/assets/${photo.body.id}/thumbnail" alt="Photo taken [^"]+" loading="lazy"`,
        ),
      );
      assert.match(home, /<a href="\/" aria-current="page">Photos<\/a>/);
    });
  });

  describe("a shared link in a private window", () => {
    const camera = { Make: "Pagecam", Model: "Pagecam Z9" };
    // Near the Eiffel tower: 48.8584 N, 2.2945 E.
    const gps = {
      GPSLatitudeRef: "N",
      GPSLatitude: "48/1 51/1 3024/100",
      GPSLongitudeRef: "E",
      GPSLongitude: "2/1 17/1 4020/100",
    };
    let assetIds: string[];
    let outsiderId: string;
    let albumId: string;

    const createLink = async (settings: Record<string, unknown>) => {
      const response = await shoebox.api("/api/shared-links", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "ALBUM", albumId, ...settings }),
      });
      assert.equal(response.status, 201);
      return (await response.json()) as { id: string; key: string };
    };

    before(async () => {
      const uploads = await Promise.all(
        [101, 102, 103].map(async (seed) => upload(shoebox, await makeJpeg(seed, { IFD0: camera, IFD3: gps }))),
      );
      const ids = uploads.map((u) => u.body.id);
      assetIds = ids.slice(0, 2);
      outsiderId = ids[2]!;
      for (const id of ids) {
        const exif = await waitFor(`the metadata and thumbnail of ${id}`, async () => {
          const asset = (await (await shoebox.api(`/api/assets/${id}`)).json()) as {
            exifInfo: { latitude: number | null; model: string | null };
          };
          return (
            asset.exifInfo.model !== null && (await shoebox.api(`/api/assets/${id}/thumbnail`)).ok && asset.exifInfo
          );
        });
        assert.equal(exif.model, camera.Model, "the photos carry a camera");
        assert.ok(Math.abs((exif.latitude ?? 0) - 48.8584) < 1e-3, "and a place");
      }
      const album = await shoebox.api("/api/albums", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ albumName: "Paris in spring", assetIds }),
      });
      albumId = ((await album.json()) as { id: string }).id;
    });

    it("asks for the password, then shows the album without metadata or downloads", async () => {
      const link = await createLink({ password: "secret-pw", showMetadata: false, allowDownload: false });
      const browser = new Browser(shoebox.url);

      const locked = await pageText(await browser.get(`/share/${link.key}`));
      assert.match(locked, /name="password"/);
      assert.doesNotMatch(locked, /\/api\/assets\//);
      assert.doesNotMatch(locked, /Paris in spring/);
      const thumbnail = `/api/assets/${assetIds[0]}/thumbnail?key=${link.key}`;
      assert.equal((await browser.get(thumbnail)).status, 401);

      assert.match(
        await pageText(await browser.post(`/share/${link.key}`, { password: "wrong-pw" }), 401),
        /not the password/,
      );
      assertRedirect(await browser.post(`/share/${link.key}`, { password: "secret-pw" }), `/share/${link.key}`);

      const grid = await pageText(await browser.get(`/share/${link.key}`));
      assert.match(grid, /Paris in spring/);
      for (const id of assetIds) {
        assert.ok(grid.includes(`src="/api/assets/${id}/thumbnail?key=${link.key}"`), `the grid shows ${id}`);
        assert.ok(grid.includes(`href="/share/${link.key}/photos/${id}"`));
      }
      assert.doesNotMatch(grid, new RegExp(outsiderId));
      assert.doesNotMatch(grid, /data-upload/);

      const photo = await pageText(await browser.get(`/share/${link.key}/photos/${assetIds[0]}`));
      assert.match(photo, new RegExp(`/api/assets/${assetIds[0]}/thumbnail\\?size=preview&amp;key=${link.key}`));
      assert.match(photo, /Taken/);
      assert.doesNotMatch(photo, /Pagecam/);
      assert.doesNotMatch(photo, /48[.,]8|2[.,]29|Paris, France/);
      assert.doesNotMatch(photo, /\/original|Download/);

      const image = await browser.get(thumbnail);
      assert.equal(image.status, 200);
      assert.match(image.headers.get("content-type") ?? "", /^image\//);
      assert.equal((await new Browser(shoebox.url).get(thumbnail)).status, 401);

      assert.equal((await browser.get(`/share/${link.key}/photos/${outsiderId}`)).status, 404);
      assertRedirect(
        await new Browser(shoebox.url).get(`/share/${link.key}/photos/${assetIds[0]}`),
        `/share/${link.key}`,
      );
    });

    it("shows metadata, downloads and uploads when the link allows them, and never the coordinates", async () => {
      const link = await createLink({ showMetadata: true, allowDownload: true, allowUpload: true });
      const browser = new Browser(shoebox.url);
      const grid = await pageText(await browser.get(`/share/${link.key}`));
      assert.match(grid, new RegExp(`<form class="upload" method="post" action="/api/assets\\?key=${link.key}"`));
      const photo = await pageText(await browser.get(`/share/${link.key}/photos/${assetIds[1]}`));
      assert.match(photo, /Pagecam Z9/);
      assert.match(photo, /<dt>Place<\/dt><dd>[^<]*France<\/dd>/);
      assert.match(photo, new RegExp(`href="/api/assets/${assetIds[1]}/original\\?key=${link.key}"`));
      assert.doesNotMatch(photo, /48[.,]8|2[.,]29/);
    });

    it("stops working when the link expires or is removed", async () => {
      const expiring = await createLink({ expiresAt: new Date(Date.now() + 2_000).toISOString() });
      const browser = new Browser(shoebox.url);
      assert.match(await pageText(await browser.get(`/share/${expiring.key}`)), /Paris in spring/);
      await new Promise((r) => setTimeout(r, 2_500));
      const expired = await pageText(await browser.get(`/share/${expiring.key}`), 404);
      assert.match(expired, /This link has expired or was removed/);
      assert.doesNotMatch(expired, /Paris in spring/);
      assert.equal((await browser.get(`/share/${expiring.key}/photos/${assetIds[0]}`)).status, 404);

      const removed = await createLink({});
      assert.equal((await browser.get(`/share/${removed.key}`)).status, 200);
      assert.equal((await shoebox.api(`/api/shared-links/${removed.id}`, { method: "DELETE" })).status, 204);
      assert.match(
        await pageText(await browser.get(`/share/${removed.key}`), 404),
        /This link has expired or was removed/,
      );
      assert.match(
        await pageText(await browser.get("/share/no-such-key"), 404),
        /This link has expired or was removed/,
      );
    });
  });
});
