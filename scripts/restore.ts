// npm run restore -- <folder> [--with-files]
// Brings back a backup made by `npm run backup`: checks that its database is the copy its manifest
// describes, with --with-files puts every object back into storage (each checked against its SHA-1
// first, so that nothing damaged goes in), and then puts the database in place of the embedded one,
// atomically. The database it replaces is kept beside it.
// Shoebox must be stopped: the restore refuses while any process holds the database open. A libSQL
// server (DATABASE_URL) is restored with that server's own tools.
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { isDeepStrictEqual } from "node:util";
import { databaseSummary } from "../common/backup";
import { assertStorageKey } from "../common/storage";
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
  UsageError,
} from "../workers/backup/cli";
import { databaseInUse, installDatabase, openDatabaseFile } from "../workers/backup/database";
import {
  backupFiles,
  readManifest,
  readObjectEntries,
  sha256OfFile,
  type Manifest,
  type ObjectEntry,
} from "../workers/backup/manifest";
import { migrationsFolder } from "../workers/db/migrate";
import type { WorkerStorage } from "../workers/storage/storage";

const usage = "Usage: npm run restore -- <folder> [--with-files]   (with Shoebox stopped)\n";

// The copy must be the file the manifest describes, down to its rows, and no newer than this Shoebox.
async function checkDatabase(folder: string, manifest: Manifest): Promise<void> {
  const path = join(folder, backupFiles.database);
  if ((await sha256OfFile(path).catch(() => null)) !== manifest.database.sha256) {
    throw new Error(
      `${path} is not the database its manifest describes (its SHA-256 differs): the backup was damaged or changed`,
    );
  }
  const copy = openDatabaseFile(path);
  try {
    const summary = await databaseSummary(copy.db);
    if (!isDeepStrictEqual(summary, { migrations: manifest.database.migrations, tables: manifest.database.tables })) {
      throw new Error(`${path} does not hold the rows its manifest counts: the backup was damaged or changed`);
    }
  } finally {
    copy.client.close();
  }
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8")) as {
    entries: Array<{ when: number }>;
  };
  const latest = Math.max(...journal.entries.map((entry) => entry.when));
  if ((manifest.database.migrations.latest ?? 0) > latest) {
    throw new Error(`This backup was made by a newer Shoebox (${manifest.shoebox}): update Shoebox, then restore it`);
  }
}

async function sha1OfFile(path: string): Promise<{ sha1: string; size: number } | null> {
  const hash = createHash("sha1");
  let size = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return { sha1: hash.digest("hex"), size };
}

// Puts one object back, unless its copy in the backup is not what the manifest says: then why not.
async function restoreObject(storage: WorkerStorage, folder: string, entry: ObjectEntry): Promise<string | null> {
  assertStorageKey(entry.key);
  const path = join(folder, backupFiles.files, entry.key);
  const found = await sha1OfFile(path);
  if (!found) return `${entry.key}: not in ${backupFiles.files}/`;
  // A damaged original was copied as the library had it: it goes back as it was.
  if (entry.problem !== "damaged" && (found.sha1 !== entry.sha1 || found.size !== entry.size)) {
    return `${entry.key}: its copy does not match its checksum`;
  }
  await storage.put(entry.key, Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>);
  return null;
}

async function restoreFiles(
  storage: WorkerStorage,
  folder: string,
): Promise<{ count: number; bytes: number; failures: string[]; skipped: number }> {
  const result = { count: 0, bytes: 0, failures: [] as string[], skipped: 0 };
  const show = progress();
  let batch: ObjectEntry[] = [];
  const flush = async () => {
    const outcomes = await mapInOrder(batch, 4, (entry) => restoreObject(storage, folder, entry));
    for (const [index, failure] of outcomes.entries()) {
      if (failure) result.failures.push(failure);
      else {
        result.count++;
        result.bytes += batch[index]!.size ?? 0;
      }
    }
    batch = [];
    show(`${result.count} files put back, ${formatBytes(result.bytes)}`);
  };
  for await (const entry of readObjectEntries(folder)) {
    // Not in storage when the backup was taken: there is nothing to put back.
    if (entry.problem === "missing") result.skipped++;
    else batch.push(entry);
    if (batch.length >= 100) await flush();
  }
  await flush();
  show(`${result.count} files put back, ${formatBytes(result.bytes)}`, true);
  return result;
}

async function main(): Promise<number> {
  const { folder: given, values } = parseCommandLine({ "with-files": { type: "boolean" } });
  const withFiles = values["with-files"] === true;
  const folder = resolve(given);
  const manifest = await readManifest(folder);
  if (withFiles && !manifest.withFiles)
    throw new UsageError(`${folder} was made without --with-files: it holds no files to put back`);
  const config = loadConfig();
  if (config.databaseUrl) {
    throw new Error(
      `DATABASE_URL points at a libSQL server, which npm run restore does not write to: load ${join(folder, backupFiles.database)} ` +
        `into it with its own tools (sqld serves a SQLite file as it is), and copy ${join(folder, backupFiles.files)}/ into storage`,
    );
  }
  const live = join(config.dataDir, "shoebox.db");
  if (databaseInUse(live)) throw new Error(`Shoebox is running (a process has ${live} open): stop it, then restore`);
  await checkDatabase(folder, manifest);

  let files = "";
  if (withFiles) {
    const { storage, close } = openStorage(config, "restore");
    const restored = await restoreFiles(storage, folder).finally(close);
    if (restored.failures.length) {
      for (const failure of restored.failures) process.stderr.write(`${failure}\n`);
      process.stderr.write(
        `Could not put back ${plural(restored.failures.length, "file")}; the database was not replaced.\n`,
      );
      return 1;
    }
    if (restored.skipped)
      process.stderr.write(
        `Already missing from storage when the backup was taken: ${plural(restored.skipped, "file")} (see ${backupFiles.objects}).\n`,
      );
    files = ` and ${plural(restored.count, "file")} (${formatBytes(restored.bytes)})`;
  }

  const keepAs = `${live}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  const { kept } = installDatabase(join(folder, backupFiles.database), live, keepAs);
  process.stdout.write(
    `Restored the database of ${manifest.createdAt} (${mediaCount(manifest.database.tables.assets ?? 0)}, ${plural(manifest.database.tables.users ?? 0, "user")})${files}.\n` +
      (kept ? `The database it replaced is kept as ${keepAs}.\n` : "") +
      "Start Shoebox again.\n",
  );
  return 0;
}

runScript(main, usage);
