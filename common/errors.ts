// The one error type for failures a caller can act on. Handlers throw it; functions/errors.ts turns
// it into an HTTP response. Anything else is a bug: logged, and answered with a bare 500.
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new AppError(400, message);
export const notFound = (message = "Not found") => new AppError(404, message);

// A failure's message as it may be shown to a person: its first line, without the server's paths
// (a tool's own words about a file name the file it worked on).
export function withoutServerPaths(message: string): string {
  const line = message.split("\n")[0]!.trim();
  return line
    .replace(/(?<![\w.])(?:file:)?(?:\/[\w.@+-]+){2,}\/?/g, "the file")
    .replace(/\s*\S+ said:\s*$/, "")
    .slice(0, 500);
}
