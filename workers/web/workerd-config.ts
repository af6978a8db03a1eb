// Writes the workerd config for the request handlers: one worker (the bundle of functions/) and
// the services it may reach, each by a named binding. Nothing else is reachable from the handlers.
// Settings arrive as handler-settings.ts made them from parseConfig's result, once: numbers and
// booleans as JSON bindings, so that no handler parses a string again (functions/env.ts has their types).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { projectRoot } from "../paths";
import { parse as parseToml } from "smol-toml";
import type { StorageConfig } from "../../common/config";
import type { HandlerSecrets, HandlerSettings } from "./handler-settings";

export interface WorkerdConfigOptions {
  // Where the generated config goes; embed paths are written relative to it.
  configPath: string;
  bundlePath: string;
  publicDir: string;
  storage: StorageConfig;
  listen: { host: string; port: number };
  workerUrl: string;
  // The plain bindings (handler-settings.ts); the database is reached at settings.DB_URL.
  settings: HandlerSettings;
}

// The values of these bindings come from workerd's environment, so secrets never land in the file.
export const secretEnvironment: Record<keyof HandlerSecrets, string> = {
  DB_AUTH_TOKEN: "SHOEBOX_DB_AUTH_TOKEN",
  INTERNAL_TOKEN: "SHOEBOX_INTERNAL_TOKEN",
  S3_ACCESS_KEY_ID: "SHOEBOX_S3_ACCESS_KEY_ID",
  S3_SECRET_ACCESS_KEY: "SHOEBOX_S3_SECRET_ACCESS_KEY",
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

// STORAGE is the library folder through workerd's disk service, or the bucket's endpoint.
function storageService(storage: StorageConfig): string {
  return storage.kind === "local"
    ? `(name = "storage", disk = (path = ${text(resolve(storage.root))}, writable = true))`
    : externalService("storage", storage.s3.endpoint);
}

// Each setting as a text binding, or a JSON one for numbers and booleans; each secret from the environment.
function settingBindings(settings: HandlerSettings): string[] {
  return [
    ...Object.entries(settings).map(([name, value]) =>
      typeof value === "string"
        ? `(name = ${text(name)}, text = ${text(value)})`
        : `(name = ${text(name)}, json = ${text(JSON.stringify(value))})`,
    ),
    ...Object.entries(secretEnvironment).map(
      ([name, variable]) => `(name = ${text(name)}, fromEnvironment = ${text(variable)})`,
    ),
  ];
}

function renderWorkerdConfig(options: WorkerdConfigOptions): string {
  const { compatibilityDate, compatibilityFlags } = readRuntimeSettings();
  const configDir = dirname(options.configPath);
  const bundle = relative(configDir, options.bundlePath);
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
        ${settingBindings(options.settings).join(",\n        ")},
      ],
    )),
    ${externalService("db", options.settings.DB_URL)},
    ${externalService("worker", options.workerUrl)},
    ${storageService(options.storage)},
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
