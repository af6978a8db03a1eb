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
  const mf = new Miniflare(
    miniflareOptions({
      settings: library.settings,
      secrets: library.secrets,
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
