// npm run bench:ingest [-- <folder>] [--concurrency N]
// Two rates through the whole pipeline, each against a baseline measured in the same run:
//   - time to browsable (upload, metadata, thumbnail, preview, thumbhash) against plain sharp and
//     exifr making the same outputs with the same settings in this process, N photos at a time (not
//     Shoebox's own image code, so that its overhead shows). Target: at least 0.8 of the direct rate.
//   - time to fully indexed (faces, tags and the perceptual hash too) against that baseline plus the
//     same model runs done directly, one photo after another (each model uses every core).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import exifr from "exifr";
import sharp from "sharp";
import { rgbaToThumbHash } from "thumbhash";
import { mediaExtensions } from "../common/media-types";
import { perceptualHash } from "../workers/media/image";
import { detectFacesInImage } from "../workers/ml/face-detection";
import { embedFaces } from "../workers/ml/face-embedding";
import { tagObjectsInImage } from "../workers/ml/object-tags";
import { readRgb } from "../workers/ml/runtime";
import { processTree, projectRoot, queueStates, startShoebox, waitFor } from "../tests/helpers/shoebox";
import { mib, printTable, rssOf } from "./rss";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { concurrency: { type: "string", default: "2" } },
});
const folder = resolve(positionals[0] ?? join(projectRoot, "../shared/media/bench"));
const concurrency = Number(values.concurrency);
const files = readdirSync(folder, { recursive: true, encoding: "utf8" })
  .map((name) => join(folder, name))
  .filter((path) => mediaExtensions.image.includes(extname(path).toLowerCase()));
if (files.length === 0) {
  console.error(`No photos under ${folder}`);
  process.exit(1);
}

async function pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

const seconds = (since: number) => (performance.now() - since) / 1000;

// Baseline: what the pipeline makes of each photo, with its settings (workers/media/image.ts), written
// to disk as it is there.
const out = mkdtempSync(join(tmpdir(), "shoebox-bench-ingest-"));
const previews: Buffer[] = [];
const thumbnails: Buffer[] = [];
let started = performance.now();
await pool([...files.entries()], async ([i, path]) => {
  await exifr.parse(path, { tiff: true, exif: true, gps: true, xmp: true });
  const preview = await sharp(path)
    .rotate()
    .resize(1440, 1440, { fit: "outside", withoutEnlargement: true })
    .flatten({ background: "#ffffff" })
    .jpeg({ quality: 80, mozjpeg: true })
    .toBuffer();
  const [thumbnail, small] = await Promise.all([
    sharp(preview).resize(250, 250, { fit: "outside", withoutEnlargement: true }).webp({ quality: 80 }).toBuffer(),
    sharp(preview).resize(100, 100, { fit: "inside" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
  ]);
  rgbaToThumbHash(small.info.width, small.info.height, small.data);
  writeFileSync(join(out, `${i}-preview.jpeg`), preview);
  writeFileSync(join(out, `${i}-thumbnail.webp`), thumbnail);
  previews[i] = preview;
  thumbnails[i] = thumbnail;
});
const directBrowsable = seconds(started);

// The model runs, straight from this process; the first photo warms the sessions up uncounted.
let modelSeconds = 0;
for (const [i, preview] of previews.entries()) {
  started = performance.now();
  const image = await readRgb(preview);
  await embedFaces(image, await detectFacesInImage(image));
  await tagObjectsInImage(image);
  await perceptualHash(thumbnails[i]!);
  if (i > 0) modelSeconds += seconds(started);
}
modelSeconds *= files.length / Math.max(1, files.length - 1);
rmSync(out, { recursive: true, force: true });

const shoebox = await startShoebox({
  env: { JOB_CONCURRENCY: `metadataExtraction=${concurrency},thumbnailGeneration=${concurrency}`, JOB_POLL_MS: "1000" },
});
try {
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(
      peakRss,
      processTree(shoebox.process.pid!).reduce((sum, pid) => sum + rssOf(pid), 0),
    );
  }, 250);
  const drained = (names?: string[]) => async () =>
    (await queueStates(shoebox))
      .filter((q) => !names || names.includes(q.name))
      .every(({ statistics: s }) => s.waiting + s.active + s.delayed === 0);
  started = performance.now();
  await pool(files, async (path) => {
    const form = new FormData();
    form.set("fileCreatedAt", new Date().toISOString());
    form.set("fileModifiedAt", new Date().toISOString());
    form.set("assetData", new Blob([readFileSync(path)]), path.split("/").pop()!);
    const response = await shoebox.api("/api/assets", { method: "POST", body: form });
    if (response.status >= 400) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  });
  await waitFor("every photo to be browsable", drained(["metadataExtraction", "thumbnailGeneration"]), 30 * 60_000);
  const browsable = seconds(started);
  await waitFor("every photo to be indexed", drained(), 60 * 60_000);
  const indexed = seconds(started);
  clearInterval(sampler);

  const rate = (s: number) => (files.length / s).toFixed(2);
  const directIndexed = directBrowsable + modelSeconds;
  console.log(`\n${files.length} photos from ${folder}, ${concurrency} at a time\n`);
  printTable([
    ["", "photos/s", "seconds", "pipeline / direct", "target"],
    ["browsable: sharp + exifr directly", rate(directBrowsable), directBrowsable.toFixed(1), "", ""],
    ["browsable: Shoebox", rate(browsable), browsable.toFixed(1), (directBrowsable / browsable).toFixed(2), "≥ 0.8"],
    ["indexed: + the models directly", rate(directIndexed), directIndexed.toFixed(1), "", ""],
    ["indexed: Shoebox", rate(indexed), indexed.toFixed(1), (directIndexed / indexed).toFixed(2), ""],
  ]);
  console.log(`\npeak anonymous RSS of Shoebox's processes together: ${mib(peakRss)}`);
} finally {
  await shoebox.stop();
}
