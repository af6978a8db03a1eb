// The request handlers as built (dist/functions.js) on Miniflare over a unit test library: its real
// libSQL file over Hrana and its library folder, bound as on workerd (scripts/miniflare.ts). Requests
// reach the handlers through dispatchFetch, without a listening socket.
import { Miniflare } from "miniflare";
import { miniflareOptions } from "../../../scripts/miniflare";
import type { TestLibrary } from "../../unit/helpers/library";

export interface Handlers {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

export async function startHandlers(library: TestLibrary): Promise<Handlers> {
  // The text bindings as the test library's ServiceContext has them; the services are real ones here.
  const settings = Object.fromEntries(
    Object.entries(library.env).filter((entry): entry is [string, string | number | boolean] =>
      ["string", "number", "boolean"].includes(typeof entry[1]),
    ),
  );
  const mf = new Miniflare(
    miniflareOptions({
      settings,
      databaseUrl: library.workerUrl,
      workerUrl: library.workerUrl,
      storageRoot: library.storageRoot,
    }),
  );
  await mf.ready;
  return {
    fetch: async (path, init) =>
      (await mf.dispatchFetch(`http://localhost${path}`, init as never)) as unknown as Response,
    dispose: () => mf.dispose(),
  };
}
