// Face embeddings with dlib's face descriptor: 128 numbers per face, L2-normalised, so that the
// cosine similarity of two faces is their dot product (the same person scores high).
//
// Each face is first aligned as dlib crops faces for it: a similarity transform (rotation, scale,
// shift) takes its landmarks onto dlib's mean face in a 150×150 chip with a quarter of the face's
// size as margin on each side. Of that mean face, four points are used: the centres of the eyes,
// the tip of the nose and the centre of the mouth (the points the detector gives).
import type { DetectedFace, Point } from "./face-detection";
import { run, type RgbImage } from "./runtime";

export const embeddingSize = 128;
const size = 150;

// dlib's mean face (its 68-point shape, as parts of the face's box) at those four points, placed in
// the chip: a part p of the face lies at (p + 0.25) / 1.5 of the chip.
const template = (() => {
  const eyeLeft: Point = [0.2254, 0.216];
  const eyeRight: Point = [0.7548, 0.216];
  const nose: Point = [0.4901, 0.5156];
  const mouth: Point = [0.4901, 0.7802];
  return [eyeLeft, eyeRight, nose, mouth].map(([x, y]) => [((x + 0.25) / 1.5) * size, ((y + 0.25) / 1.5) * size] as Point);
})();

// The least-squares similarity transform (Umeyama, no reflection) from src onto dst:
// dst ≈ [a -b; b a]·src + [tx, ty].
export function similarity(src: Point[], dst: Point[]): { a: number; b: number; tx: number; ty: number } {
  const n = src.length;
  const mean = (ps: Point[]) => ps.reduce<Point>((m, p) => [m[0] + p[0] / n, m[1] + p[1] / n], [0, 0]);
  const [sx, sy] = mean(src);
  const [dx, dy] = mean(dst);
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i]![0] - sx;
    const py = src[i]![1] - sy;
    const qx = dst[i]![0] - dx;
    const qy = dst[i]![1] - dy;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: dx - (a * sx - b * sy), ty: dy - (b * sx + a * sy) };
}

// The aligned 150×150 face as the model takes it: RGB floats in 0..255, sampled bilinearly.
export function alignFace(image: RgbImage, landmarks: DetectedFace["landmarks"], out = new Float32Array(size * size * 3)): Float32Array {
  const { a, b, tx, ty } = similarity(landmarks.slice(0, 4) as Point[], template);
  // Inverse: src = [a b; -b a]·(dst - t) / (a² + b²).
  const det = a * a + b * b;
  const { data, width, height } = image;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x + 0.5 - tx;
      const v = y + 0.5 - ty;
      const sx = (a * u + b * v) / det - 0.5;
      const sy = (-b * u + a * v) / det - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = 3 * (y * size + x);
      for (let c = 0; c < 3; c++) {
        const at = (px: number, py: number) => (px < 0 || py < 0 || px >= width || py >= height ? 0 : data[3 * (py * width + px) + c]!);
        out[o + c] =
          (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
      }
    }
  }
  return out;
}

// How wide the face is in the image, in pixels (the chip's face is 100 pixels wide).
export function faceWidth(landmarks: DetectedFace["landmarks"]): number {
  const { a, b } = similarity(landmarks.slice(0, 4) as Point[], template);
  return 100 / Math.hypot(a, b);
}

// How sharp an aligned face is: the variance of the Laplacian of its green channel over the face
// itself (the middle of the chip). A blurred or enlarged face has little fine detail.
export function sharpness(chip: Float32Array): number {
  let sum = 0;
  let squares = 0;
  let n = 0;
  const at = (x: number, y: number) => chip[3 * (y * size + x) + 1]!;
  for (let y = 25; y < 125; y++)
    for (let x = 25; x < 125; x++) {
      const l = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4 * at(x, y);
      sum += l;
      squares += l * l;
      n++;
    }
  return squares / n - (sum / n) ** 2;
}

// Faces narrower than this, or less sharp, are too little to tell people apart by (tune split of
// the evaluation: every face of a recurring person there is wider and sharper).
export const minFaceWidth = 32;
export const minSharpness = 20;

// One embedding per face, in the order given; none for a face too small or blurred to recognise.
export async function embedFaces(image: RgbImage, faces: Pick<DetectedFace, "landmarks">[], batch = 4): Promise<(Float32Array | null)[]> {
  const one = size * size * 3;
  const chips = faces.map((f) => (faceWidth(f.landmarks) >= minFaceWidth ? alignFace(image, f.landmarks) : null));
  const result: (Float32Array | null)[] = chips.map(() => null);
  const recognisable = chips.flatMap((chip, i) => (chip && sharpness(chip) >= minSharpness ? [i] : []));
  // Each face is described twice, as it is and mirrored, and the two descriptors averaged: it
  // steadies the descriptor of a face turned to one side.
  for (let start = 0; start < recognisable.length; start += batch) {
    const group = recognisable.slice(start, start + batch);
    const input = new Float32Array(2 * group.length * one);
    group.forEach((index, i) => {
      input.set(chips[index]!, 2 * i * one);
      mirror(chips[index]!, input.subarray((2 * i + 1) * one, (2 * i + 2) * one));
    });
    const out = await run("faceEmbedding", input, 2 * group.length);
    const all = out.embedding!.data as Float32Array;
    group.forEach((index, i) => {
      const both = new Float32Array(embeddingSize);
      for (let k = 0; k < embeddingSize; k++) both[k] = all[2 * i * embeddingSize + k]! + all[(2 * i + 1) * embeddingSize + k]!;
      result[index] = normalize(both);
    });
  }
  return result;
}

function mirror(chip: Float32Array, out: Float32Array): void {
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) out[3 * (y * size + x) + c] = chip[3 * (y * size + (size - 1 - x)) + c]!;
}

export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const k = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < v.length; i++) v[i]! *= k;
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}
