// npm run import against a running Shoebox: uploads a folder tree, files it in an album, and on a
// second run skips everything it already brought.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
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

  const run = () =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/import.ts", folder, "--album", "Trip", "--server", shoebox.url], {
      cwd: projectRoot,
      env: { ...process.env, XDG_CACHE_HOME: cache },
      encoding: "utf8",
    });

  it("uploads every photo under the folder into the album, with sidecars", async () => {
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /3 uploaded, 0 already there, 0 failed \(of 3\)/);
    assert.match(first.stderr, /MB\/s.*ETA/);
    const albums = (await (await fetch(`${shoebox.url}/api/albums`)).json()) as Array<{ albumName: string; assetCount: number }>;
    assert.deepEqual(
      albums.map((a) => [a.albumName, a.assetCount]),
      [["Trip", 3]],
    );
  });

  it("skips, on a second run, everything the library already has", () => {
    const second = run();
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /0 uploaded, 3 already there, 0 failed \(of 3\)/);
  });

  it("says so when no server answers", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/import.ts", folder, "--server", "http://127.0.0.1:9"], {
      cwd: projectRoot,
      env: { ...process.env, XDG_CACHE_HOME: cache },
      encoding: "utf8",
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Shoebox does not answer at http:\/\/127\.0\.0\.1:9/);
  });
});
