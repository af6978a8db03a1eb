// The image models Shoebox runs, where their TF.js graphs come from (the @vladmandic/human npm
// package, so they install with the project and nothing is fetched at run time) and where the
// ONNX files converted from them at build time (scripts/convert-models.ts) are kept.
import { join, resolve } from "node:path";
import { projectRoot } from "../paths";

export interface ModelSpec {
  // The file in @vladmandic/human/models, without .json.
  source: string;
  // The ONNX input's name and its NHWC shape.
  input: string;
  size: number;
  // TF.js tensor → ONNX output name.
  outputs: Record<string, string>;
}

export const models = {
  // MediaPipe BlazeFace, back-camera variant: 256×256 RGB in [-1, 1]; 512 anchors on a 16×16 grid
  // and 384 on an 8×8 grid, each with a score logit and 16 regressors (box and 6 keypoints).
  faceDetection: {
    source: "blazeface",
    input: "image",
    size: 256,
    outputs: {
      "Identity:0": "scores16",
      "Identity_1:0": "scores8",
      "Identity_2:0": "boxes16",
      "Identity_3:0": "boxes8",
    },
  },
  // HSE FaceRes: 224×224 RGB in 0..255 of an aligned face; the 1024-d global pooling is the
  // embedding (its age and gender heads are left out).
  faceEmbedding: {
    source: "faceres",
    input: "face",
    size: 224,
    outputs: { "global_pooling/Mean": "embedding" },
  },
  // MobileNetV3 CenterNet on COCO: 512×512 RGB in 0..255; a 128×128 heatmap per class and box
  // extents (in input pixels). The peak picking that the TF.js graph does after them runs in JS.
  objectDetection: {
    source: "centernet",
    input: "image",
    size: 512,
    outputs: { "tower_0/keypoints": "heatmap", "tower_0/wh": "extents" },
  },
} satisfies Record<string, ModelSpec>;

export type ModelName = keyof typeof models;

export const modelDir = () => resolve(process.env.MODEL_DIR ?? join(projectRoot, "dist/models"));
export const modelPath = (name: ModelName) => join(modelDir(), `${models[name].source}.onnx`);
