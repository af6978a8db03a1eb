// Builds an ONNX model from the weights of @vladmandic/face-api's face recognition network: dlib's
// ResNet-34-like face descriptor (150×150 RGB in, 128 numbers out), which face-api ships as bare
// weights (a weights manifest and a shard) with the layers written in its code rather than in a
// graph file. The layers are laid out here as face-api's FaceRecognitionNet describes them:
//
//   (x − mean RGB) / 255 → conv 7×7/2 → max pool 3×3/2 → 3 residual blocks of 32 channels →
//   a downsampling block and 3 of 64 → one and 2 of 128 → one and 2 of 256 → a last downsampling
//   block → mean over the image → a 256×128 matrix.
//
// Each convolution is followed by a per-channel scale and shift, folded into its weights here.
import { readWeights, transposeConst, type Constant, type TfjsModelJson } from "./tfjs-to-onnx";
import { DataType, encodeModel, type AttributeValue, type OnnxNode, type OnnxTensor } from "./onnx-proto";

export const faceDescriptorSize = 150;
const meanRgb = [122.782, 117.001, 104.298];

export function buildFaceRecognitionOnnx(manifest: TfjsModelJson["weightsManifest"], shards: Uint8Array[], options: { inputName: string; outputName: string; metadata?: Record<string, string> }): Uint8Array {
  const weights = readWeights({ modelTopology: { node: [] }, weightsManifest: manifest }, shards);
  const weight = (name: string): Constant => {
    const w = weights.get(name);
    if (!w) throw new Error(`The face recognition weights have no ${name}`);
    return w;
  };
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let counter = 0;
  const constant = (name: string, dims: number[], values: Float32Array | BigInt64Array): string => {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    initializers.push({ name, dataType: values instanceof Float32Array ? DataType.FLOAT : DataType.INT64, dims, data: new Uint8Array(bytes) });
    return name;
  };
  const node = (op: string, inputs: string[], name: string, attributes?: Record<string, AttributeValue>): string => {
    const out = `${name}#${counter++}`;
    nodes.push({ op, inputs, outputs: [out], name: out, attributes });
    return out;
  };

  // A tensor in NCHW with its static shape (batch left out).
  interface Tensor {
    name: string;
    channels: number;
    size: number;
  }

  // Convolution, bias, then the scale layer (x·weights + biases) folded into the convolution.
  const conv = (x: Tensor, prefix: string, stride: 1 | 2, relu: boolean): Tensor => {
    const filters = weight(`${prefix}/conv/filters`);
    const bias = weight(`${prefix}/conv/bias`).data;
    const scale = weight(`${prefix}/scale/weights`).data;
    const shift = weight(`${prefix}/scale/biases`).data;
    const [k, , ci, co] = filters.shape as [number, number, number, number];
    const w = transposeConst(filters, [3, 2, 0, 1]); // [co, ci, k, k]
    const folded = new Float32Array(w.data.length);
    const per = ci * k * k;
    for (let o = 0; o < co; o++) for (let i = 0; i < per; i++) folded[o * per + i] = w.data[o * per + i]! * scale[o]!;
    const b = Float32Array.from({ length: co }, (_, o) => bias[o]! * scale[o]! + shift[o]!);
    // Stride 1 keeps the size ("same"); stride 2 reads only whole windows ("valid").
    const pad = stride === 1 ? (k - 1) / 2 : 0;
    let out = node("Conv", [x.name, constant(`${prefix}/w`, [co, ci, k, k], folded), constant(`${prefix}/b`, [co], b)], prefix, {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    });
    if (relu) out = node("Relu", [out], prefix);
    return { name: out, channels: co, size: Math.floor((x.size + 2 * pad - k) / stride) + 1 };
  };

  const residual = (x: Tensor, prefix: string): Tensor => {
    const y = conv(conv(x, `${prefix}/conv1`, 1, true), `${prefix}/conv2`, 1, false);
    return { ...y, name: node("Relu", [node("Add", [y.name, x.name], prefix)], prefix) };
  };

  // The downsampling block: its shortcut is the input averaged over 2×2, with zero channels added
  // to match; when the convolutions come out one pixel smaller, they get a zero row and column.
  const residualDown = (x: Tensor, prefix: string): Tensor => {
    let y = conv(conv(x, `${prefix}/conv1`, 2, true), `${prefix}/conv2`, 1, false);
    let shortcut = node("AveragePool", [x.name], `${prefix}/pool`, { kernel_shape: [2, 2], strides: [2, 2] });
    const pooledSize = Math.floor(x.size / 2);
    const pads = (c: number, hw: number) => constant(`${prefix}/pads${counter++}`, [8], BigInt64Array.from([0, 0, 0, 0, 0, c, hw, hw].map(BigInt)));
    if (pooledSize !== y.size) y = { ...y, name: node("Pad", [y.name, pads(0, pooledSize - y.size)], `${prefix}/grow`), size: pooledSize };
    if (x.channels !== y.channels) shortcut = node("Pad", [shortcut, pads(y.channels - x.channels, 0)], `${prefix}/widen`);
    return { ...y, name: node("Relu", [node("Add", [y.name, shortcut], prefix)], prefix) };
  };

  let x: Tensor = { name: options.inputName, channels: 3, size: faceDescriptorSize };
  const nchw = node("Transpose", [x.name], "input/nchw", { perm: [0, 3, 1, 2] });
  const centred = node("Sub", [nchw, constant("input/mean", [1, 3, 1, 1], Float32Array.from(meanRgb))], "input/centred");
  x = { ...x, name: node("Div", [centred, constant("input/range", [], Float32Array.of(255))], "input/scaled") };
  x = conv(x, "conv32_down", 2, true);
  x = { ...x, name: node("MaxPool", [x.name], "pool", { kernel_shape: [3, 3], strides: [2, 2] }), size: Math.floor((x.size - 3) / 2) + 1 };
  for (const block of ["conv32_1", "conv32_2", "conv32_3"]) x = residual(x, block);
  x = residualDown(x, "conv64_down");
  for (const block of ["conv64_1", "conv64_2", "conv64_3"]) x = residual(x, block);
  x = residualDown(x, "conv128_down");
  for (const block of ["conv128_1", "conv128_2"]) x = residual(x, block);
  x = residualDown(x, "conv256_down");
  for (const block of ["conv256_1", "conv256_2"]) x = residual(x, block);
  x = residualDown(x, "conv256_down_out");
  const pooled = node("ReduceMean", [x.name], "mean", { axes: [2, 3], keepdims: { int: 0 } });
  const fc = weight("fc");
  const product = node("MatMul", [pooled, constant("fc", fc.shape, Float32Array.from(fc.data))], "fc");
  nodes.push({ op: "Identity", inputs: [product], outputs: [options.outputName], name: `${options.outputName}/identity` });

  return encodeModel({
    name: "face-recognition",
    producer: "shoebox-face-api-to-onnx",
    opset: 13,
    nodes,
    initializers,
    inputs: [{ name: options.inputName, dims: ["batch", faceDescriptorSize, faceDescriptorSize, 3] }],
    outputs: [{ name: options.outputName, dims: ["batch", fc.shape[1]!] }],
    metadata: options.metadata,
  });
}
