// Face detection with MediaPipe BlazeFace (back-camera model, 256×256).
//
// The whole photo is read once, letterboxed into the square; large photos are read again in
// overlapping tiles, since BlazeFace misses faces under ~20 px at 256. Every candidate above the
// threshold is then checked a second time on a crop around it, where the face is large: a face
// scores again and gets finer landmarks, while the things that fooled the first look (a cat, an
// apple) mostly do not. Landmarks that are not laid out like a face are refused too.
import { cropSquare, readRgb, run, toFloat, type RgbImage } from "./runtime";

export type Point = [number, number];

export interface DetectedFace {
  // In pixels of the image given, upright.
  box: { x: number; y: number; width: number; height: number };
  score: number;
  // BlazeFace's six keypoints, in image pixels: the eye on the image's left, the eye on its right,
  // the nose tip, the mouth centre, the ear (tragion) on the image's left, the one on its right.
  landmarks: [Point, Point, Point, Point, Point, Point];
}

export interface FaceDetectionOptions {
  // The score a face needs, at the first look and at the second.
  minScore?: number;
  // Faces overlapping more than this (intersection over union) are one face.
  iou?: number;
  // Photos whose long side is at least this are also read in tiles.
  tileAbove?: number;
}

const size = 256;
const defaults = { minScore: 0.7, iou: 0.3, tileAbove: 640 } satisfies Required<FaceDetectionOptions>;

// 16×16 cells with 2 anchors each, then 8×8 cells with 6: the order of the model's outputs.
const anchors: Point[] = (() => {
  const out: Point[] = [];
  for (const [stride, count] of [
    [16, 2],
    [32, 6],
  ] as const) {
    const cells = size / stride;
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let n = 0; n < count; n++) out.push([stride * (x + 0.5), stride * (y + 0.5)]);
  }
  return out;
})();

const sigmoid = (x: number) => 1 / (1 + Math.exp(-Math.max(-80, Math.min(80, x))));

interface Candidate {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  landmarks: Point[];
}

// Faces in one 256×256 input, in its pixels, above minScore, before suppression.
async function detectSquare(pixels: Uint8Array, minScore: number): Promise<Candidate[]> {
  const out = await run("faceDetection", toFloat(pixels, 1 / 127.5, -1));
  const scores = [out.scores16!.data as Float32Array, out.scores8!.data as Float32Array];
  const boxes = [out.boxes16!.data as Float32Array, out.boxes8!.data as Float32Array];
  const found: Candidate[] = [];
  let anchor = 0;
  for (let part = 0; part < 2; part++) {
    const s = scores[part]!;
    const b = boxes[part]!;
    for (let i = 0; i < s.length; i++, anchor++) {
      const score = sigmoid(s[i]!);
      if (score < minScore) continue;
      const [ax, ay] = anchors[anchor]!;
      const r = b.subarray(16 * i, 16 * i + 16);
      const cx = ax + r[0]!;
      const cy = ay + r[1]!;
      const w = r[2]!;
      const h = r[3]!;
      const landmarks: Point[] = [];
      for (let k = 0; k < 6; k++) landmarks.push([ax + r[4 + 2 * k]!, ay + r[5 + 2 * k]!]);
      found.push({ x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2, score, landmarks });
    }
  }
  return found;
}

const iou = (a: Candidate, b: Candidate) => {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
};

export function suppress<T extends Candidate>(candidates: T[], threshold: number): T[] {
  const kept: T[] = [];
  for (const c of [...candidates].sort((a, b) => b.score - a.score)) if (kept.every((k) => iou(k, c) <= threshold)) kept.push(c);
  return kept;
}

// A square of the image (left, top, side) read at 256; candidates come back in image pixels.
async function detectRegion(image: RgbImage, left: number, top: number, side: number, minScore: number): Promise<Candidate[]> {
  const pixels = await cropSquare(image, left, top, side, size);
  const k = side / size;
  return (await detectSquare(pixels, minScore)).map((c) => ({
    x1: left + c.x1 * k,
    y1: top + c.y1 * k,
    x2: left + c.x2 * k,
    y2: top + c.y2 * k,
    score: c.score,
    landmarks: c.landmarks.map(([x, y]) => [left + x * k, top + y * k] as Point),
  }));
}

// The regions the first look reads: the whole image, and tiles of half its long side for large ones.
export function regions(width: number, height: number, tileAbove: number): [number, number, number][] {
  const long = Math.max(width, height);
  const out: [number, number, number][] = [[0, 0, long]];
  if (long < tileAbove) return out;
  const tile = Math.ceil(long / 2);
  const step = Math.floor(tile * 0.75);
  const starts = (extent: number) => {
    if (extent <= tile) return [0];
    const s: number[] = [];
    for (let p = 0; p + tile < extent; p += step) s.push(p);
    s.push(extent - tile);
    return s;
  };
  for (const y of starts(height)) for (const x of starts(width)) out.push([x, y, tile]);
  return out;
}

// The landmarks of a face: both eyes above the mouth, the nose between them, the eyes and the ears
// apart by a sensible part of the box. On the shared test faces, real faces had their ears 0.71–0.87
// of the box apart and the things taken for faces (windows, a shoulder) 0.49–0.65: a face seen from
// the side is left out with them, and its embedding would be of little use anyway.
export const minEarSpan = 0.68;

function plausible(c: Candidate): boolean {
  const [left, right, nose, mouth, leftEar, rightEar] = c.landmarks as [Point, Point, Point, Point, Point, Point];
  const width = Math.max(c.x2 - c.x1, c.y2 - c.y1);
  const eyes = Math.hypot(right[0] - left[0], right[1] - left[1]);
  if (eyes < 0.15 * width || eyes > 0.8 * width) return false;
  if (Math.hypot(rightEar[0] - leftEar[0], rightEar[1] - leftEar[1]) < minEarSpan * width) return false;
  // In the face's own frame (eyes along x), the mouth is below the eyes, the nose between.
  const ux = (right[0] - left[0]) / eyes;
  const uy = (right[1] - left[1]) / eyes;
  const mid: Point = [(left[0] + right[0]) / 2, (left[1] + right[1]) / 2];
  const down = (p: Point) => -uy * (p[0] - mid[0]) + ux * (p[1] - mid[1]);
  const across = (p: Point) => ux * (p[0] - mid[0]) + uy * (p[1] - mid[1]);
  return down(mouth) > 0.4 * eyes && down(mouth) < 2 * eyes && down(nose) > 0 && Math.abs(across(nose)) < eyes;
}

export async function detectFacesInImage(image: RgbImage, options: FaceDetectionOptions = {}): Promise<DetectedFace[]> {
  const { minScore, iou: iouThreshold, tileAbove } = { ...defaults, ...options };
  const first: Candidate[] = [];
  for (const [x, y, side] of regions(image.width, image.height, tileAbove)) first.push(...(await detectRegion(image, x, y, side, minScore)));
  const faces: Candidate[] = [];
  for (const c of suppress(first, iouThreshold)) {
    // The second look: a square of 2.5 face widths around it.
    const side = 2.5 * Math.max(c.x2 - c.x1, c.y2 - c.y1);
    const cx = (c.x1 + c.x2) / 2;
    const cy = (c.y1 + c.y2) / 2;
    const again = await detectRegion(image, cx - side / 2, cy - side / 2, side, minScore);
    const best = again.filter((a) => iou(a, c) > 0.3).sort((a, b) => b.score - a.score)[0];
    if (!best || !plausible(best)) continue;
    faces.push({ ...best, score: Math.min(c.score, best.score) });
  }
  return suppress(faces, iouThreshold).map((c) => {
    const x1 = Math.max(0, c.x1);
    const y1 = Math.max(0, c.y1);
    const x2 = Math.min(image.width, c.x2);
    const y2 = Math.min(image.height, c.y2);
    return {
      box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 },
      score: c.score,
      landmarks: c.landmarks as DetectedFace["landmarks"],
    };
  });
}

export async function detectFaces(input: string | Buffer, options?: FaceDetectionOptions): Promise<DetectedFace[]> {
  return detectFacesInImage(await readRgb(input), options);
}
