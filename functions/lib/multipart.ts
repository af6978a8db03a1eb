// A streaming multipart/form-data parser for web streams. Each part's body is a stream read straight
// from the request, so a file of any size passes through in small chunks. Read or cancel each part's
// body before asking for the next part. A body of too many parts, or a field (`text()`) too large,
// is refused (413) before more is read: the limits are in common/config.ts.
import { defaults } from "../../common/config";
import { AppError, badRequest } from "../../common/errors";
import { chunkReader, type ChunkReader } from "./chunks";

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  body: ReadableStream<Uint8Array>;
  // The part as text: a form field, at most defaults.bodyLimits.multipartField bytes.
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
  for (
    let i = haystack.indexOf(first, from);
    i !== -1 && i + needle.length <= haystack.length;
    i = haystack.indexOf(first, i + 1)
  ) {
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
  const params = dispositionParams(disposition);
  const name = params.get("name");
  if (!/^form-data\s*(;|$)/i.test(disposition) || name === undefined)
    throw badRequest("A multipart part has no form-data name");
  // RFC 7578 has no use for filename*; a client that sends only that one is still understood.
  const starred = params.get("filename*")?.match(/^UTF-8''(.*)$/i)?.[1];
  let filename = params.get("filename");
  if (filename === undefined && starred !== undefined) {
    try {
      filename = decodeURIComponent(starred);
    } catch {
      throw badRequest("A multipart part's filename* is not valid percent-encoding");
    }
  }
  return { name, filename, contentType };
}

// The parameters of a Content-Disposition value: `key=token` or `key="quoted \" string"`, read one
// after another, so that text inside a quoted value can never pass for a parameter of its own.
function dispositionParams(disposition: string): Map<string, string> {
  const params = new Map<string, string>();
  const pattern = /\s*;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/gy;
  pattern.lastIndex = disposition.search(/;|$/);
  for (let match = pattern.exec(disposition); match; match = pattern.exec(disposition)) {
    const key = match[1]!.toLowerCase();
    // Only \" and \\ are escapes: browsers send a Windows path's backslashes as they are.
    const value = match[2] !== undefined ? match[2].replace(/\\(["\\])/g, "$1") : match[3]!.trim();
    if (!params.has(key)) params.set(key, value);
  }
  return params;
}

// A field read whole, refused past `limit` bytes without reading on.
async function fieldText(body: ReadableStream<Uint8Array>, name: string, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new AppError(413, `${name}: a form field of more than ${Math.round(limit / 1024)} KiB`);
    }
    chunks.push(value);
  }
  const whole = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return decoder.decode(whole);
}

export async function* parseMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
): AsyncGenerator<MultipartPart> {
  const reader = new Reader(chunkReader(body));
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const { multipartField, multipartParts } = defaults.bodyLimits;
  await reader.skipPast(encoder.encode(`--${boundary}`), maxHeaderBytes);
  for (let parts = 0; ; parts++) {
    const after = decoder.decode(await reader.take(2));
    if (after === "--") return;
    if (after !== "\r\n") throw badRequest("Malformed multipart body");
    if (parts === multipartParts) throw new AppError(413, `A form of more than ${multipartParts} parts`);
    const headers = parseHeaders(decoder.decode(await reader.readUntil(encoder.encode("\r\n\r\n"), maxHeaderBytes)));
    let finished!: () => void;
    const ended = new Promise<void>((resolve) => (finished = resolve));
    const partBody = reader.streamUntil(delimiter, finished);
    yield {
      ...headers,
      body: partBody,
      text: () => fieldText(partBody, headers.name, multipartField),
    };
    await ended;
  }
}
