// Where the evaluation's photos come from: files inside npm and Debian packages (eval/photos.json
// names them, with their sha256), fetched once with the ordinary clients (`npm pack`,
// `apt-get download`) into tmp/eval-ml/ and checked. Nothing of them is kept in the repository.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export interface PackageSource {
  registry: "npm" | "debian";
  version: string;
  licence: string;
  // Who made the photos and on what terms, as far as the package says.
  about: string;
}

export interface Sources {
  packages: Record<string, PackageSource>;
}

export const cacheDir = resolve(import.meta.dirname, "../tmp/eval-ml");

// The package's files unpacked under tmp/eval-ml/<registry>/<name>@<version>/, fetched when missing.
function unpacked(name: string, source: PackageSource): string {
  const dir = join(cacheDir, source.registry, `${name.replace("/", "+")}@${source.version}`);
  if (existsSync(join(dir, ".complete"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  const download = join(dir, ".download");
  mkdirSync(download, { recursive: true });
  if (source.registry === "npm") {
    execFileSync("npm", ["pack", `${name}@${source.version}`, "--silent", "--pack-destination", download], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const [archive] = readdirSync(download);
    execFileSync("tar", ["-xzf", join(download, archive!), "-C", dir]);
  } else {
    try {
      execFileSync("apt-get", ["download", `${name}=${source.version}`], {
        cwd: download,
        stdio: ["ignore", "ignore", "pipe"],
      });
    } catch (error) {
      throw new Error(
        `apt-get could not download ${name}=${source.version} (run \`apt-get update\` first): ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
      );
    }
    const [archive] = readdirSync(download);
    execFileSync("dpkg-deb", ["-x", join(download, archive!), dir]);
  }
  rmSync(download, { recursive: true, force: true });
  writeFileSync(join(dir, ".complete"), "");
  return dir;
}

// The bytes of a file of a package, after checking them against the sha256 the labels were made on.
export function packageFile(sources: Sources, name: string, path: string, sha256: string): Buffer {
  const source = sources.packages[name];
  if (!source) throw new Error(`eval/sources.json does not list the package ${name}`);
  const file = join(unpacked(name, source), path);
  if (!existsSync(file)) throw new Error(`${name}@${source.version} has no ${path}`);
  const bytes = readFileSync(file);
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== sha256)
    throw new Error(`${name}@${source.version}/${path} is not the file the labels were made on (sha256 ${actual})`);
  return bytes;
}
