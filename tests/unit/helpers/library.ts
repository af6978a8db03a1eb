// A library for unit tests of the services (functions/services/): a real migrated libSQL file in a
// temporary folder, served in-process the way the worker serves it (its embedded database behind its
// internal endpoint, which also answers the job nudge, password hashing and the disk-space check),
// storage on a temporary folder, and a ServiceContext over them. Nothing starts a process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addUploadedAsset, getAsset } from "../../../common/assets";
import { createAlbum } from "../../../common/albums";
import { parseConfig } from "../../../common/config";
import { connectDatabase, type Database } from "../../../common/db";
import type { Album, AlbumUser, Asset, User } from "../../../common/schema";
import { createSharedLink, type KeyedSharedLink, type NewSharedLink } from "../../../common/shared-links";
import { originalKey } from "../../../common/storage";
import { createUser, type NewUser } from "../../../common/users";
import type { Bindings } from "../../../functions/env";
import type { ServiceContext } from "../../../functions/services/context";
import { EmbeddedDatabase } from "../../../workers/db/embedded-database";
import { HranaServer } from "../../../workers/db/hrana-server";
import { migrateDatabase } from "../../../workers/db/migrate";
import { startInternalServer } from "../../../workers/internal-server";
import { newAssetJobs } from "../../../functions/services/upload";
import { createLocalStorage } from "../../../workers/storage/local";
import { startSpaceGuard } from "../../../workers/storage/space";
import {
  type HandlerSecrets,
  type HandlerSettings,
  handlerSecrets,
  handlerSettings,
} from "../../../workers/web/handler-settings";
import type { WorkerStorage } from "../../../workers/storage/storage";

export interface TestLibrary {
  dataDir: string;
  // The worker's internal endpoint (Hrana, the job nudge, passwords), for handlers run on Miniflare.
  workerUrl: string;
  // The library folder that var.storage writes, for workerd's disk service.
  storageRoot: string;
  db: Database;
  storage: WorkerStorage;
  env: Bindings;
  // The plain bindings in env, as workers/web/handler-settings.ts makes them (for Miniflare).
  settings: HandlerSettings;
  secrets: HandlerSecrets;
  // What a service is given: these bindings, the database and storage, and an executionCtx whose
  // waitUntil collects its promises (see settle).
  c: ServiceContext;
  // How many times the worker was nudged (POST /internal/jobs/enqueued), once settled.
  nudges(): number;
  // Waits for everything handed to waitUntil so far, as workerd does after the answer.
  settle(): Promise<void>;
  createUser(fields?: Partial<NewUser>): Promise<User>;
  // An asset as an upload leaves it (its jobs queued), its original holding `bytes` in storage.
  createAsset(ownerId: string, fields?: Partial<Asset> & { bytes?: Uint8Array }): Promise<Asset>;
  createAlbum(
    ownerId: string,
    assetIds?: string[],
    members?: Array<{ userId: string; role: AlbumUser["role"] }>,
  ): Promise<Album["id"]>;
  createSharedLink(userId: string, fields?: Partial<NewSharedLink>, assetIds?: string[]): Promise<KeyedSharedLink>;
  close(): Promise<void>;
}

const token = "unit-test-internal-token";

// A service binding that forwards every request to `url`, keeping the path (as workerd's external
// service does).
function serviceAt(url: string): Fetcher {
  const fetcher = {
    fetch(input: RequestInfo | URL, init?: RequestInit) {
      const request = new Request(input as RequestInfo, init);
      const target = new URL(request.url);
      return fetch(new URL(target.pathname + target.search, url), {
        method: request.method,
        headers: request.headers,
        body: request.body,
        duplex: "half",
      } as RequestInit);
    },
    connect() {
      throw new Error("No sockets in unit tests");
    },
  };
  return fetcher as unknown as Fetcher;
}

// A binding no service should reach in a unit test (the handlers' storage and static files are
// set up as var.storage, or not needed).
function unbound(name: string): Fetcher {
  const fail = () => Promise.reject(new Error(`The ${name} binding is not served in unit tests`));
  return { fetch: fail, connect: fail } as unknown as Fetcher;
}

export async function openTestLibrary(): Promise<TestLibrary> {
  const dataDir = mkdtempSync(join(tmpdir(), "shoebox-unit-"));
  const config = parseConfig({ DATA_DIR: dataDir });
  if (config.storage.kind !== "local") throw new Error("unit tests keep the library on a local folder");

  const embedded = new EmbeddedDatabase(join(dataDir, "shoebox.db"));
  const hrana = new HranaServer(embedded);
  const space = startSpaceGuard(dataDir);
  let nudges = 0;
  const internal = await startInternalServer({
    host: "127.0.0.1",
    port: 0,
    token,
    hrana,
    space,
    onJobsEnqueued: () => nudges++,
    ready: () => true,
  });
  const { client, db } = connectDatabase({ url: internal.url, authToken: token });
  await migrateDatabase(db);
  const storage = createLocalStorage(config.storage.root, config.scratchRoot, "unit-test");

  const settings = handlerSettings(config, { workerUrl: internal.url, version: "unit-test" });
  const secrets = handlerSecrets(config, token);
  const env: Bindings = {
    DB: serviceAt(internal.url),
    WORKER: serviceAt(internal.url),
    STORAGE: unbound("STORAGE"),
    ASSETS: unbound("ASSETS"),
    ...settings,
    ...secrets,
  };

  const pending: Array<Promise<unknown>> = [];
  const executionCtx = {
    waitUntil: (promise: Promise<unknown>) => void pending.push(promise),
    passThroughOnException: () => undefined,
    props: {},
  };
  const c = { env, var: { db, storage }, executionCtx } as unknown as ServiceContext;
  const settle = async () => {
    while (pending.length) await Promise.all(pending.splice(0));
  };
  let made = 0;

  return {
    dataDir,
    workerUrl: internal.url,
    storageRoot: config.storage.root,
    db,
    storage,
    env,
    settings,
    secrets,
    c,
    nudges: () => nudges,
    settle,
    createUser: (fields = {}) => {
      made++;
      return createUser(db, {
        email: `user${made}@example.com`,
        name: `User ${made}`,
        passwordHash: "unit-test-no-password",
        ...fields,
      });
    },
    async createAsset(ownerId, { bytes = new TextEncoder().encode(`asset ${++made}`), ...fields } = {}) {
      const id = crypto.randomUUID();
      const now = Date.now();
      const asset = {
        id,
        ownerId,
        type: "IMAGE" as const,
        originalFileName: `photo-${made}.jpg`,
        originalMimeType: "image/jpeg",
        originalKey: originalKey(id, ".jpg"),
        checksum: Buffer.from(await crypto.subtle.digest("SHA-1", bytes)).toString("base64"),
        fileSizeInByte: bytes.byteLength,
        fileCreatedAt: now,
        fileModifiedAt: now,
        localDateTime: now,
        createdAt: now,
        updatedAt: now,
        ...fields,
      };
      await storage.put(asset.originalKey, new Response(bytes).body!);
      if (!(await addUploadedAsset(db, asset, newAssetJobs(id), [])))
        throw new Error(`${ownerId} has this file already`);
      return (await getAsset(db, id))!;
    },
    createAlbum: (ownerId, assetIds = [], members = []) =>
      createAlbum(db, { ownerId, albumName: `Album ${++made}`, description: "" }, assetIds, members),
    createSharedLink: (userId, fields = {}, assetIds = []) =>
      createSharedLink(
        db,
        token,
        `unit-link-key-${++made}`,
        {
          userId,
          type: fields.albumId ? "ALBUM" : "INDIVIDUAL",
          albumId: null,
          description: null,
          passwordHash: null,
          expiresAt: null,
          allowDownload: true,
          allowUpload: false,
          showMetadata: true,
          ...fields,
        },
        assetIds,
      ),
    async close() {
      await settle();
      client.close();
      space.stop();
      await new Promise<void>((done) => {
        internal.server.close(() => done());
        internal.server.closeAllConnections();
      });
      hrana.close();
      embedded.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
