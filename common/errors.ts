// The one error type for failures a caller can act on. Handlers throw it; functions/errors.ts turns
// it into an HTTP response. Anything else is a bug: logged, and answered with a bare 500.
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503 | 507,
    message: string,
    // When to ask again (429, 503): sent as Retry-After.
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new AppError(400, message);
export const notFound = (message = "Not found") => new AppError(404, message);
