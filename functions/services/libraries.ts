// External libraries' rules, for the API and the pages alike: read-only folders on the server whose
// photos and videos are imported in place for one user. Workerd has no file system, so a library's
// files are read, and the folders an admin names are checked, by the worker
// (workers/libraries/endpoints.ts).
import { z } from "@hono/zod-openapi";
import type { Auth } from "../../common/access";
import { AppError, badRequest, notFound } from "../../common/errors";
import {
  createLibrary,
  deleteLibrary,
  getLibrary,
  libraryStatistics,
  listLibraries,
  queueLibraryScan,
  updateLibrary,
  type LibraryChanges,
  type LibraryWithCount,
} from "../../common/libraries";
import type { Asset } from "../../common/schema";
import type { Storage } from "../../common/storage";
import { getActiveUser } from "../../common/users";
import type { Bindings } from "../env";
import { createDiskStorage } from "../storage";
import { requireAdmin } from "./admin";
import type { ServiceContext as Ctx } from "./context";
import { nudgeWorker } from "./jobs";
import { notifyWorker, workerFetch } from "./worker";

const librariesPath = "/internal/libraries";

// The library files, keyed by asset id, answering like workerd's disk service (read-only).
function libraryFiles(env: Bindings): Storage {
  return createDiskStorage({
    fetch: (input, init) =>
      workerFetch(env, `${librariesPath}/files${new URL(input instanceof Request ? input.url : input).pathname}`, init),
    connect: () => {
      throw new Error("Library files are reached over HTTP only");
    },
  });
}

// Where an asset's original is read from: the file in place for a library asset, storage otherwise.
export function originalOf(c: Ctx, asset: Asset): { storage: Storage; key: string } {
  return asset.externalPath !== null
    ? { storage: libraryFiles(c.env), key: asset.id }
    : { storage: c.var.storage, key: asset.originalKey };
}

export interface ImportPathCheck {
  importPath: string;
  isValid: boolean;
  message?: string;
}

async function checkImportPaths(
  env: Bindings,
  importPaths: string[],
): Promise<Array<ImportPathCheck & { holdsShoeboxData?: true }>> {
  const response = await workerFetch(env, `${librariesPath}/validate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ importPaths }),
  });
  if (!response.ok) throw new AppError(503, `The worker could not check the import paths (${response.status})`);
  return ((await response.json()) as { importPaths: Array<ImportPathCheck & { holdsShoeboxData?: true }> }).importPaths;
}

// A library's folders may be missing for now (a disk not yet mounted), but never be Shoebox's own
// data or hold it: a scan would import every user's originals and thumbnails into one library.
// A scan asked for at once needs them all readable now.
async function refuseImportPaths(env: Bindings, importPaths: string[], readableNow: boolean): Promise<void> {
  if (readableNow && importPaths.length === 0) throw badRequest("Enter the folder to import from");
  if (importPaths.length === 0) return;
  const refused = (await checkImportPaths(env, importPaths)).find((check) =>
    readableNow ? !check.isValid : check.holdsShoeboxData,
  );
  if (refused) throw badRequest(`${refused.importPath}: ${refused.message ?? "cannot be used"}`);
}

// Tells the worker to start, restart or stop watching, as the libraries now say.
function notifyLibrariesChanged(c: Ctx): void {
  notifyWorker(c, `${librariesPath}/changed`, "tell the worker about a library change");
}

export async function allLibraries(c: Ctx, admin: Auth): Promise<LibraryWithCount[]> {
  requireAdmin(admin);
  return listLibraries(c.var.db);
}

export async function findLibrary(c: Ctx, admin: Auth, id: string): Promise<LibraryWithCount> {
  requireAdmin(admin);
  const library = await getLibrary(c.var.db, id);
  if (!library) throw notFound("Library not found");
  return library;
}

// A library's name, checked where it comes in (API body, page form).
export const LibraryName = z.string().trim().min(1, "Enter a name").max(200, "Enter a name of at most 200 characters");

export interface NewLibraryFields {
  ownerId: string;
  name?: string;
  importPaths?: string[];
  exclusionPatterns?: string[];
  watch?: boolean;
}

// A new library for an active user; with `scanNow`, its folders are scanned at once.
export async function addLibrary(
  c: Ctx,
  admin: Auth,
  fields: NewLibraryFields,
  { scanNow }: { scanNow: boolean },
): Promise<LibraryWithCount> {
  requireAdmin(admin);
  if (!(await getActiveUser(c.var.db, fields.ownerId)))
    throw badRequest("Choose an active user as the library's owner");
  const importPaths = [...new Set(fields.importPaths ?? [])];
  await refuseImportPaths(c.env, importPaths, scanNow);
  const library = await createLibrary(c.var.db, {
    ownerId: fields.ownerId,
    name: fields.name ?? "New External Library",
    importPaths,
    exclusionPatterns: [...new Set(fields.exclusionPatterns ?? [])],
    watch: fields.watch ?? false,
  });
  notifyLibrariesChanged(c);
  if (scanNow) await scanLibrary(c, admin, library.id);
  return library;
}

export async function changeLibrary(
  c: Ctx,
  admin: Auth,
  id: string,
  changes: LibraryChanges,
): Promise<LibraryWithCount> {
  await findLibrary(c, admin, id);
  await refuseImportPaths(c.env, changes.importPaths ?? [], false);
  const updated = await updateLibrary(c.var.db, id, changes);
  notifyLibrariesChanged(c);
  return updated!;
}

// The library and its assets leave Shoebox; its files stay where they are.
export async function removeLibrary(c: Ctx, admin: Auth, id: string): Promise<void> {
  await findLibrary(c, admin, id);
  await deleteLibrary(c.var.db, id);
  notifyLibrariesChanged(c);
  nudgeWorker(c);
}

export async function scanLibrary(c: Ctx, admin: Auth, id: string): Promise<void> {
  await findLibrary(c, admin, id);
  await queueLibraryScan(c.var.db, id);
  nudgeWorker(c);
}

export async function statisticsOfLibrary(c: Ctx, admin: Auth, id: string) {
  await findLibrary(c, admin, id);
  return libraryStatistics(c.var.db, id);
}

// Whether the worker can import from each path, with the reason when it cannot.
export async function validateImportPaths(
  c: Ctx,
  admin: Auth,
  id: string,
  importPaths: string[],
): Promise<ImportPathCheck[]> {
  await findLibrary(c, admin, id);
  return (await checkImportPaths(c.env, importPaths)).map(({ importPath, isValid, message }) => ({
    importPath,
    isValid,
    ...(message ? { message } : {}),
  }));
}
