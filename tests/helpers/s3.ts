// A local S3-compatible server (s3rver, which checks SigV4 signatures) on a loopback port, with an
// empty bucket, for the tests that run Shoebox in S3 mode.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { createS3Storage, type S3Settings, type S3Storage } from "../../common/s3";

export interface LocalS3 {
  settings: S3Settings;
  // The environment that puts Shoebox's storage in this server's bucket.
  env: Record<string, string>;
  // A client of the bucket, for looking behind Shoebox's back.
  bucket: S3Storage;
  keys(prefix?: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startLocalS3(bucketName = "shoebox-test"): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), "shoebox-s3-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory, configureBuckets: [{ name: bucketName, configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  const settings: S3Settings = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: bucketName,
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    forcePathStyle: true,
  };
  const bucket = createS3Storage(settings, (request) => fetch(request));
  return {
    settings,
    bucket,
    env: {
      STORAGE: "s3",
      S3_ENDPOINT: settings.endpoint,
      S3_BUCKET: bucketName,
      S3_REGION: settings.region,
      S3_ACCESS_KEY_ID: settings.accessKeyId,
      S3_SECRET_ACCESS_KEY: settings.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    },
    async keys(prefix = "") {
      const keys: string[] = [];
      for await (const object of bucket.list(prefix)) keys.push(object.key);
      return keys;
    },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
