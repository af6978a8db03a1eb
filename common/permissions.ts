// What an API key may do, by Immich's permission names. A signed-in session may do everything its
// user may; "all" gives a key the same.
export const permissions = [
  "all",
  "apiKey.create",
  "apiKey.read",
  "apiKey.update",
  "apiKey.delete",
  "asset.read",
  "asset.update",
  "asset.delete",
  "asset.statistics",
  "asset.view",
  "asset.download",
  "asset.upload",
  "album.create",
  "album.read",
  "album.update",
  "album.delete",
  "album.statistics",
  "albumAsset.create",
  "albumAsset.delete",
  "albumUser.create",
  "albumUser.update",
  "albumUser.delete",
  "auth.changePassword",
  "job.read",
  "job.create",
  "partner.create",
  "partner.read",
  "partner.update",
  "partner.delete",
  "server.about",
  "server.statistics",
  "session.read",
  "session.update",
  "session.delete",
  "sharedLink.create",
  "sharedLink.read",
  "sharedLink.update",
  "sharedLink.delete",
  "user.read",
  "user.update",
  "adminUser.create",
  "adminUser.read",
  "adminUser.update",
  "adminUser.delete",
] as const;

export type Permission = (typeof permissions)[number];

export function grants(held: readonly string[], wanted: Permission): boolean {
  return held.includes("all") || held.includes(wanted);
}
