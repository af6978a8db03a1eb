// What the image models share: their onnxruntime sessions (opened on first use, from the ONNX files
// `npm run build` converts, and released after a while unused) and the upright RGB pixels they read.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Onnx from "onnxruntime-node";
import sharp from "sharp";
import { defaults, type MlConfig } from "../../common/config";
import { modelPath, models, type ModelName } from "./models";

export type { Onnx };

// onnxruntime maps some 100 MB of native code: it is loaded by the first model a process opens, so
// that processes that run none (metadata, thumbnails, the worker without a search) never carry it.
let onnxModule: typeof Onnx | undefined;
export const onnx = (): typeof Onnx =>
  (onnxModule ??= createRequire(import.meta.url)("onnxruntime-node") as typeof Onnx);

// Pixels as sharp gives them: rows of interleaved R, G, B bytes.
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

let idleMs: number = defaults.mlModelIdleMs;
// Undefined: one per core (onnxruntime's default); ML_THREADS lowers it when other jobs share the machine.
let threads: number | undefined;

// How long a session may go unused before it is released (ML_MODEL_IDLE_MS), and the threads each
// may use (ML_THREADS), from the configuration.
export function configureModels(ml: Pick<MlConfig, "modelIdleMs" | "threads">): void {
  idleMs = ml.modelIdleMs;
  threads = ml.threads;
}

interface KeptSession {
  session: Promise<Onnx.InferenceSession>;
  timer?: NodeJS.Timeout;
}

const sessions = new Map<string, KeptSession>();

// The session of an ONNX file, with the threads every model here runs with: opened on first use and
// released once idleMs pass without another.
export function keptSession(path: string): Promise<Onnx.InferenceSession> {
  let kept = sessions.get(path);
  if (!kept) {
    const opening = onnx().InferenceSession.create(path, {
      ...(threads ? { intraOpNumThreads: threads } : {}),
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
      executionMode: "sequential",
    });
    kept = { session: opening };
    sessions.set(path, kept);
    opening.catch(() => sessions.delete(path));
  }
  const entry = kept;
  clearTimeout(entry.timer);
  entry.timer = setTimeout(() => {
    sessions.delete(path);
    void entry.session.then(
      (s) => s.release(),
      () => undefined,
    );
  }, idleMs).unref();
  return entry.session;
}

export function session(name: ModelName): Promise<Onnx.InferenceSession> {
  const path = modelPath(name);
  if (!existsSync(path)) throw new Error(`The ${name} model is missing (${path}): run \`npm run build\` to convert it`);
  return keptSession(path);
}

export async function releaseSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(
    all.map(async ({ session: s, timer }) => {
      clearTimeout(timer);
      await (await s).release();
    }),
  );
}

// Runs a model on NHWC float input of its own size; answers its outputs by the names in models.ts.
export async function run(name: ModelName, input: Float32Array, batch = 1): Promise<Record<string, Onnx.Tensor>> {
  const spec = models[name];
  const s = await session(name);
  const tensor = new (onnx().Tensor)("float32", input, [batch, spec.size, spec.size, 3]);
  return s.run({ [spec.input]: tensor });
}

// Decodes an image file (or a preview's bytes) into upright RGB, alpha flattened onto black.
export async function readRgb(input: string | Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(input, { limitInputPixels: 200_000_000 })
    .rotate()
    .toColourspace("srgb")
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

// A square region of an image (which may reach past its edges: that part is black), resized to
// size×size and returned as RGB bytes.
export async function cropSquare(
  image: RgbImage,
  left: number,
  top: number,
  side: number,
  size: number,
): Promise<Uint8Array> {
  const l = Math.round(left);
  const t = Math.round(top);
  const s = Math.max(1, Math.round(side));
  const x0 = Math.max(0, l);
  const y0 = Math.max(0, t);
  const x1 = Math.min(image.width, l + s);
  const y1 = Math.min(image.height, t + s);
  const base = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  const region =
    x1 > x0 && y1 > y0
      ? base.extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 }).extend({
          left: x0 - l,
          top: y0 - t,
          right: l + s - x1,
          bottom: t + s - y1,
          background: { r: 0, g: 0, b: 0 },
        })
      : sharp({ create: { width: s, height: s, channels: 3, background: { r: 0, g: 0, b: 0 } } });
  const out = await sharp(await region.raw().toBuffer(), { raw: { width: s, height: s, channels: 3 } })
    .resize(size, size, { fit: "fill", kernel: "linear" })
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

// The whole image stretched to size×size (as the object model was used in @vladmandic/human).
export async function resizeStretched(image: RgbImage, size: number): Promise<Uint8Array> {
  const out = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(size, size, { fit: "fill", kernel: "linear" })
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

export const toFloat = (pixels: Uint8Array, scale = 1, offset = 0): Float32Array => {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! * scale + offset;
  return out;
};
