// What the handlers receive: the bindings named in the generated workerd config
// (workers/web/workerd-config.ts) and the per-request services the middleware sets up.
import type { Database } from "../common/db";
import type { Logger, LogLevel } from "../common/log";
import type { Storage } from "../common/storage";

export interface Bindings {
  DB: Fetcher;
  WORKER: Fetcher;
  STORAGE: Fetcher;
  ASSETS: Fetcher;
  DB_URL: string;
  DB_AUTH_TOKEN: string;
  INTERNAL_TOKEN: string;
  VERSION: string;
  // A JSON binding: a number, as parseConfig read it.
  LOG_LEVEL: LogLevel;
  // The reverse proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES).
  TRUSTED_PROXIES: string;
  // The map's tile URL template; empty when tiles are off.
  MAP_TILE_URL: string;
  MAP_TILE_ATTRIBUTION: string;
  // "on" unless ML=off: faces, people and tags are made.
  ML: "on" | "off";
  // "on" when a CLIP model is set up (CLIP_MODEL_DIR): free text is searched by what photos show.
  CLIP: "on" | "off";
  // "local": STORAGE is the library folder; "s3": STORAGE reaches the bucket, set up by the rest.
  STORAGE_KIND: "local" | "s3";
  S3_ENDPOINT: string;
  S3_PUBLIC_ENDPOINT: string;
  S3_BUCKET: string;
  S3_REGION: string;
  // A JSON binding: true or false.
  S3_FORCE_PATH_STYLE: boolean;
  S3_SERVE: "proxy" | "redirect";
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
}

export interface Variables {
  // Set for every request by middleware/request-context.ts: its id and its logger.
  requestId: string;
  log: Logger;
  db: Database;
  storage: Storage;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
