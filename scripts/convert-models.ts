// Converts the image models that @vladmandic/human and @vladmandic/face-api ship into ONNX files
// under dist/models (see workers/ml/models.ts), with the project's own converters. Run by `npm run
// build`; does nothing when the outputs are newer than their sources and the converters.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { faceApiBuilders } from "../workers/ml/convert/face-api-to-onnx";
import { convertTfjsToOnnx, type TfjsModelJson } from "../workers/ml/convert/tfjs-to-onnx";
import { modelDir, models, type ModelSpec } from "../workers/ml/models";

const root = resolve(import.meta.dirname, "..");
const require = createRequire(import.meta.url);

// Neither package exports its package.json; their main entries are dist/*.js.
export const humanModelsDir = () => join(dirname(require.resolve("@vladmandic/human")), "../models");
export const faceApiModelsDir = () => join(dirname(require.resolve("@vladmandic/face-api")), "../model");

// The file that describes the model (a graph, or a weights manifest) and its weight shards.
function sourceFiles(spec: ModelSpec): { json: string; shards: string[] } {
  const json =
    spec.package === "@vladmandic/human"
      ? join(humanModelsDir(), `${spec.source}.json`)
      : join(faceApiModelsDir(), `${spec.source}-weights_manifest.json`);
  const parsed = JSON.parse(readFileSync(json, "utf8"));
  const manifest = (
    spec.package === "@vladmandic/human" ? (parsed as TfjsModelJson).weightsManifest : parsed
  ) as TfjsModelJson["weightsManifest"];
  return { json, shards: manifest.flatMap((g) => g.paths.map((p) => join(dirname(json), p))) };
}

// Everything an output depends on: the model, its weights, the converters and the model list.
function fingerprint(spec: ModelSpec): string {
  const hash = createHash("sha256");
  const { json, shards } = sourceFiles(spec);
  const converter = [
    "workers/ml/convert/tfjs-to-onnx.ts",
    "workers/ml/convert/face-api-to-onnx.ts",
    "workers/ml/convert/onnx-proto.ts",
  ].map((f) => join(root, f));
  for (const file of [json, ...shards, ...converter]) hash.update(readFileSync(file));
  hash.update(JSON.stringify(spec));
  return hash.digest("hex");
}

function convert(spec: ModelSpec): Uint8Array {
  const { json, shards } = sourceFiles(spec);
  const parsed = JSON.parse(readFileSync(json, "utf8"));
  const weights = shards.map((s) => readFileSync(s));
  const metadata = {
    source: `${spec.package}/${spec.package === "@vladmandic/human" ? "models" : "model"}/${spec.source}`,
  };
  if (spec.package === "@vladmandic/human")
    return convertTfjsToOnnx(parsed as TfjsModelJson, weights, {
      outputs: spec.outputs,
      inputName: spec.input,
      metadata,
    });
  const build = faceApiBuilders[spec.source];
  if (!build) throw new Error(`No builder for face-api's ${spec.source}`);
  return build(parsed as TfjsModelJson["weightsManifest"], weights, {
    inputName: spec.input,
    outputs: spec.outputs,
    metadata,
  });
}

export async function convertModels({ force = false } = {}): Promise<string[]> {
  const dir = modelDir();
  mkdirSync(dir, { recursive: true });
  const stampPath = join(dir, "fingerprints.json");
  const stamps: Record<string, string> = existsSync(stampPath) ? JSON.parse(readFileSync(stampPath, "utf8")) : {};
  const converted: string[] = [];
  for (const spec of Object.values(models) as ModelSpec[]) {
    const out = join(dir, `${spec.source}.onnx`);
    const print = fingerprint(spec);
    if (!force && stamps[spec.source] === print && existsSync(out)) continue;
    const onnx = convert(spec);
    writeFileSync(`${out}.tmp`, onnx);
    renameSync(`${out}.tmp`, out);
    stamps[spec.source] = print;
    converted.push(out);
  }
  // What an earlier list of models left behind goes (a worker would never load it again).
  const current = new Set((Object.values(models) as ModelSpec[]).map((spec) => spec.source));
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".onnx") && !current.has(f.slice(0, -".onnx".length))))
    rmSync(join(dir, file));
  for (const source of Object.keys(stamps)) if (!current.has(source)) delete stamps[source];
  writeFileSync(stampPath, `${JSON.stringify(stamps, null, 2)}\n`);
  return converted;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const started = Date.now();
  const converted = await convertModels({ force: process.argv.includes("--force") });
  console.log(
    converted.length
      ? `converted ${converted.length} models into ${modelDir()} in ${Date.now() - started} ms`
      : `models in ${modelDir()} are up to date`,
  );
}
