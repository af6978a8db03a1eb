// The Node side's log (the worker and its job processes): JSON lines (common/log.ts), info and debug
// on stdout, warnings and errors on stderr. Until configureLog is called with LOG_LEVEL from the
// configuration, lines from info up are written.
import { createLogger, type LogContext, type LoggerOptions, type LogLevel, type LogProcess } from "../common/log";

const options: LoggerOptions = {
  process: "worker",
  level: "info",
  write: (level, line) => (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`),
};

export const log = createLogger(options);

// `context`: what every line of this process carries from now on (a job process's current job).
export function configureLog(settings: { level?: LogLevel; process?: LogProcess; context?: LogContext }): void {
  Object.assign(options, settings);
}
