// Request bodies in large pieces.
import { badRequest } from "../../common/errors";

const readSize = 256 * 1024;

export interface ChunkReader {
  read(): Promise<{ value?: Uint8Array; done: boolean }>;
  cancel(reason?: unknown): Promise<void>;
}

// Reads in large pieces where the runtime allows (workerd's readAtLeast): a request body arrives in
// small pieces otherwise, and every piece costs a round through each stream layer downstream and
// garbage for the runtime to collect. Elsewhere, whatever the stream yields.
export function chunkReader(body: ReadableStream<Uint8Array>): ChunkReader {
  try {
    const reader = body.getReader({ mode: "byob" }) as ReadableStreamBYOBReader & {
      readAtLeast?: (min: number, view: Uint8Array) => Promise<{ value?: Uint8Array; done: boolean }>;
    };
    const readAtLeast = reader.readAtLeast?.bind(reader);
    return {
      read: () =>
        readAtLeast ? readAtLeast(readSize, new Uint8Array(readSize)) : reader.read(new Uint8Array(readSize)),
      cancel: (reason) => reader.cancel(reason),
    };
  } catch {
    // Not a byte stream.
    const reader = body.getReader();
    return { read: () => reader.read(), cancel: (reason) => reader.cancel(reason) };
  }
}

// A body as a stream of large pieces: a raw upload on its way to storage, or an object being hashed.
export function inLargeChunks(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = chunkReader(body);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await reader.read().catch(() => {
        // The client went away mid-request: its fault, not the server's.
        throw badRequest("The upload broke off before it was complete");
      });
      if (value && value.byteLength > 0) controller.enqueue(value);
      if (done || !value || value.byteLength === 0) controller.close();
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
