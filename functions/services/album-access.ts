// Who may do what in an album, for the album and shared-link services: the one place that turns a
// caller's role (owner, editor, viewer, a link's visitor) into a yes, a 403 or a 404.
import { albumRole, type AlbumRole, type Auth } from "../../common/access";
import { AppError, notFound } from "../../common/errors";
import type { Asset } from "../../common/schema";
import type { ServiceContext as Ctx } from "./context";

export const albumNotFound = () => notFound("Album not found");

const anyRole: AlbumRole[] = ["owner", "editor", "viewer"];

// The caller's role, which must be one of `allowed`. Someone with no part in the album gets a 404,
// as if it did not exist; a member without the right gets a 403 that says why.
export async function requireAlbumRole(
  c: Ctx,
  auth: Auth,
  albumId: string,
  allowed: AlbumRole[] = anyRole,
): Promise<AlbumRole> {
  const role = await albumRole(c.var.db, auth, albumId);
  if (!role) throw albumNotFound();
  if (!allowed.includes(role))
    throw new AppError(403, role === "viewer" ? "You can only view this album" : "Only the album's owner can do this");
  return role;
}

// Locked photos stay their owner's own, in an album as anywhere: another member never sees them,
// and a link, seen by strangers, shows none at all.
export function visibleTo(auth: Auth, asset: Asset): boolean {
  return asset.visibility !== "locked" || (!auth.sharedLink && asset.ownerId === auth.user.id);
}
