// JPEG XL, decoded by libjxl compiled to WebAssembly (@jsquash/jxl): sharp's prebuilt libvips has no
// JPEG XL support. The module is loaded from the package's own .wasm file, never fetched.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import decode, { init } from "@jsquash/jxl/decode.js";

const require = createRequire(import.meta.url);
let ready: Promise<unknown> | undefined;

export async function decodeJxl(
  input: Uint8Array,
): Promise<{ data: Uint8ClampedArray; width: number; height: number; channels: 4 }> {
  ready ??= readFile(require.resolve("@jsquash/jxl/codec/dec/jxl_dec.wasm")).then((wasmBinary) => init({ wasmBinary }));
  await ready;
  const image = await decode(input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength) as ArrayBuffer);
  return { data: image.data, width: image.width, height: image.height, channels: 4 };
}
