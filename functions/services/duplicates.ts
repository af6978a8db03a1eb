// Duplicates' rules, for the API and the pages alike: the groups of near-identical photos the worker
// found in the asker's own library (common/duplicates.ts). Resolving keeps the chosen copies, which
// must be of the group, and trashes the others; dismissing dissolves groups, all of them or none.
import type { Auth } from "../../common/access";
import {
  dismissDuplicateGroups,
  getDuplicateGroup,
  listDuplicateGroups,
  ownedDuplicateIds,
  resolveDuplicateGroup,
  type DuplicateGroup,
} from "../../common/duplicates";
import { badRequest, notFound } from "../../common/errors";
import type { ServiceContext as Ctx } from "./context";

// Another person's group is as good as none.
const groupNotFound = () => notFound("This group of duplicates is no longer there.");

// The asker's groups, newest first; a page of them when asked.
export function myDuplicateGroups(
  c: Ctx,
  auth: Auth,
  page?: { limit: number; offset: number },
): Promise<DuplicateGroup[]> {
  return listDuplicateGroups(c.var.db, auth.user.id, page);
}

// Not duplicates: the groups are dissolved and their assets stay as they are; all of them, or a 404.
export async function dismissGroups(c: Ctx, auth: Auth, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if ((await ownedDuplicateIds(c.var.db, auth.user.id, unique)).length !== unique.length) throw groupNotFound();
  await dismissDuplicateGroups(c.var.db, auth.user.id, unique);
}

// Keeps the chosen copies of a group (at least one, each of the group), trashes the others.
export async function resolveGroup(
  c: Ctx,
  auth: Auth,
  id: string,
  keepIds: string[],
): Promise<{ kept: string[]; trashed: string[] }> {
  const group = await getDuplicateGroup(c.var.db, auth.user.id, id);
  if (!group) throw groupNotFound();
  if (keepIds.length === 0) throw badRequest("Keep at least one copy, or mark the group as not duplicates.");
  if (keepIds.some((keep) => !group.assets.some((member) => member.asset.id === keep)))
    throw badRequest("Only copies of this group can be kept.");
  const result = await resolveDuplicateGroup(c.var.db, auth.user.id, id, keepIds);
  if (!result) throw groupNotFound();
  return result;
}
