// No Docker engine runs here, so the compose file is checked for what it promises: the two
// services start the same entry point and roles as `npm start`, on one shared data volume.
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
}

const compose = parse(readFileSync(join(projectRoot, "docker-compose.yml"), "utf8")) as { services: Record<string, Service> };
const dockerfile = readFileSync(join(projectRoot, "Dockerfile"), "utf8");
const scripts = (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const entrypoint = JSON.parse(dockerfile.match(/^ENTRYPOINT (.+)$/m)![1]!) as string[];

describe("docker compose", () => {
  it("runs web and worker with the entry point and roles that npm start uses", () => {
    assert.deepEqual(entrypoint, ["node", "--import", "tsx", "workers/main.ts"]);
    assert.ok(existsSync(join(projectRoot, entrypoint[3]!)));
    const main = readFileSync(join(projectRoot, "workers/main.ts"), "utf8");
    const roles = JSON.parse(main.match(/const roles = (\[[^\]]+\])/)![1]!) as string[];
    assert.ok(scripts.start!.includes(`tsx ${entrypoint[3]} start`));
    for (const role of ["web", "worker"]) {
      const service = compose.services[role]!;
      assert.deepEqual(service.command, [role]);
      assert.ok(roles.includes(role), `workers/main.ts knows the role ${role}`);
      assert.equal(scripts[`start:${role}`], `tsx ${entrypoint[3]} ${role}`);
      assert.ok(service.volumes!.some((v) => v.endsWith(":/data")), `${role} mounts the data volume`);
      assert.equal(service.environment!.DATA_DIR, "/data");
    }
  });

  it("points the web process at the worker, which listens for it", () => {
    const worker = compose.services.worker!.environment!;
    const web = compose.services.web!.environment!;
    assert.equal(new URL(web.WORKER_URL!).port, worker.WORKER_PORT);
    assert.equal(worker.WORKER_HOST, "0.0.0.0");
  });

  it("hands both processes the storage settings, since both reach the bucket", () => {
    for (const role of ["web", "worker"]) {
      const environment = compose.services[role]!.environment!;
      for (const name of ["STORAGE", "S3_ENDPOINT", "S3_BUCKET", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_FORCE_PATH_STYLE", "S3_PUBLIC_ENDPOINT"]) {
        assert.equal(environment[name], `\${${name}:-}`, `${role} gets ${name}`);
      }
    }
  });

  it("offers a libSQL server and an S3-compatible server as optional profiles", () => {
    assert.deepEqual(compose.services.libsql!.profiles, ["libsql"]);
    assert.match(compose.services.libsql!.image!, /libsql-server/);
    assert.deepEqual(compose.services.s3!.profiles, ["s3"]);
  });
});
