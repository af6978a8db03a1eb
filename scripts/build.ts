// Builds what runs: the bundle of functions/ for workerd, the vendored browser libraries in
// public/vendor (copied from node_modules, so the app needs no CDN), and plain JavaScript for Node
// under dist/app (the worker, its job process and the scripts), so that nothing compiles TypeScript
// at run time.
import { build, type Metafile } from "esbuild";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { convertModels } from "./convert-models";
import { functionsBuildOptions } from "./functions-bundle";

const root = resolve(import.meta.dirname, "..");
const require = createRequire(import.meta.url);

const functions = await build(functionsBuildOptions);

// The Node side, one file per entry point (paths mirror the sources: workers/main.ts becomes
// dist/app/workers/main.js) and shared chunks, so that a job process imports a queue's code only when
// it runs one of its jobs (workers/jobs/index.ts). Packages stay in node_modules, as installed.
const nodeEntryPoints = [
  "workers/main.ts",
  "workers/jobs/job-process.ts",
  "scripts/import.ts",
  "scripts/backup.ts",
  "scripts/restore.ts",
  "scripts/export.ts",
];
rmSync(join(root, "dist/app"), { recursive: true, force: true });
const app = await build({
  entryPoints: nodeEntryPoints.map((path) => join(root, path)),
  outdir: join(root, "dist/app"),
  outbase: root,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  packages: "external",
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  metafile: true,
  logLevel: "warning",
});
// The sources both bundles were built from, for the worker's check that the build is current
// (workers/paths.ts).
const sources = (metafile: Metafile) => Object.keys(metafile.inputs).filter((path) => !path.includes("node_modules/"));
writeFileSync(
  join(root, "dist/app/sources.json"),
  JSON.stringify([...new Set([...sources(functions.metafile), ...sources(app.metafile)])].sort()),
);

const vendor = join(root, "public/vendor");
rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
const htmx = require.resolve("htmx.org/dist/htmx.min.js");
cpSync(htmx, join(vendor, "htmx.min.js"));
const leaflet = dirname(require.resolve("leaflet/dist/leaflet.js"));
cpSync(leaflet, join(vendor, "leaflet"), { recursive: true });
// The timeline decodes thumbhash placeholders in the browser (an ES module, imported by public/timeline.js).
cpSync(require.resolve("thumbhash"), join(vendor, "thumbhash.js"));
console.log("built dist/functions.js, dist/app and public/vendor");

// The image models, converted from TF.js to ONNX under dist/models; skipped when already up to date.
await convertModels();
