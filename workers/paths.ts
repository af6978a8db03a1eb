// Where the project's files are, the same whether the worker runs from its TypeScript sources (tsx,
// in tests and benchmarks) or from the bundles `npm run build` writes under dist/app.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}

export const projectRoot = findProjectRoot(import.meta.dirname);

const fromSources = import.meta.url.endsWith(".ts");

// The file to run for one of the worker's entry points, named by its source ("workers/jobs/job-process.ts").
export const entryPoint = (source: string): string =>
  join(projectRoot, fromSources ? source : join("dist/app", source.replace(/\.ts$/, ".js")));

// Sources changed since `npm run build` made the bundles this process runs (none when it runs from the
// sources, or where they are not shipped, as in the container image).
export function sourcesNewerThanBuild(): string[] {
  if (fromSources) return [];
  const list = join(projectRoot, "dist/app/sources.json");
  if (!existsSync(list)) return [];
  const built = statSync(list).mtimeMs;
  return (JSON.parse(readFileSync(list, "utf8")) as string[]).filter((source) => {
    try {
      return statSync(join(projectRoot, source)).mtimeMs > built;
    } catch {
      return false;
    }
  });
}
