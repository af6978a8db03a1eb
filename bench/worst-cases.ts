// npm run bench:worst-cases
// The slowest inputs, timed where a test only checks the outcome: each media reader on every file of
// ../shared/media/corrupt (target: under 5 s per call, the slowest printed), and grouping 100,000
// perceptual hashes into duplicates (target: under 10 s).
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { groupDuplicates } from "../common/duplicates";
import { findMotionPhotoVideo } from "../workers/media/motion-photo";
import { readContentIdentifier } from "../workers/media/apple";
import { decodeHeic } from "../workers/media/heic";
import { extractRawPreview } from "../workers/media/raw-preview";
import { random, syntheticHashLibrary } from "../tests/helpers/hashes";
import { filesUnder, sharedMedia } from "../tests/helpers/shoebox";
import { printTable } from "./rss";

const calls: Record<string, (path: string) => Promise<unknown>> = {
  extractRawPreview,
  findMotionPhotoVideo,
  readContentIdentifier,
  decodeHeic: async (path) => decodeHeic(await readFile(path)),
};

const corrupt = filesUnder(`${sharedMedia}/corrupt`);
const rows = [["call", "files", "slowest", "on", "target"]];
for (const [name, call] of Object.entries(calls)) {
  let slowest = { ms: 0, file: "-" };
  for (const file of corrupt) {
    const started = performance.now();
    await call(file).catch(() => undefined);
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { ms, file: relative(sharedMedia, file) };
  }
  rows.push([name, String(corrupt.length), `${(slowest.ms / 1000).toFixed(2)} s`, slowest.file, "< 5 s"]);
}

const library = syntheticHashLibrary(100_000, random(11));
const started = performance.now();
const groups = groupDuplicates(library);
const seconds = (performance.now() - started) / 1000;
rows.push([
  "groupDuplicates",
  `${library.length} hashes`,
  `${seconds.toFixed(2)} s`,
  `${groups.size} groups`,
  "< 10 s",
]);

console.log(
  `\nThe slowest inputs (${corrupt.length ? `${corrupt.length} corrupt files from ${sharedMedia}/corrupt` : `no ${sharedMedia}/corrupt`})\n`,
);
printTable(rows);
