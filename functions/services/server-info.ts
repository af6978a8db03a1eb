// What the server says about itself: the version of Immich's API it speaks, and its own version.
import type { Bindings } from "../env";

// The version of Immich's API that Shoebox implements, answered at GET /api/server/version. Immich's
// clients choose their protocol by it (the phone app's sync needs 3.x), so it moves only when
// Shoebox follows a newer Immich API, never with Shoebox's own releases.
export const immichApiVersion = "3.1.0";

export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
  prerelease: number | null;
}

export function apiVersion(): ServerVersion {
  const [major = 0, minor = 0, patch = 0] = immichApiVersion.split(".").map(Number);
  return { major, minor, patch, prerelease: null };
}

// Immich's "about" in what Shoebox knows of it: `version` is the API's, as clients compare it with
// theirs; Shoebox's own version (package.json) goes in a field of its own, which clients ignore.
export function serverAbout(env: Pick<Bindings, "VERSION">) {
  return {
    version: `v${immichApiVersion}`,
    versionUrl: `https://github.com/immich-app/immich/releases/tag/v${immichApiVersion}`,
    licensed: false,
    shoeboxVersion: env.VERSION,
  };
}
