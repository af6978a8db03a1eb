// Log lines, one JSON object each and the same shape from every process: {time, level, process,
// message, ...context}. Each side makes its logger here and writes the lines where its runtime wants
// them (workers/log.ts, functions/log.ts); the log is the owner's, so errors keep their stack.
export const logLevels = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof logLevels)[number];
// web: workerd's request handlers; worker: the Node worker; job: a job process of the worker.
export type LogProcess = "web" | "worker" | "job";
export type LogContext = Record<string, unknown>;

export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
  // The same logger with more context on each line (a request's id, a job's queue and id).
  with(context: LogContext): Logger;
}

// Read at each line, so that a process may set them once its configuration is parsed.
export interface LoggerOptions {
  process: LogProcess;
  level: LogLevel;
  // Context on every line of this process (a job process's current job).
  context?: LogContext;
  write: (level: LogLevel, line: string) => void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const isLogLevel = (value: string): value is LogLevel => (logLevels as readonly string[]).includes(value);

// A request id taken from a client or another process: short, and nothing that could break a log line
// or a header.
export const isRequestId = (value: string | null | undefined): value is string =>
  !!value && /^[A-Za-z0-9._:-]{1,128}$/.test(value);

const fixed = new Set(["time", "level", "process", "message"]);

function jsonValue(_key: string, value: unknown): unknown {
  if (value instanceof Error) return value.stack ?? value.message;
  if (typeof value === "bigint") return value.toString();
  return value;
}

export function formatLine(process: LogProcess, level: LogLevel, message: string, context: LogContext): string {
  const line: LogContext = { time: new Date().toISOString(), level, process, message };
  for (const [key, value] of Object.entries(context)) if (!fixed.has(key) && value !== undefined) line[key] = value;
  return JSON.stringify(line, jsonValue);
}

export function createLogger(options: LoggerOptions, context: LogContext = {}): Logger {
  const write =
    (level: LogLevel) =>
    (message: string, extra: LogContext = {}) => {
      if (rank[level] < rank[options.level]) return;
      options.write(level, formatLine(options.process, level, message, { ...options.context, ...context, ...extra }));
    };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    with: (more) => createLogger(options, { ...context, ...more }),
  };
}
