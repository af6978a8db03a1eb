// Accounts end to end on a real server: first admin, sign-in and its rate limits, sessions, API
// key permissions, quotas, and the removal of a user with its grace period.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connectDatabase } from "../common/db";
import { filesUnder, startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";
import { makeJpeg, uploadForm } from "./helpers/media";
import { login, signIn, type Client } from "./helpers/accounts";

let shoebox: Shoebox;
let admin: Client;

const graceMs = 4_000;

function loginAttempt(email: string, password: string, address: string): Promise<Response> {
  return fetch(`${shoebox.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify({ email, password }),
  });
}

async function uploadJpeg(client: Client | { fetch: Client["fetch"] }, seed: number, size = { width: 64, height: 48 }) {
  const photo = await makeJpeg(seed, {}, size);
  const response = await client.fetch("/api/assets", {
    method: "POST",
    body: uploadForm({ bytes: photo.bytes, name: `photo-${seed}.jpg` }),
  });
  return { response, bytes: photo.bytes };
}

before(async () => {
  // Removed accounts go after four seconds here, and housekeeping looks every half second. The test
  // speaks for clients at many addresses, as a reverse proxy on loopback would.
  shoebox = await startShoebox({
    signUp: false,
    env: { USER_DELETE_GRACE_MS: String(graceMs), STALE_AFTER_MS: "1000", TRUSTED_PROXIES: "127.0.0.1, ::1" },
  });
});

after(async () => {
  await shoebox?.stop();
});

describe("first start", () => {
  it("lets the first visitor create the admin, once", async () => {
    const before = await fetch(`${shoebox.url}/api/users/me`);
    assert.equal(before.status, 401);
    admin = await signIn(shoebox.url, {
      email: "Admin@Example.com",
      password: "admin-password",
      name: "Admin",
      admin: true,
    });
    const me = (await (await admin.fetch("/api/users/me")).json()) as { email: string; isAdmin: boolean; name: string };
    assert.deepEqual(
      { email: me.email, isAdmin: me.isAdmin, name: me.name },
      { email: "admin@example.com", isAdmin: true, name: "Admin" },
    );

    const again = await fetch(`${shoebox.url}/api/auth/admin-sign-up`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "intruder@example.com", password: "intruder-password", name: "Intruder" }),
    });
    assert.equal(again.status, 400);
    assert.match(((await again.json()) as { message: string }).message, /already has an admin/);
  });

  it("refuses weak passwords and bad emails with the field named", async () => {
    const response = await admin.json("POST", "/api/admin/users", {
      email: "not-an-email",
      password: "short",
      name: "X",
    });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { message: string }).message, /^(email|password):/);
  });
});

describe("signing in", () => {
  it("returns a token and an HttpOnly, SameSite=Lax cookie; the email is case-insensitive", async () => {
    const response = await loginAttempt("ADMIN@example.com", "admin-password", "198.51.100.1");
    assert.equal(response.status, 201);
    const body = (await response.json()) as { accessToken: string; userEmail: string; isAdmin: boolean };
    assert.equal(body.userEmail, "admin@example.com");
    assert.equal(body.isAdmin, true);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("immich_access_token=")) ?? "";
    assert.match(cookie, new RegExp(`immich_access_token=${body.accessToken}`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/, "plain http on loopback");
    const behindHttps = await fetch(`${shoebox.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.1" },
      body: JSON.stringify({ email: "admin@example.com", password: "admin-password" }),
    });
    assert.ok(behindHttps.headers.getSetCookie().every((c) => /Secure/.test(c)));
    assert.match(behindHttps.headers.get("strict-transport-security") ?? "", /max-age/);
  });

  it("refuses a sixth guess from one address, and lets the owner in from elsewhere", async () => {
    const carol = await signIn(shoebox.url, {
      email: "carol@example.com",
      password: "carol-password",
      name: "Carol",
      createdBy: admin,
    });
    for (let i = 0; i < 5; i++) {
      const response = await loginAttempt(carol.email, "wrong-password", "203.0.113.1");
      assert.equal(response.status, 401, `attempt ${i + 1}`);
      assert.equal(((await response.json()) as { message: string }).message, "Incorrect email or password");
    }
    // Refused before the password is looked at: the right one gets no further.
    const blocked = await loginAttempt(carol.email, "carol-password", "203.0.113.1");
    assert.equal(blocked.status, 429);
    assert.match(
      ((await blocked.json()) as { message: string }).message,
      /Too many failed attempts. Try again in \d+ seconds/,
    );
    assert.ok(Number(blocked.headers.get("retry-after")) > 0);
    // Her sessions from before go on working, she signs in from another address, and others as usual.
    assert.equal((await carol.fetch("/api/users/me")).status, 200);
    assert.equal((await loginAttempt(carol.email, "carol-password", "203.0.113.2")).status, 201);
    assert.equal((await loginAttempt("admin@example.com", "admin-password", "203.0.113.1")).status, 201);

    // One address guessing across many accounts: refused for every account, its own included.
    for (let i = 0; i < 20; i++)
      await (await loginAttempt(`nobody${i}@example.com`, "guess", "192.0.2.66")).body?.cancel();
    assert.equal((await loginAttempt("admin@example.com", "admin-password", "192.0.2.66")).status, 429);
    assert.equal((await loginAttempt("admin@example.com", "admin-password", "192.0.2.67")).status, 201);
  });

  it("slows guessing of one account from many addresses, but not its owner's known device", async () => {
    const ellen = await signIn(shoebox.url, {
      email: "ellen@example.com",
      password: "ellen-password",
      name: "Ellen",
      createdBy: admin,
    });
    // Ellen's own browser signed in before: it carries the known-device cookie that sign-in set.
    const known = await fetch(`${shoebox.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.20" },
      body: JSON.stringify({ email: ellen.email, password: "ellen-password" }),
    });
    const device = known.headers
      .getSetCookie()
      .find((c) => c.startsWith("shoebox_device_"))!
      .split(";")[0]!;
    // Ten guesses from ten addresses, then the account refuses everyone else for a minute.
    for (let i = 0; i < 10; i++)
      assert.equal((await loginAttempt(ellen.email, `guess-${i}`, `192.0.2.${100 + i}`)).status, 401);
    const refused = await loginAttempt(ellen.email, "ellen-password", "192.0.2.200");
    assert.equal(refused.status, 429);
    // Her own device still gets in, from wherever she is.
    const fromHome = await fetch(`${shoebox.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "192.0.2.201", cookie: device },
      body: JSON.stringify({ email: ellen.email, password: "ellen-password" }),
    });
    assert.equal(fromHome.status, 201);
    // Another account's device cookie is no pass for hers.
    const wrongDevice = await fetch(`${shoebox.url}/api/auth/login`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-forwarded-for": "192.0.2.202",
        cookie: device.replace(/=.*/, "=forged"),
      },
      body: JSON.stringify({ email: ellen.email, password: "ellen-password" }),
    });
    assert.equal(wrongDevice.status, 429);
  });

  it("takes as long for an unknown email as for a wrong password", async () => {
    const time = async (email: string) => {
      const start = performance.now();
      await (await loginAttempt(email, "wrong-password", "198.51.100.50")).body?.cancel();
      return performance.now() - start;
    };
    // The fastest of a few tries of each: the password hash is a floor that a busy machine only adds
    // to. One wrong password per account, so that none is blocked.
    const accounts = ["timing-1@example.com", "timing-2@example.com", "timing-3@example.com"];
    for (const email of accounts)
      assert.equal(
        (await admin.json("POST", "/api/admin/users", { email, password: "timing-password", name: "Timing" })).status,
        201,
      );
    const unknownTimes: number[] = [];
    const knownTimes: number[] = [];
    for (const [i, email] of accounts.entries()) {
      unknownTimes.push(await time(`nobody-at-all-${i}@example.com`));
      knownTimes.push(await time(email));
    }
    const unknown = Math.min(...unknownTimes);
    const known = Math.min(...knownTimes);
    // Both run the password hash (tens of milliseconds); an early exit would take a few.
    assert.ok(
      unknown > known / 3,
      `unknown email answered in ${unknown.toFixed(0)} ms, a wrong password in ${known.toFixed(0)} ms`,
    );
  });
});

describe("sessions", () => {
  it("lists devices, signs out one of them, and signs out on logout", async () => {
    const laptop = await login(shoebox.url, "admin@example.com", "admin-password");
    const phone = await laptop.newSession();
    const sessions = (await (await laptop.fetch("/api/sessions")).json()) as Array<{ id: string; current: boolean }>;
    assert.equal(sessions.filter((s) => s.current).length, 1);
    const phoneSession = (
      (await (await phone.fetch("/api/sessions")).json()) as Array<{ id: string; current: boolean }>
    ).find((s) => s.current)!;
    assert.equal((await laptop.fetch(`/api/sessions/${phoneSession.id}`, { method: "DELETE" })).status, 204);
    assert.equal((await phone.fetch("/api/users/me")).status, 401);

    assert.equal((await laptop.json("POST", "/api/auth/logout")).status, 200);
    assert.equal((await laptop.fetch("/api/users/me")).status, 401);
  });

  it("changing the password can sign out every other device", async () => {
    const dave = await signIn(shoebox.url, {
      email: "dave@example.com",
      password: "dave-password",
      name: "Dave",
      createdBy: admin,
    });
    const other = await dave.newSession();
    const wrong = await dave.json("POST", "/api/auth/change-password", {
      password: "not-it",
      newPassword: "dave-new-password",
    });
    assert.equal(wrong.status, 400);
    const changed = await dave.json("POST", "/api/auth/change-password", {
      password: "dave-password",
      newPassword: "dave-new-password",
      invalidateSessions: true,
    });
    assert.equal(changed.status, 200);
    assert.equal((await dave.fetch("/api/users/me")).status, 200);
    assert.equal((await other.fetch("/api/users/me")).status, 401);
    assert.equal((await loginAttempt(dave.email, "dave-password", "198.51.100.7")).status, 401);
    await login(shoebox.url, dave.email, "dave-new-password");
  });

  it("a browser session's changes need the CSRF token and our own origin", async () => {
    const response = await loginAttempt("admin@example.com", "admin-password", "198.51.100.8");
    const cookie = response.headers
      .getSetCookie()
      .find((c) => c.startsWith("immich_access_token="))!
      .split(";")[0]!;
    const create = (headers: Record<string, string>) =>
      fetch(`${shoebox.url}/api/albums`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json", ...headers },
        body: JSON.stringify({ albumName: "csrf" }),
      });
    // What a browser sends with a post from our own pages, and from a page of another site.
    const ours = { origin: shoebox.url, "sec-fetch-site": "same-origin" };
    assert.equal((await create(ours)).status, 403);
    assert.equal((await create({ ...ours, "x-csrf-token": "guess" })).status, 403);
    assert.equal((await create({ "sec-fetch-site": "same-origin" })).status, 403);
    // The token is derived from the session's secret, which only our pages see (in a meta tag).
    const { createHash } = await import("node:crypto");
    const token = createHash("sha256")
      .update(`csrf:${cookie.split("=")[1]}`)
      .digest("base64url");
    assert.equal((await create({ "x-csrf-token": token, origin: "https://evil.example" })).status, 403);
    assert.equal((await create({ "x-csrf-token": token, origin: "null" })).status, 403);
    assert.equal((await create({ "x-csrf-token": token, "sec-fetch-site": "cross-site" })).status, 403);
    assert.equal((await create({ "x-csrf-token": token, "sec-fetch-site": "same-site" })).status, 403);
    assert.equal((await create({ ...ours, "x-csrf-token": token })).status, 201);
    assert.equal((await create({ "x-csrf-token": token, origin: shoebox.url })).status, 201);
    // Reads need no token.
    assert.equal((await fetch(`${shoebox.url}/api/albums`, { headers: { cookie } })).status, 200);
  });
});

describe("API keys", () => {
  it("carry only their permissions", async () => {
    const created = await admin.json("POST", "/api/api-keys", { name: "reader", permissions: ["asset.read"] });
    assert.equal(created.status, 201);
    const { secret, apiKey } = (await created.json()) as {
      secret: string;
      apiKey: { id: string; permissions: string[] };
    };
    const reader = {
      fetch: (path: string, init: RequestInit = {}) =>
        fetch(`${shoebox.url}${path}`, { ...init, headers: { ...(init.headers as object), "x-api-key": secret } }),
    };

    const me = (await (await reader.fetch("/api/api-keys/me")).json()) as { id: string; permissions: string[] };
    assert.deepEqual(me, { ...me, id: apiKey.id, permissions: ["asset.read"] });

    const { response: refused } = await uploadJpeg(reader, 401);
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { message: string }).message, "Missing required permission: asset.upload");
    assert.equal((await reader.fetch("/api/albums")).status, 403);

    const { response: uploaded } = await uploadJpeg(admin, 402);
    const { id } = (await uploaded.json()) as { id: string };
    assert.equal((await reader.fetch(`/api/assets/${id}`)).status, 200);

    // A key cannot mint a stronger one.
    const escalate = await reader.fetch("/api/api-keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ permissions: ["all"] }),
    });
    assert.equal(escalate.status, 403);

    assert.equal((await admin.fetch(`/api/api-keys/${apiKey.id}`, { method: "DELETE" })).status, 204);
    assert.equal((await reader.fetch(`/api/assets/${id}`)).status, 401);
  });

  it("refuses unknown permission names with the field named", async () => {
    const response = await admin.json("POST", "/api/api-keys", { permissions: ["asset.readd"] });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { message: string }).message, /^permissions\.0:/);
  });
});

describe("quotas", () => {
  it("refuses an upload past the quota before storing it, and shows the usage", async () => {
    const erin = await signIn(shoebox.url, {
      email: "erin@example.com",
      password: "erin-password",
      name: "Erin",
      createdBy: admin,
      quotaSizeInBytes: 150_000,
    });
    const { response: first, bytes } = await uploadJpeg(erin, 501, { width: 400, height: 300 });
    assert.equal(first.status, 201);
    const { id } = (await first.json()) as { id: string };
    const usage = async (client: Client) =>
      ((await (await client.fetch("/api/users/me")).json()) as { quotaUsageInBytes: number }).quotaUsageInBytes;
    assert.equal(await usage(erin), bytes.byteLength);

    const filesBefore = filesUnder(`${shoebox.dataDir}/library`).length;
    let refused: Response | undefined;
    for (let seed = 502; seed < 520 && !refused; seed++) {
      const { response } = await uploadJpeg(erin, seed, { width: 400, height: 300 });
      if (response.status !== 201) refused = response;
    }
    assert.ok(refused, "the quota never ran out");
    // Word for word Immich's answer, on which its phone app stops a backup run.
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { message: string }).message, "Quota has been exceeded!");
    const used = await usage(erin);
    assert.ok(used <= 150_000, `usage ${used} is past the quota`);
    await waitFor("thumbnails", async () => filesUnder(`${shoebox.dataDir}/library`).length >= filesBefore);

    // The admin sees the same figure, and deleting frees it.
    const seen = (await (await admin.fetch(`/api/admin/users/${erin.userId}`)).json()) as {
      quotaUsageInBytes: number;
      quotaSizeInBytes: number;
    };
    assert.deepEqual({ ...seen }, { ...seen, quotaUsageInBytes: used, quotaSizeInBytes: 150_000 });
    assert.equal((await erin.json("DELETE", "/api/assets", { ids: [id], force: true })).status, 204);
    assert.equal(await usage(erin), used - bytes.byteLength);
  });
});

describe("removing a user", () => {
  it("stops the account at once, can be undone during the grace period, and then deletes everything", async () => {
    const frank = await signIn(shoebox.url, {
      email: "frank@example.com",
      password: "frank-password",
      name: "Frank",
      createdBy: admin,
    });
    const { response } = await uploadJpeg(frank, 601);
    const { id } = (await response.json()) as { id: string };
    await waitFor("Frank's thumbnail", async () => (await frank.fetch(`/api/assets/${id}/thumbnail`)).ok);

    assert.equal((await admin.json("DELETE", `/api/admin/users/${frank.userId}`, {})).status, 200);
    assert.equal((await frank.fetch("/api/users/me")).status, 401);
    assert.equal((await loginAttempt(frank.email, "frank-password", "198.51.100.9")).status, 401);
    const users = (await (await admin.fetch("/api/admin/users")).json()) as Array<{ id: string }>;
    assert.ok(!users.some((u) => u.id === frank.userId));

    assert.equal((await admin.json("POST", `/api/admin/users/${frank.userId}/restore`)).status, 200);
    const back = await login(shoebox.url, frank.email, "frank-password");
    assert.equal((await back.fetch(`/api/assets/${id}`)).status, 200);

    const before = filesUnder(`${shoebox.dataDir}/library`).filter((f) => f.includes(id)).length;
    assert.ok(before >= 2, "original and thumbnails");
    assert.equal((await admin.json("DELETE", `/api/admin/users/${frank.userId}`, {})).status, 200);
    await waitFor(
      "the account to go after its grace period",
      async () => {
        const all = (await (await admin.fetch("/api/admin/users?withDeleted=true")).json()) as Array<{ id: string }>;
        return !all.some((u) => u.id === frank.userId);
      },
      graceMs + 20_000,
    );
    await waitFor(
      "Frank's files to go",
      async () => filesUnder(`${shoebox.dataDir}/library`).filter((f) => f.includes(id)).length === 0,
    );
  });

  it("with force, goes at once", async () => {
    const gina = await signIn(shoebox.url, {
      email: "gina@example.com",
      password: "gina-password",
      name: "Gina",
      createdBy: admin,
    });
    await uploadJpeg(gina, 701);
    const removed = await admin.json("DELETE", `/api/admin/users/${gina.userId}`, { force: true });
    assert.equal(((await removed.json()) as { status: string }).status, "removing");
    assert.equal((await admin.json("POST", `/api/admin/users/${gina.userId}/restore`)).status, 400);
    await waitFor(
      "the account to go",
      async () => (await admin.fetch(`/api/admin/users/${gina.userId}`)).status === 404,
      15_000,
    );
  });

  it("an admin cannot remove themselves", async () => {
    const response = await admin.json("DELETE", `/api/admin/users/${admin.userId}`, {});
    assert.equal(response.status, 400);
  });
});

describe("the trash", () => {
  it("deletes for good, with their files, the photos that stayed in it 30 days", async () => {
    const { response } = await uploadJpeg(admin, 801);
    const { id } = (await response.json()) as { id: string };
    await waitFor("the thumbnail", async () => (await admin.fetch(`/api/assets/${id}/thumbnail`)).ok);
    assert.equal((await admin.json("DELETE", "/api/assets", { ids: [id] })).status, 204);
    // Thirty-one days pass for this photo.
    const { client } = connectDatabase({ url: shoebox.workerUrl, authToken: shoebox.token() });
    await client.execute({
      sql: "UPDATE assets SET deleted_at = ? WHERE id = ?",
      args: [Date.now() - 31 * 24 * 3600 * 1000, id],
    });
    client.close();
    await waitFor("the photo to go", async () => (await admin.fetch(`/api/assets/${id}`)).status === 404);
    await waitFor(
      "its files to go",
      async () => filesUnder(`${shoebox.dataDir}/library`).filter((f) => f.includes(id)).length === 0,
    );
  });
});
