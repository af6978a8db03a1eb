// Just enough of protobuf's wire format to write an ONNX ModelProto (onnx/onnx.proto, proto2 syntax:
// repeated numbers are written unpacked, which every reader accepts).

export const DataType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export type AttributeValue = number | string | number[] | { floats: number[] } | { int: number };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Record<string, AttributeValue>;
}

export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  data: Uint8Array; // little-endian raw_data
}

export interface OnnxValueInfo {
  name: string;
  dims: (number | string)[]; // a string is a symbolic dimension
  dataType?: number; // FLOAT unless said
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  opset: number;
  producer: string;
  metadata?: Record<string, string>;
}

class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array) {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: bigint) {
    // Negative int64s are written as their 64-bit two's complement, in ten bytes.
    let v = BigInt.asUintN(64, value);
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wireType: number) {
    this.varint(BigInt((field << 3) | wireType));
  }

  int(field: number, value: number) {
    this.key(field, 0);
    this.varint(BigInt(value));
  }

  float(field: number, value: number) {
    this.key(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
  }

  bytes(field: number, value: Uint8Array) {
    this.key(field, 2);
    this.varint(BigInt(value.length));
    this.push(value);
  }

  string(field: number, value: string) {
    this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void) {
    const inner = new Writer();
    build(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

function writeAttribute(w: Writer, name: string, value: AttributeValue) {
  w.string(1, name);
  if (typeof value === "string") {
    w.bytes(4, new TextEncoder().encode(value));
    w.int(20, AttributeType.STRING);
  } else if (typeof value === "number") {
    w.float(2, value);
    w.int(20, AttributeType.FLOAT);
  } else if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    w.int(20, AttributeType.INTS);
  } else if ("floats" in value) {
    for (const v of value.floats) w.float(7, v);
    w.int(20, AttributeType.FLOATS);
  } else {
    w.int(3, value.int);
    w.int(20, AttributeType.INT);
  }
}

function writeValueInfo(w: Writer, info: OnnxValueInfo) {
  w.string(1, info.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, info.dataType ?? DataType.FLOAT);
      tensor.message(2, (shape) => {
        for (const dim of info.dims)
          shape.message(1, (d) => (typeof dim === "number" ? d.int(1, dim) : d.string(2, dim)));
      });
    }),
  );
}

export function encodeModel(graph: OnnxGraph): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // ir_version
  w.string(2, graph.producer);
  w.message(8, (opset) => {
    opset.string(1, "");
    opset.int(2, graph.opset);
  });
  w.message(7, (g) => {
    for (const node of graph.nodes) {
      g.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        if (node.name) n.string(3, node.name);
        n.string(4, node.op);
        for (const [name, value] of Object.entries(node.attributes ?? {}))
          n.message(5, (a) => writeAttribute(a, name, value));
      });
    }
    g.string(2, graph.name);
    for (const t of graph.initializers) {
      g.message(5, (tensor) => {
        for (const d of t.dims) tensor.int(1, d);
        tensor.int(2, t.dataType);
        tensor.string(8, t.name);
        tensor.bytes(9, t.data);
      });
    }
    for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
    for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
  });
  for (const [key, value] of Object.entries(graph.metadata ?? {})) {
    w.message(14, (entry) => {
      entry.string(1, key);
      entry.string(2, value);
    });
  }
  return w.finish();
}
