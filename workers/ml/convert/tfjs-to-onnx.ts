// Converts a TF.js graph model (model.json + weight shards) into an ONNX model for onnxruntime-node.
// It knows the handful of ops that the image models Shoebox uses are made of (convolutions, depthwise
// convolutions, element-wise arithmetic, activations, PReLU, pooling, padding, mean, bilinear resize,
// concat, reshape) and refuses anything else by name, so a new model fails at build time, not with
// wrong output.
//
// TF.js graphs are NHWC; ONNX convolutions are NCHW. Every 4-D tensor is carried in NCHW from the
// input on, the constants it meets are laid out to match, and a tensor is turned back to NHWC only
// where the graph depends on the layout (a reshape, a graph output), so outputs match TF.js exactly.
import { DataType, encodeModel, type AttributeValue, type OnnxNode, type OnnxTensor } from "./onnx-proto";

export interface TfjsModelJson {
  format?: string;
  modelTopology: { node: TfNode[] };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

interface TfAttr {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { i?: string[]; s?: string[]; f?: number[] };
  shape?: { dim?: { size: string }[] };
  tensor?: { dtype: string; tensorShape: { dim?: { size: string }[] } };
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
  quantization?: { dtype: "float16" | "uint8" | "uint16"; scale?: number; min?: number };
}

export interface ConvertOptions {
  // TF.js tensor names to keep as outputs, and the names the ONNX outputs get.
  outputs: Record<string, string>;
  // The ONNX input's name (the TF.js placeholder is the one input these models have).
  inputName?: string;
  metadata?: Record<string, string>;
}

export interface Constant {
  kind: "const";
  shape: number[];
  data: Float32Array | Int32Array;
}

interface Value {
  kind: "value";
  name: string;
  rank: number;
  nchw: boolean; // a 4-D tensor held as NCHW instead of TF's NHWC
}

type Operand = Constant | Value;

const toNchw = [0, 3, 1, 2];
const toNhwc = [0, 2, 3, 1];

function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

// The weights, by name, decoded to float32 or int32.
export function readWeights(model: TfjsModelJson, shards: Uint8Array[]): Map<string, Constant> {
  const total = shards.reduce((n, s) => n + s.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const shard of shards) {
    bytes.set(shard, at);
    at += shard.length;
  }
  const view = new DataView(bytes.buffer);
  const weights = new Map<string, Constant>();
  let offset = 0;
  for (const group of model.weightsManifest) {
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const q = spec.quantization;
      const data = spec.dtype === "int32" ? new Int32Array(count) : new Float32Array(count);
      if (!q) {
        for (let i = 0; i < count; i++)
          data[i] =
            spec.dtype === "int32" ? view.getInt32(offset + 4 * i, true) : view.getFloat32(offset + 4 * i, true);
        offset += 4 * count;
      } else if (q.dtype === "float16") {
        for (let i = 0; i < count; i++) data[i] = float16ToFloat32(view.getUint16(offset + 2 * i, true));
        offset += 2 * count;
      } else {
        const width = q.dtype === "uint8" ? 1 : 2;
        for (let i = 0; i < count; i++) {
          const raw = width === 1 ? view.getUint8(offset + i) : view.getUint16(offset + 2 * i, true);
          data[i] = raw * (q.scale ?? 1) + (q.min ?? 0);
        }
        offset += width * count;
      }
      weights.set(spec.name, { kind: "const", shape: spec.shape, data });
    }
  }
  if (offset !== total) throw new Error(`The weights take ${offset} bytes but the shards hold ${total}`);
  return weights;
}

const ints = (attr: TfAttr | undefined) => (attr?.list?.i ?? []).map(Number);
const text = (attr: TfAttr | undefined) => (attr?.s ? Buffer.from(attr.s, "base64").toString() : "");

// Permutes a constant's axes (data in row-major order).
export function transposeConst(c: Constant, perm: number[]): Constant {
  const shape = perm.map((p) => c.shape[p]!);
  const strides = c.shape.map((_, i) => c.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new (c.data.constructor as Float32ArrayConstructor | Int32ArrayConstructor)(c.data.length);
  const index = new Array(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += index[d] * strides[perm[d]!]!;
    out[o] = c.data[src]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]!) break;
      index[d] = 0;
    }
  }
  return { kind: "const", shape, data: out };
}

export function convertTfjsToOnnx(model: TfjsModelJson, shards: Uint8Array[], options: ConvertOptions): Uint8Array {
  const weights = readWeights(model, shards);
  const nodesByName = new Map(model.modelTopology.node.map((n) => [n.name, n]));
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const inputs: { name: string; dims: (number | string)[] }[] = [];
  const done = new Map<string, Operand[]>();
  const used = new Set<string>();

  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };

  const initializer = (base: string, c: Constant, asInt64 = false): string => {
    const name = fresh(base);
    let data: Uint8Array;
    let dataType: number;
    if (asInt64) {
      const out = new BigInt64Array(c.data.length);
      c.data.forEach((v, i) => (out[i] = BigInt(Math.trunc(v))));
      data = new Uint8Array(out.buffer);
      dataType = DataType.INT64;
    } else {
      const f = c.data instanceof Float32Array ? c.data : Float32Array.from(c.data);
      data = new Uint8Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength));
      dataType = DataType.FLOAT;
    }
    initializers.push({ name, dataType, dims: c.shape, data });
    return name;
  };

  const emit = (op: string, ins: string[], base: string, attributes?: Record<string, AttributeValue>): string => {
    const out = fresh(base);
    nodes.push({ op, inputs: ins, outputs: [out], name: out, attributes });
    return out;
  };

  const asValue = (o: Operand, base: string): Value =>
    o.kind === "value" ? o : { kind: "value", name: initializer(base, o), rank: o.shape.length, nchw: false };

  const inLayout = (v: Value, nchw: boolean): Value => {
    if (v.nchw === nchw || v.rank !== 4) return v;
    const name = emit("Transpose", [v.name], `${v.name}/${nchw ? "nchw" : "nhwc"}`, { perm: nchw ? toNchw : toNhwc });
    return { kind: "value", name, rank: 4, nchw };
  };

  const constOf = (tfName: string): Constant => {
    const o = resolve(tfName);
    if (o.kind !== "const") throw new Error(`${tfName} should be a constant`);
    return o;
  };

  // A constant that broadcasts against a 4-D NCHW tensor: padded to rank 4, then permuted like it.
  const broadcastConst = (c: Constant): Constant => {
    if (c.data.length === 1) return { kind: "const", shape: [], data: c.data };
    const shape = [...new Array(Math.max(0, 4 - c.shape.length)).fill(1), ...c.shape];
    return transposeConst({ kind: "const", shape, data: c.data }, toNchw);
  };

  function resolve(ref: string): Operand {
    const [nodeName, index] = ref.startsWith("^")
      ? [ref.slice(1), 0]
      : ref.includes(":")
        ? [ref.slice(0, ref.lastIndexOf(":")), Number(ref.slice(ref.lastIndexOf(":") + 1))]
        : [ref, 0];
    if (!done.has(nodeName)) done.set(nodeName, convert(nodeName));
    const outs = done.get(nodeName)!;
    const out = outs[index];
    if (!out) throw new Error(`${nodeName} has no output ${index}`);
    return out;
  }

  function convert(name: string): Operand[] {
    const node = nodesByName.get(name);
    if (!node) throw new Error(`The graph has no node ${name}`);
    const attr = node.attr ?? {};
    const ins = node.input ?? [];
    const base = name.replace(/[^A-Za-z0-9_/.-]/g, "_");

    switch (node.op) {
      case "Const": {
        const c = weights.get(name);
        if (!c) throw new Error(`No weights for the constant ${name}`);
        return [c];
      }
      case "Placeholder": {
        const dims = (attr.shape?.shape?.dim ?? []).map((d, i) =>
          Number(d.size) > 0 ? Number(d.size) : i === 0 ? "batch" : `d${i}`,
        );
        const inputName = options.inputName ?? fresh(base);
        used.add(inputName);
        inputs.push({ name: inputName, dims });
        const value: Value = { kind: "value", name: inputName, rank: dims.length, nchw: false };
        return [inLayout(value, true)];
      }
      case "Identity":
        return [resolve(ins[0]!)];
      case "Conv2D":
      case "_FusedConv2D":
      case "DepthwiseConv2dNative":
      case "FusedDepthwiseConv2dNative": {
        if (text(attr.data_format) && text(attr.data_format) !== "NHWC")
          throw new Error(`${name}: only NHWC convolutions are converted`);
        const depthwise = node.op.includes("Depthwise");
        const x = inLayout(asValue(resolve(ins[0]!), `${base}/x`), true);
        const kernel = constOf(ins[1]!);
        const [kh, kw, ci, co] = kernel.shape as [number, number, number, number];
        const w = depthwise
          ? { ...transposeConst(kernel, [2, 3, 0, 1]), shape: [ci * co, 1, kh, kw] } // [C, M, kh, kw] is [C*M, 1, kh, kw]
          : transposeConst(kernel, [3, 2, 0, 1]);
        const strides = ints(attr.strides);
        const dilations = ints(attr.dilations);
        const attributes: Record<string, AttributeValue> = {
          kernel_shape: [kh, kw],
          strides: strides.length === 4 ? [strides[1]!, strides[2]!] : [1, 1],
          dilations: dilations.length === 4 ? [dilations[1]!, dilations[2]!] : [1, 1],
          group: { int: depthwise ? ci : 1 },
        };
        const padding = text(attr.padding);
        if (padding === "SAME")
          attributes.auto_pad = "SAME_UPPER"; // TF puts the odd pixel at the end, as SAME_UPPER does
        else if (padding === "EXPLICIT") {
          const p = ints(attr.explicit_paddings); // [[n0,n1],[h0,h1],[w0,w1],[c0,c1]]
          attributes.pads = [p[2]!, p[4]!, p[3]!, p[5]!];
        } else if (padding !== "VALID") throw new Error(`${name}: padding ${padding}`);
        const fused = (attr.fused_ops?.list?.s ?? []).map((s) => Buffer.from(s, "base64").toString());
        const convInputs = [x.name, initializer(`${base}/weights`, w)];
        let rest = fused;
        if (fused[0] === "BiasAdd") {
          convInputs.push(initializer(`${base}/bias`, constOf(ins[2]!)));
          rest = fused.slice(1);
        } else if (fused.length) throw new Error(`${name}: fused ${fused.join("+")}`);
        let out = emit("Conv", convInputs, rest.length ? `${base}/conv` : base, attributes);
        for (const op of rest) {
          if (op === "Relu") out = emit("Relu", [out], base);
          else if (op === "Relu6")
            out = emit(
              "Clip",
              [out, initializer(`${base}/zero`, scalar(0)), initializer(`${base}/six`, scalar(6))],
              base,
            );
          else if (op === "Prelu")
            out = emit("PRelu", [out, initializer(`${base}/alpha`, broadcastConst(constOf(ins[3]!)))], base);
          else throw new Error(`${name}: fused ${op}`);
        }
        return [{ kind: "value", name: out, rank: 4, nchw: true }];
      }
      case "Add":
      case "AddV2":
      case "Sub":
      case "Mul":
      case "RealDiv":
      case "Minimum":
      case "Maximum": {
        const onnxOp = {
          Add: "Add",
          AddV2: "Add",
          Sub: "Sub",
          Mul: "Mul",
          RealDiv: "Div",
          Minimum: "Min",
          Maximum: "Max",
        }[node.op]!;
        const [a, b] = [resolve(ins[0]!), resolve(ins[1]!)];
        if (a.kind === "const" && b.kind === "const") throw new Error(`${name}: ${node.op} of two constants`);
        const values = [a, b].filter((o): o is Value => o.kind === "value");
        const nchw = values.some((v) => v.nchw) && values.every((v) => v.rank === 4 || !v.nchw);
        const operand = (o: Operand, i: number): string => {
          if (o.kind === "value") return inLayout(o, nchw && o.rank === 4).name;
          return initializer(`${base}/${i ? "y" : "x"}`, nchw ? broadcastConst(o) : o);
        };
        const rank = Math.max(...[a, b].map((o) => (o.kind === "value" ? o.rank : o.shape.length)));
        return [
          { kind: "value", name: emit(onnxOp, [operand(a, 0), operand(b, 1)], base), rank, nchw: nchw && rank === 4 },
        ];
      }
      case "Relu":
      case "Sigmoid":
      case "Tanh":
      case "Relu6": {
        const x = asValue(resolve(ins[0]!), `${base}/x`);
        const out =
          node.op === "Relu6"
            ? emit(
                "Clip",
                [x.name, initializer(`${base}/zero`, scalar(0)), initializer(`${base}/six`, scalar(6))],
                base,
              )
            : emit(node.op, [x.name], base);
        return [{ ...x, name: out }];
      }
      case "MaxPool":
      case "AvgPool": {
        const x = inLayout(asValue(resolve(ins[0]!), `${base}/x`), true);
        const k = ints(attr.ksize);
        const s = ints(attr.strides);
        const padding = text(attr.padding);
        if (padding !== "SAME" && padding !== "VALID") throw new Error(`${name}: padding ${padding}`);
        const out = emit(node.op === "MaxPool" ? "MaxPool" : "AveragePool", [x.name], base, {
          kernel_shape: [k[1]!, k[2]!],
          strides: [s[1]!, s[2]!],
          ...(padding === "SAME" ? { auto_pad: "SAME_UPPER" } : {}),
        });
        return [{ kind: "value", name: out, rank: 4, nchw: true }];
      }
      case "Pad": {
        const x = asValue(resolve(ins[0]!), `${base}/x`);
        const paddings = constOf(ins[1]!); // [rank, 2]
        const order = x.nchw ? toNchw : [...Array(x.rank).keys()];
        const begins = order.map((d) => paddings.data[2 * d]!);
        const ends = order.map((d) => paddings.data[2 * d + 1]!);
        const pads = initializer(
          `${base}/pads`,
          { kind: "const", shape: [2 * x.rank], data: Int32Array.from([...begins, ...ends]) },
          true,
        );
        return [{ ...x, name: emit("Pad", [x.name, pads], base, { mode: "constant" }) }];
      }
      case "Mean": {
        let x = asValue(resolve(ins[0]!), `${base}/x`);
        const axes = Array.from(constOf(ins[1]!).data).map((a) => (a < 0 ? a + x.rank : a));
        const keep = attr.keep_dims?.b === true;
        // Without keepdims, NCHW and NHWC leave the same order only when H and W are what goes.
        if (x.nchw && !keep && !(axes.length === 2 && axes.includes(1) && axes.includes(2))) x = inLayout(x, false);
        const onnxAxes = x.nchw ? axes.map((a) => toNchw.indexOf(a)) : axes;
        const out = emit("ReduceMean", [x.name], base, { axes: onnxAxes, keepdims: { int: keep ? 1 : 0 } });
        const rank = keep ? x.rank : x.rank - axes.length;
        return [{ kind: "value", name: out, rank, nchw: x.nchw && keep }];
      }
      case "ResizeBilinear":
      case "ResizeNearestNeighbor": {
        const x = inLayout(asValue(resolve(ins[0]!), `${base}/x`), true);
        const size = constOf(ins[1]!);
        const alignCorners = attr.align_corners?.b === true;
        const halfPixel = attr.half_pixel_centers?.b === true;
        const bilinear = node.op === "ResizeBilinear";
        // sizes = (N, C) of the input, then the new (H, W).
        const shape = emit("Shape", [x.name], `${base}/shape`);
        const nc = emit(
          "Slice",
          [
            shape,
            initializer(`${base}/start`, { kind: "const", shape: [1], data: Int32Array.of(0) }, true),
            initializer(`${base}/end`, { kind: "const", shape: [1], data: Int32Array.of(2) }, true),
          ],
          `${base}/nc`,
        );
        const sizes = emit("Concat", [nc, initializer(`${base}/hw`, size, true)], `${base}/sizes`, {
          axis: { int: 0 },
        });
        const out = emit("Resize", [x.name, "", "", sizes], base, {
          mode: bilinear ? "linear" : "nearest",
          coordinate_transformation_mode: alignCorners
            ? "align_corners"
            : halfPixel
              ? bilinear
                ? "half_pixel"
                : "tf_half_pixel_for_nn"
              : "asymmetric",
          ...(bilinear ? {} : { nearest_mode: alignCorners ? "round_prefer_ceil" : "floor" }),
        });
        return [{ kind: "value", name: out, rank: 4, nchw: true }];
      }
      case "ConcatV2": {
        const count = attr.N?.i ? Number(attr.N.i) : ins.length - 1;
        const parts = ins.slice(0, count).map((ref, i) => asValue(resolve(ref), `${base}/in${i}`));
        let axis = constOf(ins[count]!).data[0]!;
        const rank = parts[0]!.rank;
        if (axis < 0) axis += rank;
        const nchw = rank === 4 && parts.some((p) => p.nchw);
        const names = parts.map((p) => inLayout(p, nchw).name);
        const out = emit("Concat", names, base, { axis: { int: nchw ? toNchw.indexOf(axis) : axis } });
        return [{ kind: "value", name: out, rank, nchw }];
      }
      case "Prelu": {
        const x = inLayout(asValue(resolve(ins[0]!), `${base}/x`), true);
        const alpha = initializer(`${base}/alpha`, x.rank === 4 ? broadcastConst(constOf(ins[1]!)) : constOf(ins[1]!));
        return [{ ...x, name: emit("PRelu", [x.name, alpha], base) }];
      }
      case "Reshape": {
        const x = inLayout(asValue(resolve(ins[0]!), `${base}/x`), false);
        const shape = constOf(ins[1]!);
        const out = emit("Reshape", [x.name, initializer(`${base}/shape`, shape, true)], base);
        return [{ kind: "value", name: out, rank: shape.data.length, nchw: false }];
      }
      default:
        throw new Error(`The converter does not know the TF op ${node.op} (node ${name})`);
    }
  }

  const outputs = Object.entries(options.outputs).map(([tfName, onnxName]) => {
    const v = inLayout(asValue(resolve(tfName), tfName), false);
    used.add(onnxName);
    nodes.push({ op: "Identity", inputs: [v.name], outputs: [onnxName], name: `${onnxName}/identity` });
    return { name: onnxName, dims: new Array(v.rank).fill(0).map((_, i) => `${onnxName}_d${i}`) };
  });

  return encodeModel({
    name: "converted",
    producer: "shoebox-tfjs-to-onnx",
    opset: 13,
    nodes,
    initializers,
    inputs,
    outputs,
    metadata: options.metadata,
  });
}

function scalar(value: number): Constant {
  return { kind: "const", shape: [], data: Float32Array.of(value) };
}
