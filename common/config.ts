// Configuration: every setting, its default, and its parsing, in one place.
// The worker reads it from the environment (and an optional .env); workerd receives the parts
// it needs as named bindings in the config the worker generates (see workers/web/workerd-config.ts).
import { AddressError, parseNetworks } from "./client-address";
import { isQueueName, queueNames, type QueueName } from "./jobs";
import { isLogLevel, logLevels, type LogLevel } from "./log";
import type { S3Settings } from "./s3";

export const defaults = {
  port: 2283,
  host: "127.0.0.1",
  dataDir: "./data",
  workerHost: "127.0.0.1",
  // 0: the OS picks a free port for the worker's internal endpoint (the embedded setup).
  workerPort: 0,
  jobConcurrency: 1,
  // A job process with nothing to do exits after this long; one of an image model queue stays as long
  // as its models do (mlModelIdleMs), so that a trickle of uploads does not load them again each time.
  jobProcessIdleMs: 30_000,
  // Image models are let go after this long unused (Immich unloads after 5 minutes too).
  mlModelIdleMs: 5 * 60_000,
  jobMaxAttempts: 3,
  logLevel: "info",
  jobLeaseMs: 60_000,
  jobRetryBaseMs: 10_000,
  jobPollMs: 1_000,
  // How long one job may take before it is stopped and failed, per queue.
  jobTimeoutMs: {
    metadataExtraction: 2 * 60_000,
    thumbnailGeneration: 5 * 60_000,
    videoConversion: 3 * 60 * 60_000,
    backgroundTask: 10 * 60_000,
    // A scan walks a whole folder tree (a NAS share of 100,000 files); a sync job hashes its files.
    library: 60 * 60_000,
    // One preview through the face models; one face's clustering.
    faceDetection: 5 * 60_000,
    facialRecognition: 2 * 60_000,
    // One preview through the object model.
    smartSearch: 5 * 60_000,
  } satisfies Record<QueueName, number>,
  // Scratch folders of dead workers and partial files of abandoned uploads go after this long still.
  staleAfterMs: 10 * 60_000,
  // A user removed by an admin can be restored for this long; then the account and its files go.
  userDeleteGraceMs: 7 * 24 * 60 * 60_000,
  // Sign-in attempts, counted before the password is checked (see functions/services/sign-in.ts).
  // Each counter forgets attempts after windowMs without one. Once a counter reaches maxAttempts,
  // the next attempt is refused for refusalMs, doubling with each attempt after that, up to
  // maxRefusalMs. An account from one address gets few tries; an address trying many accounts more;
  // an account from everywhere at once more again, and from a device it was signed in on before,
  // no account-wide limit at all, so that an attack from many addresses cannot lock its owner out.
  signInLimits: {
    accountAddress: { maxAttempts: 5, windowMs: 15 * 60_000, refusalMs: 60_000, maxRefusalMs: 15 * 60_000 },
    address: { maxAttempts: 20, windowMs: 15 * 60_000, refusalMs: 15 * 60_000, maxRefusalMs: 15 * 60_000 },
    account: { maxAttempts: 10, windowMs: 60 * 60_000, refusalMs: 60_000, maxRefusalMs: 15 * 60_000 },
  },
  // Request bodies read whole are refused (413) past these sizes; files stream instead. JSON as Immich
  // allows it (a bulk request of thousands of ids fits); a page's form; what anyone may send before
  // they are known (a sign-in); one field of a multipart upload, and how many parts one may have.
  bodyLimits: {
    json: 10 * 1024 * 1024,
    form: 1024 * 1024,
    public: 64 * 1024,
    multipartField: 64 * 1024,
    multipartParts: 100,
  },
  // How long a device stays known to an account after a sign-in on it.
  knownDeviceMs: 400 * 24 * 60 * 60_000,
  // Trashed photos are deleted for good after this many days.
  trashDays: 30,
  // Sessions end after this long unused; the session cookie lasts as long, from its last use. As
  // Immich's: a phone app opened once in a while stays signed in. Browsers keep no cookie longer.
  sessionIdleMs: 400 * 24 * 60 * 60_000,
  // Where the map page's browser loads map tiles from, and the credit the tiles need.
  mapTileUrl: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
  mapTileAttribution: "© OpenStreetMap contributors",
  // How long a presigned URL (a direct upload, or a redirect to an original in the bucket) works.
  presignedUploadSeconds: 15 * 60,
  presignedDownloadSeconds: 5 * 60,
  // Where originals go on a local volume, under library/<user>/ (see common/storage-template.ts).
  storageTemplate: "{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}",
  // Clustering of faces into people, as Immich does it (workers/jobs/faces.ts): a face with at least
  // minFaces faces (itself included) within maxDistance (cosine distance of the embeddings) is a core
  // face and founds or joins a person (Immich uses 3); so is a face with another within pairDistance,
  // so close that two photos are enough. Chosen with `npm run eval:ml -- --split tune --sweep`
  // (eval/README.md) for dlib's descriptor on SSD's faces aligned by their 68 landmarks: there one
  // person's faces were 0.010–0.091 apart (median 0.025) and different people's 0.078–0.241; 0.07
  // kept every person apart (pairwise precision 1.00), 0.08 joined two strangers; with the pairs,
  // recall 0.67 (0.62 without). FACE_MAX_DISTANCE, FACE_MIN_FACES and FACE_PAIR_DISTANCE override them.
  faces: { maxDistance: 0.07, minFaces: 3, pairDistance: 0.05 },
  // People whose faces come this close are offered to their owner as maybe one person (the People
  // page and GET /api/people/{id}/merge-suggestions). On the tune split one person's faces were up
  // to 0.096 apart (decades apart, or in the dark) and the two closest strangers 0.082.
  mergeSuggestionDistance: 0.13,
  // Explore shows a thing (and picks its cover) only where the object model was this sure of it: more
  // than it takes to keep a tag for search (0.45, workers/ml/object-tags.ts). On the tune split of
  // `npm run eval:ml` the arguable animals (a far sheep on a mountain, a bird on a roof) scored 0.50
  // or less, the plain ones 0.52 or more.
  exploreTagScore: 0.52,
} as const;

// How long after its URL expires a direct upload may still be completed; its object is kept that long.
export const directUploadCompletionGraceMs = 60 * 60_000;

// Originals and derivatives on the local volume (under dataDir/library), or in a bucket. With a
// bucket, files are served either through Shoebox ("proxy") or by redirecting the client to a
// short-lived presigned URL ("redirect"), which takes the bytes off this server.
export type StorageConfig =
  | { kind: "local"; root: string; template: string }
  | { kind: "s3"; s3: S3Settings; serve: "proxy" | "redirect" };

export interface Config {
  port: number;
  host: string;
  // The reverse proxies whose X-Forwarded-For names the client (addresses and networks); empty: none.
  trustedProxies: string;
  dataDir: string;
  // Undefined: the worker serves the embedded database file in dataDir.
  databaseUrl?: string;
  databaseAuthToken?: string;
  storage: StorageConfig;
  // Where the worker's tools write temporary files: beside the library on a volume, so that a
  // finished file is moved into place rather than copied.
  scratchRoot: string;
  workerHost: string;
  workerPort: number;
  // Where workerd reaches the worker when they don't share a machine (docker compose).
  workerUrl?: string;
  jobs: {
    concurrency: Record<QueueName, number>;
    // Jobs running at once over all queues, each in a job process (JOB_PROCESSES; one per core by default).
    processes: number;
    processIdleMs: number;
    maxAttempts: number;
    leaseMs: number;
    retryBaseMs: number;
    pollMs: number;
    timeoutMs: Record<QueueName, number>;
  };
  staleAfterMs: number;
  userDeleteGraceMs: number;
  // Undefined tileUrl: the map shows photos on a plain background and the browser asks no tile server.
  map: { tileUrl?: string; attribution: string };
  // ML=off: no face detection, recognition or object tagging is queued, and their queues run no process.
  ml: MlConfig;
  // The least severe log lines written, by every process (LOG_LEVEL).
  logLevel: LogLevel;
}

export interface MlConfig {
  enabled: boolean;
  // A model session unused this long is released (ML_MODEL_IDLE_MS).
  modelIdleMs: number;
  // Threads each model session may use (ML_THREADS); undefined: onnxruntime's default, one per core.
  threads?: number;
  faces: { maxDistance: number; minFaces: number; pairDistance: number };
  // The folder of an Immich-style CLIP model (textual/ and visual/ with model.onnx in each), for
  // search in words; undefined when none is set up, or ML is off.
  clipModelDir?: string;
}

// The queues of the image models: they run nothing when ML is off.
export const mlQueues: QueueName[] = ["faceDetection", "facialRecognition", "smartSearch"];

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

function integer(env: Env, key: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be a whole number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function url(env: Env, key: string): string | undefined {
  const raw = env[key]?.trim();
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${key} must be a URL, got "${raw}"`);
  }
  if (!["http:", "https:", "libsql:"].includes(parsed.protocol)) {
    throw new ConfigError(`${key} must be an http:, https: or libsql: URL, got "${raw}"`);
  }
  // libsql:// is sqld's name for Hrana over https.
  if (parsed.protocol === "libsql:") return `https://${raw.slice("libsql://".length)}`;
  return raw;
}

// The Content-Security-Policy source that lets pages load a tile URL's images ("https://tile.example.org",
// or "https://*.tile.example.org" for a `{s}.` subdomain), or a ConfigError saying what is wrong with it.
export function mapTileSource(tileUrl: string, key = "MAP_TILE_URL"): string {
  let parsed: URL;
  try {
    parsed = new URL(tileUrl);
  } catch {
    throw new ConfigError(
      `${key} must be an http: or https: URL with {z}, {x} and {y} in it, or "off", got "${tileUrl}"`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ConfigError(`${key} must be an http: or https: URL, got "${tileUrl}"`);
  }
  const missing = ["{z}", "{x}", "{y}"].filter((part) => !tileUrl.includes(part));
  if (missing.length)
    throw new ConfigError(`${key} must contain ${missing.join(", ")} (e.g. ${defaults.mapTileUrl}), got "${tileUrl}"`);
  if (parsed.username || parsed.password)
    throw new ConfigError(`${key} must not carry a user name or password, got "${tileUrl}"`);
  const subdomains = parsed.host.startsWith("{s}.");
  const host = subdomains ? parsed.host.slice("{s}.".length) : parsed.host;
  if (!/^[a-z0-9._-]+(:\d+)?$|^\[[0-9a-f:.]+\](:\d+)?$/.test(host)) {
    throw new ConfigError(`${key} may use {s} only as the first part of the host name, got "${tileUrl}"`);
  }
  return `${parsed.protocol}//${subdomains ? "*." : ""}${host}`;
}

// MAP_TILE_URL: unset or empty (as docker compose passes an unset variable) means OpenStreetMap's
// tiles; "off", none.
function mapTileUrl(env: Env): string | undefined {
  const value = env.MAP_TILE_URL?.trim() || defaults.mapTileUrl;
  if (value.toLowerCase() === "off") return undefined;
  mapTileSource(value);
  return value;
}

// JOB_CONCURRENCY="thumbnailGeneration=2,metadataExtraction=4"; queues not named run one job at a time.
function jobConcurrency(env: Env): Record<QueueName, number> {
  const result = Object.fromEntries(queueNames.map((q) => [q, defaults.jobConcurrency])) as Record<QueueName, number>;
  const raw = env.JOB_CONCURRENCY?.trim();
  if (!raw) return result;
  for (const part of raw.split(",")) {
    const [name, count] = part.split("=").map((s) => s.trim());
    const value = Number(count);
    if (!name || !isQueueName(name)) {
      throw new ConfigError(`JOB_CONCURRENCY names an unknown queue "${name}"; queues are ${queueNames.join(", ")}`);
    }
    if (!Number.isInteger(value) || value < 0 || value > 64) {
      throw new ConfigError(`JOB_CONCURRENCY for ${name} must be a whole number from 0 to 64, got "${count}"`);
    }
    result[name] = value;
  }
  return result;
}

function number(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new ConfigError(`${key} must be a number between ${min} and ${max}, got "${raw}"`);
  return value;
}

// ML: "on" (the default) or "off", for machines too small to run the image models.
export function parseMl(env: Env): MlConfig {
  const raw = env.ML?.trim().toLowerCase() || "on";
  if (!["on", "off", "true", "false", "1", "0"].includes(raw))
    throw new ConfigError(`ML must be "on" or "off", got "${env.ML}"`);
  const enabled = raw === "on" || raw === "true" || raw === "1";
  const clipModelDir = env.CLIP_MODEL_DIR?.trim().replace(/\/+$/, "") || undefined;
  return {
    enabled,
    modelIdleMs: integer(env, "ML_MODEL_IDLE_MS", defaults.mlModelIdleMs, 1000),
    ...(env.ML_THREADS?.trim() ? { threads: integer(env, "ML_THREADS", 1, 1, 256) } : {}),
    ...(enabled && clipModelDir ? { clipModelDir } : {}),
    faces: {
      maxDistance: number(env, "FACE_MAX_DISTANCE", defaults.faces.maxDistance, 0.01, 2),
      minFaces: integer(env, "FACE_MIN_FACES", defaults.faces.minFaces, 1, 100),
      pairDistance: number(env, "FACE_PAIR_DISTANCE", defaults.faces.pairDistance, 0, 2),
    },
  };
}

function logLevel(env: Env): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase() || defaults.logLevel;
  if (!isLogLevel(raw))
    throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(", ")}, got "${env.LOG_LEVEL}"`);
  return raw;
}

function trustedProxies(env: Env): string {
  const list = env.TRUSTED_PROXIES?.trim() ?? "";
  try {
    parseNetworks(list);
  } catch (error) {
    if (error instanceof AddressError) throw new ConfigError(`TRUSTED_PROXIES: ${error.message}`);
    throw error;
  }
  return list;
}

function required(env: Env, key: string, why: string): string {
  const value = env[key]?.trim();
  if (!value) throw new ConfigError(`${key} must be set ${why}`);
  return value;
}

function storageTemplate(env: Env): string {
  const template = env.STORAGE_TEMPLATE?.trim() || defaults.storageTemplate;
  if (!template.includes("{{filename}}"))
    throw new ConfigError(`STORAGE_TEMPLATE must end in {{filename}}, got "${template}"`);
  if (template.startsWith("/") || template.split("/").some((part) => part === ".." || part === ".")) {
    throw new ConfigError(`STORAGE_TEMPLATE must be a relative path without . or .. parts, got "${template}"`);
  }
  return template;
}

function s3Storage(env: Env): StorageConfig {
  const why = 'when STORAGE is "s3"';
  const endpoint = url(env, "S3_ENDPOINT");
  if (!endpoint) throw new ConfigError(`S3_ENDPOINT must be set ${why} (e.g. http://nas.local:9000)`);
  const serve = env.S3_SERVE?.trim() || "proxy";
  if (serve !== "proxy" && serve !== "redirect")
    throw new ConfigError(`S3_SERVE must be "proxy" or "redirect", got "${serve}"`);
  const forcePathStyle = env.S3_FORCE_PATH_STYLE?.trim().toLowerCase() || "true";
  if (!["true", "false", "1", "0"].includes(forcePathStyle))
    throw new ConfigError(`S3_FORCE_PATH_STYLE must be true or false, got "${forcePathStyle}"`);
  return {
    kind: "s3",
    serve,
    s3: {
      endpoint,
      publicEndpoint: url(env, "S3_PUBLIC_ENDPOINT"),
      bucket: required(env, "S3_BUCKET", why),
      region: env.S3_REGION?.trim() || "us-east-1",
      accessKeyId: required(env, "S3_ACCESS_KEY_ID", why),
      secretAccessKey: required(env, "S3_SECRET_ACCESS_KEY", why),
      forcePathStyle: forcePathStyle === "true" || forcePathStyle === "1",
    },
  };
}

// `cores`: the machine's (os.availableParallelism(), which common/ cannot ask), for the default
// number of job processes.
export function parseConfig(env: Env, { cores = 1 }: { cores?: number } = {}): Config {
  const dataDir = (env.DATA_DIR?.trim() || defaults.dataDir).replace(/\/+$/, "") || "/";
  const kind = env.STORAGE?.trim() || "local";
  if (kind !== "local" && kind !== "s3") throw new ConfigError(`STORAGE must be "local" or "s3", got "${kind}"`);
  // Kept apart from the database file: workerd's disk binding sees only this folder.
  const libraryRoot = `${dataDir}/library`;
  const storage: StorageConfig =
    kind === "s3" ? s3Storage(env) : { kind: "local", root: libraryRoot, template: storageTemplate(env) };
  const ml = parseMl(env);
  const concurrency = jobConcurrency(env);
  if (!ml.enabled) for (const queue of mlQueues) concurrency[queue] = 0;
  return {
    port: integer(env, "PORT", defaults.port, 0, 65535),
    host: env.HOST?.trim() || defaults.host,
    trustedProxies: trustedProxies(env),
    dataDir,
    databaseUrl: url(env, "DATABASE_URL"),
    databaseAuthToken: env.DATABASE_AUTH_TOKEN?.trim() || undefined,
    storage,
    scratchRoot: storage.kind === "local" ? `${libraryRoot}/.tmp` : `${dataDir}/scratch`,
    workerHost: env.WORKER_HOST?.trim() || defaults.workerHost,
    workerPort: integer(env, "WORKER_PORT", defaults.workerPort, 0, 65535),
    workerUrl: url(env, "WORKER_URL"),
    jobs: {
      concurrency,
      processes: integer(env, "JOB_PROCESSES", Math.max(1, cores), 1, 256),
      processIdleMs: integer(env, "JOB_PROCESS_IDLE_MS", defaults.jobProcessIdleMs, 100),
      maxAttempts: integer(env, "JOB_MAX_ATTEMPTS", defaults.jobMaxAttempts, 1, 100),
      leaseMs: integer(env, "JOB_LEASE_MS", defaults.jobLeaseMs, 100),
      retryBaseMs: integer(env, "JOB_RETRY_BASE_MS", defaults.jobRetryBaseMs, 0),
      pollMs: integer(env, "JOB_POLL_MS", defaults.jobPollMs, 10),
      timeoutMs: defaults.jobTimeoutMs,
    },
    staleAfterMs: integer(env, "STALE_AFTER_MS", defaults.staleAfterMs, 100),
    userDeleteGraceMs: integer(env, "USER_DELETE_GRACE_MS", defaults.userDeleteGraceMs, 0),
    map: { tileUrl: mapTileUrl(env), attribution: env.MAP_TILE_ATTRIBUTION?.trim() || defaults.mapTileAttribution },
    ml,
    logLevel: logLevel(env),
  };
}
