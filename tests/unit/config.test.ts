import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, defaults, mapTileSource, parseConfig } from "../../common/config";

describe("configuration", () => {
  it("has working defaults for a plain npm start", () => {
    const config = parseConfig({});
    assert.equal(config.port, 2283);
    assert.equal(config.dataDir, "./data");
    assert.equal(config.databaseUrl, undefined);
    assert.deepEqual(config.storage, { kind: "local", root: "./data/library", template: defaults.storageTemplate });
    assert.equal(config.scratchRoot, "./data/library/.tmp");
    assert.equal(config.jobs.maxAttempts, defaults.jobMaxAttempts);
    assert.equal(config.jobs.concurrency.thumbnailGeneration, 1);
    assert.deepEqual(config.map, {
      tileUrl: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
      attribution: "© OpenStreetMap contributors",
    });
  });

  it("reads every documented variable", () => {
    const config = parseConfig({
      PORT: "8080",
      HOST: "0.0.0.0",
      DATA_DIR: "/srv/photos/",
      DATABASE_URL: "libsql://db.example.org",
      DATABASE_AUTH_TOKEN: "secret",
      WORKER_URL: "http://worker:2284",
      JOB_CONCURRENCY: "thumbnailGeneration=3, metadataExtraction=0",
      JOB_MAX_ATTEMPTS: "5",
      MAP_TILE_URL: " https://{s}.tiles.example.org:8443/base/{z}/{x}/{y}{r}.png ",
      MAP_TILE_ATTRIBUTION: "© Example Maps",
    });
    assert.equal(config.port, 8080);
    assert.deepEqual(config.storage, {
      kind: "local",
      root: "/srv/photos/library",
      template: defaults.storageTemplate,
    });
    assert.equal(config.databaseUrl, "https://db.example.org");
    assert.equal(config.databaseAuthToken, "secret");
    assert.equal(config.workerUrl, "http://worker:2284");
    assert.equal(config.jobs.concurrency.thumbnailGeneration, 3);
    assert.equal(config.jobs.concurrency.metadataExtraction, 0);
    assert.equal(config.jobs.maxAttempts, 5);
    assert.deepEqual(config.map, {
      tileUrl: "https://{s}.tiles.example.org:8443/base/{z}/{x}/{y}{r}.png",
      attribution: "© Example Maps",
    });
  });

  it("reads the bucket settings of S3 mode", () => {
    const config = parseConfig({
      DATA_DIR: "/srv/photos",
      STORAGE: "s3",
      S3_ENDPOINT: "http://nas.local:9000",
      S3_BUCKET: "photos",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_FORCE_PATH_STYLE: "false",
      S3_SERVE: "redirect",
    });
    assert.deepEqual(config.storage, {
      kind: "s3",
      serve: "redirect",
      s3: {
        endpoint: "http://nas.local:9000",
        publicEndpoint: undefined,
        bucket: "photos",
        region: "us-east-1",
        accessKeyId: "id",
        secretAccessKey: "secret",
        forcePathStyle: false,
      },
    });
    assert.equal(config.scratchRoot, "/srv/photos/scratch");
    assert.throws(() => parseConfig({ STORAGE: "s3", S3_ENDPOINT: "http://nas.local:9000" }), /S3_BUCKET must be set/);
    assert.throws(() => parseConfig({ STORAGE: "ftp" }), /STORAGE must be "local" or "s3"/);
    assert.throws(() => parseConfig({ STORAGE_TEMPLATE: "../{{filename}}" }), /STORAGE_TEMPLATE/);
  });

  it("turns map tiles off, and names the tile server's origin for the Content-Security-Policy", () => {
    assert.equal(parseConfig({ MAP_TILE_URL: "off" }).map.tileUrl, undefined);
    assert.equal(parseConfig({ MAP_TILE_URL: "OFF" }).map.tileUrl, undefined);
    assert.equal(
      parseConfig({ MAP_TILE_URL: "" }).map.tileUrl,
      defaults.mapTileUrl,
      "empty, as compose passes an unset variable, is the default",
    );
    assert.equal(mapTileSource(defaults.mapTileUrl), "https://tile.openstreetmap.org");
    assert.equal(mapTileSource("http://localhost:8080/tiles/{z}/{x}/{y}.png"), "http://localhost:8080");
    assert.equal(mapTileSource("https://{s}.Tiles.Example.org/{z}/{x}/{y}.png"), "https://*.tiles.example.org");
  });

  it("says which setting is wrong and why", () => {
    assert.throws(
      () => parseConfig({ PORT: "http" }),
      (e: Error) => e instanceof ConfigError && /PORT/.test(e.message),
    );
    assert.throws(
      () => parseConfig({ DATABASE_URL: "postgres://x" }),
      /DATABASE_URL must be an http:, https: or libsql: URL/,
    );
    assert.throws(() => parseConfig({ JOB_CONCURRENCY: "faces=2" }), /unknown queue "faces"/);
    assert.throws(() => parseConfig({ STORAGE: "s3" }), /STORAGE/);
    assert.throws(
      () => parseConfig({ MAP_TILE_URL: "tiles.example.org/{z}/{x}/{y}.png" }),
      /MAP_TILE_URL must be an http: or https: URL/,
    );
    assert.throws(
      () => parseConfig({ MAP_TILE_URL: "ftp://tiles.example.org/{z}/{x}/{y}.png" }),
      /MAP_TILE_URL must be an http: or https: URL/,
    );
    assert.throws(
      () => parseConfig({ MAP_TILE_URL: "https://tiles.example.org/{z}/{x}.png" }),
      /MAP_TILE_URL must contain \{y\}/,
    );
    assert.throws(
      () => parseConfig({ MAP_TILE_URL: "https://tiles-{s}.example.org/{z}/{x}/{y}.png" }),
      /\{s\} only as the first part of the host/,
    );
    assert.throws(
      () => parseConfig({ MAP_TILE_URL: "https://user:secret@tiles.example.org/{z}/{x}/{y}.png" }),
      /user name or password/,
    );
  });

  it("sets up CLIP only with the image models on", () => {
    assert.equal(parseConfig({}).ml.clipModelDir, undefined);
    assert.equal(
      parseConfig({ CLIP_MODEL_DIR: "/models/ViT-B-32__openai/" }).ml.clipModelDir,
      "/models/ViT-B-32__openai",
    );
    const off = parseConfig({ ML: "off", CLIP_MODEL_DIR: "/models/ViT-B-32__openai" });
    assert.equal(off.ml.clipModelDir, undefined);
    assert.equal(off.jobs.concurrency.smartSearch, 0);
  });

  it("sizes the job pool to the machine, and lets idle processes and models go", () => {
    const config = parseConfig({}, { cores: 4 });
    assert.equal(config.jobs.processes, 4);
    assert.equal(config.jobs.processIdleMs, defaults.jobProcessIdleMs);
    assert.equal(config.ml.modelIdleMs, 5 * 60_000);
    const set = parseConfig(
      { JOB_PROCESSES: "1", JOB_PROCESS_IDLE_MS: "5000", ML_MODEL_IDLE_MS: "60000" },
      { cores: 4 },
    );
    assert.deepEqual([set.jobs.processes, set.jobs.processIdleMs, set.ml.modelIdleMs], [1, 5000, 60_000]);
    assert.throws(() => parseConfig({ JOB_PROCESSES: "0" }), /JOB_PROCESSES must be a whole number between 1 and 256/);
  });

  it("reads the log level and the models' threads, and refuses what they cannot be", () => {
    assert.equal(parseConfig({}).logLevel, "info");
    assert.equal(
      parseConfig({ LOG_LEVEL: "" }).logLevel,
      "info",
      "empty, as compose passes an unset variable, is the default",
    );
    assert.equal(parseConfig({ LOG_LEVEL: " WARN " }).logLevel, "warn");
    assert.throws(
      () => parseConfig({ LOG_LEVEL: "verbose" }),
      /LOG_LEVEL must be one of debug, info, warn, error, got "verbose"/,
    );
    assert.equal(parseConfig({}).ml.threads, undefined, "unset: onnxruntime's default, one per core");
    assert.equal(parseConfig({ ML_THREADS: "2" }).ml.threads, 2);
    assert.throws(
      () => parseConfig({ ML_THREADS: "0" }),
      /ML_THREADS must be a whole number between 1 and 256, got "0"/,
    );
    assert.throws(() => parseConfig({ ML_THREADS: "two" }), /ML_THREADS/);
  });
});
