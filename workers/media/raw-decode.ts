// Camera RAW sensor data decoded by LibRaw compiled to WebAssembly (libraw-wasm), for the RAW files
// that embed no preview Shoebox can show (cinema cameras' DNG frames, some phones' DNG). Each
// decode gets a fresh LibRaw, whose memory (a few hundred MB for a 24-megapixel sensor) is let go
// with it: a worker that never meets such a file never loads it.
//
// The decode is synchronous WebAssembly (a second or two for 10 megapixels), like HEIC's.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

interface LibRaw {
  open(bytes: Uint8Array, settings: Record<string, unknown>): void;
  imageData(): { width: number; height: number; colors: number; bits: number; data: Uint8Array };
  delete?(): void;
}

type LibRawModule = { LibRaw: new () => LibRaw };
type LibRawFactory = (options: {
  wasmBinary: Uint8Array;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}) => Promise<LibRawModule>;

const require = createRequire(import.meta.url);

// The package is built for browsers (it fetches its wasm by URL): it is handed the bytes instead.
async function loadLibRaw(): Promise<LibRawModule> {
  // The module has no typings: the part used here is declared above.
  const specifier = "libraw-wasm/dist/libraw.js";
  const factory = ((await import(specifier)) as { default: LibRawFactory }).default;
  const wasmBinary = await readFile(require.resolve("libraw-wasm/dist/libraw.wasm"));
  return factory({ wasmBinary, print: () => {}, printErr: () => {} });
}

// The picture, demosaiced with the camera's white balance into 8-bit sRGB, turned as the camera
// says. Throws with LibRaw's reason when it cannot decode the file.
export async function decodeRaw(
  path: string,
): Promise<{ data: Uint8Array; width: number; height: number; channels: 3 }> {
  const [module, bytes] = await Promise.all([loadLibRaw(), readFile(path)]);
  const raw = new module.LibRaw();
  try {
    raw.open(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      useCameraWb: true,
      outputBps: 8,
      outputColor: 1,
      userQual: 3,
    });
    const image = raw.imageData();
    if (image?.colors !== 3 || image.bits !== 8 || image.data.length !== image.width * image.height * 3) {
      throw new Error("LibRaw gave no 8-bit RGB picture");
    }
    return { data: image.data, width: image.width, height: image.height, channels: 3 };
  } finally {
    raw.delete?.();
  }
}
