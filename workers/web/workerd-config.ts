// Writes the workerd config for the request handlers: one worker (the bundle of functions/) and
// the services it may reach, each by a named binding. Nothing else is reachable from the handlers.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";

export interface WorkerdConfigOptions {
  // Where the generated config goes; embed paths are written relative to it.
  configPath: string;
  bundlePath: string;
  publicDir: string;
  storageRoot: string;
  listen: { host: string; port: number };
  databaseUrl: string;
  workerUrl: string;
  version: string;
  jobMaxAttempts: number;
  // The map's tile URL template (undefined: no tiles) and the credit shown with the tiles.
  map: { tileUrl?: string; attribution: string };
}

// The values of these bindings come from workerd's environment, so secrets never land in the file.
export const secretEnvironment = { dbAuthToken: "SHOEBOX_DB_AUTH_TOKEN", internalToken: "SHOEBOX_INTERNAL_TOKEN" };

const wranglerToml = resolve(import.meta.dirname, "../../wrangler.toml");

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
        (name = "DB_URL", text = ${text(options.databaseUrl)}),
        (name = "VERSION", text = ${text(options.version)}),
        (name = "JOB_MAX_ATTEMPTS", text = ${text(String(options.jobMaxAttempts))}),
        (name = "MAP_TILE_URL", text = ${text(options.map.tileUrl ?? "")}),
        (name = "MAP_TILE_ATTRIBUTION", text = ${text(options.map.attribution)}),
        (name = "DB_AUTH_TOKEN", fromEnvironment = ${text(secretEnvironment.dbAuthToken)}),
        (name = "INTERNAL_TOKEN", fromEnvironment = ${text(secretEnvironment.internalToken)}),
      ],
    )),
    ${externalService("db", options.databaseUrl)},
    ${externalService("worker", options.workerUrl)},
    (name = "storage", disk = (path = ${text(resolve(options.storageRoot))}, writable = true)),
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
  mkdirSync(options.storageRoot, { recursive: true });
  writeFileSync(options.configPath, renderWorkerdConfig(options), { mode: 0o600 });
  chmodSync(options.configPath, 0o600);
}
