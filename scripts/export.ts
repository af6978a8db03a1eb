// npm run export -- <folder> [--user EMAIL]
// Writes every original outside the trash, for each user (or the one given) under <folder>/<email>/,
// arranged by album: <album>/<file>, a photo in two albums in both, and photos in no album in
// "Photos from <year>". A live photo's video goes where its photo goes. Names that meet in one
// folder are told apart: IMG_1.jpg, IMG_1 (2).jpg. Each file gets an XMP sidecar, <file>.xmp, with
// what the database knows (see workers/media/xmp-writer.ts), and the date taken as its time.
// It reads the database itself rather than through the server: the embedded file (a running server
// does not mind: WAL lets other processes read), or DATABASE_URL. Files come from storage, the volume
// or the bucket, and those of external libraries from where they are.
import { constants, createReadStream } from "node:fs";
import { copyFile, mkdir, open, rm, utimes, writeFile } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { listAlbums } from "../common/albums";
import { dateTakenOf, getAsset } from "../common/assets";
import { connectDatabase, type Database } from "../common/db";
import { exportAssetsPage, type ExportAsset } from "../common/export";
import type { Asset } from "../common/schema";
import { offsetOf } from "../common/time-zones";
import { listAllUsers, normalizeEmail } from "../common/users";
import {
  formatBytes,
  loadConfig,
  mediaCount,
  openStorage,
  parseCommandLine,
  plural,
  progress,
  runScript,
  takeEmptyFolder,
} from "../workers/backup/cli";
import { openDatabaseFile } from "../workers/backup/database";
import { openObject } from "../workers/backup/objects";
import { writeXmp, type XmpFields } from "../workers/media/xmp-writer";
import { portableFileName } from "../common/file-names";
import type { WorkerStorage } from "../workers/storage/storage";

const usage = "Usage: npm run export -- <folder> [--user EMAIL]\n";

// The folders of one user's export: one per album, and one per year for photos in none, each name
// unique whatever the case (file systems that ignore it would merge them).
class Folders {
  private readonly taken = new Set<string>();
  private readonly names = new Map<string, string>();

  name(id: string, wanted: string): string {
    let name = this.names.get(id);
    if (name) return name;
    name = wanted;
    for (let n = 2; this.taken.has(name.toLowerCase()); n++) name = `${wanted} (${n})`;
    this.taken.add(name.toLowerCase());
    this.names.set(id, name);
    return name;
  }
}

class UnreadableError extends Error {}

// Writes a new file: `wx` fails with EEXIST when the name is taken, so that `claim` tries the next.
async function writeNew(path: string, source: () => Promise<AsyncIterable<Uint8Array>>): Promise<void> {
  const file = await open(path, "wx");
  try {
    await pipeline(await source(), file.createWriteStream());
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

// Writes the file under `name` in `dir`, or the first of "name (2).ext", "name (3).ext"… still free.
async function claim(dir: string, name: string, write: (path: string) => Promise<void>): Promise<string> {
  const extension = extname(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? name : `${stem} (${n})${extension}`);
    try {
      await write(path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

// The original's bytes: from where an external library keeps it, or from storage, where the
// storage template may have moved it since its row was read.
async function openOriginal(db: Database, storage: WorkerStorage, asset: Asset): Promise<AsyncIterable<Uint8Array>> {
  if (asset.externalPath !== null) {
    const path = asset.externalPath;
    const stream = createReadStream(path);
    await new Promise<void>((opened, failed) => stream.once("open", () => opened()).once("error", failed)).catch(
      (error: NodeJS.ErrnoException) => {
        throw new UnreadableError(
          `cannot be read where its library keeps it (${path}: ${error.code ?? error.message})`,
        );
      },
    );
    return stream;
  }
  const source = await openObject(storage, asset.originalKey);
  if (source) return source;
  const now = await getAsset(db, asset.id);
  const moved = now && now.originalKey !== asset.originalKey ? await openObject(storage, now.originalKey) : null;
  if (!moved) throw new UnreadableError(`missing from storage (${asset.originalKey})`);
  return moved;
}

// What the database knows, for the sidecar. The date taken is the wall-clock time the library shows;
// its offset is known when the time zone is (from the file, its place, or a date set by hand).
function xmpFields({ asset, exif }: ExportAsset, albums: string[]): XmpFields {
  const taken = dateTakenOf(asset, exif);
  return {
    dateTaken: new Date(asset.localDateTime).toISOString().slice(0, 19),
    offset: taken.timeZone !== null ? offsetOf(taken) : null,
    latitude: exif?.latitude ?? null,
    longitude: exif?.longitude ?? null,
    city: exif?.city ?? null,
    state: exif?.state ?? null,
    country: exif?.country ?? null,
    description: exif?.description || null,
    rating: exif?.rating ?? null,
    favorite: asset.isFavorite,
    albums,
    // Shoebox knows no people yet; their names go here once faces are recognised.
    people: [],
  };
}

interface Tally {
  assets: number;
  files: number;
  bytes: number;
  failures: string[];
}

async function exportUser(
  db: Database,
  storage: WorkerStorage,
  userId: string,
  userDir: string,
  tally: Tally,
): Promise<void> {
  const albums = (await listAlbums(db, { ownedOrSharedWith: userId })).sort((a, b) => a.createdAt - b.createdAt);
  const folders = new Folders();
  const albumFolders = new Map(
    albums.map((album) => [album.id, folders.name(album.id, portableFileName(album.albumName, "Untitled album"))]),
  );
  const albumNames = new Map(albums.map((album) => [album.id, album.albumName]));
  const show = progress();
  for (let after = ""; ; ) {
    const page = await exportAssetsPage(db, userId, after, 200);
    if (page.length === 0) break;
    for (const item of page) {
      const { asset } = item;
      const inAlbums = item.albumIds.filter((id) => albumFolders.has(id));
      const year = String(new Date(asset.localDateTime).getUTCFullYear());
      const targets = inAlbums.length
        ? inAlbums.map((id) => albumFolders.get(id)!)
        : [folders.name(`year:${year}`, `Photos from ${year}`)];
      const sidecar = writeXmp(
        xmpFields(
          item,
          inAlbums.map((id) => albumNames.get(id)!),
        ),
      );
      const name = portableFileName(asset.originalFileName, asset.id);
      let first: string | undefined;
      try {
        for (const target of targets) {
          const dir = join(userDir, target);
          await mkdir(dir, { recursive: true });
          const path = await claim(dir, name, async (candidate) => {
            if (first) await copyFile(first, candidate, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
            else await writeNew(candidate, () => openOriginal(db, storage, asset));
            await writeFile(`${candidate}.xmp`, sidecar, { flag: "wx" }).catch(async (error: unknown) => {
              await rm(candidate, { force: true });
              throw error;
            });
          });
          const taken = new Date(asset.fileCreatedAt);
          await utimes(path, taken, taken);
          first ??= path;
          tally.files++;
        }
        tally.assets++;
        tally.bytes += asset.fileSizeInByte;
      } catch (error) {
        if (!(error instanceof UnreadableError)) throw error;
        tally.failures.push(`${asset.originalFileName} (${asset.id}): ${error.message}`);
      }
      show(`${mediaCount(tally.assets)}, ${formatBytes(tally.bytes)}`);
    }
    after = page.at(-1)!.asset.id;
  }
  show(`${mediaCount(tally.assets)}, ${formatBytes(tally.bytes)}`, true);
}

async function main(): Promise<number> {
  const { folder: given, values } = parseCommandLine({ user: { type: "string" } });
  const folder = resolve(given);
  const config = loadConfig();
  const connection = config.databaseUrl
    ? connectDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken })
    : openDatabaseFile(join(config.dataDir, "shoebox.db"));
  const { storage, close } = openStorage(config, "export");
  const tally: Tally = { assets: 0, files: 0, bytes: 0, failures: [] };
  try {
    const everyone = await listAllUsers(connection.db, true);
    const users =
      values.user === undefined ? everyone : everyone.filter((user) => user.email === normalizeEmail(values.user!));
    if (users.length === 0)
      throw new Error(
        `No user has the email ${values.user}; the users are ${everyone.map((user) => user.email).join(", ")}`,
      );
    await takeEmptyFolder(folder);
    for (const user of users) {
      process.stderr.write(`Exporting the library of ${user.name} (${user.email})…\n`);
      await exportUser(connection.db, storage, user.id, join(folder, portableFileName(user.email, user.id)), tally);
    }
  } finally {
    connection.client.close();
    await close();
  }
  // Files outnumber photos where a photo is in several albums, or a live photo brings its video.
  process.stdout.write(
    `Exported ${mediaCount(tally.assets)} as ${plural(tally.files, "file")} (${formatBytes(tally.bytes)}) to ${folder}\n`,
  );
  if (tally.failures.length === 0) return 0;
  for (const failure of tally.failures) process.stderr.write(`could not export ${failure}\n`);
  process.stderr.write(
    `Could not read ${mediaCount(tally.failures.length)}; the integrity check (Administration) tells more.\n`,
  );
  return 1;
}

runScript(main, usage);
