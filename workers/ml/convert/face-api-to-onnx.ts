// Builds ONNX models from the weights of @vladmandic/face-api's networks, which it ships as bare
// weights (a weights manifest and a shard) with the layers written in its code rather than in a graph
// file. The layers are laid out here as face-api's classes describe them; each model takes RGB in
// 0..255 (NHWC) and does face-api's own input scaling first, so it answers what face-api answers:
//
// - SsdMobilenetv1, the face detector: 512×512, letterboxed at the bottom and right → a box (ymin,
//   xmin, ymax, xmax as parts of the input) and a face score per each of 5118 anchors.
// - FaceLandmark68Net: a 112×112 face crop → 68 points (x, y as parts of the crop), dlib's order.
// - FaceRecognitionNet, dlib's face descriptor (ResNet-34-like): a 150×150 aligned face → 128 numbers.
import { readWeights, transposeConst, type Constant, type TfjsModelJson } from "./tfjs-to-onnx";
import { DataType, encodeModel, type AttributeValue, type OnnxNode, type OnnxTensor } from "./onnx-proto";

export interface FaceApiBuildOptions {
  inputName: string;
  // The model's outputs, by the names face-api's builders give them (see below), → ONNX names.
  outputs: Record<string, string>;
  metadata?: Record<string, string>;
}

type Manifest = TfjsModelJson["weightsManifest"];

// A tensor in NCHW with its static shape (batch left out).
interface Tensor {
  name: string;
  channels: number;
  size: number;
}

// What every builder needs: the weights by name, and nodes and constants added to one graph.
function graph(manifest: Manifest, shards: Uint8Array[]) {
  const weights = readWeights({ modelTopology: { node: [] }, weightsManifest: manifest }, shards);
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let counter = 0;
  const g = {
    nodes,
    weight(name: string): Constant {
      const w = weights.get(name);
      if (!w) throw new Error(`The face-api weights have no ${name}`);
      return w;
    },
    constant(name: string, dims: number[], values: Float32Array | BigInt64Array): string {
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      const unique = `${name}#${counter++}`;
      initializers.push({
        name: unique,
        dataType: values instanceof Float32Array ? DataType.FLOAT : DataType.INT64,
        dims,
        data: new Uint8Array(bytes),
      });
      return unique;
    },
    ints: (name: string, values: number[]) => g.constant(name, [values.length], BigInt64Array.from(values.map(BigInt))),
    node(op: string, inputs: string[], name: string, attributes?: Record<string, AttributeValue>): string {
      const out = `${name}#${counter++}`;
      nodes.push({ op, inputs, outputs: [out], name: out, attributes });
      return out;
    },
    // NHWC RGB in 0..255 → NCHW, scaled as face-api scales it.
    input(name: string, size: number, scale: (nchw: string) => string): Tensor {
      return { name: scale(g.node("Transpose", [name], "input/nchw", { perm: [0, 3, 1, 2] })), channels: 3, size };
    },
    // A convolution (TF.js filters [k, k, in, out], or [k, k, in, 1] depthwise) with a bias, "same"
    // padding as TF pads (the odd pixel at the end) unless valid is asked for.
    conv(
      x: Tensor,
      name: string,
      filters: Constant,
      bias: Float32Array,
      stride: 1 | 2,
      { depthwise = false, valid = false } = {},
    ): Tensor {
      const [k, , ci, co] = filters.shape as [number, number, number, number];
      const out = depthwise ? ci : co;
      const w = depthwise
        ? { ...transposeConst(filters, [2, 3, 0, 1]), shape: [ci, 1, k, k] }
        : transposeConst(filters, [3, 2, 0, 1]);
      const conv = g.node(
        "Conv",
        [
          x.name,
          g.constant(`${name}/w`, w.shape, Float32Array.from(w.data)),
          g.constant(`${name}/b`, [out], Float32Array.from(bias)),
        ],
        name,
        {
          kernel_shape: [k, k],
          strides: [stride, stride],
          group: { int: depthwise ? ci : 1 },
          ...(valid ? { pads: [0, 0, 0, 0] } : { auto_pad: "SAME_UPPER" }),
        },
      );
      const size = valid ? Math.floor((x.size - k) / stride) + 1 : Math.ceil(x.size / stride);
      return { name: conv, channels: out, size };
    },
    relu: (x: Tensor, name: string): Tensor => ({ ...x, name: g.node("Relu", [x.name], name) }),
    relu6: (x: Tensor, name: string): Tensor => ({
      ...x,
      name: g.node(
        "Clip",
        [x.name, g.constant(`${name}/zero`, [], Float32Array.of(0)), g.constant(`${name}/six`, [], Float32Array.of(6))],
        name,
      ),
    }),
    add: (a: Tensor, b: Tensor, name: string): Tensor => ({ ...a, name: g.node("Add", [a.name, b.name], name) }),
    finish(
      name: string,
      input: { name: string; size: number },
      outputs: { from: string; name: string; dims: (number | string)[] }[],
      metadata?: Record<string, string>,
    ): Uint8Array {
      for (const o of outputs)
        nodes.push({ op: "Identity", inputs: [o.from], outputs: [o.name], name: `${o.name}/identity` });
      return encodeModel({
        name,
        producer: "shoebox-face-api-to-onnx",
        opset: 13,
        nodes,
        initializers,
        inputs: [{ name: input.name, dims: ["batch", input.size, input.size, 3] }],
        outputs: outputs.map(({ name, dims }) => ({ name, dims })),
        metadata,
      });
    },
  };
  return g;
}

const outputName = (options: FaceApiBuildOptions, name: string) => {
  const out = options.outputs[name];
  if (!out) throw new Error(`No ONNX name given for the output ${name}`);
  return out;
};

// face-api's face nets take (x − mean RGB) / 255.
const meanRgb = [122.782, 117.001, 104.298];
type Graph = ReturnType<typeof graph>;
const centred = (g: Graph) => (x: string) =>
  g.node(
    "Div",
    [
      g.node("Sub", [x, g.constant("input/mean", [1, 3, 1, 1], Float32Array.from(meanRgb))], "input/centred"),
      g.constant("input/range", [], Float32Array.of(255)),
    ],
    "input/scaled",
  );

// SSD MobileNet v1 (face-api's SsdMobilenetv1): MobileNet v1's 13 depthwise-separable layers (the
// depthwise ones batch-normalised, folded in here), 8 more pointwise layers, and six box predictors
// (on the 32×32, 16×16, 8×8, 4×4, 2×2 and 1×1 maps: 3 anchors each on the first, 6 on the others),
// each anchor's box decoded against it as TF's object detection API does. Outputs: boxes, scores.
export function buildSsdMobilenetOnnx(
  manifest: Manifest,
  shards: Uint8Array[],
  options: FaceApiBuildOptions,
): Uint8Array {
  const g = graph(manifest, shards);
  const size = 512;
  const pointwise = (x: Tensor, prefix: string, stride: 1 | 2): Tensor =>
    g.relu6(
      g.conv(
        x,
        prefix,
        g.weight(`${prefix}/weights`),
        g.weight(`${prefix}/convolution_bn_offset`).data as Float32Array,
        stride,
      ),
      prefix,
    );
  const depthwise = (x: Tensor, prefix: string, stride: 1 | 2): Tensor => {
    const filters = g.weight(`${prefix}/depthwise_weights`);
    const [gamma, beta, mean, variance] = ["gamma", "beta", "moving_mean", "moving_variance"].map(
      (n) => g.weight(`${prefix}/BatchNorm/${n}`).data,
    );
    const channels = filters.shape[2]!;
    const scale = Float32Array.from(
      { length: channels },
      (_, c) => gamma![c]! / Math.sqrt(variance![c]! + 0.0010000000474974513),
    );
    const folded = Float32Array.from(filters.data, (w, i) => w * scale[i % channels]!); // [k, k, C, 1]: the channel is the fastest axis
    const bias = Float32Array.from({ length: channels }, (_, c) => beta![c]! - mean![c]! * scale[c]!);
    return g.relu6(g.conv(x, prefix, { ...filters, data: folded }, bias, stride, { depthwise: true }), prefix);
  };

  let x = g.input(options.inputName, size, (nchw) =>
    g.node(
      "Sub",
      [
        g.node("Div", [nchw, g.constant("input/range", [], Float32Array.of(127.5))], "input/half"),
        g.constant("input/one", [], Float32Array.of(1)),
      ],
      "input/scaled",
    ),
  );
  x = pointwise(x, "MobilenetV1/Conv2d_0_pointwise", 2);
  let conv11 = x;
  for (let i = 1; i <= 13; i++) {
    x = depthwise(x, `MobilenetV1/Conv2d_${i}_depthwise`, [2, 4, 6, 12].includes(i) ? 2 : 1);
    x = pointwise(x, `MobilenetV1/Conv2d_${i}_pointwise`, 1);
    if (i === 11) conv11 = x;
  }
  const maps = [conv11, x];
  let y = x;
  for (let i = 0; i < 8; i++) {
    y = pointwise(y, `Prediction/Conv2d_${i}_pointwise`, i % 2 ? 2 : 1);
    if (i % 2) maps.push(y);
  }

  // Each predictor's NCHW output back to NHWC, then one row per anchor: rows in the order of the
  // map's cells, then of the anchors within a cell (as the anchors are listed).
  const rows = (t: Tensor, width: number) =>
    g.node(
      "Reshape",
      [g.node("Transpose", [t.name], "nhwc", { perm: [0, 2, 3, 1] }), g.ints("rows", [0, -1, width])],
      "rows",
    );
  const encodings: string[] = [];
  const classes: string[] = [];
  maps.forEach((map, i) => {
    const predictor = (kind: string) => {
      const prefix = `Prediction/BoxPredictor_${i}/${kind}`;
      return g.conv(map, prefix, g.weight(`${prefix}/weights`), g.weight(`${prefix}/biases`).data as Float32Array, 1);
    };
    encodings.push(rows(predictor("BoxEncodingPredictor"), 4));
    classes.push(rows(predictor("ClassPredictor"), 3));
  });
  const encoding = g.node("Concat", encodings, "encodings", { axis: { int: 1 } }); // [batch, 5118, 4]: dy, dx, dh, dw
  const logits = g.node("Concat", classes, "classes", { axis: { int: 1 } }); // [batch, 5118, 3]: background, face, (unused)
  const face = g.node(
    "Slice",
    [logits, g.ints("face/start", [1]), g.ints("face/end", [2]), g.ints("face/axis", [2])],
    "face",
  );
  const scores = g.node("Sigmoid", [g.node("Squeeze", [face, g.ints("face/squeeze", [2])], "face/squeeze")], "scores");

  // Anchors as centres (y, x) and sizes (h, w); boxes = centre ± size / 2, where the centre is moved
  // by the encoding / 10 of the anchor's size and the size scaled by e^(encoding / 5).
  const anchors = g.weight("Output/extra_dim").data; // [1, 5118, 4]: ymin, xmin, ymax, xmax
  const count = anchors.length / 4;
  const centres = new Float32Array(2 * count);
  const sizes = new Float32Array(2 * count);
  for (let a = 0; a < count; a++)
    for (let d = 0; d < 2; d++) {
      sizes[2 * a + d] = anchors[4 * a + 2 + d]! - anchors[4 * a + d]!;
      centres[2 * a + d] = anchors[4 * a + d]! + sizes[2 * a + d]! / 2;
    }
  const half = (from: number) =>
    g.node(
      "Slice",
      [encoding, g.ints("slice/start", [from]), g.ints("slice/end", [from + 2]), g.ints("slice/axis", [2])],
      "slice",
    );
  const anchorSizes = g.constant("anchor/sizes", [count, 2], sizes);
  const centre = g.node(
    "Add",
    [
      g.node(
        "Mul",
        [g.node("Div", [half(0), g.constant("ten", [], Float32Array.of(10))], "shift"), anchorSizes],
        "shift",
      ),
      g.constant("anchor/centres", [count, 2], centres),
    ],
    "centre",
  );
  const extent = g.node(
    "Mul",
    [
      g.node("Exp", [g.node("Div", [half(2), g.constant("five", [], Float32Array.of(5))], "scale")], "scale"),
      anchorSizes,
    ],
    "extent",
  );
  const halfExtent = g.node("Div", [extent, g.constant("two", [], Float32Array.of(2))], "half");
  const boxes = g.node(
    "Concat",
    [g.node("Sub", [centre, halfExtent], "min"), g.node("Add", [centre, halfExtent], "max")],
    "boxes",
    { axis: { int: 2 } },
  );
  return g.finish(
    "ssd-mobilenet-v1-faces",
    { name: options.inputName, size },
    [
      { from: boxes, name: outputName(options, "boxes"), dims: ["batch", count, 4] },
      { from: scores, name: outputName(options, "scores"), dims: ["batch", count] },
    ],
    options.metadata,
  );
}

// FaceLandmark68Net: four dense blocks of four convolutions each (the first a plain 3×3 one, the
// others depthwise-separable; each block halves the size and adds up its layers' outputs), a 7×7
// mean, and a 256×136 layer. Output: landmarks, 68 (x, y) as parts of the crop.
export function buildFaceLandmarksOnnx(
  manifest: Manifest,
  shards: Uint8Array[],
  options: FaceApiBuildOptions,
): Uint8Array {
  const g = graph(manifest, shards);
  const size = 112;
  const separable = (x: Tensor, prefix: string, stride: 1 | 2): Tensor => {
    const pointwise = g.weight(`${prefix}/pointwise_filter`);
    const depth = g.conv(
      x,
      `${prefix}/depthwise`,
      g.weight(`${prefix}/depthwise_filter`),
      new Float32Array(x.channels),
      stride,
      { depthwise: true },
    );
    return g.conv(depth, `${prefix}/pointwise`, pointwise, g.weight(`${prefix}/bias`).data as Float32Array, 1);
  };
  const dense = (x: Tensor, prefix: string, first: boolean): Tensor => {
    const out1 = g.relu(
      first
        ? g.conv(
            x,
            `${prefix}/conv0`,
            g.weight(`${prefix}/conv0/filters`),
            g.weight(`${prefix}/conv0/bias`).data as Float32Array,
            2,
          )
        : separable(x, `${prefix}/conv0`, 2),
      prefix,
    );
    const out2 = separable(out1, `${prefix}/conv1`, 1);
    const out3 = separable(g.relu(g.add(out1, out2, prefix), prefix), `${prefix}/conv2`, 1);
    const sum3 = g.add(out1, g.add(out2, out3, prefix), prefix);
    const out4 = separable(g.relu(sum3, prefix), `${prefix}/conv3`, 1);
    return g.relu(g.add(sum3, out4, prefix), prefix);
  };
  let x = g.input(options.inputName, size, centred(g));
  for (let i = 0; i < 4; i++) x = dense(x, `dense${i}`, i === 0);
  const pooled = g.node("AveragePool", [x.name], "pool", { kernel_shape: [7, 7], strides: [2, 2] });
  const flat = g.node("Flatten", [pooled], "flat");
  const fc = g.weight("fc/weights");
  const out = g.node(
    "Add",
    [
      g.node("MatMul", [flat, g.constant("fc/w", fc.shape, Float32Array.from(fc.data))], "fc"),
      g.constant("fc/b", [fc.shape[1]!], Float32Array.from(g.weight("fc/bias").data)),
    ],
    "fc",
  );
  return g.finish(
    "face-landmarks-68",
    { name: options.inputName, size },
    [{ from: out, name: outputName(options, "landmarks"), dims: ["batch", fc.shape[1]!] }],
    options.metadata,
  );
}

// FaceRecognitionNet: (x − mean RGB) / 255 → conv 7×7/2 → max pool 3×3/2 → 3 residual blocks of 32
// channels → a downsampling block and 3 of 64 → one and 2 of 128 → one and 2 of 256 → a last
// downsampling block → mean over the image → a 256×128 matrix. Each convolution is followed by a
// per-channel scale and shift, folded into its weights here. Output: embedding.
export function buildFaceRecognitionOnnx(
  manifest: Manifest,
  shards: Uint8Array[],
  options: FaceApiBuildOptions,
): Uint8Array {
  const g = graph(manifest, shards);
  const size = 150;
  // Convolution, bias, then the scale layer (x·weights + biases) folded into the convolution;
  // stride 1 keeps the size ("same"), stride 2 reads only whole windows ("valid").
  const conv = (x: Tensor, prefix: string, stride: 1 | 2, relu: boolean): Tensor => {
    const filters = g.weight(`${prefix}/conv/filters`);
    const bias = g.weight(`${prefix}/conv/bias`).data;
    const scale = g.weight(`${prefix}/scale/weights`).data;
    const shift = g.weight(`${prefix}/scale/biases`).data;
    const co = filters.shape[3]!;
    const folded = Float32Array.from(filters.data, (w, i) => w * scale[i % co]!); // [k, k, in, out]: out is the fastest axis
    const b = Float32Array.from({ length: co }, (_, o) => bias[o]! * scale[o]! + shift[o]!);
    const out = g.conv(x, prefix, { ...filters, data: folded }, b, stride, { valid: stride === 2 });
    return relu ? g.relu(out, prefix) : out;
  };
  const residual = (x: Tensor, prefix: string): Tensor => {
    const y = conv(conv(x, `${prefix}/conv1`, 1, true), `${prefix}/conv2`, 1, false);
    return g.relu(g.add(y, x, prefix), prefix);
  };
  // The downsampling block: its shortcut is the input averaged over 2×2, with zero channels added
  // to match; when the convolutions come out one pixel smaller, they get a zero row and column.
  const residualDown = (x: Tensor, prefix: string): Tensor => {
    let y = conv(conv(x, `${prefix}/conv1`, 2, true), `${prefix}/conv2`, 1, false);
    let shortcut = g.node("AveragePool", [x.name], `${prefix}/pool`, { kernel_shape: [2, 2], strides: [2, 2] });
    const pooledSize = Math.floor(x.size / 2);
    const pads = (c: number, hw: number) => g.ints(`${prefix}/pads`, [0, 0, 0, 0, 0, c, hw, hw]);
    if (pooledSize !== y.size)
      y = { ...y, name: g.node("Pad", [y.name, pads(0, pooledSize - y.size)], `${prefix}/grow`), size: pooledSize };
    if (x.channels !== y.channels)
      shortcut = g.node("Pad", [shortcut, pads(y.channels - x.channels, 0)], `${prefix}/widen`);
    return g.relu(g.add(y, { ...y, name: shortcut }, prefix), prefix);
  };

  let x = g.input(options.inputName, size, centred(g));
  x = conv(x, "conv32_down", 2, true);
  x = {
    ...x,
    name: g.node("MaxPool", [x.name], "pool", { kernel_shape: [3, 3], strides: [2, 2] }),
    size: Math.floor((x.size - 3) / 2) + 1,
  };
  for (const block of ["conv32_1", "conv32_2", "conv32_3"]) x = residual(x, block);
  x = residualDown(x, "conv64_down");
  for (const block of ["conv64_1", "conv64_2", "conv64_3"]) x = residual(x, block);
  x = residualDown(x, "conv128_down");
  for (const block of ["conv128_1", "conv128_2"]) x = residual(x, block);
  x = residualDown(x, "conv256_down");
  for (const block of ["conv256_1", "conv256_2"]) x = residual(x, block);
  x = residualDown(x, "conv256_down_out");
  const pooled = g.node("ReduceMean", [x.name], "mean", { axes: [2, 3], keepdims: { int: 0 } });
  const fc = g.weight("fc");
  const product = g.node("MatMul", [pooled, g.constant("fc", fc.shape, Float32Array.from(fc.data))], "fc");
  return g.finish(
    "face-recognition",
    { name: options.inputName, size },
    [{ from: product, name: outputName(options, "embedding"), dims: ["batch", fc.shape[1]!] }],
    options.metadata,
  );
}

// The builder of each face-api network Shoebox runs, by the name of its weights.
export const faceApiBuilders: Record<
  string,
  (manifest: Manifest, shards: Uint8Array[], options: FaceApiBuildOptions) => Uint8Array
> = {
  ssd_mobilenetv1_model: buildSsdMobilenetOnnx,
  face_landmark_68_model: buildFaceLandmarksOnnx,
  face_recognition_model: buildFaceRecognitionOnnx,
};
