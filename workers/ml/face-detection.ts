// Face detection with face-api's SSD MobileNet v1 and its 68-point landmarks.
//
// The whole photo is letterboxed into 512×512 and read once; on the 1440 px preview that finds faces
// down to about 20 px (reading it again in tiles found no more faces on the evaluation's tune split,
// only parts of large ones). Each face is then looked at again by another model, MediaPipe's
// BlazeFace, on a square of 2.5 face widths around it, and kept when BlazeFace finds a face there
// laid out like one: what fools one model (a cat's or a dog's face, a mask) mostly does not fool
// both; faces in profile are left out with them. Each face's 68 landmarks are then read from a
// square around its box: they align the face for recognition (workers/ml/face-embedding.ts).
import { cropSquare, readRgb, run, toFloat, type RgbImage } from "./runtime";

export type Point = [number, number];

export interface DetectedFace {
  // In pixels of the image given, upright.
  box: { x: number; y: number; width: number; height: number };
  score: number;
  // dlib's 68 points, in image pixels: the jaw (0–16), brows (17–26), nose (27–35), the eye on the
  // image's left (36–41) and on its right (42–47), the mouth (48–67).
  landmarks: Point[];
}

export interface FaceDetectionOptions {
  // The score a face needs.
  minScore?: number;
  // Faces overlapping more than this (intersection over union) are one face.
  iou?: number;
}

const size = 512;
const landmarkSize = 112;
// On the tune split every face scored 0.63 or more, and the things taken for faces (a dragonfly, a
// Picasso drawing) 0.38 or less; face-api's own default is 0.5.
const defaults = { minScore: 0.5, iou: 0.3 } satisfies Required<FaceDetectionOptions>;

interface Candidate {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
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

// The faces above minScore, in image pixels, before suppression.
async function candidates(image: RgbImage, minScore: number): Promise<Candidate[]> {
  const side = Math.max(image.width, image.height);
  const out = await run("faceDetection", toFloat(await cropSquare(image, 0, 0, side, size)));
  const boxes = out.boxes!.data as Float32Array; // ymin, xmin, ymax, xmax as parts of the input
  const scores = out.scores!.data as Float32Array;
  const found: Candidate[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (scores[i]! < minScore) continue;
    const at = (k: number) => Math.min(1, Math.max(0, boxes[4 * i + k]!)) * side;
    found.push({ y1: at(0), x1: at(1), y2: at(2), x2: at(3), score: scores[i]! });
  }
  return found;
}

// BlazeFace's anchors: 16×16 cells with 2 each, then 8×8 cells with 6 (the order of its outputs).
const checkSize = 256;
const anchors: Point[] = [
  [16, 2],
  [32, 6],
].flatMap(([stride, count]) => {
  const cells = checkSize / stride!;
  return Array.from({ length: cells * cells * count! }, (_, i) => {
    const cell = Math.floor(i / count!);
    return [stride! * ((cell % cells) + 0.5), stride! * (Math.floor(cell / cells) + 0.5)] as Point;
  });
});
// BlazeFace's score for a face on the close look (its own threshold when it was the detector).
const checkScore = 0.7;

// BlazeFace's six keypoints laid out like a face's (its rule when it was the detector): both eyes
// above the mouth, the nose between them, the eyes and the ears apart by a sensible part of the box.
// On ../shared/media/faces real faces had their ears 0.71–0.87 of the box apart and the things
// taken for faces (windows, a shoulder) 0.49–0.65; a face in profile is left out with them.
function plausible([left, right, nose, mouth, leftEar, rightEar]: Point[], width: number): boolean {
  const eyes = Math.hypot(right![0] - left![0], right![1] - left![1]);
  if (eyes < 0.15 * width || eyes > 0.8 * width) return false;
  if (Math.hypot(rightEar![0] - leftEar![0], rightEar![1] - leftEar![1]) < 0.68 * width) return false;
  // In the face's own frame (eyes along x), the mouth is below the eyes, the nose between.
  const ux = (right![0] - left![0]) / eyes;
  const uy = (right![1] - left![1]) / eyes;
  const mid: Point = [(left![0] + right![0]) / 2, (left![1] + right![1]) / 2];
  const down = (p: Point) => -uy * (p[0] - mid[0]) + ux * (p[1] - mid[1]);
  const across = (p: Point) => ux * (p[0] - mid[0]) + uy * (p[1] - mid[1]);
  return down(mouth!) > 0.4 * eyes && down(mouth!) < 2 * eyes && down(nose!) > 0 && Math.abs(across(nose!)) < eyes;
}

// Whether BlazeFace, on a square of 2.5 face widths around the candidate, also finds a face laid
// out like one whose centre lies in the candidate's box.
async function confirmed(image: RgbImage, c: Candidate): Promise<boolean> {
  const side = 2.5 * Math.max(c.x2 - c.x1, c.y2 - c.y1);
  const left = (c.x1 + c.x2 - side) / 2;
  const top = (c.y1 + c.y2 - side) / 2;
  const out = await run("faceCheck", toFloat(await cropSquare(image, left, top, side, checkSize), 1 / 127.5, -1));
  const scores = [out.scores16!.data as Float32Array, out.scores8!.data as Float32Array];
  const boxes = [out.boxes16!.data as Float32Array, out.boxes8!.data as Float32Array];
  const k = side / checkSize;
  const minLogit = Math.log(checkScore / (1 - checkScore));
  let anchor = 0;
  for (let part = 0; part < 2; part++)
    for (let i = 0; i < scores[part]!.length; i++, anchor++) {
      if (scores[part]![i]! < minLogit) continue;
      const [ax, ay] = anchors[anchor]!;
      const r = boxes[part]!.subarray(16 * i, 16 * i + 16);
      const cx = left + (ax + r[0]!) * k;
      const cy = top + (ay + r[1]!) * k;
      const keypoints = Array.from({ length: 6 }, (_, p) => [ax + r[4 + 2 * p]!, ay + r[5 + 2 * p]!] as Point);
      if (cx > c.x1 && cx < c.x2 && cy > c.y1 && cy < c.y2 && plausible(keypoints, Math.max(r[2]!, r[3]!))) return true;
    }
  return false;
}

// A face's 68 landmarks, read from the square around its box.
async function landmarksOf(image: RgbImage, c: Candidate): Promise<Point[]> {
  const side = Math.max(c.x2 - c.x1, c.y2 - c.y1);
  const left = (c.x1 + c.x2 - side) / 2;
  const top = (c.y1 + c.y2 - side) / 2;
  const out = (await run("faceLandmarks", toFloat(await cropSquare(image, left, top, side, landmarkSize)))).landmarks!.data as Float32Array;
  return Array.from({ length: 68 }, (_, i) => [left + out[2 * i]! * side, top + out[2 * i + 1]! * side] as Point);
}

export async function detectFacesInImage(image: RgbImage, options: FaceDetectionOptions = {}): Promise<DetectedFace[]> {
  const { minScore, iou: iouThreshold } = { ...defaults, ...options };
  const faces: DetectedFace[] = [];
  for (const c of suppress(await candidates(image, minScore), iouThreshold)) {
    if (!(await confirmed(image, c))) continue;
    const x1 = Math.max(0, c.x1);
    const y1 = Math.max(0, c.y1);
    const box = { x: x1, y: y1, width: Math.min(image.width, c.x2) - x1, height: Math.min(image.height, c.y2) - y1 };
    if (box.width < 1 || box.height < 1) continue;
    faces.push({ box, score: c.score, landmarks: await landmarksOf(image, c) });
  }
  return faces;
}

export async function detectFaces(input: string | Buffer, options?: FaceDetectionOptions): Promise<DetectedFace[]> {
  return detectFacesInImage(await readRgb(input), options);
}

const mean = (points: Point[]): Point => points.reduce<Point>((m, p) => [m[0] + p[0] / points.length, m[1] + p[1] / points.length], [0, 0]);

// The five points kept with a face (the centres of the eyes, the tip of the nose, the corners of
// the mouth): enough to show where it looks, a tenth of the 68.
export function fivePoints(landmarks: Point[]): Point[] {
  return [mean(landmarks.slice(36, 42)), mean(landmarks.slice(42, 48)), landmarks[30]!, landmarks[48]!, landmarks[54]!];
}

// How squarely a face looks at the camera, from its landmarks: its eyes apart by a part of its jaw's
// width, and its nose between them. Every recurring person's face on the tune split had its eyes
// 0.40–0.48 of the jaw apart and its nose within 0.21 of the eyes' distance from their middle;
// faces in profile and things half hidden are far off both.
export function facesCamera(landmarks: Point[]): boolean {
  const [left, right] = [mean(landmarks.slice(36, 42)), mean(landmarks.slice(42, 48))];
  const eyes = Math.hypot(right[0] - left[0], right[1] - left[1]);
  const jaw = Math.hypot(landmarks[16]![0] - landmarks[0]![0], landmarks[16]![1] - landmarks[0]![1]);
  const nose = landmarks[30]!;
  // The nose's distance from the eyes' middle, along the line of the eyes.
  const across = ((right[0] - left[0]) * (nose[0] - (left[0] + right[0]) / 2) + (right[1] - left[1]) * (nose[1] - (left[1] + right[1]) / 2)) / (eyes * eyes);
  return eyes >= 0.35 * jaw && Math.abs(across) <= 0.5;
}
