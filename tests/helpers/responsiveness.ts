// How a server holds up under an attack a test makes: pings taken all the while (their p95 is printed,
// never compared with a time), and the memory of a process before and at its peak.
import { readFileSync } from "node:fs";

export interface Responsiveness {
  // Stops pinging; the latencies (ms) and how many pings failed.
  stop(): Promise<{ p95: number; count: number; failed: number }>;
}

export function pingWhile(url: string, everyMs = 50): Responsiveness {
  const latencies: number[] = [];
  let failed = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      try {
        const response = await fetch(`${url}/api/server/ping`);
        await response.body?.cancel();
        if (response.ok) latencies.push(performance.now() - start);
        else failed++;
      } catch {
        failed++;
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? Number.NaN,
        count: latencies.length,
        failed,
      };
    },
  };
}

// Resident memory of a process (anonymous pages: what a buffered body takes).
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/RssAnon:\s+(\d+)/)![1]) * 1024;
}

export function peakRssWhile(pid: number): { stop(): number } {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {}
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

// CPU time a process has used so far, in milliseconds (user and system, from /proc).
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
