// The request handlers as built (dist/functions.js) on Miniflare, bound the way the worker binds them
// on workerd (workers/web/workerd-config.ts): DB and WORKER reach a test library's internal endpoint
// (its real libSQL file over Hrana), STORAGE is its library folder through workerd's disk service,
// ASSETS is public/. Requests go to the handlers with dispatchFetch, without a listening socket.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { parse as parseToml } from "smol-toml";
import type { TestLibrary } from "../../unit/helpers/library";
import { projectRoot } from "../../helpers/shoebox";

export interface Handlers {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

export async function startHandlers(library: TestLibrary): Promise<Handlers> {
  const wrangler = parseToml(readFileSync(join(projectRoot, "wrangler.toml"), "utf8")) as { compatibility_date: string; compatibility_flags?: string[] };
  // workerd's disk service wants the folder there (workerd-config.ts makes it too).
  mkdirSync(library.storageRoot, { recursive: true });
  const worker = { address: new URL(library.workerUrl).host, http: {} };
  // The text bindings as the test library's ServiceContext has them; the services are real ones here.
  const texts = Object.fromEntries(Object.entries(library.env).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(projectRoot, "dist/functions.js"),
    compatibilityDate: wrangler.compatibility_date,
    compatibilityFlags: wrangler.compatibility_flags ?? [],
    bindings: texts,
    serviceBindings: {
      DB: { external: worker },
      WORKER: { external: worker },
      STORAGE: { disk: { path: library.storageRoot, writable: true } },
      ASSETS: { disk: { path: join(projectRoot, "public"), writable: false } },
    },
    // No request to Cloudflare for a cf object: the handlers read only the client address from it.
    cf: { clientIp: "127.0.0.1" },
  });
  await mf.ready;
  return {
    fetch: async (path, init) => (await mf.dispatchFetch(`http://localhost${path}`, init as never)) as unknown as Response,
    dispose: () => mf.dispose(),
  };
}
