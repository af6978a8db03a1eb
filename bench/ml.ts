// npm run bench:ml [-- <folder>]
// Milliseconds per photo for face detection (with landmarks), face embedding (per face) and object
// tagging, run as the worker will run them: on the 1440 px preview, with every model loaded in one
// process; then this process's peak RSS. Default photos: ../shared/media/faces and ../shared/media/bench.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import sharp from "sharp";
import { convertModels } from "../scripts/convert-models";
import { detectFacesInImage } from "../workers/ml/face-detection";
import { embedFaces } from "../workers/ml/face-embedding";
import { tagObjectsInImage } from "../workers/ml/object-tags";
import { models, type ModelName } from "../workers/ml/models";
import { readRgb, session } from "../workers/ml/runtime";

const shared = resolve(import.meta.dirname, "../../shared/media");

// The previews are made first, by this process; the models run in a child of their own, so that its
// peak RSS is the worker's and not that of decoding 40-megapixel originals.
if (process.argv[2] !== "--previews") {
  const dir = mkdtempSync(join(tmpdir(), "shoebox-bench-ml-"));
  try {
    const folders = process.argv[2] ? [resolve(process.argv[2])] : [join(shared, "faces"), join(shared, "bench")];
    const files = folders.flatMap((folder) =>
      readdirSync(folder, { recursive: true, encoding: "utf8" })
        .map((name) => join(folder, name))
        .filter((path) => [".jpg", ".jpeg", ".png", ".webp"].includes(extname(path).toLowerCase())),
    );
    if (files.length === 0) throw new Error(`No photos under ${folders.join(", ")}`);
    for (const [i, file] of files.entries()) {
      const preview = await sharp(file)
        .rotate()
        .resize(1440, 1440, { fit: "outside", withoutEnlargement: true })
        .jpeg({ quality: 85 })
        .toBuffer();
      writeFileSync(join(dir, `${String(i).padStart(4, "0")}.jpeg`), preview);
    }
    await convertModels();
    execFileSync(process.execPath, ["--import", "tsx", import.meta.filename, "--previews", dir], { stdio: "inherit" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

const previewDir = process.argv[3]!;
const previews = readdirSync(previewDir)
  .sort()
  .map((name) => join(previewDir, name));
const loadStart = performance.now();
await Promise.all((Object.keys(models) as ModelName[]).map((name) => session(name)));
const loadMs = performance.now() - loadStart;

const totals = { decode: 0, detect: 0, embed: 0, tag: 0, faces: 0, photos: 0 };
for (const [i, file] of previews.entries()) {
  const preview = readFileSync(file);
  let t = performance.now();
  const image = await readRgb(preview);
  const decode = performance.now() - t;
  t = performance.now();
  const faces = await detectFacesInImage(image);
  const detect = performance.now() - t;
  t = performance.now();
  await embedFaces(image, faces);
  const embed = performance.now() - t;
  t = performance.now();
  await tagObjectsInImage(image);
  const tag = performance.now() - t;
  if (i === 0) continue; // the first run warms the sessions up
  Object.assign(totals, {
    decode: totals.decode + decode,
    detect: totals.detect + detect,
    embed: totals.embed + embed,
    tag: totals.tag + tag,
    faces: totals.faces + faces.length,
    photos: totals.photos + 1,
  });
}

const per = (ms: number, n: number) => (n ? (ms / n).toFixed(1) : "–");
console.log(
  `${totals.photos} photos (previews of 1440 px), ${totals.faces} faces; models loaded in ${loadMs.toFixed(0)} ms`,
);
console.log(`decode preview   ${per(totals.decode, totals.photos)} ms/photo`);
console.log(`face detection   ${per(totals.detect, totals.photos)} ms/photo`);
console.log(`face embedding   ${per(totals.embed, totals.faces)} ms/face`);
console.log(`object tagging   ${per(totals.tag, totals.photos)} ms/photo`);
console.log(
  `peak RSS         ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (all ${Object.keys(models).length} models loaded)`,
);
