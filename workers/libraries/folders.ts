// What belongs to an external library: files with a photo or video extension under its import paths,
// minus what its exclusion patterns match. Patterns are globs (`**/@eaDir/**`, `**/*.tmp`, `**/.*`),
// matched against absolute paths without regard to case; a pattern without a slash matches names
// (`*.tmp` is `**/*.tmp`); a pattern that matches a folder excludes everything in it.
import type { Dirent } from "node:fs";
import { access, opendir, readFile, realpath, stat, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { extensionOf, mediaExtensions } from "../../common/media-types";
import type { Library } from "../../common/schema";
import { log } from "../log";

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]{}\\]/g, "\\$&");

// The regular expression of one glob: `**` spans folders, `*` and `?` stay within one, `[…]` and
// `{a,b}` as in a shell. A bracket or brace left open is taken literally.
function globSource(glob: string): string {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      source += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (char === "*") {
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else if (char === "[" && glob.indexOf("]", i + 2) > 0) {
      const end = glob.indexOf("]", i + 2);
      const body = glob.slice(i + 1, end);
      source += `[${body.startsWith("!") ? `^${escapeRegExp(body.slice(1))}` : escapeRegExp(body)}]`;
      i = end;
    } else if (char === "{" && glob.indexOf("}", i) > 0) {
      const end = glob.indexOf("}", i);
      source += `(?:${glob
        .slice(i + 1, end)
        .split(",")
        .map(globSource)
        .join("|")})`;
      i = end;
    } else {
      source += escapeRegExp(char);
    }
  }
  return source;
}

export function globToRegExp(glob: string): RegExp {
  const anchored = glob.includes("/") ? glob : `**/${glob}`;
  return new RegExp(`^${globSource(anchored)}$`, "i");
}

const mediaNames = new Set([...mediaExtensions.image, ...mediaExtensions.video]);

// A name Shoebox may import (the content decides, when the file is read).
export const isMediaName = (name: string) => mediaNames.has(extensionOf(name));

export class LibraryFolders {
  private readonly patterns: RegExp[];
  private readonly roots: string[];

  constructor(library: Pick<Library, "importPaths" | "exclusionPatterns">) {
    this.patterns = library.exclusionPatterns.map(globToRegExp);
    this.roots = library.importPaths.map((path) => path.replace(/\/+$/, "") || "/");
  }

  get importPaths(): readonly string[] {
    return this.roots;
  }

  excludesFolder(path: string): boolean {
    return this.patterns.some((pattern) => pattern.test(path) || pattern.test(`${path}/`));
  }

  excludesFile(path: string): boolean {
    return this.patterns.some((pattern) => pattern.test(path));
  }

  // Whether a file at this path belongs to the library: under an import path, with a media name,
  // and in no excluded folder.
  includes(path: string): boolean {
    const root = this.roots.find((root) => path.startsWith(root === "/" ? "/" : `${root}/`));
    if (!root || !isMediaName(path) || this.excludesFile(path)) return false;
    // Every folder between the import path and the file.
    for (let slash = path.indexOf("/", root.length + 1); slash > 0; slash = path.indexOf("/", slash + 1)) {
      if (this.excludesFolder(path.slice(0, slash))) return false;
    }
    return true;
  }
}

export interface FoundFile {
  path: string;
  size: number;
  // Whole milliseconds, as the database keeps them.
  modifiedAt: number;
}

export const modifiedAtOf = (info: { mtimeMs: number }) => Math.floor(info.mtimeMs);

// Shoebox's data folder carries this file, so that a library whose folder holds it (a parent folder,
// a bind mount, a link) never imports Shoebox's own originals and thumbnails.
const dataFolderMarker = ".shoebox-data-folder";

export async function markDataFolder(dataDir: string): Promise<void> {
  const text = "This folder holds a Shoebox library's own data. External libraries never read from it.\n";
  await writeFile(join(dataDir, dataFolderMarker), text, { mode: 0o600 });
}

const isDataFolder = (folder: string) =>
  access(join(folder, dataFolderMarker)).then(
    () => true,
    () => false,
  );

// Why an import path cannot be a library's: it lies inside Shoebox's data folder, or holds it.
// Compared after links are resolved; a path that does not exist (yet) is compared as written.
export async function overlapWithDataFolder(importPath: string, dataDir: string): Promise<string | undefined> {
  const [path, data] = await Promise.all([
    realpath(importPath).catch(() => importPath),
    realpath(dataDir).catch(() => dataDir),
  ]);
  const within = (inner: string, outer: string) => {
    const rel = relative(outer, inner);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  };
  if (within(path, data)) return "Import path is inside Shoebox's own data folder";
  if (within(data, path)) return "Import path holds Shoebox's own data folder: choose a folder beside it";
  return undefined;
}

// Every file of the library, one at a time: a folder is read as a stream, so a share of any size
// never sits in memory. Symbolic links are not followed (a link to a parent folder would never end),
// and Shoebox's own data folder is never entered. A folder that cannot be read is logged and passed over.
export async function* walkLibrary(folders: LibraryFolders): AsyncGenerator<FoundFile> {
  for (const root of folders.importPaths) yield* walkFolder(root, folders);
}

async function* walkFolder(folder: string, folders: LibraryFolders): AsyncGenerator<FoundFile> {
  if (await isDataFolder(folder)) {
    log.warn("a library folder holds Shoebox's own data; passing over it", { folder });
    return;
  }
  let entries: AsyncIterable<Dirent>;
  try {
    entries = await opendir(folder, { bufferSize: 256 });
  } catch (error) {
    log.warn("cannot read a library folder; passing over it", { folder, error: (error as Error).message });
    return;
  }
  for await (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!folders.excludesFolder(path)) yield* walkFolder(path, folders);
    } else if (entry.isFile() && isMediaName(entry.name) && !folders.excludesFile(path)) {
      const info = await stat(path).catch(() => null);
      if (info?.isFile()) yield { path, size: info.size, modifiedAt: modifiedAtOf(info) };
    }
  }
}

const maxSidecarBytes = 4 * 1024 * 1024;

// The XMP sidecar beside a library file, as photo managers write it: IMG_1.jpg.xmp, or IMG_1.xmp.
export async function sidecarBeside(path: string): Promise<Uint8Array | null> {
  const dot = path.lastIndexOf(".");
  const candidates = [`${path}.xmp`, ...(dot > path.lastIndexOf("/") ? [`${path.slice(0, dot)}.xmp`] : [])];
  for (const candidate of candidates) {
    const info = await stat(candidate).catch(() => null);
    if (info?.isFile() && info.size <= maxSidecarBytes) return readFile(candidate);
  }
  return null;
}
