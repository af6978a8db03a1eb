// What the backup, restore and export scripts share: the configuration as the server reads it,
// storage of their own, and how they report.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseConfig, type Config } from "../../common/config";
import { createWorkerStorage } from "../storage";
import type { WorkerStorage } from "../storage/storage";

// A mistake in the command line: said with the usage, exit code 2.
export class UsageError extends Error {
  override name = "UsageError";
}

// The command line: exactly one folder, and the options given.
export function parseCommandLine<O extends NonNullable<ParseArgsConfig["options"]>>(options: O) {
  const parsed = (() => {
    try {
      return parseArgs({ allowPositionals: true, options, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  })();
  const [folder, ...rest] = parsed.positionals;
  if (!folder || rest.length)
    throw new UsageError(folder ? `Give one folder, not ${parsed.positionals.length}` : "Give a folder");
  return { folder, values: parsed.values };
}

// The environment, and a .env in the working folder, as `npm start` reads them.
export function loadConfig(): Config {
  if (existsSync(".env")) process.loadEnvFile(".env");
  return parseConfig(process.env);
}

// Storage as the worker sees it, with a scratch folder of this process's that `close` removes.
export function openStorage(config: Config, role: string): { storage: WorkerStorage; close(): Promise<void> } {
  const id = `${role}-${process.pid}-${randomBytes(4).toString("hex")}`;
  return {
    storage: createWorkerStorage(config.storage, config.scratchRoot, id),
    close: () => rm(join(config.scratchRoot, id), { recursive: true, force: true }),
  };
}

// Creates `folder`, or takes it if it is empty: nothing of the owner's is ever overwritten.
export async function takeEmptyFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  if ((await readdir(folder)).length > 0) throw new UsageError(`${folder} is not empty: give a new or empty folder`);
}

// Runs `fn` on every item, `concurrency` at a time; the results in the items' order.
export async function mapInOrder<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!);
      }
    }),
  );
  return results;
}

// "1 file", "2 files".
export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;
export const mediaCount = (count: number) => (count === 1 ? "1 photo or video" : `${count} photos and videos`);

export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

// A line of progress on stderr: redrawn in place on a terminal, every few seconds otherwise.
export function progress(): (line: string, final?: boolean) => void {
  let last = 0;
  return (line, final = false) => {
    const now = Date.now();
    if (!final && now - last < (process.stderr.isTTY ? 200 : 5000)) return;
    last = now;
    process.stderr.write(process.stderr.isTTY ? `\r${line}\x1b[K${final ? "\n" : ""}` : `${line}\n`);
  };
}

// Runs a script's main: its resolved value is the exit code; usage mistakes exit 2 with the usage,
// other errors 1 with their message.
export function runScript(main: () => Promise<number>, usage: string): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${error.message}\n${usage}`);
        process.exit(2);
      }
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
