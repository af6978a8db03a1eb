// Maps errors to HTTP in one place, in Immich's error shape, whose correlationId is the request's id.
// Only an AppError's message reaches the client; anything else is logged with its context and
// answered with a bare 500.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError } from "../common/errors";
import type { AppEnv } from "./env";
import { loggedPath } from "./log";
import { diskFull } from "./services/disk-space";

const reasons: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
  507: "Insufficient Storage",
};

function body(status: number, message: string, correlationId: string) {
  return { message, error: reasons[status] ?? "Error", statusCode: status, correlationId };
}

// Logs an unexpected error with its request; the request's id, which the answer carries, lets the
// owner find it in the log.
export function logUnexpected(error: unknown, c: Context<AppEnv>): string {
  c.var.log.error("unexpected error", { method: c.req.method, path: loggedPath(c.req.path), error });
  return c.var.requestId;
}

// A database that cannot write for want of disk space is something the user can act on.
export function asAppError(error: unknown): unknown {
  const text = `${(error as { code?: string }).code ?? ""} ${String(error)}`;
  return /SQLITE_FULL|database or disk is full/.test(text) ? diskFull() : error;
}

export const handleError: ErrorHandler<AppEnv> = (thrown, c) => {
  const error = asAppError(thrown);
  if (error instanceof AppError) {
    if (error.retryAfterSeconds !== undefined) c.header("retry-after", String(error.retryAfterSeconds));
    return c.json(body(error.status, error.message, c.var.requestId), error.status);
  }
  if (error instanceof HTTPException && error.status < 500) {
    return c.json(body(error.status, error.message || reasons[error.status] || "Error", c.var.requestId), error.status);
  }
  return c.json(
    body(
      500,
      "Something went wrong on the server. The owner can find the details in its log.",
      logUnexpected(error, c),
    ),
    500,
  );
};

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  c.json(body(404, `Cannot ${c.req.method} ${c.req.path}`, c.var.requestId), 404);
