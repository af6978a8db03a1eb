// The request handlers (the bundle of functions/) on Miniflare, bound as the worker binds them on
// workerd (workers/web/workerd-config.ts): DB and WORKER reach the worker's internal endpoint, STORAGE
// is the library folder through workerd's disk service, ASSETS is public/. For `npm run dev`
// (scripts/dev.ts) and the route tests (tests/routes/).
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MiniflareOptions } from "miniflare";
import { parse as parseToml } from "smol-toml";
import type { HandlerSecrets, HandlerSettings } from "../workers/web/handler-settings";

const root = resolve(import.meta.dirname, "..");
export const functionsBundle = join(root, "dist/functions.js");

export interface HandlerServices {
  // The plain bindings of functions/env.ts (workers/web/handler-settings.ts), secrets too: Miniflare
  // keeps them in this process. The database's Hrana endpoint is settings.DB_URL.
  settings: HandlerSettings;
  secrets: HandlerSecrets;
  // The worker's internal endpoint (often the database's too).
  workerUrl: string;
  // The local library folder.
  storageRoot: string;
  listen?: { host: string; port: number };
}

const external = (url: string) => {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:")
    throw new Error(`The handlers on Miniflare reach the worker over plain HTTP on this machine, not ${url}`);
  return { external: { address: parsed.host, http: {} } };
};

export function miniflareOptions(services: HandlerServices): MiniflareOptions {
  const wrangler = parseToml(readFileSync(join(root, "wrangler.toml"), "utf8")) as {
    compatibility_date: string;
    compatibility_flags?: string[];
  };
  // workerd's disk service wants the folder there (workerd-config.ts makes it too).
  mkdirSync(services.storageRoot, { recursive: true });
  return {
    modules: true,
    scriptPath: functionsBundle,
    compatibilityDate: wrangler.compatibility_date,
    compatibilityFlags: wrangler.compatibility_flags ?? [],
    bindings: { ...services.settings, ...services.secrets },
    serviceBindings: {
      DB: external(services.settings.DB_URL),
      WORKER: external(services.workerUrl),
      STORAGE: { disk: { path: services.storageRoot, writable: true } },
      ASSETS: { disk: { path: join(root, "public"), writable: false } },
    },
    // No request to Cloudflare for a cf object: the handlers read only the client's address from it.
    cf: { clientIp: "127.0.0.1" },
    ...(services.listen ? { host: services.listen.host, port: services.listen.port } : {}),
  };
}
