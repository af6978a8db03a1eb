// Converts the TF.js image models that @vladmandic/human ships into ONNX files under dist/models
// (see workers/ml/models.ts), with the project's own converter. Run by `npm run build`; does nothing
// when the outputs are newer than their sources and the converter.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { convertTfjsToOnnx, type TfjsModelJson } from "../workers/ml/convert/tfjs-to-onnx";
import { modelDir, models, type ModelSpec } from "../workers/ml/models";

const root = resolve(import.meta.dirname, "..");
const require = createRequire(import.meta.url);

// The package exports no package.json; its main entry is dist/human.node.js.
export const humanModelsDir = () => join(dirname(require.resolve("@vladmandic/human")), "../models");

function sourceFiles(spec: ModelSpec): { json: string; shards: string[] } {
  const json = join(humanModelsDir(), `${spec.source}.json`);
  const model = JSON.parse(readFileSync(json, "utf8")) as TfjsModelJson;
  return { json, shards: model.weightsManifest.flatMap((g) => g.paths.map((p) => join(dirname(json), p))) };
}

// Everything an output depends on: the model, its weights, the converter and the model list.
function fingerprint(spec: ModelSpec): string {
  const hash = createHash("sha256");
  const { json, shards } = sourceFiles(spec);
  const converter = ["workers/ml/convert/tfjs-to-onnx.ts", "workers/ml/convert/onnx-proto.ts"].map((f) => join(root, f));
  for (const file of [json, ...shards, ...converter]) hash.update(readFileSync(file));
  hash.update(JSON.stringify(spec));
  return hash.digest("hex");
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
    const { json, shards } = sourceFiles(spec);
    const model = JSON.parse(readFileSync(json, "utf8")) as TfjsModelJson;
    const onnx = convertTfjsToOnnx(
      model,
      shards.map((s) => readFileSync(s)),
      { outputs: spec.outputs, inputName: spec.input, metadata: { source: `@vladmandic/human/models/${spec.source}.json` } },
    );
    writeFileSync(`${out}.tmp`, onnx);
    renameSync(`${out}.tmp`, out);
    stamps[spec.source] = print;
    converted.push(out);
  }
  writeFileSync(stampPath, JSON.stringify(stamps, null, 2) + "\n");
  return converted;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const started = Date.now();
  const converted = await convertModels({ force: process.argv.includes("--force") });
  console.log(converted.length ? `converted ${converted.length} models into ${modelDir()} in ${Date.now() - started} ms` : `models in ${modelDir()} are up to date`);
}
