// Face embeddings with HSE FaceRes: 1024 numbers per face, L2-normalised, so that the cosine
// similarity of two faces is their dot product (the same person scores high).
//
// Each face is first aligned: a similarity transform (rotation, scale, shift) takes its landmarks onto
// the ArcFace 5-point template scaled into 224×224. BlazeFace gives the centre of the mouth, not its
// corners, so the template's two mouth corners count as their midpoint: four points in all.
import type { DetectedFace, Point } from "./face-detection";
import { run, type RgbImage } from "./runtime";

export const embeddingSize = 1024;
const size = 224;

// ArcFace's template for 112×112 (insightface), scaled into the model's 224×224.
const template = (() => {
  const k = size / 112;
  const eyeLeft: Point = [38.2946, 51.6963];
  const eyeRight: Point = [73.5318, 51.5014];
  const nose: Point = [56.0252, 71.7366];
  const mouth: Point = [(41.5493 + 70.7299) / 2, (92.3655 + 92.2041) / 2];
  return [eyeLeft, eyeRight, nose, mouth].map(([x, y]) => [x * k, y * k] as Point);
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

// The aligned 224×224 face as the model takes it: RGB floats in 0..255, sampled bilinearly.
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

// One embedding per face, in the order given.
export async function embedFaces(image: RgbImage, faces: Pick<DetectedFace, "landmarks">[], batch = 4): Promise<Float32Array[]> {
  const result: Float32Array[] = [];
  const one = size * size * 3;
  for (let start = 0; start < faces.length; start += batch) {
    const group = faces.slice(start, start + batch);
    const input = new Float32Array(group.length * one);
    group.forEach((f, i) => alignFace(image, f.landmarks, input.subarray(i * one, (i + 1) * one)));
    const out = await run("faceEmbedding", input, group.length);
    const all = out.embedding!.data as Float32Array;
    for (let i = 0; i < group.length; i++) result.push(normalize(all.slice(i * embeddingSize, (i + 1) * embeddingSize)));
  }
  return result;
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
