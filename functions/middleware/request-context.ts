// The first thing every request passes: its id (a valid x-request-id from the client or proxy, else a
// new one), returned as x-request-id, sent with every call to the worker and the database, and on
// each of its log lines; and one access line at info once it is answered.
import { createMiddleware } from "hono/factory";
import { isRequestId } from "../../common/log";
import type { AppEnv } from "../env";
import { loggedPath, requestLogger } from "../log";

// A fetcher that adds the request's id to everything sent through it.
function withRequestId(fetcher: Fetcher, requestId: string): Fetcher {
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    request.headers.set("x-request-id", requestId);
    return fetcher.fetch(request);
  };
  return { fetch } as Fetcher;
}

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const given = c.req.header("x-request-id");
  const requestId = isRequestId(given) ? given : crypto.randomUUID();
  const log = requestLogger(c.env.LOG_LEVEL, requestId);
  c.set("requestId", requestId);
  c.set("log", log);
  // This request's own bindings: the shared env object must not carry one request's id into another.
  c.env = { ...c.env, WORKER: withRequestId(c.env.WORKER, requestId), DB: withRequestId(c.env.DB, requestId) };
  const started = performance.now();
  try {
    await next();
  } finally {
    c.res.headers.set("x-request-id", requestId);
    log.info("request", {
      method: c.req.method,
      path: loggedPath(c.req.path),
      status: c.res.status,
      durationMs: Math.round(performance.now() - started),
    });
  }
});
