// Writes the workerd config for the request handlers: one worker (the bundle of functions/) and
// the services it may reach, each by a named binding. Nothing else is reachable from the handlers.
// Settings arrive as parseConfig made them, once: numbers and booleans as JSON bindings, so that no
// handler parses a string again (functions/env.ts has their types).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { projectRoot } from "../paths";
import { parse as parseToml } from "smol-toml";
import type { MlConfig, StorageConfig } from "../../common/config";
import type { LogLevel } from "../../common/log";

export interface WorkerdConfigOptions {
  // Where the generated config goes; embed paths are written relative to it.
  configPath: string;
  bundlePath: string;
  publicDir: string;
  storage: StorageConfig;
  listen: { host: string; port: number };
  databaseUrl: string;
  workerUrl: string;
  version: string;
  logLevel: LogLevel;
  trustedProxies: string;
  // The map's tile URL template (undefined: no tiles) and the credit shown with the tiles.
  map: { tileUrl?: string; attribution: string };
  ml: MlConfig;
}

// The values of these bindings come from workerd's environment, so secrets never land in the file.
export const secretEnvironment = {
  dbAuthToken: "SHOEBOX_DB_AUTH_TOKEN",
  internalToken: "SHOEBOX_INTERNAL_TOKEN",
  s3AccessKeyId: "SHOEBOX_S3_ACCESS_KEY_ID",
  s3SecretAccessKey: "SHOEBOX_S3_SECRET_ACCESS_KEY",
};

const wranglerToml = join(projectRoot, "wrangler.toml");

function readRuntimeSettings(): { compatibilityDate: string; compatibilityFlags: string[] } {
  const toml = parseToml(readFileSync(wranglerToml, "utf8")) as {
    compatibility_date?: string;
    compatibility_flags?: string[];
  };
  if (!toml.compatibility_date) throw new Error(`${wranglerToml} has no compatibility_date`);
  return { compatibilityDate: toml.compatibility_date, compatibilityFlags: toml.compatibility_flags ?? [] };
}

const text = (value: string) => JSON.stringify(value);

function externalService(name: string, url: string): string {
  const parsed = new URL(url);
  const secure = parsed.protocol === "https:";
  const address = `${parsed.hostname}:${parsed.port || (secure ? 443 : 80)}`;
  const transport = secure ? `https = (certificateHost = ${text(parsed.hostname)})` : "http = ()";
  return `(name = ${text(name)}, external = (address = ${text(address)}, ${transport}))`;
}

// STORAGE is the library folder through workerd's disk service, or the bucket's endpoint; the
// bucket's settings come as text bindings and its keys from the environment.
function storageBindings(storage: StorageConfig): { bindings: string[]; service: string } {
  if (storage.kind === "local") {
    return {
      bindings: [`(name = "STORAGE_KIND", text = "local")`],
      service: `(name = "storage", disk = (path = ${text(resolve(storage.root))}, writable = true))`,
    };
  }
  const { s3 } = storage;
  return {
    bindings: [
      `(name = "STORAGE_KIND", text = "s3")`,
      `(name = "S3_ENDPOINT", text = ${text(s3.endpoint)})`,
      `(name = "S3_PUBLIC_ENDPOINT", text = ${text(s3.publicEndpoint ?? s3.endpoint)})`,
      `(name = "S3_BUCKET", text = ${text(s3.bucket)})`,
      `(name = "S3_REGION", text = ${text(s3.region)})`,
      `(name = "S3_FORCE_PATH_STYLE", json = ${text(JSON.stringify(s3.forcePathStyle))})`,
      `(name = "S3_SERVE", text = ${text(storage.serve)})`,
      `(name = "S3_ACCESS_KEY_ID", fromEnvironment = ${text(secretEnvironment.s3AccessKeyId)})`,
      `(name = "S3_SECRET_ACCESS_KEY", fromEnvironment = ${text(secretEnvironment.s3SecretAccessKey)})`,
    ],
    service: externalService("storage", s3.endpoint),
  };
}

function renderWorkerdConfig(options: WorkerdConfigOptions): string {
  const { compatibilityDate, compatibilityFlags } = readRuntimeSettings();
  const configDir = dirname(options.configPath);
  const bundle = relative(configDir, options.bundlePath);
  const storage = storageBindings(options.storage);
  const listenHost = options.listen.host.includes(":") ? `[${options.listen.host}]` : options.listen.host;
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "shoebox", worker = (
      modules = [(name = "index.js", esModule = embed ${text(bundle)})],
      compatibilityDate = ${text(compatibilityDate)},
      compatibilityFlags = [${compatibilityFlags.map(text).join(", ")}],
      bindings = [
        (name = "DB", service = "db"),
        (name = "WORKER", service = "worker"),
        (name = "STORAGE", service = "storage"),
        (name = "ASSETS", service = "assets"),
        (name = "DB_URL", text = ${text(options.databaseUrl)}),
        (name = "VERSION", text = ${text(options.version)}),
        (name = "LOG_LEVEL", text = ${text(options.logLevel)}),
        (name = "TRUSTED_PROXIES", text = ${text(options.trustedProxies)}),
        (name = "MAP_TILE_URL", text = ${text(options.map.tileUrl ?? "")}),
        (name = "MAP_TILE_ATTRIBUTION", text = ${text(options.map.attribution)}),
        (name = "ML", text = ${text(options.ml.enabled ? "on" : "off")}),
        (name = "CLIP", text = ${text(options.ml.clipModelDir ? "on" : "off")}),
        (name = "DB_AUTH_TOKEN", fromEnvironment = ${text(secretEnvironment.dbAuthToken)}),
        (name = "INTERNAL_TOKEN", fromEnvironment = ${text(secretEnvironment.internalToken)}),
        ${storage.bindings.join(",\n        ")},
      ],
    )),
    ${externalService("db", options.databaseUrl)},
    ${externalService("worker", options.workerUrl)},
    ${storage.service},
    (name = "assets", disk = (path = ${text(resolve(options.publicDir))}, writable = false)),
  ],
  sockets = [
    (name = "http", address = ${text(`${listenHost}:${options.listen.port}`)}, http = (forwardedProtoHeader = "X-Forwarded-Proto"), service = "shoebox"),
  ],
);
`;
}

export function writeWorkerdConfig(options: WorkerdConfigOptions): void {
  mkdirSync(dirname(options.configPath), { recursive: true });
  if (options.storage.kind === "local") mkdirSync(options.storage.root, { recursive: true });
  writeFileSync(options.configPath, renderWorkerdConfig(options), { mode: 0o600 });
  chmodSync(options.configPath, 0o600);
}
