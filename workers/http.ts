// Small pieces of the worker's internal HTTP endpoint, shared by its routes.
import type { IncomingMessage, ServerResponse } from "node:http";

// A request to the worker's internal endpoint that is wrong as a whole (bad JSON, a bad Hrana
// pipeline, a missing field): answered with its HTTP status and message.
export class InternalHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// The whole body of a request, refused past maxBytes.
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new InternalHttpError(413, "Request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const body = await readBody(req, maxBytes);
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new InternalHttpError(400, "The request body is not valid JSON");
  }
}

// A JSON body, or plain text for a string.
export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
