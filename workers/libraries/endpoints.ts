// The worker's internal endpoints for external libraries: workerd has no file system, so the
// handlers read a library's files, and check the folders an admin names, through these.
//   GET|HEAD /internal/libraries/files/:assetId  the file of a library asset, answered as workerd's
//                                                disk service answers (Range, HEAD), read-only
//   POST /internal/libraries/validate             {importPaths} → {importPaths: [{importPath, isValid, message}]}
//   POST /internal/libraries/changed              a library was created, changed or deleted
import { constants, createReadStream } from "node:fs";
import { access, opendir, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isAbsolute, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { getAsset } from "../../common/assets";
import { parseRange } from "../../common/http-range";
import type { Database } from "../../common/db";
import { InternalHttpError, readJson, send } from "../http";
import { overlapWithDataFolder } from "./folders";

export interface LibraryEndpointOptions {
  db: Database;
  // Shoebox's own data: no library may be inside it, or hold it.
  dataDir: string;
  onLibrariesChanged: () => void;
}

// Answers the request if it is one of these endpoints; false otherwise.
export type InternalRoutes = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

const maxBodyBytes = 1024 * 1024;

async function serveFile(req: IncomingMessage, res: ServerResponse, db: Database, assetId: string): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  const asset = /^[0-9a-f-]{36}$/i.test(assetId) ? await getAsset(db, assetId) : undefined;
  const path = asset?.externalPath;
  const info = path ? await stat(path).catch(() => null) : null;
  if (!path || !info?.isFile()) {
    res.writeHead(404).end();
    return;
  }
  const size = info.size;
  if (req.method === "HEAD") {
    res.writeHead(200, { "content-length": size }).end();
    return;
  }
  const range = parseRange(req.headers.range ?? null, size);
  if (range === "invalid") {
    res.writeHead(416, { "content-range": `bytes */${size}` }).end();
    return;
  }
  const { offset, length } = range ?? { offset: 0, length: size };
  const end = offset + length - 1;
  res.writeHead(range ? 206 : 200, {
    "content-length": length,
    ...(range ? { "content-range": `bytes ${offset}-${end}/${size}` } : {}),
  });
  if (size === 0) {
    res.end();
    return;
  }
  // A client that goes away mid-way ends the read; nothing to report.
  await pipeline(createReadStream(path, { start: offset, end }), res).catch(() => res.destroy());
}

// Whether the worker can import from this folder, with the reason when it cannot.
async function validateImportPath(
  importPath: string,
  dataDir: string,
): Promise<{ importPath: string; isValid: boolean; message?: string; holdsShoeboxData?: true }> {
  const invalid = (message: string) => ({ importPath, isValid: false, message });
  if (!isAbsolute(importPath)) return invalid(`Import path must be absolute, try ${resolve("/", importPath)}`);
  const overlap = await overlapWithDataFolder(importPath, dataDir);
  if (overlap) return { ...invalid(overlap), holdsShoeboxData: true };
  const info = await stat(importPath).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    return invalid(
      info.code === "ENOENT"
        ? "Path does not exist (on the worker: with docker compose, mount the folder into the worker's container)"
        : `Cannot read the path: ${info.code ?? info.message}`,
    );
  }
  if (!info.isDirectory()) return invalid("Not a directory");
  const readable = await access(importPath, constants.R_OK | constants.X_OK)
    .then(() => opendir(importPath))
    .then((dir) => dir.close())
    .then(
      () => true,
      () => false,
    );
  if (!readable) return invalid("Lacking read permission for the folder");
  return { importPath, isValid: true };
}

export function libraryEndpoints(options: LibraryEndpointOptions): InternalRoutes {
  const dataDir = resolve(options.dataDir);
  return async (req, res, path) => {
    const file = path.match(/^\/internal\/libraries\/files\/([^/]+)$/);
    if (file) {
      await serveFile(req, res, options.db, decodeURIComponent(file[1]!));
      return true;
    }
    if (path === "/internal/libraries/validate" && req.method === "POST") {
      const importPaths = ((await readJson(req, maxBodyBytes)) as { importPaths?: unknown } | null)?.importPaths;
      if (!Array.isArray(importPaths) || !importPaths.every((p) => typeof p === "string"))
        throw new InternalHttpError(400, "importPaths: a list of strings");
      send(res, 200, {
        importPaths: await Promise.all((importPaths as string[]).map((p) => validateImportPath(p, dataDir))),
      });
      return true;
    }
    if (path === "/internal/libraries/changed" && req.method === "POST") {
      options.onLibrariesChanged();
      res.writeHead(204).end();
      return true;
    }
    return false;
  };
}
