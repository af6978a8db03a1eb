// Reads Shoebox's log: every line its processes write is a JSON object (common/log.ts); other
// output (the "listening on" line, workerd's own messages) is passed over.
export interface LogLine {
  time: string;
  level: "debug" | "info" | "warn" | "error";
  process: "web" | "worker" | "job";
  message: string;
  [key: string]: unknown;
}

export function logLines(output: string): LogLine[] {
  return output.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}
