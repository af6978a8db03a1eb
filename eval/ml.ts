// npm run eval:ml [-- --split test|tune|all] [--sweep] [--verbose]
// Measures the image models as the worker runs them on labelled photos that ship in npm and Debian
// packages (eval/photos.json, eval/sources.json, eval/README.md): how many photos get exactly their
// faces, how well faces are grouped into people (pairwise precision and recall), and how many of the
// tags kept are right. The labels were made before any model was measured, and the "test" split is
// only ever measured: thresholds are chosen on "tune" (--sweep prints the clustering's grid there).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { defaults, type MlConfig } from "../common/config";
import { convertModels } from "../scripts/convert-models";
import { renderDerivatives } from "../workers/media/image";
import type { FaceMatch } from "../common/people";
import { isCoreFace, recognitionStep } from "../workers/jobs/faces";
import { detectFacesInImage, type DetectedFace } from "../workers/ml/face-detection";
import { alignFace, embedFaces, faceWidth, sharpness } from "../workers/ml/face-embedding";
import { models } from "../workers/ml/models";
import { tagObjectsInImage } from "../workers/ml/object-tags";
import { readRgb, releaseSessions } from "../workers/ml/runtime";
import { packageFile, type Sources } from "./sources";

interface LabelledFace {
  who: string; // a person's id, "stranger:…" for someone seen once, "?" for someone not known
  box: [number, number, number, number]; // x, y, width, height as parts of the upright photo
  optional?: boolean; // small, turned away or cut off: neither a miss nor a false face
}

interface Photo {
  id: string;
  package: string;
  path: string;
  sha256: string;
  rotate?: number; // how the album shows it, clockwise (KPhotoAlbum keeps this beside the file)
  split: "tune" | "test";
  faces: LabelledFace[];
  tags: string[]; // what plainly shows
  maybeTags?: string[]; // small, partly hidden or arguable: neither right nor wrong
}

const args = process.argv.slice(2);
const split = args.includes("--split") ? args[args.indexOf("--split") + 1]! : "test";
const verbose = args.includes("--verbose");
const here = import.meta.dirname;
const sources = JSON.parse(readFileSync(join(here, "sources.json"), "utf8")) as Sources;
const photos = (JSON.parse(readFileSync(join(here, "photos.json"), "utf8")) as { photos: Photo[] }).photos.filter(
  (p) => split === "all" || p.split === split,
);

// Faces smaller than this on the preview are left out on both sides: nobody expects them found.
const minFacePx = 20;

type Box = { x: number; y: number; width: number; height: number };
const iou = (a: Box, b: Box) => {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w <= 0 || h <= 0 ? 0 : (w * h) / (a.width * a.height + b.width * b.height - w * h);
};
// Detectors frame faces differently (chin to brow, or hairline to chin): a detection is a labelled
// face when they overlap enough, or when each one's centre lies in the other.
const sameFace = (a: Box, b: Box) => {
  const inside = (p: Box, q: Box) => {
    const cx = p.x + p.width / 2;
    const cy = p.y + p.height / 2;
    return cx > q.x && cx < q.x + q.width && cy > q.y && cy < q.y + q.height;
  };
  return iou(a, b) >= 0.3 || (inside(a, b) && inside(b, a));
};

interface FaceSeen {
  photo: string;
  who: string | null; // null: a detection that is no labelled face
  embedding: Float32Array | null; // null: too small or blurred to recognise
}

interface PhotoResult {
  photo: Photo;
  faceCountRight: boolean;
  missed: string[];
  falseFaces: number;
  seen: FaceSeen[];
  unseen: string[]; // required faces not found
  tags: { label: string; score: number }[];
}

async function uprightPreview(photo: Photo): Promise<Buffer> {
  const bytes = packageFile(sources, photo.package, photo.path, photo.sha256);
  const upright = photo.rotate
    ? sharp(await sharp(bytes).rotate().toBuffer()).rotate(photo.rotate)
    : sharp(bytes).rotate();
  return (await renderDerivatives(upright)).preview;
}

async function measurePhoto(photo: Photo): Promise<PhotoResult> {
  const image = await readRgb(await uprightPreview(photo));
  const detected: DetectedFace[] = await detectFacesInImage(image);
  const embeddings = await embedFaces(image, detected);
  const labels = photo.faces.map((f) => {
    const box = {
      x: f.box[0] * image.width,
      y: f.box[1] * image.height,
      width: f.box[2] * image.width,
      height: f.box[3] * image.height,
    };
    return { ...f, px: box, optional: f.optional || Math.min(box.width, box.height) < minFacePx };
  });
  const taken = new Set<number>();
  const seen: FaceSeen[] = [];
  let falseFaces = 0;
  detected.forEach((face, i) => {
    let best = -1;
    let bestOverlap = -1;
    labels.forEach((label, j) => {
      if (taken.has(j) || !sameFace(face.box, label.px)) return;
      const overlap = iou(face.box, label.px);
      if (overlap > bestOverlap) [best, bestOverlap] = [j, overlap];
    });
    if (best >= 0) {
      taken.add(best);
      seen.push({ photo: photo.id, who: labels[best]!.who, embedding: embeddings[i]! });
      if (verbose)
        console.log(
          `  ${photo.id} ${labels[best]!.who}: score ${face.score.toFixed(2)}, ${faceWidth(face.landmarks).toFixed(0)} px wide, sharpness ${sharpness(alignFace(image, face.landmarks)).toFixed(0)}${embeddings[i] ? "" : ", not recognised"}`,
        );
    } else {
      seen.push({ photo: photo.id, who: null, embedding: embeddings[i]! });
      if (verbose)
        console.log(
          `  ${photo.id} not a face: score ${face.score.toFixed(2)}, ${faceWidth(face.landmarks).toFixed(0)} px wide`,
        );
      if (Math.min(face.box.width, face.box.height) >= minFacePx) falseFaces++;
    }
  });
  const unseen = labels.filter((l, j) => !l.optional && !taken.has(j)).map((l) => l.who);
  const { tags } = await tagObjectsInImage(image);
  return {
    photo,
    faceCountRight: unseen.length === 0 && falseFaces === 0,
    missed: unseen,
    falseFaces,
    seen,
    unseen,
    tags,
  };
}

// People as the recognition job makes them (workers/jobs/faces.ts), with the vector search done here
// in memory: every face's first look in upload order, then the second looks of those not core yet.
export function clusterFaces(faces: FaceSeen[], settings: MlConfig["faces"]): (string | null)[] {
  const personOf: (string | null)[] = faces.map(() => null);
  let people = 0;
  const neighbours = (i: number): FaceMatch[] =>
    faces
      .flatMap((f, j) => {
        if (!f.embedding) return [];
        let dot = 0;
        for (let k = 0; k < f.embedding.length; k++) dot += f.embedding[k]! * faces[i]!.embedding![k]!;
        return [{ id: String(j), personId: personOf[j]!, distance: 1 - dot }];
      })
      .filter((m) => m.distance <= settings.maxDistance)
      .sort((a, b) => a.distance - b.distance);
  const look = (i: number, deferred: boolean): boolean => {
    const matches = neighbours(i);
    const step = recognitionStep(String(i), matches, isCoreFace(matches, settings), deferred);
    if (step === "later") return true;
    if (step === "new person") personOf[i] = `person-${++people}`;
    else if (step !== "nobody") personOf[i] = step.personId;
    return false;
  };
  const deferred = faces.flatMap((f, i) => (f.embedding ? [i] : [])).filter((i) => look(i, false));
  for (const i of deferred) look(i, true);
  return personOf;
}

// Of the pairs of labelled faces put with one person, the part that are one person (precision); of
// the pairs that are one person, the part put together (recall). Faces not found are with nobody.
function pairwise(faces: { who: string; person: string | null }[]) {
  let together = 0;
  let right = 0;
  let same = 0;
  for (let i = 0; i < faces.length; i++)
    for (let j = i + 1; j < faces.length; j++) {
      const predicted = faces[i]!.person !== null && faces[i]!.person === faces[j]!.person;
      const actual = faces[i]!.who === faces[j]!.who;
      together += predicted ? 1 : 0;
      same += actual ? 1 : 0;
      right += predicted && actual ? 1 : 0;
    }
  return { precision: together ? right / together : 1, recall: same ? right / same : 1, together, same };
}

function peopleScore(results: PhotoResult[], settings: MlConfig["faces"]) {
  const faces = results.flatMap((r) => r.seen);
  const personOf = clusterFaces(faces, settings);
  // Faces of people not known (group photos of strangers who may recur) are grouped, not scored.
  const known = (who: string | null): who is string => who !== null && who !== "?";
  const labelled = faces.flatMap((f, i) =>
    known(f.who) ? [{ who: f.who, person: personOf[i]!, photo: f.photo }] : [],
  );
  const missing = results.flatMap((r) =>
    r.unseen.filter(known).map((who) => ({ who, person: null, photo: r.photo.id })),
  );
  return { ...pairwise([...labelled, ...missing]), faces: [...labelled, ...missing] };
}

const animals = new Set([
  "bird",
  "cat",
  "dog",
  "horse",
  "sheep",
  "cow",
  "elephant",
  "bear",
  "zebra",
  "giraffe",
  "teddy bear",
]);

function tagScore(results: PhotoResult[]) {
  let right = 0;
  let wrong = 0;
  let present = 0;
  let found = 0;
  const wrongOnes: string[] = [];
  const covers = new Map<string, { photo: Photo; score: number }>();
  for (const { photo, tags } of results) {
    for (const tag of tags) {
      if (verbose)
        console.log(
          `  tag ${photo.id}: ${tag.label} ${tag.score.toFixed(2)} ${photo.tags.includes(tag.label) ? "right" : photo.maybeTags?.includes(tag.label) ? "maybe" : "WRONG"}`,
        );
      if (photo.tags.includes(tag.label)) right++;
      else if (!photo.maybeTags?.includes(tag.label)) {
        wrong++;
        wrongOnes.push(`${photo.id}: ${tag.label} ${tag.score.toFixed(2)}`);
      }
      // Explore shows a tag the model was sure enough of, with the photo it was surest of.
      if (tag.score >= defaults.exploreTagScore && (covers.get(tag.label)?.score ?? -1) < tag.score)
        covers.set(tag.label, { photo, score: tag.score });
    }
    present += photo.tags.length;
    found += photo.tags.filter((t) => tags.some((tag) => tag.label === t)).length;
  }
  const badCovers = [...covers]
    .filter(
      ([label, { photo }]) => animals.has(label) && !photo.tags.includes(label) && !photo.maybeTags?.includes(label),
    )
    .map(([label, { photo }]) => `${label} → ${photo.id}`);
  return {
    precision: right + wrong ? right / (right + wrong) : 1,
    recall: present ? found / present : 1,
    wrongOnes,
    badCovers,
    explore: [...covers.keys()],
  };
}

await convertModels();
const started = performance.now();
const results: PhotoResult[] = [];
for (const photo of photos) results.push(await measurePhoto(photo));
const seconds = (performance.now() - started) / 1000;
await releaseSessions();

const pipeline = `${models.faceDetection.source} + ${models.faceCheck.source} + ${models.faceLandmarks.source} + ${models.faceEmbedding.source}, ${models.objectDetection.source}`;
const people = peopleScore(results, defaults.faces);
const tags = tagScore(results);
const faceCount = results.filter((r) => r.faceCountRight).length;
const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(0)} %`;

console.log(
  `split "${split}": ${results.length} photos, ${results.reduce((n, r) => n + r.photo.faces.filter((f) => !f.optional).length, 0)} labelled faces, measured in ${seconds.toFixed(0)} s`,
);
console.log("");
console.log(
  "| pipeline | face count right | people: pairwise precision | pairwise recall | tag precision | tag recall | animal covers wrong |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
console.log(
  `| ${pipeline} (distance ${defaults.faces.maxDistance}, ${defaults.faces.minFaces} faces or a pair within ${defaults.faces.pairDistance}) | ${faceCount}/${results.length} (${pct(faceCount, results.length)}) | ${people.precision.toFixed(2)} (${people.together} pairs) | ${people.recall.toFixed(2)} (${people.same} pairs) | ${tags.precision.toFixed(2)} | ${tags.recall.toFixed(2)} | ${tags.badCovers.length} |`,
);
console.log("");
for (const r of results.filter((r) => !r.faceCountRight))
  console.log(
    `faces wrong: ${r.photo.id}: ${r.missed.length ? `missed ${r.missed.join(", ")}` : ""}${r.missed.length && r.falseFaces ? "; " : ""}${r.falseFaces ? `${r.falseFaces} false` : ""}`,
  );
for (const w of tags.wrongOnes) console.log(`wrong tag: ${w}`);
for (const c of tags.badCovers) console.log(`wrong Explore cover: ${c}`);
console.log(`Explore shows: ${tags.explore.sort().join(", ")}`);
if (verbose) for (const f of people.faces) console.log(`  ${f.photo} ${f.who} → ${f.person ?? "nobody"}`);

if (args.includes("--sweep")) {
  const faces = results
    .flatMap((r) => r.seen)
    .filter((f): f is FaceSeen & { embedding: Float32Array } => !!f.embedding && !!f.who && f.who !== "?");
  const pairs: { distance: number; same: boolean; text: string }[] = [];
  for (let i = 0; i < faces.length; i++)
    for (let j = i + 1; j < faces.length; j++) {
      let dot = 0;
      for (let k = 0; k < faces[i]!.embedding.length; k++) dot += faces[i]!.embedding[k]! * faces[j]!.embedding[k]!;
      pairs.push({
        distance: 1 - dot,
        same: faces[i]!.who === faces[j]!.who,
        text: `${faces[i]!.photo} ${faces[i]!.who} ~ ${faces[j]!.photo} ${faces[j]!.who}`,
      });
    }
  const same = pairs.filter((p) => p.same).map((p) => p.distance);
  const different = pairs.filter((p) => !p.same).map((p) => p.distance);
  // The pairs no single distance gets right: one person's faces farther apart than two people's closest.
  if (verbose)
    for (const p of pairs
      .filter((p) => (p.same ? p.distance >= Math.min(...different) : p.distance <= Math.max(...same)))
      .sort((a, b) => a.distance - b.distance))
      console.log(`  ${p.distance.toFixed(3)} ${p.same ? "same" : "different"}: ${p.text}`);
  const range = (xs: number[]) =>
    xs.length
      ? `${Math.min(...xs).toFixed(3)}..${Math.max(...xs).toFixed(3)} (median ${xs.sort((a, b) => a - b)[xs.length >> 1]!.toFixed(3)})`
      : "none";
  console.log(`\ncosine distance of one person's faces ${range(same)}, of different people's ${range(different)}`);
  // A grid over the distances seen: from one person's closest faces to a little past the closest strangers.
  const low = Math.min(...same);
  const high = 1.15 * Math.min(...different);
  console.log(
    "clustering on these photos (max distance × min faces, or 3 faces or a pair within p: precision / recall)",
  );
  for (let step = 0; step <= 12; step++) {
    const d = Number((low + ((high - low) * step) / 12).toFixed(3));
    const settings: MlConfig["faces"][] = [2, 3, 4].map((m) => ({ maxDistance: d, minFaces: m, pairDistance: 0 }));
    settings.push(
      ...[0.6, 0.7, 0.8].map((p) => ({ maxDistance: d, minFaces: 3, pairDistance: Number((p * d).toFixed(3)) })),
    );
    const row = settings.map((s) => {
      const score = peopleScore(results, s);
      return `${s.pairDistance ? `p ${s.pairDistance}` : s.minFaces}: ${score.precision.toFixed(2)} / ${score.recall.toFixed(2)}`;
    });
    console.log(`  ${d.toFixed(3)}  ${row.join("   ")}`);
  }
}
