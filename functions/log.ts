// The request handlers' log (process "web"): JSON lines (common/log.ts) on workerd's console, which
// writes console.log to stdout and console.error to stderr. Each request gets its own logger, with
// its id on every line (middleware/request-context.ts sets it as c.var.log).
import { createLogger, type Logger, type LogLevel } from "../common/log";

export function requestLogger(level: LogLevel, requestId: string): Logger {
  return createLogger(
    {
      process: "web",
      level,
      write: (lineLevel, line) =>
        lineLevel === "error" || lineLevel === "warn" ? console.error(line) : console.log(line),
    },
    { requestId },
  );
}

// A request's path as the log shows it: a shared link's key is a credential, so the log names the
// route instead.
export const loggedPath = (path: string) => path.replace(/^\/share\/[^/]+/, "/share/:key");
