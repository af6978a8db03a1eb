// A tiny CLIP model with the signature of Immich's ViT-B-32__openai export, for tests of the CLIP
// path: visual/model.onnx takes "image" [1,3,224,224] (normalised as OpenAI's preprocessing does)
// and textual/model.onnx takes "text" [1,77] int32 token ids; both give a 512-number "embedding".
//
// What it "understands" is colour: the picture's embedding is its mean colour (un-normalised, centred
// on grey) projected into 512 dimensions; a text's is the mean of its tokens' colours through the
// same projection, where "red", "green" and "blue" have colours and every other token none. So "a red
// car" lies nearest a red picture, and two pictures of one mean colour nearly coincide.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataType, encodeModel, type OnnxTensor } from "../../workers/ml/convert/onnx-proto";
import { tokenize } from "../../workers/ml/clip";

const dimensions = 512;
const vocabulary = 49408;
const mean = [0.48145466, 0.4578275, 0.40821073];
const std = [0.26862954, 0.26130258, 0.27577711];

export const colourWords: Record<string, [number, number, number]> = {
  red: [0.5, -0.5, -0.5],
  green: [-0.5, 0.5, -0.5],
  blue: [-0.5, -0.5, 0.5],
};

function floats(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  const data = Float32Array.from(values);
  return { name, dataType: DataType.FLOAT, dims, data: new Uint8Array(data.buffer) };
}

// A fixed 3×512 projection (a small linear congruential generator, so every run makes the same model).
function projection(): Float32Array {
  const values = new Float32Array(3 * dimensions);
  let state = 12345;
  for (let i = 0; i < values.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    values[i] = state / 2 ** 31 - 0.5;
  }
  return values;
}

// Writes the model into a new folder and returns it (for CLIP_MODEL_DIR).
export function writeTinyClipModel(): string {
  const dir = mkdtempSync(join(tmpdir(), "shoebox-clip-"));
  const project = floats("projection", [3, dimensions], projection());
  const common = { opset: 13, producer: "shoebox-tests" };

  const visual = encodeModel({
    ...common,
    name: "tiny-clip-visual",
    inputs: [{ name: "image", dims: [1, 3, 224, 224] }],
    outputs: [{ name: "embedding", dims: [1, dimensions] }],
    initializers: [floats("std", [3], std), floats("mean", [3], mean), floats("grey", [3], [0.5, 0.5, 0.5]), project],
    nodes: [
      { op: "ReduceMean", inputs: ["image"], outputs: ["pooled"], attributes: { axes: [2, 3], keepdims: { int: 0 } } },
      { op: "Mul", inputs: ["pooled", "std"], outputs: ["scaled"] },
      { op: "Add", inputs: ["scaled", "mean"], outputs: ["colour"] },
      { op: "Sub", inputs: ["colour", "grey"], outputs: ["centred"] },
      { op: "MatMul", inputs: ["centred", "projection"], outputs: ["embedding"] },
    ],
  });

  const table = new Float32Array(vocabulary * 3);
  for (const [word, colour] of Object.entries(colourWords)) table.set(colour, tokenize(word)[1]! * 3);
  const textual = encodeModel({
    ...common,
    name: "tiny-clip-textual",
    inputs: [{ name: "text", dims: [1, 77], dataType: DataType.INT32 }],
    outputs: [{ name: "embedding", dims: [1, dimensions] }],
    initializers: [floats("colours", [vocabulary, 3], table), project],
    nodes: [
      { op: "Gather", inputs: ["colours", "text"], outputs: ["tokenColours"], attributes: { axis: { int: 0 } } },
      {
        op: "ReduceMean",
        inputs: ["tokenColours"],
        outputs: ["textColour"],
        attributes: { axes: [1], keepdims: { int: 0 } },
      },
      { op: "MatMul", inputs: ["textColour", "projection"], outputs: ["embedding"] },
    ],
  });

  for (const [part, model] of [
    ["visual", visual],
    ["textual", textual],
  ] as const) {
    mkdirSync(join(dir, part));
    writeFileSync(join(dir, part, "model.onnx"), model);
  }
  writeFileSync(
    join(dir, "visual", "preprocess_cfg.json"),
    JSON.stringify({ size: [224, 224], mode: "RGB", mean, std, interpolation: "bicubic", resize_mode: "shortest" }),
  );
  return dir;
}
