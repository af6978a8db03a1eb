// The one way handlers reach the worker's internal endpoints (workerd cannot hash passwords, run a
// model or read a library's folders itself): every call carries the shared token.
import { AppError } from "../../common/errors";
import type { Bindings } from "../env";
import type { ServiceContext } from "./context";

// A request to the worker at `path` (under http://worker), with the shared token added.
export function workerFetch(env: Bindings, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${env.INTERNAL_TOKEN}`);
  return env.WORKER.fetch(`http://worker${path}`, { ...init, headers });
}

// Posts `body` as JSON and reads the JSON answer; a busy worker's 503 reaches the caller as it is.
export async function callWorker<T>(env: Bindings, path: string, body: unknown): Promise<T> {
  const response = await workerFetch(env, path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.ok) return response.json<T>();
  const text = await response.text();
  // The worker is busy: its message is meant for the person who asked.
  if (response.status === 503) throw new AppError(503, (JSON.parse(text) as { message: string }).message, 1);
  throw new Error(`worker ${path} answered ${response.status}: ${text}`);
}

// Tells the worker something after the answer is sent; `what` names it in the log if it fails.
// The worker polls and refreshes on its own, so a lost notice only delays it.
export function notifyWorker(c: ServiceContext, path: string, what: string): void {
  const notice = workerFetch(c.env, path, { method: "POST" }).then(
    (response) => response.body?.cancel(),
    (error: unknown) => c.var.log.warn(`could not ${what}`, { error: String(error) }),
  );
  c.executionCtx.waitUntil(notice);
}
