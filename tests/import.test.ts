// npm run import against a running Shoebox: uploads a folder tree, files it in an album, and on a
// second run skips everything it already brought.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeJpeg } from "./helpers/media";
import { projectRoot, startShoebox, type Shoebox } from "./helpers/shoebox";

describe("npm run import", () => {
  let shoebox: Shoebox;
  const folder = mkdtempSync(join(tmpdir(), "shoebox-import-"));
  const cache = mkdtempSync(join(tmpdir(), "shoebox-import-cache-"));

  before(async () => {
    shoebox = await startShoebox();
    mkdirSync(join(folder, "2019/summer"), { recursive: true });
    for (const [i, path] of ["a.jpg", "2019/b.jpg", "2019/summer/c.JPG"].entries()) {
      writeFileSync(join(folder, path), (await makeJpeg(300 + i)).bytes);
    }
    writeFileSync(join(folder, "notes.txt"), "not a photo");
    writeFileSync(
      join(folder, "a.jpg.xmp"),
      `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="5"/></rdf:RDF></x:xmpmeta>`,
    );
  });
  after(async () => {
    await shoebox.stop();
    rmSync(folder, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  // Without any key the caller's environment may hold: only the key a test gives counts. Run without
  // blocking this process, whose idle connections to the server must go on being looked after.
  const importScript = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ["--import", "tsx", "scripts/import.ts", folder, ...args],
        {
          cwd: projectRoot,
          env: { ...process.env, SHOEBOX_API_KEY: "", IMMICH_API_KEY: "", XDG_CACHE_HOME: cache, ...env },
          encoding: "utf8",
        },
        (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
      );
    });

  it("uploads every photo under the folder into the album, with sidecars", async () => {
    const first = await importScript(["--album", "Trip", "--server", shoebox.url, "--key", shoebox.apiKey]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /3 uploaded, 0 already there, 0 failed \(of 3\)/);
    assert.match(first.stderr, /MB\/s.*ETA/);
    const albums = (await (await shoebox.api("/api/albums")).json()) as Array<{
      albumName: string;
      assetCount: number;
    }>;
    assert.deepEqual(
      albums.map((a) => [a.albumName, a.assetCount]),
      [["Trip", 3]],
    );
  });

  it("skips, on a second run, everything the library already has, with the key from the environment", async () => {
    const second = await importScript(["--album", "Trip", "--server", shoebox.url], {
      SHOEBOX_API_KEY: shoebox.apiKey,
    });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /0 uploaded, 3 already there, 0 failed \(of 3\)/);
  });

  it("says so when no server answers", async () => {
    const result = await importScript(["--server", "http://127.0.0.1:9", "--key", "any"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Shoebox does not answer at http:\/\/127\.0\.0\.1:9/);
  });

  it("says how to make a key when it has none, and when the server refuses the one it has", async () => {
    const none = await importScript(["--server", shoebox.url]);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /No API key: pass --key KEY, or set SHOEBOX_API_KEY/);
    assert.match(none.stderr, /POST \/api\/api-keys/);
    const wrong = await importScript(["--server", shoebox.url], { IMMICH_API_KEY: "not-a-key" });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /refused the API key/);
  });
});
