// `npm run dev`: Shoebox for people changing its code. The worker runs from the build, as `npm start`
// runs it; the request handlers run on Miniflare and are rebundled and reloaded whenever a file they
// are built from changes (functions/, common/), so a change shows on the next request. public/ is
// served from the folder as it is. Changes to workers/ need a restart (and `npm run build`).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { context } from "esbuild";
import { Miniflare } from "miniflare";
import { parseConfig } from "../common/config";
import { handlerSecrets, handlerSettings } from "../workers/web/handler-settings";
import { functionsBuildOptions } from "./functions-bundle";
import { miniflareOptions, type HandlerServices } from "./miniflare";

const root = resolve(import.meta.dirname, "..");
if (existsSync(join(root, ".env"))) process.loadEnvFile(join(root, ".env"));
const config = parseConfig(process.env);
if (config.storage.kind !== "local")
  throw new Error("npm run dev keeps the library on the local disk: unset STORAGE (or set STORAGE=local)");
const storageRoot = config.storage.root;

// The worker from the build: the database, the jobs, and the internal endpoint the handlers reach.
const worker = spawn(process.execPath, [join(root, "dist/app/workers/main.js"), "worker"], {
  cwd: root,
  env: process.env,
  stdio: ["ignore", "pipe", "inherit"],
});
const workerUrl = await new Promise<string>((found, failed) => {
  let output = "";
  worker.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    output += chunk.toString();
    const url = output.match(/Shoebox worker is listening on (\S+)/)?.[1];
    if (url) found(url);
  });
  worker.once("exit", (code) => failed(new Error(`The worker stopped (exit ${code}) before it was ready`)));
});
const token = process.env.INTERNAL_TOKEN ?? readFileSync(join(config.dataDir, "internal-token"), "utf8").trim();
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;

// The plain bindings of functions/env.ts, made as workers/main.ts makes them for workerd.
const services: HandlerServices = {
  settings: handlerSettings(config, { workerUrl, version: `${version}-dev` }),
  secrets: handlerSecrets(config, token),
  workerUrl,
  storageRoot,
  listen: { host: config.host, port: config.port },
};

let mf: Miniflare | undefined;
// Rebundles on every change to what the handlers import; each good bundle replaces the running one.
const bundler = await context({
  ...functionsBuildOptions,
  plugins: [
    {
      name: "reload-handlers",
      setup(build) {
        build.onEnd(async (result) => {
          if (result.errors.length)
            return console.error("The handlers did not build; still serving the last good bundle");
          if (!mf) {
            mf = new Miniflare(miniflareOptions(services));
            const url = await mf.ready;
            console.log(
              `Shoebox (dev) is listening on ${url.origin} (the handlers reload when functions/ or common/ change)`,
            );
          } else {
            await mf.setOptions(miniflareOptions(services));
            console.log(`reloaded the handlers (${new Date().toLocaleTimeString()})`);
          }
        });
      },
    },
  ],
});
await bundler.watch();

// The worker first, so that it never outlives this process; then the handlers and the bundler.
const workerExited = new Promise<number | null>((done) => worker.once("exit", (code) => done(code)));
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  worker.kill("SIGTERM");
  await Promise.allSettled([workerExited, bundler.dispose(), mf?.dispose()]);
  process.exit(code);
};
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
void workerExited.then((code) => {
  if (!stopping) console.error(`The worker stopped (exit ${code})`);
  void stop(code ?? 1);
});
