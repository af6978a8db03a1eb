// Shoebox's process entry point.
//   start   (default) the worker, and workerd for the HTTP side: what `npm start` runs
//   worker  the worker alone (docker compose's `worker` service, or an extra worker)
//   web     workerd alone, wired to a worker elsewhere (docker compose's `web` service)
// Either process dying takes the other down with it, with the reason printed. SIGINT or SIGTERM stops
// both within 15 s, in order; a job interrupted by the stop runs again after the next start.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { availableParallelism, hostname } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, mlQueues, parseConfig, type Config } from "../common/config";
import { getAsset, recordProcessingError } from "../common/assets";
import { sealPlainLinkKeys } from "../common/shared-links";
import { connectDatabase } from "../common/db";
import { EmbeddedDatabase } from "./db/embedded-database";
import { HranaServer } from "./db/hrana-server";
import { migrateDatabase } from "./db/migrate";
import { startInternalServer } from "./internal-server";
import { libraryEndpoints, type InternalRoutes } from "./libraries/endpoints";
import { markDataFolder } from "./libraries/folders";
import { startLibraryWatches } from "./libraries/watch";
import { errorForOwner } from "./jobs/errors";
import { JobRunner } from "./jobs/runner";
import { startJobProcess } from "./jobs/sandbox";
import { configureLog, log } from "./log";
import { startMaintenance } from "./maintenance";
import { projectRoot, sourcesNewerThanBuild } from "./paths";
import { createWorkerStorage } from "./storage";
import { startSpaceGuard } from "./storage/space";
import { handlerSecrets, handlerSettings } from "./web/handler-settings";
import { writeWorkerdConfig } from "./web/workerd-config";
import { startWorkerd } from "./web/workerd-process";

const roles = ["start", "worker", "web"] as const;
type Role = (typeof roles)[number];

type Stopper = () => Promise<void> | void;

function version(): string {
  return (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string }).version;
}

// The secret that workerd and the worker share; kept in the data folder so that processes started
// separately on one volume (docker compose) agree on it without configuration.
function internalToken(config: Config): string {
  if (process.env.INTERNAL_TOKEN) return process.env.INTERNAL_TOKEN;
  const path = join(config.dataDir, "internal-token");
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  try {
    writeFileSync(path, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process on the same volume wrote it first: theirs is the one.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(path, "utf8").trim();
}

async function startWorker(
  config: Config,
  token: string,
  stoppers: Stopper[],
  stopping: () => boolean,
): Promise<string> {
  // The model code loads only where a model is set up (and then when it is first used).
  if (config.ml.clipModelDir) {
    const [{ checkClipModelDir }, { configureModels }] = await Promise.all([
      import("./ml/clip"),
      import("./ml/runtime"),
    ]);
    checkClipModelDir(config.ml.clipModelDir);
    configureModels(config.ml);
  }
  let embedded: EmbeddedDatabase | undefined;
  let hrana: HranaServer | undefined;
  if (!config.databaseUrl) {
    embedded = new EmbeddedDatabase(join(config.dataDir, "shoebox.db"));
    hrana = new HranaServer(embedded);
  }
  let runner: JobRunner | undefined;
  const space = startSpaceGuard(config.dataDir);
  stoppers.push(() => space.stop());
  // Ready once the database is: until then a library request finds no route, and /ready says 503.
  let libraryRoutes: InternalRoutes | undefined;
  let ready = false;
  const internal = await startInternalServer({
    host: config.workerHost,
    port: config.workerPort,
    token,
    hrana,
    onJobsEnqueued: () => runner?.wake(),
    clipModelDir: config.ml.clipModelDir,
    libraries: (req, res, path) => libraryRoutes?.(req, res, path) ?? Promise.resolve(false),
    space,
    ready: () => ready && !stopping(),
  });
  stoppers.push(() => {
    hrana?.close();
    embedded?.close();
  });
  stoppers.push(
    () =>
      new Promise<void>((done) => {
        internal.server.close(() => done());
        internal.server.closeAllConnections();
      }),
  );

  const databaseUrl = config.databaseUrl ?? internal.url;
  const { client, db } = connectDatabase({
    url: databaseUrl,
    authToken: config.databaseUrl ? config.databaseAuthToken : token,
  });
  stoppers.push(() => client.close());
  await migrateDatabase(db);
  const sealed = await sealPlainLinkKeys(db, token);
  if (sealed) log.info("sealed the keys of shared links made before keys were kept sealed", { links: sealed });

  const workerId = `${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const storage = createWorkerStorage(config.storage, config.scratchRoot, workerId);
  const maintenance = startMaintenance({
    db,
    storage,
    scratchRoot: config.scratchRoot,
    workerId,
    staleMs: config.staleAfterMs,
    userDeleteGraceMs: config.userDeleteGraceMs,
    onJobsQueued: () => runner?.wake(),
  });
  stoppers.push(() => maintenance.stop());

  const jobRunner = new JobRunner({
    db,
    settings: config.jobs,
    workerId,
    startProcess: (queue) =>
      startJobProcess(
        {
          queue,
          databaseUrl,
          databaseAuthToken: config.databaseUrl ? config.databaseAuthToken : token,
          storage: config.storage,
          scratchRoot: config.scratchRoot,
          workerId,
          ml: config.ml,
          logLevel: config.logLevel,
        },
        () => runner?.wake(),
      ),
    // A model queue's process keeps its models loaded; it goes when they would be released.
    idleMs: (queue) =>
      mlQueues.includes(queue) ? Math.max(config.jobs.processIdleMs, config.ml.modelIdleMs) : config.jobs.processIdleMs,
    onFailed: async (job, message) => {
      const { assetId } = job.payload as { assetId?: unknown };
      const asset = typeof assetId === "string" ? await getAsset(db, assetId) : undefined;
      const roots = [config.scratchRoot, ...(config.storage.kind === "local" ? [config.storage.root] : [])].flatMap(
        (root) => [root, resolve(root)],
      );
      if (asset) await recordProcessingError(db, asset.id, errorForOwner(message, asset, roots));
    },
  });
  runner = jobRunner;
  // Job processes start when there are jobs, behind the answers: nothing here waits for them.
  void maintenance.ready.then(() => !stopping() && jobRunner.start());
  stoppers.push(() => jobRunner.stop());
  const watches = startLibraryWatches({ db, onJobsQueued: () => runner?.wake() });
  stoppers.push(() => watches.stop());
  await markDataFolder(config.dataDir);
  libraryRoutes = libraryEndpoints({ db, dataDir: config.dataDir, onLibrariesChanged: () => watches.refresh() });
  ready = true;
  log.info("worker ready", { internal: internal.url, database: config.databaseUrl ? databaseUrl : "embedded" });
  return internal.url;
}

async function startWeb(config: Config, workerUrl: string, token: string, stoppers: Stopper[]) {
  const runDir = join(config.dataDir, "run");
  const configPath = join(runDir, `workerd-${process.pid}.capnp`);
  writeWorkerdConfig({
    configPath,
    bundlePath: join(projectRoot, "dist", "functions.js"),
    publicDir: join(projectRoot, "public"),
    storage: config.storage,
    listen: { host: config.host, port: config.port },
    workerUrl,
    settings: handlerSettings(config, { workerUrl, version: version() }),
  });
  const workerd = await startWorkerd({ configPath, secrets: handlerSecrets(config, token) });
  stoppers.push(() => rmSync(configPath, { force: true }));
  stoppers.push(() => workerd.stop());
  const shown = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  // Tests and scripts read this line to find the port.
  process.stdout.write(
    `Shoebox is listening on http://${shown.includes(":") ? `[${shown}]` : shown}:${workerd.port}\n`,
  );
  return workerd;
}

async function main(): Promise<void> {
  const role = (process.argv[2] ?? "start") as Role;
  if (!roles.includes(role)) throw new ConfigError(`Unknown role "${role}"; use one of ${roles.join(", ")}`);
  const changed = sourcesNewerThanBuild();
  if (changed.length)
    throw new ConfigError(
      `${changed.slice(0, 3).join(", ")}${changed.length > 3 ? " and others" : ""} changed since the last build: run \`npm run build\` first`,
    );
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = parseConfig(process.env, { cores: availableParallelism() });
  configureLog({ level: config.logLevel });
  // Nothing Shoebox writes is for other local users: the database, the originals, the token.
  process.umask(0o077);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(config.dataDir, 0o700);
  const token = internalToken(config);

  const stoppers: Stopper[] = [];
  let stopping = false;
  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    (code === 0 ? log.info : log.error)(`stopping: ${reason}`);
    const deadline = setTimeout(() => {
      log.error("shutdown took too long; exiting anyway");
      process.exit(code || 1);
    }, 15_000);
    // Last started, first stopped: workerd, then the job runner, then the database.
    for (const stopper of stoppers.reverse()) {
      try {
        await stopper();
      } catch (error) {
        log.warn("error while stopping", { error });
      }
    }
    clearTimeout(deadline);
    process.exit(code);
  };
  // `on`, not `once`: Ctrl-C in a terminal reaches this process twice (from the terminal, and passed on
  // by npm), and a second signal must not cut the orderly stop short.
  process.on("SIGINT", () => void stop("interrupted", 0));
  process.on("SIGTERM", () => void stop("terminated", 0));
  const crash = (error: unknown) => {
    log.error("worker crashed", { error });
    void stop("the worker crashed", 1);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);

  try {
    const workerUrl = role === "web" ? config.workerUrl : await startWorker(config, token, stoppers, () => stopping);
    if (role === "worker") {
      process.stdout.write(`Shoebox worker is listening on ${workerUrl}\n`);
      return;
    }
    if (!workerUrl)
      throw new ConfigError("WORKER_URL must say where the worker listens when running the web role alone");
    const workerd = await startWeb(config, workerUrl, token, stoppers);
    void workerd.exited.then(({ reason, requested }) => stop(reason, requested ? 0 : 1));
  } catch (error) {
    await stop(error instanceof ConfigError ? error.message : `could not start: ${(error as Error).stack ?? error}`, 1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Shoebox could not start: ${error instanceof ConfigError ? error.message : ((error as Error).stack ?? error)}\n`,
  );
  process.exit(1);
});
