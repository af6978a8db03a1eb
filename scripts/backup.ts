// npm run backup -- <folder> [--with-files]
// Backs the library up while Shoebox runs: a consistent copy of the database, and a manifest of it
// (Shoebox's version, the migration level, the rows of each table) with the list of every stored
// object the database refers to, its size and, for originals, its SHA-1, so that a copy of the
// files made with other tools can be checked (`sha1sum -c SHA1SUMS`). With --with-files the objects
// are copied into <folder>/files/<key> too, from the volume or the bucket alike. The folder's layout
// is in workers/backup/manifest.ts.
// The embedded database is copied with VACUUM INTO beside the running server; a libSQL server
// (DATABASE_URL) is read table by table, in one read transaction, into a file of the same shape.
// Files are copied after the database, from where they are then: an original the storage template
// moved in between is found under its new key and copied under the one the copy knows.
import { createHash } from "node:crypto";
import { createWriteStream, readFileSync, statSync } from "node:fs";
import { mkdir, open, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { projectRoot } from "../workers/paths";
import { pipeline } from "node:stream/promises";
import { databaseSummary } from "../common/backup";
import { connectDatabase, type Database } from "../common/db";
import { assertStorageKey } from "../common/storage";
import { assetObjects, assetObjectsPage, type AssetObjects } from "../common/stored-objects";
import {
  formatBytes,
  loadConfig,
  mapInOrder,
  mediaCount,
  openStorage,
  parseCommandLine,
  plural,
  progress,
  runScript,
  takeEmptyFolder,
} from "../workers/backup/cli";
import { openDatabaseFile, snapshotEmbedded, snapshotRemote } from "../workers/backup/database";
import { openObject } from "../workers/backup/objects";
import { backupFiles, sha1Hex, sha256OfFile, type Manifest, type ObjectEntry } from "../workers/backup/manifest";
import type { WorkerStorage } from "../workers/storage/storage";

const usage = "Usage: npm run backup -- <folder> [--with-files]\n";

type StoredObject = AssetObjects["objects"][number];

function entryOf(
  asset: AssetObjects,
  object: StoredObject,
  size: number | null,
  sha1: string | null,
  problem?: ObjectEntry["problem"],
): ObjectEntry {
  return { key: object.key, kind: object.kind, assetId: asset.assetId, size, sha1, ...(problem ? { problem } : {}) };
}

interface Sources {
  storage: WorkerStorage;
  live: Database;
}

// Where an original the copy refers to is now, if the storage template moved it since the copy was
// taken (same content, new key); null if it did not move.
async function movedTo({ live }: Sources, asset: AssetObjects, object: StoredObject): Promise<string | null> {
  if (object.kind !== "original") return null;
  const [now] = await assetObjects(live, [asset.assetId]);
  const key = now?.checksum === asset.checksum ? now.objects.find((o) => o.kind === "original")?.key : undefined;
  return key && key !== object.key ? key : null;
}

// The object as storage has it, without copying it.
async function describe(sources: Sources, asset: AssetObjects, object: StoredObject): Promise<ObjectEntry> {
  const { storage } = sources;
  let size = await storage.size(object.key);
  if (size === null) {
    const moved = await movedTo(sources, asset, object);
    if (moved) size = await storage.size(moved);
  }
  const sha1 = object.kind === "original" ? sha1Hex(asset.checksum) : null;
  return entryOf(asset, object, size, sha1, size === null ? "missing" : undefined);
}

// Copies an object into `path`, hashing it on the way; null when storage has no such object.
async function copyFrom(
  storage: WorkerStorage,
  key: string,
  path: string,
): Promise<{ sha1: string; size: number } | null> {
  const source = await openObject(storage, key);
  if (!source) return null;
  const hash = createHash("sha1");
  let size = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Uint8Array>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.byteLength;
        yield chunk;
      }
    },
    createWriteStream(path, { flags: "wx" }),
  );
  return { sha1: hash.digest("hex"), size };
}

// Copies the object into files/, under the key the copy of the database knows.
async function copy(
  sources: Sources,
  filesDir: string,
  asset: AssetObjects,
  object: StoredObject,
): Promise<ObjectEntry> {
  assertStorageKey(object.key);
  const expected = object.kind === "original" ? sha1Hex(asset.checksum) : null;
  const path = join(filesDir, object.key);
  await mkdir(dirname(path), { recursive: true });
  let copied = await copyFrom(sources.storage, object.key, path);
  if (!copied) {
    const moved = await movedTo(sources, asset, object);
    if (moved) copied = await copyFrom(sources.storage, moved, path);
  }
  if (!copied) return entryOf(asset, object, null, expected, "missing");
  // An original keeps the checksum the database took, so that SHA1SUMS shows the damage.
  const damaged = expected !== null && copied.sha1 !== expected;
  return entryOf(asset, object, copied.size, expected ?? copied.sha1, damaged ? "damaged" : undefined);
}

async function main(): Promise<number> {
  const { folder: given, values } = parseCommandLine({ "with-files": { type: "boolean" } });
  const withFiles = values["with-files"] === true;
  const folder = resolve(given);
  const config = loadConfig();
  // The database as it is now, beside the copy: where moved originals are looked for.
  const live = config.databaseUrl
    ? connectDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken })
    : openDatabaseFile(join(config.dataDir, "shoebox.db"));
  await takeEmptyFolder(folder);

  const databasePath = join(folder, backupFiles.database);
  // The moment the copy shows the library as it was.
  const takenAt = new Date();
  if (config.databaseUrl) await snapshotRemote(config.databaseUrl, config.databaseAuthToken, databasePath);
  else snapshotEmbedded(join(config.dataDir, "shoebox.db"), databasePath);
  process.stderr.write(
    `Copied the database (${formatBytes(statSync(databasePath).size)}); now the files it refers to…\n`,
  );

  const snapshot = openDatabaseFile(databasePath);
  const { storage, close } = openStorage(config, "backup");
  const sources: Sources = { storage, live: live.db };
  const list = await open(join(folder, backupFiles.objects), "wx");
  const sums = await open(join(folder, backupFiles.checksums), "wx");
  const filesDir = join(folder, backupFiles.files);
  const tally = { count: 0, bytes: 0, missing: [] as string[], damaged: [] as string[] };
  const show = progress();
  let summary: Awaited<ReturnType<typeof databaseSummary>>;
  try {
    summary = await databaseSummary(snapshot.db);
    for (let after = ""; ; ) {
      const page = await assetObjectsPage(snapshot.db, after, 200);
      if (page.length === 0) break;
      const objects = page.flatMap((asset) => asset.objects.map((object) => ({ asset, object })));
      const entries = await mapInOrder(objects, 8, ({ asset, object }) =>
        withFiles ? copy(sources, filesDir, asset, object) : describe(sources, asset, object),
      );
      await list.appendFile(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
      await sums.appendFile(
        entries
          .filter((e) => e.sha1 && e.problem !== "missing")
          .map((e) => `${e.sha1}  ${backupFiles.files}/${e.key}\n`)
          .join(""),
      );
      for (const entry of entries) {
        tally.count++;
        tally.bytes += entry.size ?? 0;
        if (entry.problem === "missing") tally.missing.push(entry.key);
        if (entry.problem === "damaged") tally.damaged.push(entry.key);
      }
      show(`${tally.count} files${withFiles ? " copied" : " listed"}, ${formatBytes(tally.bytes)}`);
      after = page.at(-1)!.assetId;
    }
    show(`${tally.count} files${withFiles ? " copied" : " listed"}, ${formatBytes(tally.bytes)}`, true);
  } finally {
    await Promise.all([list.close(), sums.close(), close()]);
    snapshot.client.close();
    live.client.close();
  }

  const manifest: Manifest = {
    format: 1,
    shoebox: (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string }).version,
    createdAt: takenAt.toISOString(),
    database: {
      source: config.databaseUrl ? "remote" : "embedded",
      size: statSync(databasePath).size,
      sha256: await sha256OfFile(databasePath),
      ...summary,
    },
    objects: { count: tally.count, bytes: tally.bytes, missing: tally.missing.length, damaged: tally.damaged.length },
    withFiles,
  };
  // Written last, and whole: a folder with a manifest holds a finished backup.
  await writeFile(join(folder, `${backupFiles.manifest}.partial`), `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(join(folder, `${backupFiles.manifest}.partial`), join(folder, backupFiles.manifest));

  const done = withFiles ? "copied" : "listed";
  process.stdout.write(
    `Backed up the database (${mediaCount(summary.tables.assets ?? 0)}, ${plural(summary.tables.users ?? 0, "user")}) and ${done} ` +
      `${plural(tally.count, "file")} (${formatBytes(tally.bytes)}) in ${folder}\n`,
  );
  const few = (keys: string[]) => keys.slice(0, 5).join(", ") + (keys.length > 5 ? ", …" : "");
  if (tally.missing.length) {
    process.stderr.write(
      `Not in storage (deleted since the database was copied, or lost): ${plural(tally.missing.length, "file")} the database refers to: ${few(tally.missing)}\n`,
    );
  }
  if (tally.damaged.length) {
    process.stderr.write(
      `No longer matching their checksum, copied as they are: ${plural(tally.damaged.length, "original")}: ${few(tally.damaged)}\n`,
    );
  }
  if (tally.missing.length || tally.damaged.length) {
    process.stderr.write(
      "The backup is finished, with these marked in objects.jsonl. The integrity check (Administration) lists what is wrong in the library.\n",
    );
    return 1;
  }
  return 0;
}

runScript(main, usage);
