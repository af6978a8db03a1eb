// Requests made to hurt the server or its users' files, on loopback: bodies too large to hold, a form
// of a million parts, file names that climb out of folders, and a direct-upload URL used twice at
// once. The server's memory and its responsiveness while under them are printed, not timed.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { signIn, type Client } from "./helpers/accounts";
import { makeJpeg } from "./helpers/media";
import { mib, peakRssWhile, pingWhile, rssOf } from "./helpers/responsiveness";
import { startShoebox, workerdPid, type Shoebox } from "./helpers/shoebox";

let shoebox: Shoebox;
let admin: Client;
let workerd: number;

before(async () => {
  shoebox = await startShoebox({ signUp: false });
  admin = await signIn(shoebox.url, {
    email: "admin@example.com",
    password: "admin-password",
    name: "Admin",
    admin: true,
  });
  workerd = workerdPid(shoebox.process.pid!);
});
after(() => shoebox?.stop());

// A body streamed in 64 KiB pieces from `pieces()` without a length, as a client that never says
// how much is coming sends it; resolves with the status, or "reset" if the server hung up first.
function streamed(
  path: string,
  headers: Record<string, string>,
  pieces: () => Generator<Uint8Array>,
  method = "POST",
): Promise<number | "reset"> {
  const url = new URL(path, shoebox.url);
  return new Promise((resolve) => {
    const req = request(url, { method, headers: { ...headers, "transfer-encoding": "chunked" } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("error", () => resolve("reset"));
    const source = pieces();
    const pump = () => {
      for (let next = source.next(); !next.done; next = source.next()) {
        if (!req.write(next.value)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

function* repeated(text: string, totalBytes: number, prefix = "", suffix = ""): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode(prefix);
  const piece = encoder.encode(text.repeat(Math.ceil(65536 / text.length)));
  for (let sent = 0; sent < totalBytes; sent += piece.byteLength) yield piece;
  yield encoder.encode(suffix);
}

// Runs an attack while the memory of workerd and the server's answers to pings are watched.
async function underAttack<T>(what: string, attack: () => Promise<T>): Promise<T> {
  const start = rssOf(workerd);
  const peak = peakRssWhile(workerd);
  const pings = pingWhile(shoebox.url, 20);
  const result = await attack();
  const growth = peak.stop() - start;
  const { p95, count, failed } = await pings.stop();
  console.log(
    `${what}: ${JSON.stringify(result)}; workerd grew by ${mib(growth)}; ping p95 ${p95.toFixed(1)} ms over ${count} pings, ${failed} failed`,
  );
  assert.equal(failed, 0, "the server stopped answering pings");
  assert.ok(growth < 64 * 1024 * 1024, `workerd grew by ${mib(growth)}`);
  return result;
}

describe("bodies that are too large", () => {
  it("refuses a 300 MB sign-in without reading it", async () => {
    const status = await underAttack("300 MB of JSON to POST /api/auth/login", () =>
      streamed("/api/auth/login", { "content-type": "application/json" }, () =>
        repeated("a", 300 * 1024 * 1024, '{"email":"', '"}'),
      ),
    );
    assert.ok(status === 413 || status === "reset", String(status));
  });

  it("refuses a body that announces more than the limit before a byte of it", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        new URL("/api/auth/login", shoebox.url),
        {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": String(300 * 1024 * 1024) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on("error", reject);
      req.write("{");
    });
    assert.equal(status, 413);
  });

  it("refuses a JSON body over 10 MiB from a signed-in user", async () => {
    const status = await underAttack("12 MB of JSON to PUT /api/assets", () =>
      streamed(
        "/api/assets",
        { "content-type": "application/json", authorization: `Bearer ${admin.token}` },
        () => repeated('"x",', 12 * 1024 * 1024, '{"ids":[', '"x"]}'),
        "PUT",
      ),
    );
    assert.ok(status === 413 || status === "reset", String(status));
  });

  it("refuses a 300 MB text field in an upload, and never reads a multipart body for a CSRF token", async () => {
    const boundary = "----shoebox-test";
    const field = (name: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`;
    const status = await underAttack("a 300 MB form field to POST /api/assets", () =>
      streamed(
        "/api/assets",
        { "content-type": `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${admin.token}` },
        () => repeated("a", 300 * 1024 * 1024, field("deviceId"), `\r\n--${boundary}--\r\n`),
      ),
    );
    assert.ok(status === 413 || status === "reset", String(status));

    // A browser session's multipart change must carry its token in the header: the body is an upload.
    // (As a browser sends it: a client that is none needs no token, see tests/phone-app-basics.test.ts.)
    const login = await fetch(`${shoebox.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@example.com", password: "admin-password" }),
    });
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith("immich_access_token="))!
      .split(";")[0]!;
    const csrf = await underAttack("300 MB of multipart with a session cookie and no CSRF header", () =>
      streamed(
        "/api/assets",
        {
          "content-type": `multipart/form-data; boundary=${boundary}`,
          cookie,
          origin: shoebox.url,
          "sec-fetch-site": "same-origin",
        },
        () => repeated("a", 300 * 1024 * 1024, field("_csrf"), `\r\n--${boundary}--\r\n`),
      ),
    );
    assert.ok(csrf === 403 || csrf === "reset", String(csrf));
  });
});

describe("a form of a million parts", () => {
  it("is refused after a hundred, through a link that allows uploads, while the server keeps answering", async () => {
    const photo = await makeJpeg(3);
    const form = new FormData();
    form.set("assetData", new Blob([photo.bytes]), "seed.jpg");
    form.set("fileCreatedAt", "2024-01-01T00:00:00Z");
    form.set("fileModifiedAt", "2024-01-01T00:00:00Z");
    const uploaded = (await (await admin.fetch("/api/assets", { method: "POST", body: form })).json()) as {
      id: string;
    };
    const album = (await (
      await admin.json("POST", "/api/albums", { albumName: "Drop box", assetIds: [uploaded.id] })
    ).json()) as { id: string };
    const link = (await (
      await admin.json("POST", "/api/shared-links", { type: "ALBUM", albumId: album.id, allowUpload: true })
    ).json()) as { key: string };
    const boundary = "x";
    const part = new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n`);
    const status = await underAttack("a million tiny parts to POST /api/assets through a link", () =>
      streamed(
        `/api/assets?key=${link.key}`,
        { "content-type": `multipart/form-data; boundary=${boundary}` },
        function* () {
          const batch = new Uint8Array(part.byteLength * 1000);
          for (let i = 0; i < 1000; i++) batch.set(part, i * part.byteLength);
          for (let i = 0; i < 1000; i++) yield batch;
          yield new TextEncoder().encode(`--${boundary}--\r\n`);
        },
      ),
    );
    assert.ok(status === 413 || status === "reset", String(status));
  });
});

// The names of a zip's entries, from its central directory.
function zipEntryNames(zip: Uint8Array): string[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const names: string[] = [];
  for (let at = 0; at + 46 <= zip.byteLength; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const length = view.getUint16(at + 28, true);
    names.push(new TextDecoder().decode(zip.subarray(at + 46, at + 46 + length)));
  }
  return names;
}

describe("file names", () => {
  it("are reduced to a safe base name when stored, and zip entries never climb out", async () => {
    const album = (await (await admin.json("POST", "/api/albums", { albumName: "Visitors" })).json()) as { id: string };
    const link = (await (
      await admin.json("POST", "/api/shared-links", {
        type: "ALBUM",
        albumId: album.id,
        allowUpload: true,
        allowDownload: true,
      })
    ).json()) as {
      key: string;
    };
    const names = [
      { field: "../../../.bashrc.jpg", part: "a.jpg" },
      { part: "..\\..\\windows\\evil.jpg" },
      // A quoted name that carries what looks like another parameter inside its quotes.
      { part: `safe.jpg; filename*=UTF-8''..%2F..%2Fowned.jpg` },
      { part: "caf\u00e9\u202Egpj.exe\u0000.jpg" },
    ];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      const photo = await makeJpeg(20 + i);
      const boundary = `b${i}`;
      const head = [
        `--${boundary}\r\nContent-Disposition: form-data; name="fileCreatedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="fileModifiedAt"\r\n\r\n2024-01-01T00:00:00Z\r\n`,
        ...(name.field
          ? [`--${boundary}\r\nContent-Disposition: form-data; name="filename"\r\n\r\n${name.field}\r\n`]
          : []),
        `--${boundary}\r\nContent-Disposition: form-data; name="assetData"; filename="${name.part.replace(/"/g, '\\"')}"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ].join("");
      const body = Buffer.concat([Buffer.from(head), photo.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
      const response = await fetch(`${shoebox.url}/api/assets?key=${link.key}`, {
        method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        body,
      });
      assert.equal(response.status, 201, await response.clone().text());
      ids.push(((await response.json()) as { id: string }).id);
    }
    const stored = await Promise.all(
      ids.map(
        async (id) =>
          ((await (await admin.fetch(`/api/assets/${id}`)).json()) as { originalFileName: string }).originalFileName,
      ),
    );
    console.log(`stored names: ${JSON.stringify(stored)}`);
    // The quoted name is one name, odd as it is; its slashes are encoded and stay so.
    assert.deepEqual(stored, [
      "bashrc.jpg",
      "evil.jpg",
      "safe.jpg; filename*=UTF-8''..%2F..%2Fowned.jpg",
      "cafégpj.exe.jpg",
    ]);
    for (const name of stored) assert.doesNotMatch(name, /[/\\\u0000-\u001f\u202a-\u202e]|^\./, name);

    const zip = await fetch(`${shoebox.url}/api/download/archive?key=${link.key}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ assetIds: ids }),
    });
    assert.equal(zip.status, 200);
    const entries = zipEntryNames(new Uint8Array(await zip.arrayBuffer()));
    console.log(`zip entries: ${JSON.stringify(entries)}`);
    assert.equal(entries.length, ids.length);
    for (const entry of entries) assert.doesNotMatch(entry, /[/\\:*?"<>|]|^\./, entry);
  });
});

describe("a direct upload's URL", () => {
  it("takes one PUT even when two arrive at once", async () => {
    const image = await makeJpeg(40, {}, { width: 400, height: 300 });
    const announced = (await (
      await admin.json("POST", "/api/uploads", { filename: "twice.jpg", size: image.bytes.byteLength })
    ).json()) as { url: string; uploadId: string };
    // The first PUT sends half, and the rest only once the second PUT has been answered.
    let release!: () => void;
    const secondDone = new Promise<void>((resolve) => (release = resolve));
    const half = Math.floor(image.bytes.byteLength / 2);
    const slow = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(image.bytes.subarray(0, half));
        await secondDone;
        controller.enqueue(image.bytes.subarray(half));
        controller.close();
      },
    });
    const first = fetch(announced.url, { method: "PUT", body: slow, duplex: "half" } as RequestInit);
    // Most likely the first PUT claims the upload before the second arrives; in either order, one of
    // them must be refused.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await fetch(announced.url, { method: "PUT", body: image.bytes });
    release();
    const statuses = [(await first).status, second.status];
    assert.deepEqual(statuses.sort(), [200, 403]);
    const completed = await admin.json("POST", `/api/uploads/${announced.uploadId}/complete`);
    assert.equal(completed.status, 201);
  });
});

describe("smaller holes", () => {
  it("search by people honours personIds", async () => {
    const all = await admin.json("POST", "/api/search/metadata", {});
    assert.ok(((await all.json()) as { assets: { total: number } }).assets.total > 0);
    const nobody = await admin.json("POST", "/api/search/metadata", {
      personIds: ["00000000-0000-4000-8000-000000000001"],
    });
    assert.equal(((await nobody.json()) as { assets: { total: number } }).assets.total, 0);
  });

  it("a storage label may not be another user's folder name (their id)", async () => {
    const other = await signIn(shoebox.url, {
      email: "label@example.com",
      password: "label-password",
      name: "Label",
      createdBy: admin,
    });
    const me = (await (await admin.fetch("/api/users/me")).json()) as { id: string };
    const response = await admin.json("PUT", `/api/admin/users/${me.id}`, { storageLabel: other.userId });
    assert.equal(response.status, 409);
  });
});
