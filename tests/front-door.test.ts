// The front door under attack, on loopback: guesses raced in parallel, forged client addresses, a
// flood of sign-ins for invented accounts, and the rest of what an anonymous visitor could try
// against sign-in, accounts and links. Responsiveness during the floods is printed, never timed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signIn, type Client } from "./helpers/accounts";
import { makeJpeg, uploadForm } from "./helpers/media";
import { cpuMsOf, pingWhile } from "./helpers/responsiveness";
import { startShoebox, type Shoebox } from "./helpers/shoebox";

function login(url: string, email: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ email, password }),
  });
}

// A Shoebox with sign-up closed and its admin signed in.
async function startWithAdmin(env: Record<string, string> = {}): Promise<{ shoebox: Shoebox; admin: Client }> {
  const shoebox = await startShoebox({ signUp: false, env });
  const admin = await signIn(shoebox.url, {
    email: "admin@example.com",
    password: "admin-password",
    name: "Admin",
    admin: true,
  });
  return { shoebox, admin };
}

const tally = (statuses: number[]) => {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

describe("behind no proxy (the default)", () => {
  let shoebox: Shoebox;
  let admin: Client;

  before(async () => {
    ({ shoebox, admin } = await startWithAdmin());
  });
  after(() => shoebox?.stop());

  it("takes no client's word for its address: X-Forwarded-For buys no extra guesses", async () => {
    await signIn(shoebox.url, {
      email: "victim@example.com",
      password: "victim-password",
      name: "Victim",
      createdBy: admin,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await login(shoebox.url, "victim@example.com", `guess-${i}`, {
        "x-forwarded-for": `198.51.100.${i}`,
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
  });

  it("counts every guess before checking it: 100 at once reach the password at most five times", async () => {
    await signIn(shoebox.url, {
      email: "raced@example.com",
      password: "raced-password",
      name: "Raced",
      createdBy: admin,
    });
    const right = Math.floor(Math.random() * 100);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        login(shoebox.url, "raced@example.com", i === right ? "raced-password" : `guess-${i}`, {
          "x-forwarded-for": "192.0.2.1",
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    await Promise.all(responses.map((response) => response.body?.cancel()));
    const counted = tally(statuses);
    console.log(`100 parallel guesses for one account: ${JSON.stringify(counted)}`);
    assert.ok(
      (counted[401] ?? 0) + (counted[201] ?? 0) <= 5,
      `more than five guesses reached the password: ${JSON.stringify(counted)}`,
    );
    assert.equal((counted[429] ?? 0) + (counted[401] ?? 0) + (counted[201] ?? 0), 100);
    assert.ok(responses.filter((r) => r.status === 429).every((r) => Number(r.headers.get("retry-after")) > 0));
  });

  it("counts a shared link's password guesses the same way", async () => {
    const photo = await makeJpeg(1);
    const uploaded = (await (
      await admin.fetch("/api/assets", { method: "POST", body: uploadForm({ bytes: photo.bytes, name: "raced.jpg" }) })
    ).json()) as { id: string };
    const link = (await (
      await admin.json("POST", "/api/shared-links", {
        type: "INDIVIDUAL",
        assetIds: [uploaded.id],
        password: "link secret",
      })
    ).json()) as { key: string };
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(
          `${shoebox.url}/api/shared-links/me?key=${link.key}&password=${i === 17 ? "link%20secret" : `guess-${i}`}`,
        ),
      ),
    );
    const counted = tally(responses.map((response) => response.status));
    await Promise.all(responses.map((response) => response.body?.cancel()));
    console.log(`30 parallel guesses of a link's password: ${JSON.stringify(counted)}`);
    assert.ok((counted[401] ?? 0) + (counted[200] ?? 0) <= 5, JSON.stringify(counted));
  });

  it("never hands out a cookie a browser refuses: a password link that expires in two years opens", async () => {
    const photo = await makeJpeg(2);
    const uploaded = (await (
      await admin.fetch("/api/assets", { method: "POST", body: uploadForm({ bytes: photo.bytes, name: "far.jpg" }) })
    ).json()) as { id: string };
    const expiresAt = new Date(Date.now() + 2 * 365 * 24 * 3600_000).toISOString();
    const link = (await (
      await admin.json("POST", "/api/shared-links", {
        type: "INDIVIDUAL",
        assetIds: [uploaded.id],
        password: "far away",
        expiresAt,
      })
    ).json()) as { key: string };
    const opened = await fetch(`${shoebox.url}/share/${link.key}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "password=far+away",
      redirect: "manual",
    });
    assert.equal(opened.status, 302);
    const cookie = opened.headers.getSetCookie().find((c) => c.startsWith("immich_shared_link_token_"))!;
    const expires = Date.parse(cookie.match(/Expires=([^;]+)/i)![1]!);
    assert.ok(expires <= Date.now() + 400 * 24 * 3600_000 + 60_000, cookie);
    const api = await fetch(`${shoebox.url}/api/shared-links/me?key=${link.key}&password=far%20away`);
    assert.equal(api.status, 200);
  });

  it("changes a password only for someone who knows the current one, and signs out the other devices", async () => {
    const user = await signIn(shoebox.url, {
      email: "changer@example.com",
      password: "changer-password",
      name: "Changer",
      createdBy: admin,
    });
    const otherDevice = await user.newSession();
    const key = (await (
      await user.json("POST", "/api/api-keys", { name: "update only", permissions: ["user.update"] })
    ).json()) as { secret: string };
    const withKey = (body: unknown) =>
      fetch(`${shoebox.url}/api/users/me`, {
        method: "PUT",
        headers: { "x-api-key": key.secret, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    assert.equal((await withKey({ password: "taken-over-1" })).status, 400);
    assert.equal((await withKey({ password: "taken-over-1", currentPassword: "not-it" })).status, 400);
    assert.equal((await user.json("PUT", "/api/users/me", { password: "taken-over-2" })).status, 400);
    assert.equal((await login(shoebox.url, user.email, "taken-over-1")).status, 401);
    // With the current password it works, and only this device stays signed in.
    assert.equal(
      (
        await user.json("PUT", "/api/users/me", {
          password: "changer-new-password",
          currentPassword: "changer-password",
        })
      ).status,
      200,
    );
    assert.equal((await user.fetch("/api/users/me")).status, 200);
    assert.equal((await otherDevice.fetch("/api/users/me")).status, 401);
    assert.equal((await login(shoebox.url, user.email, "changer-new-password")).status, 201);
  });
});

describe("behind a trusted proxy", () => {
  let shoebox: Shoebox;
  let admin: Client;

  before(async () => {
    ({ shoebox, admin } = await startWithAdmin({ TRUSTED_PROXIES: "127.0.0.1/32, ::1" }));
  });
  after(() => shoebox?.stop());

  it("takes the client's address from the proxy, and only past the proxy's own entry", async () => {
    await signIn(shoebox.url, {
      email: "proxied@example.com",
      password: "proxied-password",
      name: "Proxied",
      createdBy: admin,
    });
    // A client that writes its own X-Forwarded-For gets it kept on the left; the proxy appends the
    // real address, which is what counts.
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await login(shoebox.url, "proxied@example.com", "guess", { "x-forwarded-for": `10.9.9.${i}, 203.0.113.50` }))
          .status,
        401,
      );
    }
    assert.equal(
      (
        await login(shoebox.url, "proxied@example.com", "proxied-password", {
          "x-forwarded-for": "10.9.9.99, 203.0.113.50",
        })
      ).status,
      429,
    );
    assert.equal(
      (await login(shoebox.url, "proxied@example.com", "proxied-password", { "x-forwarded-for": "203.0.113.51" }))
        .status,
      201,
    );
  });

  it("keeps the owner's sign-in going while invented accounts are flooded, with little work for them", async () => {
    // What one password check costs the worker here: three wrong passwords for a real account.
    const worker = shoebox.process.pid!;
    const before = cpuMsOf(worker);
    for (let i = 0; i < 3; i++)
      await (
        await login(shoebox.url, "admin@example.com", "wrong", { "x-forwarded-for": `198.51.100.${200 + i}` })
      ).body?.cancel();
    const perCheck = (cpuMsOf(worker) - before) / 3;

    const pings = pingWhile(shoebox.url);
    const floodStart = cpuMsOf(worker);
    const flood = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        login(shoebox.url, `nobody-${i}-${Math.random()}@example.com`, "guess", {
          "x-forwarded-for": `192.0.2.${i + 1}`,
        }).then(async (response) => {
          await response.body?.cancel();
          return response.status;
        }),
      ),
    );
    const ownerStart = performance.now();
    const owner = await login(shoebox.url, "admin@example.com", "admin-password", {
      "x-forwarded-for": "198.51.100.1",
    });
    const ownerMs = performance.now() - ownerStart;
    const statuses = await flood;
    const floodCpu = cpuMsOf(worker) - floodStart;
    const { p95, count } = await pings.stop();
    console.log(
      `60 sign-ins with invented emails: ${JSON.stringify(tally(statuses))}; the owner's sign-in took ${ownerMs.toFixed(0)} ms; ` +
        `worker CPU ${floodCpu.toFixed(0)} ms for the flood (one password check: ${perCheck.toFixed(0)} ms); ping p95 ${p95.toFixed(1)} ms over ${count} pings`,
    );
    assert.equal(owner.status, 201);
    assert.ok(statuses.every((status) => status === 401));
    // Sixty checks of a password would cost sixty times one; an unknown account costs no check.
    assert.ok(floodCpu < 10 * perCheck, `the flood cost ${floodCpu} ms of CPU, one check ${perCheck} ms`);
  });
});
