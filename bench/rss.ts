// What the benchmarks share: the resident memory of processes sampled while they run, a large
// upload's bytes, and the printed table.
import { readFileSync } from "node:fs";

export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(status.match(/RssAnon:\s+(\d+)/)![1]) * 1024;
  } catch {
    return 0;
  }
}

export class PeakRss {
  readonly start: Map<number, number>;
  readonly peak: Map<number, number>;
  private timer: NodeJS.Timeout;

  constructor(pids: number[]) {
    this.start = new Map(pids.map((pid) => [pid, rssOf(pid)]));
    this.peak = new Map(this.start);
    this.timer = setInterval(() => {
      for (const pid of pids) this.peak.set(pid, Math.max(this.peak.get(pid)!, rssOf(pid)));
    }, 25);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  growth(pid: number): number {
    return this.peak.get(pid)! - this.start.get(pid)!;
  }
}

export const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;

export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [index, row] of rows.entries()) {
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
    if (index === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

const encoder = new TextEncoder();

// `size` bytes that pass the content check as an MP4 video, made as they are read (so a large upload
// costs the benchmark no memory). `seed` changes the first chunk, so that uploads differ; `prefix`
// and `suffix` wrap the bytes (a multipart form's framing).
export function mp4Body(size: number, { seed = 0, prefix = "", suffix = "" } = {}): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(1024 * 1024);
  chunk.set([0, 0, 0, 0x18, ...encoder.encode("ftypmp42"), 0, 0, 0, 0, ...encoder.encode("mp42isom")]);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === 0 && prefix) controller.enqueue(encoder.encode(prefix));
      if (sent >= size) {
        if (suffix) controller.enqueue(encoder.encode(suffix));
        controller.close();
        return;
      }
      const next = chunk.slice();
      if (sent === 0) next[100] = seed;
      controller.enqueue(next);
      sent += chunk.length;
    },
  });
}
