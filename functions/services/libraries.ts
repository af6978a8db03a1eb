// External libraries from the handlers' side: workerd has no file system, so a library's files are
// read, and the folders an admin names are checked, by the worker (workers/libraries/endpoints.ts).
import type { Context } from "hono";
import { AppError } from "../../common/errors";
import type { Asset } from "../../common/schema";
import type { Storage } from "../../common/storage";
import type { AppEnv, Bindings } from "../env";
import { createDiskStorage } from "../storage";

type Env = Pick<Context<AppEnv>, "env" | "var" | "executionCtx">;

function callWorker(env: Bindings, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${env.INTERNAL_TOKEN}`);
  return env.WORKER.fetch(`http://worker/internal/libraries/${path}`, { ...init, headers });
}

// The library files, keyed by asset id, answering like workerd's disk service (read-only).
function libraryFiles(env: Bindings): Storage {
  return createDiskStorage({
    fetch: (input, init) => callWorker(env, `files/${new URL(input instanceof Request ? input.url : input).pathname.slice(1)}`, init),
    connect: () => {
      throw new Error("Library files are reached over HTTP only");
    },
  });
}

// Where an asset's original is read from: the file in place for a library asset, storage otherwise.
export function originalOf(c: Env, asset: Asset): { storage: Storage; key: string } {
  return asset.externalPath !== null ? { storage: libraryFiles(c.env), key: asset.id } : { storage: c.var.storage, key: asset.originalKey };
}

export interface ImportPathCheck {
  importPath: string;
  isValid: boolean;
  message?: string;
}

async function checkImportPaths(env: Bindings, importPaths: string[]): Promise<Array<ImportPathCheck & { holdsShoeboxData?: true }>> {
  const response = await callWorker(env, "validate", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ importPaths }),
  });
  if (!response.ok) throw new AppError(503, `The worker could not check the import paths (${response.status})`);
  return ((await response.json()) as { importPaths: Array<ImportPathCheck & { holdsShoeboxData?: true }> }).importPaths;
}

// Whether the worker can import from each path, with the reason when it cannot.
export async function validateImportPaths(env: Bindings, importPaths: string[]): Promise<ImportPathCheck[]> {
  return (await checkImportPaths(env, importPaths)).map(({ importPath, isValid, message }) => ({ importPath, isValid, ...(message ? { message } : {}) }));
}

// A library's folders may be missing for now (a disk not yet mounted), but never be Shoebox's own
// data or hold it: a scan would import every user's originals and thumbnails into one library.
export async function refuseShoeboxDataPaths(env: Bindings, importPaths: string[]): Promise<void> {
  if (importPaths.length === 0) return;
  const refused = (await checkImportPaths(env, importPaths)).find((check) => check.holdsShoeboxData);
  if (refused) throw new AppError(400, `importPaths: ${refused.importPath}: ${refused.message}`);
}

// Tells the worker to start, restart or stop watching, as the libraries now say.
export function notifyLibrariesChanged(c: Env): void {
  const notice = callWorker(c.env, "changed", { method: "POST" }).then(
    (response) => response.body?.cancel(),
    // The worker refreshes its watches every minute anyway.
    (error: unknown) => c.var.log.warn("could not tell the worker about a library change", { error: String(error) }),
  );
  c.executionCtx.waitUntil(notice);
}
