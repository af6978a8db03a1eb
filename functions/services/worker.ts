// Calls to the worker's internal endpoint for work workerd cannot do itself (hashing passwords,
// running a model), with the shared token.
import type { Bindings } from "../env";

export async function callWorker<T>(env: Bindings, path: string, body: unknown): Promise<T> {
  const response = await env.WORKER.fetch(`http://worker${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.INTERNAL_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`worker ${path} answered ${response.status}: ${await response.text()}`);
  return response.json<T>();
}
