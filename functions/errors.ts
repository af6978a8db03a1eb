// Maps errors to HTTP in one place, in Immich's error shape. Only an AppError's message reaches
// the client; anything else is logged with its context and answered with a bare 500.
import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError } from "../common/errors";
import type { AppEnv } from "./env";

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
};

function body(status: number, message: string, correlationId: string) {
  return { message, error: reasons[status] ?? "Error", statusCode: status, correlationId };
}

export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  const correlationId = crypto.randomUUID();
  if (error instanceof AppError) return c.json(body(error.status, error.message, correlationId), error.status);
  if (error instanceof HTTPException && error.status < 500) {
    return c.json(body(error.status, error.message || reasons[error.status] || "Error", correlationId), error.status);
  }
  console.error(
    JSON.stringify({ level: "error", correlationId, method: c.req.method, path: c.req.path, error: String(error), stack: (error as Error).stack }),
  );
  return c.json(body(500, "Something went wrong on the server. The owner can find the details in its log.", correlationId), 500);
};

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  c.json(body(404, `Cannot ${c.req.method} ${c.req.path}`, crypto.randomUUID()), 404);
