// Partners' rules: a user lets another active user see their whole library, read-only; the one shared
// with decides whether it shows in their timeline (and so on their map). Only the sharer may stop.
import type { Auth } from "../../common/access";
import { badRequest, notFound } from "../../common/errors";
import { addPartner, listPartners, removePartner, setPartnerInTimeline, type Partner } from "../../common/partners";
import { timelineOwnerIds } from "../../common/timeline";
import { getActiveUser, getUser } from "../../common/users";
import type { ServiceContext as Ctx } from "./context";

const partnerNotFound = () => notFound("Partner not found");

// `shared-by`: whom the asker shares their library with; `shared-with`: who shares theirs with the asker.
export function myPartners(c: Ctx, auth: Auth, direction: "shared-by" | "shared-with"): Promise<Partner[]> {
  return listPartners(c.var.db, auth.user.id, direction);
}

// Shares the asker's library with another active user.
export async function shareLibrary(c: Ctx, auth: Auth, sharedWithId: string): Promise<Partner> {
  if (sharedWithId === auth.user.id) throw badRequest("sharedWithId: you cannot partner with yourself");
  const partner = await getActiveUser(c.var.db, sharedWithId);
  if (!partner) throw notFound("User not found");
  if (!(await addPartner(c.var.db, auth.user.id, sharedWithId)))
    throw badRequest("Your library is already shared with this user");
  return { user: partner, inTimeline: false };
}

// Whether the library the partner `sharerId` shares with the asker shows in the asker's timeline.
export async function showPartnerInTimeline(
  c: Ctx,
  auth: Auth,
  sharerId: string,
  inTimeline: boolean,
): Promise<Partner> {
  const sharer = await getUser(c.var.db, sharerId);
  if (!sharer || !(await setPartnerInTimeline(c.var.db, sharerId, auth.user.id, inTimeline))) throw partnerNotFound();
  return { user: sharer, inTimeline };
}

export async function stopSharing(c: Ctx, auth: Auth, sharedWithId: string): Promise<void> {
  if (!(await removePartner(c.var.db, auth.user.id, sharedWithId))) throw partnerNotFound();
}

// Whose photos the asker's timeline shows: their own, and partners' who share with them and whom
// they chose to show there (`withPartners`).
export async function timelineOwners(c: Ctx, auth: Auth, withPartners = true): Promise<string[]> {
  return withPartners ? timelineOwnerIds(c.var.db, auth.user.id) : [auth.user.id];
}
