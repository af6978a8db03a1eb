// How the request handlers are bundled for workerd: one ES module from functions/index.ts. Shared by
// the build (scripts/build.ts) and the rebuilds of `npm run dev` (scripts/dev.ts).
import type { BuildOptions } from "esbuild";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");

export const functionsBuildOptions = {
  entryPoints: [join(root, "functions/index.ts")],
  outfile: join(root, "dist/functions.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  sourcemap: "inline",
  metafile: true,
  logLevel: "warning",
} satisfies BuildOptions;
