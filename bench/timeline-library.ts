// The million-asset library of bench:timeline (and bench:sync), written straight into a database
// file by bench/synthetic-library.ts and kept in tmp/bench-timeline/ for the next run, as long as the
// migrations, the generator and the options stay the same.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { admin, projectRoot, startShoebox } from "../tests/helpers/shoebox";
import { buildLibrary, schemaVersion, type UserSummary } from "./synthetic-library";

export interface LibraryOptions {
  assets: number;
  otherUsers: number;
  otherAssets: number;
  seed: number;
  rebuild: boolean;
}

export const libraryArgs = {
  rebuild: { type: "boolean", default: false },
  assets: { type: "string", default: "1000000" },
  "other-users": { type: "string", default: "4" },
  "other-assets": { type: "string", default: "50000" },
  seed: { type: "string", default: "1" },
} as const;

export const libraryOptions = (values: {
  rebuild?: boolean;
  assets?: string;
  "other-users"?: string;
  "other-assets"?: string;
  seed?: string;
}): LibraryOptions => ({
  assets: Number(values.assets),
  otherUsers: Number(values["other-users"]),
  otherAssets: Number(values["other-assets"]),
  seed: Number(values.seed),
  rebuild: values.rebuild ?? false,
});

const libraryOf = (options: LibraryOptions) => ({
  schema: schemaVersion(),
  assets: options.assets,
  otherUsers: options.otherUsers,
  otherAssets: options.otherAssets,
  seed: options.seed,
  // Twenty years of photos, up to a fixed date so that every build is the same library.
  start: Date.UTC(2006, 10, 1),
  end: Date.UTC(2026, 10, 1),
});

export interface Manifest {
  library: ReturnType<typeof libraryOf>;
  builtAt: string;
  buildSeconds: number;
  users: UserSummary[];
}

export const cacheDir = join(projectRoot, "tmp", "bench-timeline");
export const dataDir = join(cacheDir, "data");
const manifestPath = join(cacheDir, "library.json");
const maxCacheAgeDays = 9;

function cachedManifest(library: Manifest["library"], rebuild: boolean): Manifest | undefined {
  if (rebuild || !existsSync(manifestPath) || !existsSync(join(dataDir, "shoebox.db"))) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  if (JSON.stringify(manifest.library) !== JSON.stringify(library)) return undefined;
  // The trashed assets were trashed up to 20 days before the build; past 30 the server would empty
  // the trash while the benchmark runs.
  if (Date.now() - Date.parse(manifest.builtAt) > maxCacheAgeDays * 24 * 3600 * 1000) {
    console.log(`The cached library is more than ${maxCacheAgeDays} days old: rebuilding it`);
    return undefined;
  }
  return manifest;
}

async function build(library: Manifest["library"]): Promise<Manifest> {
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const started = performance.now();
  // The server makes the database, applies the migrations and signs up the admin; then it stops,
  // and the assets go straight into the file.
  const first = await startShoebox({ dataDir, keepData: true });
  await first.stop();
  const migrated = performance.now();
  let lastReport = 0;
  const users = buildLibrary({
    dbPath: join(dataDir, "shoebox.db"),
    users: [
      { email: admin.email, assets: library.assets },
      ...Array.from({ length: library.otherUsers }, (_, i) => ({
        email: `bench-${i + 1}@example.com`,
        assets: library.otherAssets,
      })),
    ],
    start: library.start,
    end: library.end,
    seed: library.seed,
    onProgress(written, total) {
      if (written - lastReport >= 100_000 || written === total) {
        lastReport = written;
        const seconds = (performance.now() - migrated) / 1000;
        process.stderr.write(
          `  ${written.toLocaleString("en")} / ${total.toLocaleString("en")} assets, ${seconds.toFixed(0)} s\n`,
        );
      }
    },
  });
  const manifest: Manifest = {
    library,
    builtAt: new Date().toISOString(),
    buildSeconds: (performance.now() - started) / 1000,
    users,
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return manifest;
}

// The library, from the cache or built now.
export async function timelineLibrary(options: LibraryOptions): Promise<{ manifest: Manifest; cached: boolean }> {
  const library = libraryOf(options);
  const cached = cachedManifest(library, options.rebuild);
  if (cached) return { manifest: cached, cached: true };
  console.log(`Building the library in ${cacheDir} …`);
  return { manifest: await build(library), cached: false };
}
