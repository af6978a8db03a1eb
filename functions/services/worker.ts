// Calls to the worker's internal endpoint for work workerd cannot do itself (hashing passwords,
// running a model), with the shared token.
import { AppError } from "../../common/errors";
import type { Bindings } from "../env";

export async function callWorker<T>(env: Bindings, path: string, body: unknown): Promise<T> {
  const response = await env.WORKER.fetch(`http://worker${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.INTERNAL_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.ok) return response.json<T>();
  const text = await response.text();
  // The worker is busy: its message is meant for the person who asked.
  if (response.status === 503) throw new AppError(503, (JSON.parse(text) as { message: string }).message, 1);
  throw new Error(`worker ${path} answered ${response.status}: ${text}`);
}
