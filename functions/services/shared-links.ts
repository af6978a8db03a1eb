// Shared links' rules, for the API and the pages alike: who may make, change and remove a link (its
// maker, and for an album link the album's owner), what its settings may be, what it shows its
// visitors, and what they may play. Originals carry the place and the camera; a link that hides
// metadata never allows downloads, and a link that hides metadata or allows no downloads plays its
// videos only from a copy the worker makes without them (workers/jobs/video.ts), never the original.
import { canReadAsset, readableAssetIds, type Auth } from "../../common/access";
import { albumAssetList, getAlbum, type AlbumSummary } from "../../common/albums";
import { getAssetsWithExif, getAssetWithExif, linkVideosWithoutCopy } from "../../common/assets";
import { AppError, badRequest, notFound } from "../../common/errors";
import { enqueueJobUnlessPending } from "../../common/queue";
import type { Asset, Exif, SharedLink, User } from "../../common/schema";
import {
  addSharedLinkAssets,
  createSharedLink,
  deleteSharedLink,
  getSharedLink,
  listSharedLinks,
  removeSharedLinkAssets,
  sharedLinkAssetIds,
  updateSharedLink,
  withKey,
  type KeyedSharedLink,
  type SharedLinkChanges,
} from "../../common/shared-links";
import { getUser } from "../../common/users";
import { requireAlbumRole, visibleTo } from "./album-access";
import { randomToken } from "./auth";
import type { ServiceContext as Ctx } from "./context";
import { queued } from "./jobs";
import { hashPassword } from "./sign-in";

// Seen through a link that hides metadata: neither the camera nor the place is shown.
export const hidesMetadata = (auth: Auth): boolean => (auth.sharedLink ? !auth.sharedLink.showMetadata : false);

export const playsOnlyCopies = (link: Pick<SharedLink, "showMetadata" | "allowDownload">) =>
  !link.showMetadata || !link.allowDownload;

async function queueCopies(c: Ctx, videoIds: string[]): Promise<void> {
  await queued(c, async () => {
    let any = false;
    for (const assetId of videoIds) {
      const job = { name: "encodeVideo" as const, payload: { assetId, evenIfPlayable: true } };
      any = (await enqueueJobUnlessPending(c.var.db, job, { samePayload: true })) || any;
    }
    return any;
  });
}

// A link made or changed: the copies its visitors will play are made ahead of them.
export async function prepareLinkVideos(c: Ctx, link: SharedLink): Promise<void> {
  if (playsOnlyCopies(link)) await queueCopies(c, await linkVideosWithoutCopy(c.var.db, link));
}

// A visitor asked to play a video that has no copy yet (added to the album since): it is made now.
export async function videoNotReadyForLink(c: Ctx, videoId: string): Promise<AppError> {
  await queueCopies(c, [videoId]);
  return new AppError(503, "This video is being prepared for sharing. Try again in a minute.", 30);
}

// ---------------------------------------------------------------------------------------------
// Making and changing links: their maker's

export interface LinkSettings {
  description?: string | null;
  // Empty or null: no password.
  password?: string | null;
  // Milliseconds since the epoch; null: never.
  expiresAt?: number | null;
  allowUpload?: boolean;
  allowDownload?: boolean;
  showMetadata?: boolean;
}

export type NewLink = LinkSettings &
  ({ type: "ALBUM"; albumId?: string } | { type: "INDIVIDUAL"; assetIds?: string[] });

const linkNotFound = () => notFound("Shared link not found");

// Links are managed by the people who make them; a link's visitor, who acts as its maker, never.
function makerOf(auth: Auth): string {
  if (auth.sharedLink) throw new AppError(403, "A shared link cannot make or change links");
  return auth.user.id;
}

// The stored form of the settings. Hidden metadata forbids downloads: originals carry it.
async function settingsToChanges(c: Ctx, input: LinkSettings, current?: SharedLink): Promise<SharedLinkChanges> {
  const changes: SharedLinkChanges = {};
  if (input.description !== undefined) changes.description = input.description?.trim() || null;
  if (input.password !== undefined) {
    if (input.password && input.password.length > 1024)
      throw badRequest("Choose a password of at most 1024 characters.");
    changes.passwordHash = input.password ? await hashPassword(c.env, input.password) : null;
  }
  if (input.expiresAt !== undefined) {
    if (input.expiresAt !== null && !(input.expiresAt > Date.now()))
      throw badRequest("expiresAt: must be in the future");
    changes.expiresAt = input.expiresAt;
  }
  if (input.allowUpload !== undefined) changes.allowUpload = input.allowUpload;
  if (input.showMetadata !== undefined) changes.showMetadata = input.showMetadata;
  if (input.allowDownload !== undefined) changes.allowDownload = input.allowDownload;
  if (!(changes.showMetadata ?? current?.showMetadata ?? true)) changes.allowDownload = false;
  return changes;
}

// One of the caller's own links, with its key; anyone else's is not found.
export async function ownLink(c: Ctx, auth: Auth, id: string): Promise<KeyedSharedLink> {
  const link = await getSharedLink(c.var.db, makerOf(auth), id);
  if (!link) throw linkNotFound();
  return withKey(c.env.INTERNAL_TOKEN, link);
}

// The caller's links, all or those of one album.
export async function listLinks(c: Ctx, auth: Auth, albumId?: string): Promise<KeyedSharedLink[]> {
  const links = await listSharedLinks(c.var.db, makerOf(auth), albumId);
  return Promise.all(links.map((link) => withKey(c.env.INTERNAL_TOKEN, link)));
}

// A link to an album is its owner's to make; a link to hand-picked assets takes only what the maker may see.
export async function createLink(c: Ctx, auth: Auth, input: NewLink): Promise<KeyedSharedLink> {
  const userId = makerOf(auth);
  let assetIds: string[] = [];
  if (input.type === "ALBUM") {
    if (!input.albumId) throw badRequest("albumId: required for an album link");
    await requireAlbumRole(c, auth, input.albumId, ["owner"]);
  } else {
    if (!input.assetIds?.length) throw badRequest("assetIds: required for a link to hand-picked assets");
    const readable = await readableAssetIds(c.var.db, auth, input.assetIds);
    if (readable.size !== new Set(input.assetIds).size) throw notFound("Asset not found");
    assetIds = [...readable];
  }
  const changes = await settingsToChanges(c, input);
  const link = await createSharedLink(
    c.var.db,
    c.env.INTERNAL_TOKEN,
    randomToken(),
    {
      userId,
      type: input.type,
      albumId: input.type === "ALBUM" ? input.albumId! : null,
      description: changes.description ?? null,
      passwordHash: changes.passwordHash ?? null,
      expiresAt: changes.expiresAt ?? null,
      allowUpload: changes.allowUpload ?? false,
      allowDownload: changes.allowDownload ?? true,
      showMetadata: changes.showMetadata ?? true,
    },
    assetIds,
  );
  await prepareLinkVideos(c, link);
  return link;
}

export async function updateLink(c: Ctx, auth: Auth, id: string, settings: LinkSettings): Promise<KeyedSharedLink> {
  const current = await ownLink(c, auth, id);
  const link = await updateSharedLink(c.var.db, current.userId, id, await settingsToChanges(c, settings, current));
  if (!link) throw linkNotFound();
  await prepareLinkVideos(c, link);
  return { ...link, key: current.key };
}

export async function deleteLink(c: Ctx, auth: Auth, id: string): Promise<void> {
  if (!(await deleteSharedLink(c.var.db, makerOf(auth), id))) throw linkNotFound();
}

export type LinkAssetResult =
  | { assetId: string; success: true }
  | { assetId: string; success: false; error: "duplicate" | "no_permission" | "not_found" };

// Adds assets to a link to hand-picked assets: those the maker may see, once each.
export async function addLinkAssets(c: Ctx, auth: Auth, id: string, assetIds: string[]): Promise<LinkAssetResult[]> {
  const link = await ownLink(c, auth, id);
  if (link.type !== "INDIVIDUAL")
    throw badRequest("Only a link to hand-picked assets takes assets; add them to the album instead");
  const [readable, present] = await Promise.all([
    readableAssetIds(c.var.db, auth, assetIds),
    sharedLinkAssetIds(c.var.db, link.id),
  ]);
  const already = new Set(present);
  const results: LinkAssetResult[] = assetIds.map((assetId) =>
    !readable.has(assetId)
      ? { assetId, success: false, error: "no_permission" }
      : already.has(assetId)
        ? { assetId, success: false, error: "duplicate" }
        : { assetId, success: true },
  );
  await addSharedLinkAssets(
    c.var.db,
    link.id,
    results.filter((r) => r.success).map((r) => r.assetId),
  );
  await prepareLinkVideos(c, link);
  return results;
}

export async function removeLinkAssets(c: Ctx, auth: Auth, id: string, assetIds: string[]): Promise<LinkAssetResult[]> {
  const link = await ownLink(c, auth, id);
  if (link.type !== "INDIVIDUAL") throw badRequest("Only a link to hand-picked assets has assets of its own");
  const present = new Set(await sharedLinkAssetIds(c.var.db, link.id));
  const results: LinkAssetResult[] = assetIds.map((assetId) =>
    present.has(assetId) ? { assetId, success: true } : { assetId, success: false, error: "not_found" },
  );
  await removeSharedLinkAssets(
    c.var.db,
    link.id,
    results.filter((r) => r.success).map((r) => r.assetId),
  );
  return results;
}

// ---------------------------------------------------------------------------------------------
// What a link shows

export interface LinkContents {
  link: KeyedSharedLink;
  owner: User;
  // Who the link's visitors act as, for the rules on what they may do (mayDownload, hidesMetadata).
  visitor: Auth;
  album?: AlbumSummary;
  // Without trashed and locked ones. An album's assets come without their EXIF.
  assets: Array<{ asset: Asset; exif: Exif | null }>;
}

// What the link shows, as its visitors may see it (its maker sees the same in their list).
export async function linkContents(c: Ctx, link: KeyedSharedLink): Promise<LinkContents> {
  const { db } = c.var;
  const [owner, album] = await Promise.all([
    getUser(db, link.userId),
    link.albumId ? getAlbum(db, link.albumId) : undefined,
  ]);
  if (!owner) throw linkNotFound();
  const rows = album
    ? (await albumAssetList(db, album)).map((asset) => ({ asset, exif: null }))
    : (await getAssetsWithExif(db, await sharedLinkAssetIds(db, link.id))).filter(
        (row) => row.asset.deletedAt === null,
      );
  const visitor: Auth = { user: owner, sharedLink: link };
  const assets = rows.filter((row) => visibleTo(visitor, row.asset));
  return { link, owner, visitor, ...(album ? { album } : {}), assets };
}

// One asset the link shows, with its EXIF; anything else is not found.
export async function linkAsset(
  c: Ctx,
  link: KeyedSharedLink,
  assetId: string,
): Promise<{ contents: LinkContents; asset: Asset; exif: Exif | null }> {
  const contents = await linkContents(c, link);
  const readable = await canReadAsset(c.var.db, contents.visitor, assetId);
  const found = readable ? await getAssetWithExif(c.var.db, assetId) : undefined;
  if (!found) throw notFound("There is nothing at this address.");
  return { contents, ...found };
}
