// The worker's internal HTTP endpoint, reached by workerd through service bindings (and by other
// workers): the embedded database over Hrana, a nudge that wakes the job runner, password hashing,
// face crops, CLIP text embeddings, and the files of external libraries.
// It listens on loopback by default and every request must carry the shared token.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { hashPassword, refuseLikeVerifying, verifyPassword } from "./auth/passwords";
import type { HranaServer } from "./db/hrana-server";
import { InternalHttpError, readBody, readJson, send } from "./http";
import type { InternalRoutes } from "./libraries/endpoints";
import { isRequestId } from "../common/log";
import { log } from "./log";
import type { SpaceGuard } from "./storage/space";

export interface InternalServerOptions {
  host: string;
  port: number;
  token: string;
  hrana?: HranaServer;
  onJobsEnqueued: () => void;
  // Where the CLIP model is, when one is set up: texts are encoded here for search.
  clipModelDir?: string;
  // The external libraries' files and folders (./libraries/endpoints.ts).
  libraries?: InternalRoutes;
  // Room on the data disk, for uploads (./storage/space.ts).
  space?: SpaceGuard;
  // Whether the database is migrated and the worker is not stopping: GET /ready answers 200 then, and
  // 503 before (compose's and the image's health checks ask it).
  ready: () => boolean;
}

const maxBodyBytes = 64 * 1024 * 1024;
// Small JSON requests: a password to hash, a size to check.
const maxPasswordBodyBytes = 16 * 1024;

function authorized(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function passwordIn(body: unknown): string {
  const password = (body as { password?: unknown } | null)?.password;
  if (typeof password !== "string" || password.length > 1024)
    throw new InternalHttpError(400, "password: a string of at most 1024 characters");
  return password;
}

async function route(req: IncomingMessage, res: ServerResponse, options: InternalServerOptions): Promise<void> {
  const path = new URL(req.url ?? "/", "http://internal").pathname;
  if (path === "/health" && req.method === "GET") return send(res, 200, "ok");
  if (path === "/ready" && req.method === "GET")
    return options.ready() ? send(res, 200, "ready") : send(res, 503, "starting or stopping");
  if (!authorized(req, options.token)) return send(res, 401, { message: "Missing or wrong authorization token" });

  if (path === "/internal/jobs/enqueued" && req.method === "POST") {
    options.onJobsEnqueued();
    return send(res, 204, "");
  }
  if (path === "/internal/passwords/hash" && req.method === "POST") {
    return send(res, 200, { hash: await hashPassword(passwordIn(await readJson(req, maxPasswordBodyBytes))) });
  }
  if (path === "/internal/passwords/verify" && req.method === "POST") {
    const body = await readJson(req, maxPasswordBodyBytes);
    const hash = (body as { hash?: unknown }).hash;
    if (typeof hash !== "string" && hash !== null)
      throw new InternalHttpError(400, "hash: a string, or null for an account that does not exist");
    const password = passwordIn(body);
    return send(res, 200, {
      match: hash === null ? await refuseLikeVerifying(password) : await verifyPassword(password, hash),
    });
  }
  if (path === "/internal/storage/space" && req.method === "POST") {
    const bytes = ((await readJson(req, maxPasswordBodyBytes)) as { bytes?: unknown } | null)?.bytes;
    if (typeof bytes !== "number" || !(bytes >= 0))
      throw new InternalHttpError(400, "bytes: the size of what is to be stored");
    if (!options.space) throw new InternalHttpError(404, "This worker keeps no data");
    const space = await options.space.check();
    return send(res, 200, { freeBytes: space.freeBytes, fits: space.fits(bytes) });
  }
  if (path === "/internal/faces/crop" && req.method === "POST") return sendFaceCrop(req, res);
  if (path === "/internal/clip/text" && req.method === "POST") {
    if (!options.clipModelDir) throw new InternalHttpError(404, "No CLIP model is set up (CLIP_MODEL_DIR)");
    const text = ((await readJson(req, maxBodyBytes)) as { text?: unknown } | null)?.text;
    if (typeof text !== "string" || text.length > 1000)
      throw new InternalHttpError(400, "text: a string of at most 1000 characters");
    // The tokenizer, sharp and onnxruntime load with the first search, not with the worker.
    const { encodeText } = await import("./ml/clip");
    return send(res, 200, { embedding: Array.from(await encodeText(options.clipModelDir, text)) });
  }
  if (options.libraries && (await options.libraries(req, res, path))) return;
  if (options.hrana) {
    if (path === "/v2" && req.method === "GET") return send(res, 200, "Hrana 2 over HTTP");
    if (path === "/v2/pipeline" && req.method === "POST") {
      return send(res, 200, await options.hrana.pipeline(await readJson(req, maxBodyBytes)));
    }
  }
  send(res, 404, { message: `No route for ${req.method} ${path}` });
}

// A person's picture, for workerd, which has no image library: the body is the preview, the query
// the face's box in its pixels.
async function sendFaceCrop(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const query = new URL(req.url ?? "/", "http://internal").searchParams;
  const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((name) => Number(query.get(name)));
  if (![x1, y1, x2, y2].every((v) => Number.isFinite(v) && v! >= 0) || x2! <= x1! || y2! <= y1!)
    throw new InternalHttpError(400, "x1, y1, x2, y2: a box");
  const preview = await readBody(req, maxBodyBytes);
  const { cropFace } = await import("./ml/face-thumbnail");
  let jpeg: Buffer;
  try {
    jpeg = await cropFace(preview, { x1: x1!, y1: y1!, x2: x2!, y2: y2! });
  } catch (error) {
    throw new InternalHttpError(422, `The face cannot be cut out: ${(error as Error).message}`);
  }
  res.writeHead(200, { "content-type": "image/jpeg", "content-length": jpeg.length });
  res.end(jpeg);
}

export async function startInternalServer(options: InternalServerOptions): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    // workerd sends the id of the request it is answering: this request's lines carry it.
    const requestId = req.headers["x-request-id"];
    const requestLog = isRequestId(typeof requestId === "string" ? requestId : undefined)
      ? log.with({ requestId })
      : log;
    const started = performance.now();
    res.once("finish", () =>
      requestLog.debug("internal request", {
        method: req.method,
        path: req.url?.split("?")[0],
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      }),
    );
    route(req, res, options).catch((error: unknown) => {
      if (error instanceof InternalHttpError) return send(res, error.status, { message: error.message });
      requestLog.error("internal request failed", { url: req.url, error });
      if (!res.headersSent) send(res, 500, { message: "Internal error" });
      else res.destroy();
    });
  });
  // workerd keeps a pool of connections to this server and reuses them after any pause (an upload can
  // stream for minutes between two database calls); a connection closed here for idleness would fail
  // its next request. The client decides when a connection goes.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return { server, url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}` };
}
