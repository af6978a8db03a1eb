// No Docker engine runs here, so the image and the compose file are checked for what they promise: the
// two services start the same entry point and roles as `npm start`, on one shared data volume, with
// every documented setting, health checks that wait for the migrated database, and time to stop.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { projectRoot } from "./helpers/shoebox";

interface Service {
  command?: string[];
  image?: string;
  build?: string;
  volumes?: string[];
  environment?: Record<string, string>;
  profiles?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  init?: boolean;
}

// Merge keys (<<), as docker compose reads them.
const compose = parse(readFileSync(join(projectRoot, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};
const dockerfile = readFileSync(join(projectRoot, "Dockerfile"), "utf8");
const dockerignore = readFileSync(join(projectRoot, ".dockerignore"), "utf8").split("\n");
const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
const scripts = (
  JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;
const entrypoint = JSON.parse(dockerfile.match(/^ENTRYPOINT (.+)$/m)![1]!) as string[];

describe("docker compose", () => {
  it("runs web and worker with the entry point and roles that npm start uses", () => {
    assert.deepEqual(entrypoint, ["node", "dist/app/workers/main.js"]);
    const main = readFileSync(join(projectRoot, "workers/main.ts"), "utf8");
    const roles = JSON.parse(main.match(/const roles = (\[[^\]]+\])/)![1]!) as string[];
    assert.equal(scripts.start, `exec node ${entrypoint[1]} start`);
    for (const role of ["web", "worker"]) {
      const service = compose.services[role]!;
      assert.deepEqual(service.command, [role]);
      assert.ok(roles.includes(role), `workers/main.ts knows the role ${role}`);
      assert.equal(scripts[`start:${role}`], `exec node ${entrypoint[1]} ${role}`);
      assert.ok(
        service.volumes!.some((v) => v.endsWith(":/data")),
        `${role} mounts the data volume`,
      );
      assert.equal(service.environment!.DATA_DIR, "/data");
    }
  });

  it("builds the entry point from the sources", () => {
    const build = readFileSync(join(projectRoot, "scripts/build.ts"), "utf8");
    assert.ok(existsSync(join(projectRoot, "workers/main.ts")));
    assert.match(build, /"workers\/main\.ts"/, "npm run build bundles workers/main.ts into dist/app/workers/main.js");
  });

  it("points the web process at the worker, which listens for it", () => {
    const worker = compose.services.worker!.environment!;
    const web = compose.services.web!.environment!;
    assert.equal(new URL(web.WORKER_URL!).port, worker.WORKER_PORT);
    assert.equal(worker.WORKER_HOST, "0.0.0.0");
  });

  it("hands both processes every setting the README documents", () => {
    const documented = [...readme.matchAll(/^\| `([A-Z0-9_]+)`(?:, `([A-Z0-9_]+)`)? \|/gm)].flatMap((m) => [
      m[1]!,
      ...(m[2] ? [m[2]] : []),
    ]);
    assert.ok(documented.length > 30, `the README's table lists the settings (${documented.length} found)`);
    // Where each process listens and finds the other is the compose file's to say.
    const fixed = ["PORT", "HOST", "DATA_DIR", "WORKER_HOST", "WORKER_PORT", "WORKER_URL"];
    for (const role of ["web", "worker"]) {
      const environment = compose.services[role]!.environment!;
      for (const name of documented.filter((n) => !fixed.includes(n))) {
        assert.equal(environment[name], `\${${name}:-}`, `${role} gets ${name}`);
      }
    }
  });

  it("waits for the migrated database, and gives a stop more time than Shoebox takes", () => {
    assert.match(compose.services.worker!.healthcheck!.test.join(" "), /:2284\/ready/);
    assert.match(compose.services.web!.healthcheck!.test.join(" "), /:2283\/api\/server\/ping/);
    for (const role of ["web", "worker"]) {
      const service = compose.services[role]!;
      assert.ok(
        Number.parseInt(service.stop_grace_period!, 10) > 15,
        `${role} may take longer to stop than Shoebox's own 15 s`,
      );
      assert.equal(service.init, true, `${role} runs under an init that reaps orphans`);
    }
  });

  it("offers a libSQL server and an S3-compatible server as optional profiles", () => {
    assert.deepEqual(compose.services.libsql!.profiles, ["libsql"]);
    assert.match(compose.services.libsql!.image!, /libsql-server/);
    assert.deepEqual(compose.services.s3!.profiles, ["s3"]);
  });
});

describe("the image", () => {
  it("is built in stages on a pinned Node LTS, runs as an unprivileged user, and checks its health", () => {
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
    assert.ok(bases.length >= 2, "a build stage and a runtime stage");
    const version = dockerfile.match(/^ARG NODE_VERSION=(\d+)\.(\d+)\.(\d+)$/m);
    assert.ok(version, "the Node version is pinned to a release");
    assert.equal(Number(version[1]) % 2, 0, "an LTS line (even major)");
    assert.ok(Number(version[1]) >= 22, "a maintained LTS");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own ARG, as written there.
    assert.ok(bases.every((base) => base.startsWith("node:${NODE_VERSION}-")));
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^HEALTHCHECK /m);
    assert.match(
      dockerfile,
      /apt-get install -y --no-install-recommends ffmpeg/,
      "Debian's ffmpeg, found on PATH before the bundled one",
    );
  });

  it("leaves secrets, tests, benchmarks and data out of the build context", () => {
    for (const entry of [".env", "tests", "bench", "data", "node_modules", "dist"])
      assert.ok(dockerignore.includes(entry), `.dockerignore lists ${entry}`);
  });
});
