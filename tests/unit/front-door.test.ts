// The front door's rules that need no server: whose address a request comes from, what a file name
// may be, how a job's error reads to its owner, and how many password hashes run at once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AddressError, clientAddress, parseNetworks, peerAddress } from "../../common/client-address";
import { distinctFileNames, portableFileName, safeFileName } from "../../common/file-names";
import { hashPassword } from "../../workers/auth/passwords";
import { errorForOwner } from "../../workers/jobs/errors";

describe("client addresses", () => {
  const proxies = parseNetworks("127.0.0.1, 172.18.0.0/16, fd00::/8");

  it("believe X-Forwarded-For only from a trusted proxy, read from the right", () => {
    assert.equal(clientAddress("203.0.113.9", "198.51.100.1", proxies), "203.0.113.9");
    assert.equal(clientAddress("127.0.0.1", "198.51.100.1", proxies), "198.51.100.1");
    // The client's own entries are on the left; the proxy's is the last.
    assert.equal(clientAddress("127.0.0.1", "10.0.0.1, 6.6.6.6, 198.51.100.1", proxies), "198.51.100.1");
    // Two proxies in a row: the first untrusted address from the right.
    assert.equal(clientAddress("172.18.0.4", "198.51.100.1, 127.0.0.1", proxies), "198.51.100.1");
    assert.equal(clientAddress("172.18.0.4", undefined, proxies), "172.18.0.4");
    assert.equal(clientAddress("127.0.0.1", "not an address", proxies), "127.0.0.1");
    assert.equal(clientAddress("::ffff:127.0.0.1", "198.51.100.1", proxies), "198.51.100.1");
    assert.equal(clientAddress("fd12::1", "2001:db8::5", proxies), "2001:db8::5");
    assert.equal(clientAddress("203.0.113.9", "198.51.100.1", []), "203.0.113.9");
  });

  it("come from workerd as address and port", () => {
    assert.equal(peerAddress("127.0.0.1:51234"), "127.0.0.1");
    assert.equal(peerAddress("[2001:db8::1]:443"), "2001:db8::1");
    assert.equal(peerAddress(undefined), undefined);
  });

  it("refuse a setting that is no address", () => {
    assert.throws(() => parseNetworks("10.0.0.0/33"), AddressError);
    assert.throws(() => parseNetworks("example.org"), AddressError);
    assert.deepEqual(parseNetworks(""), []);
  });
});

describe("file names", () => {
  it("are reduced to a safe base name", () => {
    assert.equal(safeFileName("../../../.bashrc"), "bashrc");
    assert.equal(safeFileName("C:\\Users\\me\\IMG_1.JPG"), "IMG_1.JPG");
    assert.equal(safeFileName("a\u0000b\u202Egpj.exe"), "abgpj.exe");
    assert.equal(safeFileName("  ..  "), "unnamed");
    assert.equal(safeFileName("12:30 beach.jpg"), "12:30 beach.jpg");
    const long = safeFileName(`${"é".repeat(300)}.heic`);
    assert.ok(new TextEncoder().encode(long).byteLength <= 255);
    assert.ok(long.endsWith(".heic"));
  });

  it("are made portable and distinct where they are written out", () => {
    assert.equal(portableFileName("12:30 beach?.jpg"), "12_30 beach_.jpg");
    assert.deepEqual(distinctFileNames(["IMG_1.jpg", "img_1.JPG", "../IMG_1.jpg", "x"]), [
      "IMG_1.jpg",
      "img_1 (2).JPG",
      "IMG_1 (3).jpg",
      "x",
    ]);
  });
});

describe("job errors shown to owners", () => {
  const asset = { originalFileName: "IMG 1.MOV", originalKey: "admin/2019/2019-01-01/IMG 1.MOV", externalPath: null };
  const roots = ["data/library", "/srv/data/library", "data/library/.tmp", "/srv/data/library/.tmp"];

  it("name the file, never where the server keeps it", () => {
    assert.equal(
      errorForOwner("Video probe failed for /srv/data/library/admin/2019/2019-01-01/IMG 1.MOV: no moov", asset, roots),
      "Video probe failed for IMG 1.MOV: no moov",
    );
    assert.equal(
      errorForOwner("ffmpeg: file:data/library/.tmp/w1/ab.mov: Invalid data", asset, roots),
      "ffmpeg: IMG 1.MOV: Invalid data",
    );
    const external = { ...asset, externalPath: "/volume1/photos/2019/IMG 1.MOV" };
    assert.equal(
      errorForOwner("cannot read /volume1/photos/2019/IMG 1.MOV (EIO)", external, roots),
      "cannot read IMG 1.MOV (EIO)",
    );
    // One line, without the tool's own words that follow.
    assert.equal(
      errorForOwner(
        "Video probe failed for /tmp/x/library/admin/2019/2019-01-01/IMG 1.MOV: the file is incomplete (no moov atom). ffprobe said:\n[mov] moov atom not found",
        asset,
        ["/tmp/x/library"],
      ),
      "Video probe failed for IMG 1.MOV: the file is incomplete (no moov atom).",
    );
    // Storage keys are no paths, and messages without any stay as they are.
    assert.equal(
      errorForOwner("The original is missing from storage (originals/ab/cd/x.jpg)", asset, roots),
      "The original is missing from storage (originals/ab/cd/x.jpg)",
    );
    assert.equal(
      errorForOwner("The image cannot be decoded: pngload: end of stream", asset, roots),
      "The image cannot be decoded: pngload: end of stream",
    );
  });
});

describe("password hashing", () => {
  it("runs a few at once, lets a short line wait, and refuses the rest at once", async () => {
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => hashPassword("correct horse")));
    const refused = results.filter((result) => result.status === "rejected");
    const hashed = results.filter((result) => result.status === "fulfilled");
    assert.ok(hashed.length >= 17 && hashed.length <= 20, `${hashed.length} hashed`);
    assert.equal(refused.length, 40 - hashed.length);
    for (const result of refused) assert.equal((result.reason as { status: number }).status, 503);
  });
});
