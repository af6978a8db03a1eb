// Errors of jobs: the kind that never succeeds on a retry, and how a failure reads to the asset's owner.
import type { Asset } from "../../common/schema";

// A file that can never be processed (corrupt, truncated, hostile, unsupported inside): retrying is
// pointless, so the runner fails the job at once and the asset shows the reason.
export class UnprocessableMediaError extends Error {
  override name = "UnprocessableMediaError";
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// A job's error as the asset's owner sees it: one line, and the file named by its own name, never by
// where the server keeps it. `roots` are the folders the worker works in, as configured and as
// absolute paths. The asset's own paths go first (they may hold spaces), then anything under a root
// (a scratch copy), then any other absolute path. A tool's own words after the first line stay in
// the log.
export function errorForOwner(
  message: string,
  asset: Pick<Asset, "originalFileName" | "originalKey" | "externalPath">,
  roots: string[],
): string {
  const name = asset.originalFileName || "the file";
  // Longest first: a relative root is a part of its absolute form.
  const longestFirst = (paths: string[]) => paths.sort((a, b) => b.length - a.length);
  const trimmed = longestFirst(roots.map((root) => root.replace(/\/+$/, "")));
  let shown = message.split("\n")[0]!.trim();
  for (const path of longestFirst([
    asset.externalPath ?? "",
    ...trimmed.map((root) => `${root}/${asset.originalKey}`),
  ])) {
    if (path) shown = shown.split(`file:${path}`).join(name).split(path).join(name);
  }
  for (const root of trimmed)
    shown = shown.replace(new RegExp(`(?:file:)?${escapeRegExp(root)}/[^\\s:"'()<>,;]*`, "g"), name);
  return (
    shown
      // An absolute path starts a word: "originals/ab/x.jpg" is a storage key, not a path.
      .replace(/(?<![\w.])(?:file:)?(?:\/[^\s/:"'()<>,;[\]]+)+\/?/g, name)
      .replace(/\s*\S+ said:\s*$/, "")
      .slice(0, 500)
  );
}
