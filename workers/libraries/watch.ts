// Watching the folders of libraries with `watch` on: a file that appears, changes or goes is synced
// once it has stopped changing (same size and time for `stableMs`), in batches. One inotify watch per
// folder (Node's recursive watch on Linux takes one per file, and reads the whole tree synchronously
// at start, which would stall the database this process serves). A watcher that fails is logged and
// started again at the next refresh; every worker start, library change and minute refreshes them.
import { watch, type FSWatcher } from "node:fs";
import { opendir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "../../common/db";
import { watchedLibraries } from "../../common/libraries";
import { enqueueJobs } from "../../common/queue";
import type { Library } from "../../common/schema";
import { log } from "../log";
import { LibraryFolders, modifiedAtOf } from "./folders";

export interface LibraryWatchOptions {
  db: Database;
  onJobsQueued: () => void;
  stableMs?: number;
  refreshMs?: number;
}

const syncBatchFiles = 100;

interface Pending {
  size: number;
  modifiedAt: number;
  since: number;
}

class LibraryWatch {
  private readonly folders: LibraryFolders;
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  closed = false;

  constructor(
    readonly library: Library,
    private readonly stableMs: number,
    private readonly onStable: (library: Library, paths: string[]) => Promise<void>,
  ) {
    this.folders = new LibraryFolders(library);
  }

  // Which settings this watch was started with: another set needs another watch.
  static keyOf(library: Library): string {
    return JSON.stringify([library.importPaths, library.exclusionPatterns]);
  }

  async start(): Promise<void> {
    for (const root of this.folders.importPaths) await this.addFolder(root, false);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  // Watches a folder and those below it. The files of a folder that appeared (moved in, or made
  // with its contents) are new to the library too.
  private async addFolder(folder: string, appeared: boolean): Promise<void> {
    if (this.closed || this.watchers.has(folder) || this.folders.excludesFolder(folder)) return;
    try {
      const watcher = watch(folder, { persistent: false }, (_event, name) => {
        if (name) void this.onEvent(join(folder, name.toString()));
      });
      watcher.on("error", (error) => this.fail(folder, error));
      this.watchers.set(folder, watcher);
      for await (const entry of await opendir(folder)) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await this.addFolder(path, appeared);
        else if (appeared && entry.isFile() && this.folders.includes(path)) this.track(path);
      }
    } catch (error) {
      this.fail(folder, error as Error);
    }
  }

  private fail(folder: string, error: Error): void {
    if (this.closed) return;
    log.warn("watching a library folder failed; it is watched again at the next refresh", {
      libraryId: this.library.id,
      folder,
      error: error.message,
    });
    this.close();
  }

  private async onEvent(path: string): Promise<void> {
    const info = await stat(path).catch(() => null);
    if (info?.isDirectory()) return this.addFolder(path, true);
    if (!info) {
      // A folder that went takes its watchers with it.
      for (const [folder, watcher] of this.watchers) {
        if (folder === path || folder.startsWith(`${path}/`)) {
          watcher.close();
          this.watchers.delete(folder);
        }
      }
    }
    // A file that went is synced too: its asset goes offline.
    if (this.folders.includes(path)) this.track(path);
  }

  private track(path: string): void {
    if (this.closed) return;
    this.pending.set(path, { size: -1, modifiedAt: -1, since: Date.now() });
    this.timer ??= setInterval(() => void this.check(), Math.max(100, this.stableMs / 2)).unref();
  }

  // Files that kept their size and time for stableMs (or are gone) are synced.
  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.sync();
    } finally {
      this.checking = false;
    }
  }

  private async sync(): Promise<void> {
    const stable: string[] = [];
    for (const [path, seen] of this.pending) {
      const info = await stat(path).catch(() => null);
      const now = Date.now();
      if (info && (info.size !== seen.size || modifiedAtOf(info) !== seen.modifiedAt)) {
        this.pending.set(path, { size: info.size, modifiedAt: modifiedAtOf(info), since: now });
      } else if (!info || now - seen.since >= this.stableMs) {
        stable.push(path);
        this.pending.delete(path);
      }
    }
    if (this.pending.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (stable.length > 0 && !this.closed) await this.onStable(this.library, stable);
  }
}

export function startLibraryWatches(options: LibraryWatchOptions): { refresh(): void; stop(): void } {
  const { db, stableMs = 2000, refreshMs = 60_000 } = options;
  const watches = new Map<string, LibraryWatch>();
  let stopped = false;

  const onStable = async (library: Library, paths: string[]) => {
    try {
      const jobs = [];
      for (let i = 0; i < paths.length; i += syncBatchFiles) {
        jobs.push({
          name: "syncLibraryFiles" as const,
          payload: { libraryId: library.id, paths: paths.slice(i, i + syncBatchFiles), scan: false },
        });
      }
      await enqueueJobs(db, jobs);
      options.onJobsQueued();
    } catch (error) {
      log.warn("could not queue the import of watched library files", { libraryId: library.id, error });
    }
  };

  // Starts the watches of libraries that have `watch` on, restarts failed or changed ones, and ends
  // the others. One refresh at a time.
  let refreshing = Promise.resolve();
  const refresh = () => {
    refreshing = refreshing.then(async () => {
      if (stopped) return;
      try {
        const libraries = await watchedLibraries(db);
        for (const [id, watch] of watches) {
          if (
            !libraries.some(
              (library) => library.id === id && LibraryWatch.keyOf(library) === LibraryWatch.keyOf(watch.library),
            ) ||
            watch.closed
          ) {
            watch.close();
            watches.delete(id);
          }
        }
        for (const library of libraries.filter((library) => !watches.has(library.id))) {
          const watch = new LibraryWatch(library, stableMs, onStable);
          watches.set(library.id, watch);
          await watch.start();
          log.info("watching library folders", { libraryId: library.id, importPaths: library.importPaths });
        }
      } catch (error) {
        log.warn("could not refresh the library watches", { error });
      }
    });
  };

  refresh();
  const timer = setInterval(refresh, refreshMs);
  timer.unref();
  return {
    refresh,
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const watch of watches.values()) watch.close();
      watches.clear();
    },
  };
}
