// Search in words with CLIP: the worker turns the text into an embedding (workerd runs no models),
// and the smart_search index ranks the owner's assets by it (common/smart-search.ts).
import type { Bindings } from "../env";
import { callWorker } from "./worker";

export const clipEnabled = (env: Bindings) => env.CLIP === "on";

export async function encodeSearchText(env: Bindings, text: string): Promise<Float32Array> {
  const { embedding } = await callWorker<{ embedding: number[] }>(env, "/internal/clip/text", { text });
  return Float32Array.from(embedding);
}
