import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, defaults, parseConfig } from "../../common/config";

describe("configuration", () => {
  it("has working defaults for a plain npm start", () => {
    const config = parseConfig({});
    assert.equal(config.port, 2283);
    assert.equal(config.dataDir, "./data");
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.storage.root, "./data/library");
    assert.equal(config.jobs.maxAttempts, defaults.jobMaxAttempts);
    assert.equal(config.jobs.concurrency.thumbnailGeneration, 1);
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
    });
    assert.equal(config.port, 8080);
    assert.equal(config.storage.root, "/srv/photos/library");
    assert.equal(config.databaseUrl, "https://db.example.org");
    assert.equal(config.databaseAuthToken, "secret");
    assert.equal(config.workerUrl, "http://worker:2284");
    assert.equal(config.jobs.concurrency.thumbnailGeneration, 3);
    assert.equal(config.jobs.concurrency.metadataExtraction, 0);
    assert.equal(config.jobs.maxAttempts, 5);
  });

  it("says which setting is wrong and why", () => {
    assert.throws(() => parseConfig({ PORT: "http" }), (e: Error) => e instanceof ConfigError && /PORT/.test(e.message));
    assert.throws(() => parseConfig({ DATABASE_URL: "postgres://x" }), /DATABASE_URL must be an http:, https: or libsql: URL/);
    assert.throws(() => parseConfig({ JOB_CONCURRENCY: "faces=2" }), /unknown queue "faces"/);
    assert.throws(() => parseConfig({ STORAGE: "s3" }), /STORAGE/);
  });
});
