// Face detection with face-api's SSD MobileNet v1 and its 68-point landmarks.
//
// The whole photo is letterboxed into 512×512 and read once; on the 1440 px preview that finds faces
// down to about 20 px (reading it again in tiles found no more faces on the evaluation's tune split,
// only parts of large ones). Each face is then looked at again by another model, MediaPipe's face
// mesh, on a square around it, and kept when its face flag says a face is there: what fools the SSD
// (a dog's face, a drawing) does not fool the mesh, which was trained to tell when it has lost the
// face it tracks. Each face's 68 landmarks are then read from a square around its box: they align
// the face for recognition (workers/ml/face-embedding.ts).
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
const checkSize = 192;
const landmarkSize = 112;
// On the tune split every face scored 0.63 or more, and the things taken for faces (a dragonfly, a
// Picasso drawing) 0.38 or less; face-api's own default is 0.5. Lower, even with the face mesh's
// look (below), found no more faces there and let a wooden figurine and the drawing in.
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
  for (const c of [...candidates].sort((a, b) => b.score - a.score))
    if (kept.every((k) => iou(k, c) <= threshold)) kept.push(c);
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

// Whether MediaPipe's face mesh, given a square of 1.3 face widths around the candidate, is sure a
// face fills it. On the evaluation's tune split the faces the SSD found scored 0.97 or more (one
// looking down 0.60) and the drawn Santa it took for a face 0.008; a painted face passes (the Mona
// Lisa scored 1.0). Wider squares judge worse: at 1.6 widths Messi's small face fell to 0.12, at 2
// the spaniel of tests/ml-models.test.ts rose to 0.93.
const checkScale = 1.3;
const checkScore = 0.5;
async function isFace(image: RgbImage, c: Candidate): Promise<boolean> {
  const side = checkScale * Math.max(c.x2 - c.x1, c.y2 - c.y1);
  const out = await run(
    "faceCheck",
    toFloat(await cropSquare(image, (c.x1 + c.x2 - side) / 2, (c.y1 + c.y2 - side) / 2, side, checkSize), 1 / 255),
  );
  return (out.faceflag!.data as Float32Array)[0]! >= checkScore;
}

// A face's 68 landmarks, read from the square around its box.
async function landmarksOf(image: RgbImage, c: Candidate): Promise<Point[]> {
  const side = Math.max(c.x2 - c.x1, c.y2 - c.y1);
  const left = (c.x1 + c.x2 - side) / 2;
  const top = (c.y1 + c.y2 - side) / 2;
  const out = (await run("faceLandmarks", toFloat(await cropSquare(image, left, top, side, landmarkSize)))).landmarks!
    .data as Float32Array;
  return Array.from({ length: 68 }, (_, i) => [left + out[2 * i]! * side, top + out[2 * i + 1]! * side] as Point);
}

export async function detectFacesInImage(image: RgbImage, options: FaceDetectionOptions = {}): Promise<DetectedFace[]> {
  const { minScore, iou: iouThreshold } = { ...defaults, ...options };
  const faces: DetectedFace[] = [];
  for (const c of suppress(await candidates(image, minScore), iouThreshold)) {
    if (!(await isFace(image, c))) continue;
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

const mean = (points: Point[]): Point =>
  points.reduce<Point>((m, p) => [m[0] + p[0] / points.length, m[1] + p[1] / points.length], [0, 0]);

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
  const across =
    ((right[0] - left[0]) * (nose[0] - (left[0] + right[0]) / 2) +
      (right[1] - left[1]) * (nose[1] - (left[1] + right[1]) / 2)) /
    (eyes * eyes);
  return eyes >= 0.35 * jaw && Math.abs(across) <= 0.5;
}
