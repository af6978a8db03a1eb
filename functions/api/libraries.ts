// External libraries, for the admin, in Immich's shapes (/api/libraries): read-only folders on the
// server whose photos and videos are imported in place for one user, scanned on demand or watched.
import { z } from "@hono/zod-openapi";
import { badRequest, notFound } from "../../common/errors";
import type { Database } from "../../common/db";
import {
  createLibrary,
  deleteLibrary,
  getLibrary,
  libraryStatistics,
  listLibraries,
  queueLibraryScan,
  updateLibrary,
  type LibraryWithCount,
} from "../../common/libraries";
import { getUser, isActive } from "../../common/users";
import { createRouter, json, route } from "../router";
import { nudgeWorker } from "../services/jobs";
import { notifyLibrariesChanged, refuseShoeboxDataPaths, validateImportPaths } from "../services/libraries";
import { IdParam, iso, isoOrNull } from "./responses";

const LibraryResponse = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    name: z.string(),
    importPaths: z.array(z.string()),
    exclusionPatterns: z.array(z.string()),
    assetCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    refreshedAt: z.string().nullable(),
    // Shoebox's own: the watch switch, and the progress of the running (or last) scan.
    watch: z.boolean(),
    scanTotal: z.number().int(),
    scanDone: z.number().int(),
    scanStartedAt: z.string().nullable(),
  })
  .openapi("LibraryResponseDto");

function toLibraryResponse(library: LibraryWithCount): z.infer<typeof LibraryResponse> {
  return {
    id: library.id,
    ownerId: library.ownerId,
    name: library.name,
    importPaths: library.importPaths,
    exclusionPatterns: library.exclusionPatterns,
    assetCount: library.assetCount,
    createdAt: iso(library.createdAt),
    updatedAt: iso(library.updatedAt),
    refreshedAt: isoOrNull(library.refreshedAt),
    watch: library.watch,
    scanTotal: library.scanTotal,
    // A rescan queued while the last one's files were still being imported may count a few twice.
    scanDone: Math.min(library.scanDone, library.scanTotal),
    scanStartedAt: isoOrNull(library.scanStartedAt),
  };
}

const ImportPaths = z
  .array(z.string().max(4096).refine((path) => path.startsWith("/"), "an import path must be absolute (start with /)"))
  .max(128)
  .refine((paths) => new Set(paths).size === paths.length, "import paths must be unique");
const ExclusionPatterns = z
  .array(z.string().min(1).max(1024))
  .max(128)
  .refine((patterns) => new Set(patterns).size === patterns.length, "exclusion patterns must be unique");
const Name = z.string().trim().min(1).max(200);

const list = route({ permission: "library.read", admin: true }, {
  method: "get",
  path: "/",
  tags: ["Libraries"],
  responses: { 200: json(z.array(LibraryResponse), "Every external library") },
});

const create = route({ permission: "library.create", admin: true }, {
  method: "post",
  path: "/",
  tags: ["Libraries"],
  description: "Links folders on the server to a user. Nothing is imported until the library is scanned (`POST /api/libraries/{id}/scan`).",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z
            .object({ ownerId: z.uuid(), name: Name.optional(), importPaths: ImportPaths.optional(), exclusionPatterns: ExclusionPatterns.optional(), watch: z.boolean().optional() })
            .openapi("CreateLibraryDto"),
        },
      },
    },
  },
  responses: { 201: json(LibraryResponse, "The new library") },
});

const get = route({ permission: "library.read", admin: true }, {
  method: "get",
  path: "/{id}",
  tags: ["Libraries"],
  request: { params: IdParam },
  responses: { 200: json(LibraryResponse, "The library") },
});

const update = route({ permission: "library.update", admin: true }, {
  method: "put",
  path: "/{id}",
  tags: ["Libraries"],
  request: {
    params: IdParam,
    body: {
      content: {
        "application/json": {
          schema: z
            .object({ name: Name.optional(), importPaths: ImportPaths.optional(), exclusionPatterns: ExclusionPatterns.optional(), watch: z.boolean().optional() })
            .openapi("UpdateLibraryDto"),
        },
      },
    },
  },
  responses: { 200: json(LibraryResponse, "The changed library") },
});

const remove = route({ permission: "library.delete", admin: true }, {
  method: "delete",
  path: "/{id}",
  tags: ["Libraries"],
  description: "Removes the library and its assets from Shoebox. Its files stay where they are, untouched.",
  request: { params: IdParam },
  responses: { 204: { description: "The library is gone" } },
});

const scan = route({ permission: "library.update", admin: true }, {
  method: "post",
  path: "/{id}/scan",
  tags: ["Libraries"],
  description: "Queues a scan: new files are imported, changed ones processed again, missing ones marked offline. Unchanged files are not read.",
  request: { params: IdParam },
  responses: { 204: { description: "The scan is queued" } },
});

const statistics = route({ permission: "library.statistics", admin: true }, {
  method: "get",
  path: "/{id}/statistics",
  tags: ["Libraries"],
  request: { params: IdParam },
  responses: {
    200: json(
      z.object({ photos: z.number().int(), videos: z.number().int(), total: z.number().int(), usage: z.number().int() }).openapi("LibraryStatsResponseDto"),
      "The library's photos, videos and bytes",
    ),
  },
});

const ImportPathCheck = z.object({ importPath: z.string(), isValid: z.boolean(), message: z.string().optional() }).openapi("ValidateLibraryImportPathResponseDto");

const validate = route({ permission: "library.update", admin: true }, {
  method: "post",
  path: "/{id}/validate",
  tags: ["Libraries"],
  description: "Checks, on the worker, that each import path is absolute, exists, is a folder and can be read.",
  request: {
    params: IdParam,
    body: {
      content: {
        "application/json": {
          schema: z.object({ importPaths: z.array(z.string().max(4096)).max(128).optional(), exclusionPatterns: z.array(z.string().max(1024)).max(128).optional() }).openapi("ValidateLibraryDto"),
        },
      },
    },
  },
  responses: {
    200: json(
      z.object({ importPaths: z.array(ImportPathCheck), exclusionPatterns: z.array(z.string()) }).openapi("ValidateLibraryResponseDto"),
      "A verdict per import path",
    ),
  },
});

async function libraryOr404(db: Database, id: string): Promise<LibraryWithCount> {
  const library = await getLibrary(db, id);
  if (!library) throw notFound("Library not found");
  return library;
}

export const libraryRoutes = createRouter()
  .openapi(list, async (c) => c.json((await listLibraries(c.var.db)).map(toLibraryResponse), 200))
  .openapi(create, async (c) => {
    const { ownerId, name, importPaths = [], exclusionPatterns = [], watch = false } = c.req.valid("json");
    const owner = await getUser(c.var.db, ownerId);
    if (!owner || !isActive(owner)) throw badRequest("ownerId: no active user with that id");
    await refuseShoeboxDataPaths(c.env, importPaths);
    const library = await createLibrary(c.var.db, { ownerId, name: name ?? "New External Library", importPaths, exclusionPatterns, watch });
    notifyLibrariesChanged(c);
    return c.json(toLibraryResponse(library), 201);
  })
  .openapi(get, async (c) => c.json(toLibraryResponse(await libraryOr404(c.var.db, c.req.valid("param").id)), 200))
  .openapi(update, async (c) => {
    const { id } = c.req.valid("param");
    await libraryOr404(c.var.db, id);
    const changes = c.req.valid("json");
    await refuseShoeboxDataPaths(c.env, changes.importPaths ?? []);
    const updated = await updateLibrary(c.var.db, id, changes);
    notifyLibrariesChanged(c);
    return c.json(toLibraryResponse(updated!), 200);
  })
  .openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    await libraryOr404(c.var.db, id);
    await deleteLibrary(c.var.db, id);
    notifyLibrariesChanged(c);
    nudgeWorker(c);
    return c.body(null, 204);
  })
  .openapi(scan, async (c) => {
    const { id } = c.req.valid("param");
    await libraryOr404(c.var.db, id);
    await queueLibraryScan(c.var.db, id);
    nudgeWorker(c);
    return c.body(null, 204);
  })
  .openapi(statistics, async (c) => {
    const { id } = c.req.valid("param");
    await libraryOr404(c.var.db, id);
    return c.json(await libraryStatistics(c.var.db, id), 200);
  })
  .openapi(validate, async (c) => {
    await libraryOr404(c.var.db, c.req.valid("param").id);
    const { importPaths = [], exclusionPatterns = [] } = c.req.valid("json");
    return c.json({ importPaths: await validateImportPaths(c.env, importPaths), exclusionPatterns }, 200);
  });
