// Albums' rules, for the API and the pages alike: who may see and change an album (the owner changes
// everything, editors add photos and remove their own, viewers look), what a valid change is, and
// which of an album's photos each caller sees.
import { ownedAssetIds, readableAssetIds, type AlbumRole, type Auth } from "../../common/access";
import {
  addAlbumUsers,
  addAssetsToAlbum,
  albumAssetList,
  albumIdsWithAsset,
  createAlbum,
  deleteAlbum,
  getAlbum,
  listAlbums,
  removeAlbumUser,
  removeAssetsFromAlbum,
  setAlbumUserRole,
  updateAlbum,
  type AlbumChanges,
  type AlbumSummary,
  type BulkIdResult,
} from "../../common/albums";
import { AppError, badRequest } from "../../common/errors";
import type { AlbumUser, Asset, User } from "../../common/schema";
import type { KeyedSharedLink } from "../../common/shared-links";
import { listMonthAssets, listTimelineMonths } from "../../common/timeline";
import { getActiveUser, listActiveUsers } from "../../common/users";
import { albumNotFound, requireAlbumRole, visibleTo } from "./album-access";
import type { ServiceContext as Ctx } from "./context";
import { hidesMetadata, listLinks } from "./shared-links";

export type Member = { userId: string; role: AlbumUser["role"] };

export interface AlbumContents {
  album: AlbumSummary;
  role: AlbumRole;
  // In the album's order, as the caller may see them (see visibleTo).
  assets: Asset[];
  // Seen through a link that hides metadata: neither the camera nor the place is shown.
  stripMetadata: boolean;
}

// The longest name and description, in characters.
export const albumLimits = { name: 200, description: 2000 };

function checkName(albumName: string): void {
  if (albumName.length === 0) throw badRequest("Give the album a name.");
  if (albumName.length > albumLimits.name)
    throw badRequest(`Give the album a name of at most ${albumLimits.name} characters.`);
}

function checkDescription(description: string): void {
  if (description.length > albumLimits.description) {
    throw badRequest(`Keep the description to at most ${albumLimits.description} characters.`);
  }
}

// People an album is shared with have an account; its owner has it already.
async function checkNewMembers(c: Ctx, ownerId: string, members: Member[]): Promise<void> {
  for (const { userId } of members) {
    if (userId === ownerId) throw badRequest("The album's owner has it already.");
    if (!(await getActiveUser(c.var.db, userId))) throw badRequest("Choose someone with an account to share with.");
  }
}

const notAMember = () => badRequest("That person is not a member of this album.");

// Albums the caller owns or was invited to: all, only shared ones (`shared`), or those holding an asset.
export async function listAlbumsOf(
  c: Ctx,
  auth: Auth,
  filter: { shared?: boolean; assetId?: string } = {},
): Promise<AlbumSummary[]> {
  const userId = auth.user.id;
  if (filter.assetId) return listAlbums(c.var.db, { ids: await albumIdsWithAsset(c.var.db, userId, filter.assetId) });
  return listAlbums(c.var.db, {
    ownedOrSharedWith: userId,
    ...(filter.shared !== undefined ? { shared: filter.shared } : {}),
  });
}

async function albumFor(c: Ctx, auth: Auth, id: string): Promise<{ album: AlbumSummary; role: AlbumRole }> {
  const role = await requireAlbumRole(c, auth, id);
  const album = await getAlbum(c.var.db, id);
  if (!album) throw albumNotFound();
  return { album, role };
}

async function assetsSeen(c: Ctx, auth: Auth, album: Pick<AlbumSummary, "id" | "order">): Promise<Asset[]> {
  return (await albumAssetList(c.var.db, album)).filter((asset) => visibleTo(auth, asset));
}

// The album and the caller's role in it, with its photos unless `withAssets` is false.
export async function openAlbum(c: Ctx, auth: Auth, id: string, withAssets = true): Promise<AlbumContents> {
  const { album, role } = await albumFor(c, auth, id);
  const assets = withAssets ? await assetsSeen(c, auth, album) : [];
  return { album, role, assets, stripMetadata: hidesMetadata(auth) };
}

// An album's photos as the caller may see them (see visibleTo), in `order` or else the album's own.
export async function albumAssetsSeen(c: Ctx, auth: Auth, id: string, order?: "asc" | "desc"): Promise<Asset[]> {
  const { album } = await albumFor(c, auth, id);
  return assetsSeen(c, auth, { id, order: order ?? album.order });
}

export interface AlbumWithSharing extends AlbumContents {
  // For the owner: who could be invited, and the album's links. Empty for anyone else.
  people: User[];
  links: KeyedSharedLink[];
}

export async function openAlbumWithSharing(c: Ctx, auth: Auth, id: string): Promise<AlbumWithSharing> {
  const contents = await openAlbum(c, auth, id);
  const owner = contents.role === "owner";
  const [people, links] = await Promise.all([
    owner ? listActiveUsers(c.var.db) : [],
    owner ? listLinks(c, auth, id) : [],
  ]);
  return { ...contents, people, links };
}

export interface NewAlbum {
  albumName: string;
  description?: string;
  assetIds?: string[];
  members?: Member[];
}

// A new album of the caller's, with the assets among `assetIds` they may see.
export async function createAlbumOf(c: Ctx, auth: Auth, input: NewAlbum): Promise<AlbumContents> {
  const ownerId = auth.user.id;
  const description = input.description ?? "";
  checkName(input.albumName);
  checkDescription(description);
  const members = input.members ?? [];
  await checkNewMembers(c, ownerId, members);
  const wanted = [...new Set(input.assetIds ?? [])];
  const readable = await readableAssetIds(c.var.db, auth, wanted);
  const id = await createAlbum(
    c.var.db,
    { ownerId, albumName: input.albumName, description },
    wanted.filter((assetId) => readable.has(assetId)),
    members,
  );
  return openAlbum(c, auth, id);
}

// The owner renames the album, describes it, orders it, or picks its cover among its photos.
export async function changeAlbum(c: Ctx, auth: Auth, id: string, changes: AlbumChanges): Promise<AlbumContents> {
  await requireAlbumRole(c, auth, id, ["owner"]);
  if (changes.albumName !== undefined) checkName(changes.albumName);
  if (changes.description !== undefined) checkDescription(changes.description);
  const cover = changes.albumThumbnailAssetId;
  if (cover && !(await albumAssetList(c.var.db, { id, order: "desc" })).some((asset) => asset.id === cover)) {
    throw badRequest("The cover must be one of the album's photos.");
  }
  if (Object.keys(changes).length) await updateAlbum(c.var.db, id, changes);
  return openAlbum(c, auth, id, false);
}

// The album goes; its photos stay in their owners' libraries.
export async function deleteAlbumOf(c: Ctx, auth: Auth, id: string): Promise<void> {
  await requireAlbumRole(c, auth, id, ["owner"]);
  await deleteAlbum(c.var.db, id);
}

// The owner and editors add what they may see.
export async function addAlbumAssets(c: Ctx, auth: Auth, id: string, assetIds: string[]): Promise<BulkIdResult[]> {
  await requireAlbumRole(c, auth, id, ["owner", "editor"]);
  if (assetIds.length === 0) throw badRequest("Choose the photos to add first.");
  return addAssetsToAlbum(c.var.db, id, assetIds, await readableAssetIds(c.var.db, auth, assetIds));
}

// The owner removes anything; an editor removes their own photos.
export async function removeAlbumAssets(c: Ctx, auth: Auth, id: string, assetIds: string[]): Promise<BulkIdResult[]> {
  const role = await requireAlbumRole(c, auth, id, ["owner", "editor"]);
  if (assetIds.length === 0) throw badRequest("Select the photos to remove first.");
  const allowed = role === "owner" ? new Set(assetIds) : await ownedAssetIds(c.var.db, auth, assetIds);
  return removeAssetsFromAlbum(c.var.db, id, assetIds, allowed);
}

// The owner shares the album with people who have an account (a member again: their new role).
export async function addMembers(c: Ctx, auth: Auth, id: string, members: Member[]): Promise<AlbumContents> {
  await requireAlbumRole(c, auth, id, ["owner"]);
  await checkNewMembers(c, auth.user.id, members);
  await addAlbumUsers(c.var.db, id, members);
  return openAlbum(c, auth, id, false);
}

export async function setMemberRole(
  c: Ctx,
  auth: Auth,
  id: string,
  userId: string,
  role: AlbumUser["role"],
): Promise<void> {
  await requireAlbumRole(c, auth, id, ["owner"]);
  if (!(await setAlbumUserRole(c.var.db, id, userId, role))) throw notAMember();
}

// The owner removes a member; a member may leave.
export async function removeMember(c: Ctx, auth: Auth, id: string, userId: string): Promise<void> {
  const role = await requireAlbumRole(c, auth, id);
  if (role !== "owner" && userId !== auth.user.id)
    throw new AppError(403, "Only the album's owner can remove other members");
  if (!(await removeAlbumUser(c.var.db, id, userId))) throw notAMember();
}

// ---------------------------------------------------------------------------------------------
// The picker: the caller's own timeline, whole months at a time, to add photos from

// Months are loaded until there are at least this many photos.
const pickerChunk = 60;

export interface PickerMonth {
  month: string;
  assets: Asset[];
}

export interface Picker {
  album: AlbumSummary;
  months: PickerMonth[];
  // The index of the month to go on from, if there are more.
  next?: number;
  // Photos in the album already.
  inAlbum: Set<string>;
}

export async function albumPicker(c: Ctx, auth: Auth, id: string, from: number): Promise<Picker> {
  await requireAlbumRole(c, auth, id, ["owner", "editor"]);
  const { db } = c.var;
  const album = await getAlbum(db, id);
  if (!album) throw albumNotFound();
  const scope = { ownerIds: [auth.user.id], kind: "timeline" as const };
  const [all, inAlbum] = await Promise.all([
    listTimelineMonths(db, scope),
    albumAssetList(db, album).then((assets) => new Set(assets.map((asset) => asset.id))),
  ]);
  const months: PickerMonth[] = [];
  let count = 0;
  let index = from;
  while (index < all.length && count < pickerChunk) {
    const month = all[index]!.month;
    const { assets } = await listMonthAssets(db, scope, month);
    months.push({ month, assets });
    count += assets.length;
    index++;
  }
  return { album, months, ...(index < all.length ? { next: index } : {}), inAlbum };
}
