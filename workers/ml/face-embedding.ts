// Face embeddings with dlib's face descriptor: 128 numbers per face, L2-normalised, so that the
// cosine similarity of two faces is their dot product (the same person scores high).
//
// Each face is first aligned as dlib crops faces for it: a similarity transform (rotation, scale,
// shift) takes its landmarks 17–67 (all but the jaw) onto dlib's mean face in a 150×150 chip with a
// quarter of the face's size as margin on each side.
import { facesCamera, type Point } from "./face-detection";
import { run, type RgbImage } from "./runtime";

export const embeddingSize = 128;
const size = 150;

// dlib's mean face (points 17–67 of its 68, as parts of the face's box; dlib's get_face_chip_details),
// placed in the chip: a part p of the face lies at (p + 0.25) / 1.5 of it.
const meanFaceX = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127,
  0.490127, 0.490127, 0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606,
  0.260918, 0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149, 0.340985, 0.428858, 0.490127,
  0.551395, 0.639268, 0.726104, 0.642159, 0.556721, 0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127,
  0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
];
const meanFaceY = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352,
  0.307009, 0.409805, 0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852,
  0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099, 0.780233, 0.745405,
  0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192, 0.909281, 0.902192, 0.864805, 0.784792,
  0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
];
const template = meanFaceX.map((x, i) => [((x + 0.25) / 1.5) * size, ((meanFaceY[i]! + 0.25) / 1.5) * size] as Point);
const toChip = (landmarks: Point[]) => similarity(landmarks.slice(17), template);

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
export function alignFace(image: RgbImage, landmarks: Point[], out = new Float32Array(size * size * 3)): Float32Array {
  const { a, b, tx, ty } = toChip(landmarks);
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
        const at = (px: number, py: number) =>
          px < 0 || py < 0 || px >= width || py >= height ? 0 : data[3 * (py * width + px) + c]!;
        out[o + c] =
          (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
          fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
      }
    }
  }
  return out;
}

// How wide the face is in the image, in pixels (the chip's face is 100 pixels wide).
export function faceWidth(landmarks: Point[]): number {
  const { a, b } = toChip(landmarks);
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

// One embedding per face, in the order given; none for a face too small, too blurred or too far
// turned from the camera to recognise.
export async function embedFaces(
  image: RgbImage,
  faces: { landmarks: Point[] }[],
  batch = 4,
): Promise<(Float32Array | null)[]> {
  const one = size * size * 3;
  const chips = faces.map((f) =>
    faceWidth(f.landmarks) >= minFaceWidth && facesCamera(f.landmarks) ? alignFace(image, f.landmarks) : null,
  );
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
      for (let k = 0; k < embeddingSize; k++)
        both[k] = all[2 * i * embeddingSize + k]! + all[(2 * i + 1) * embeddingSize + k]!;
      result[index] = normalize(both);
    });
  }
  return result;
}

function mirror(chip: Float32Array, out: Float32Array): void {
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) out[3 * (y * size + x) + c] = chip[3 * (y * size + (size - 1 - x)) + c]!;
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
