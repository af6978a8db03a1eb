// Builds what workerd runs: the bundle of functions/ and the vendored browser libraries in
// public/vendor (copied from node_modules, so the app needs no CDN).
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { convertModels } from "./convert-models";

const root = resolve(import.meta.dirname, "..");
const require = createRequire(import.meta.url);

await build({
  entryPoints: [join(root, "functions/index.ts")],
  outfile: join(root, "dist/functions.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  sourcemap: "inline",
  logLevel: "warning",
});

const vendor = join(root, "public/vendor");
rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
const htmx = require.resolve("htmx.org/dist/htmx.min.js");
cpSync(htmx, join(vendor, "htmx.min.js"));
const leaflet = dirname(require.resolve("leaflet/dist/leaflet.js"));
cpSync(leaflet, join(vendor, "leaflet"), { recursive: true });
// The timeline decodes thumbhash placeholders in the browser (an ES module, imported by public/timeline.js).
cpSync(require.resolve("thumbhash"), join(vendor, "thumbhash.js"));
console.log("built dist/functions.js and public/vendor");

// The image models, converted from TF.js to ONNX under dist/models; skipped when already up to date.
await convertModels();
