// The request handlers' plain bindings (functions/env.ts), made from the configuration in one place
// for workerd (workerd-config.ts), `npm run dev`'s Miniflare (scripts/dev.ts) and the unit tests.
import type { Config } from "../../common/config";
import type { LogLevel } from "../../common/log";

// Text, numbers and booleans, as parseConfig made them: no handler parses a string again.
export interface HandlerSettings {
  DB_URL: string;
  VERSION: string;
  LOG_LEVEL: LogLevel;
  TRUSTED_PROXIES: string;
  MAP_TILE_URL: string;
  MAP_TILE_ATTRIBUTION: string;
  ML: "on" | "off";
  CLIP: "on" | "off";
  STORAGE_KIND: "local" | "s3";
  // Empty (and S3_SERVE "proxy") when the library is a local folder.
  S3_ENDPOINT: string;
  S3_PUBLIC_ENDPOINT: string;
  S3_BUCKET: string;
  S3_REGION: string;
  S3_FORCE_PATH_STYLE: boolean;
  S3_SERVE: "proxy" | "redirect";
}

// The bindings that are secrets: workerd reads them from its environment, never from the config file.
export interface HandlerSecrets {
  DB_AUTH_TOKEN: string;
  INTERNAL_TOKEN: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
}

// `workerUrl` serves the embedded database too, unless DATABASE_URL names another.
export function handlerSettings(config: Config, at: { workerUrl: string; version: string }): HandlerSettings {
  const s3 = config.storage.kind === "s3" ? config.storage.s3 : undefined;
  return {
    DB_URL: config.databaseUrl ?? at.workerUrl,
    VERSION: at.version,
    LOG_LEVEL: config.logLevel,
    TRUSTED_PROXIES: config.trustedProxies,
    MAP_TILE_URL: config.map.tileUrl ?? "",
    MAP_TILE_ATTRIBUTION: config.map.attribution,
    ML: config.ml.enabled ? "on" : "off",
    CLIP: config.ml.clipModelDir ? "on" : "off",
    STORAGE_KIND: config.storage.kind,
    S3_ENDPOINT: s3?.endpoint ?? "",
    S3_PUBLIC_ENDPOINT: s3 ? (s3.publicEndpoint ?? s3.endpoint) : "",
    S3_BUCKET: s3?.bucket ?? "",
    S3_REGION: s3?.region ?? "",
    S3_FORCE_PATH_STYLE: s3?.forcePathStyle ?? false,
    S3_SERVE: config.storage.kind === "s3" ? config.storage.serve : "proxy",
  };
}

// The embedded database is reached with the internal token; another one with its own (if any).
export function handlerSecrets(config: Config, internalToken: string): HandlerSecrets {
  const s3 = config.storage.kind === "s3" ? config.storage.s3 : undefined;
  return {
    DB_AUTH_TOKEN: config.databaseUrl ? (config.databaseAuthToken ?? "") : internalToken,
    INTERNAL_TOKEN: internalToken,
    S3_ACCESS_KEY_ID: s3?.accessKeyId ?? "",
    S3_SECRET_ACCESS_KEY: s3?.secretAccessKey ?? "",
  };
}
