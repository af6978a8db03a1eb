// A streaming multipart/form-data parser for web streams. Each part's body is a stream read straight
// from the request, so a file of any size passes through in small chunks. Read or cancel each part's
// body before asking for the next part.
import { badRequest } from "../../common/errors";
import { chunkReader, type ChunkReader } from "./chunks";

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  body: ReadableStream<Uint8Array>;
  text(): Promise<string>;
}

const maxHeaderBytes = 16 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function boundaryOf(contentType: string | undefined): string {
  const match = contentType?.match(/^multipart\/form-data\s*;.*boundary=(?:"([^"]+)"|([^;\s]+))/i);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw badRequest("Expected a multipart/form-data body with a boundary");
  return boundary;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  for (let i = haystack.indexOf(first, from); i !== -1 && i + needle.length <= haystack.length; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array<ArrayBuffer>, b: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// Buffers just enough of the request to find the next delimiter.
class Reader {
  private buffer: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  private done = false;

  constructor(private readonly reader: ChunkReader) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const { value, done } = await this.reader.read().catch(() => {
      // The client went away mid-request: its fault, not the server's.
      throw badRequest("The upload broke off before it was complete");
    });
    if (!value || value.byteLength === 0) {
      this.done = true;
      return false;
    }
    if (done) this.done = true;
    this.buffer = concat(this.buffer, value as Uint8Array<ArrayBuffer>);
    return true;
  }

  async skipPast(needle: Uint8Array, limit: number): Promise<void> {
    for (;;) {
      const at = indexOf(this.buffer, needle, 0);
      if (at !== -1) {
        this.buffer = this.buffer.subarray(at + needle.length);
        return;
      }
      if (this.buffer.length > limit) throw badRequest("Malformed multipart body");
      if (!(await this.fill())) throw badRequest("The multipart body ended early");
    }
  }

  async take(count: number): Promise<Uint8Array> {
    while (this.buffer.length < count) {
      if (!(await this.fill())) throw badRequest("The multipart body ended early");
    }
    const out = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return out;
  }

  async readUntil(needle: Uint8Array, limit: number): Promise<Uint8Array> {
    for (;;) {
      const at = indexOf(this.buffer, needle, 0);
      if (at !== -1) {
        const out = this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + needle.length);
        return out;
      }
      if (this.buffer.length > limit) throw badRequest("A multipart header is too large");
      if (!(await this.fill())) throw badRequest("The multipart body ended early");
    }
  }

  // A stream of the bytes before the next `needle`, consumed up to and including it.
  streamUntil(needle: Uint8Array, onEnd: () => void): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        for (;;) {
          const at = indexOf(this.buffer, needle, 0);
          if (at !== -1) {
            if (at > 0) controller.enqueue(this.buffer.subarray(0, at));
            this.buffer = this.buffer.subarray(at + needle.length);
            controller.close();
            onEnd();
            return;
          }
          // Everything except a tail that could be the start of the delimiter is part of the body.
          const safe = this.buffer.length - (needle.length - 1);
          if (safe > 0) {
            controller.enqueue(this.buffer.subarray(0, safe));
            this.buffer = this.buffer.subarray(safe);
            return;
          }
          if (!(await this.fill())) {
            controller.error(badRequest("The upload ended before the file was complete"));
            return;
          }
        }
      },
      cancel: async () => {
        // Nothing after this part can be read any more; let the parser stop.
        this.done = true;
        this.buffer = new Uint8Array(0);
        onEnd();
        await this.reader.cancel();
      },
    });
  }
}

function parseHeaders(raw: string): { name: string; filename?: string; contentType?: string } {
  let disposition = "";
  let contentType: string | undefined;
  for (const line of raw.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon === -1) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "content-disposition") disposition = value;
    if (key === "content-type") contentType = value;
  }
  const param = (key: string) => {
    const match = disposition.match(new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, "i")) ?? disposition.match(new RegExp(`;\\s*${key}=([^;]+)`, "i"));
    return match?.[1]?.replace(/\\(.)/g, "$1");
  };
  const starred = disposition.match(/;\s*filename\*=UTF-8''([^;]+)/i)?.[1];
  const name = param("name");
  if (!/^form-data\b/i.test(disposition) || name === undefined) throw badRequest("A multipart part has no form-data name");
  const filename = starred ? decodeURIComponent(starred) : param("filename");
  return { name, filename, contentType };
}

export async function* parseMultipart(body: ReadableStream<Uint8Array>, boundary: string): AsyncGenerator<MultipartPart> {
  const reader = new Reader(chunkReader(body));
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  await reader.skipPast(encoder.encode(`--${boundary}`), maxHeaderBytes);
  for (;;) {
    const after = decoder.decode(await reader.take(2));
    if (after === "--") return;
    if (after !== "\r\n") throw badRequest("Malformed multipart body");
    const headers = parseHeaders(decoder.decode(await reader.readUntil(encoder.encode("\r\n\r\n"), maxHeaderBytes)));
    let finished!: () => void;
    const ended = new Promise<void>((resolve) => (finished = resolve));
    const partBody = reader.streamUntil(delimiter, finished);
    yield {
      ...headers,
      body: partBody,
      text: async () => new Response(partBody).text(),
    };
    await ended;
  }
}
