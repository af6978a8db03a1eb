// Structured logging for the worker: one line per event, context as JSON, errors with their stack
// (the log is the owner's; clients never see these).
type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = order[(process.env.LOG_LEVEL as Level) ?? "info"] ?? order.info;

function serialize(context: Record<string, unknown>): string {
  const entries = Object.entries(context).map(([key, value]) => {
    if (value instanceof Error) return [key, value.stack ?? value.message];
    return [key, value];
  });
  return entries.length ? " " + JSON.stringify(Object.fromEntries(entries), (_k, v) => (typeof v === "bigint" ? v.toString() : v)) : "";
}

function write(level: Level, message: string, context: Record<string, unknown> = {}): void {
  if (order[level] < threshold) return;
  const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [worker] ${message}${serialize(context)}\n`;
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line);
}

export const log = {
  debug: (message: string, context?: Record<string, unknown>) => write("debug", message, context),
  info: (message: string, context?: Record<string, unknown>) => write("info", message, context),
  warn: (message: string, context?: Record<string, unknown>) => write("warn", message, context),
  error: (message: string, context?: Record<string, unknown>) => write("error", message, context),
};
