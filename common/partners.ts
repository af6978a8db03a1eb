// The partner repository: one user letting another see their whole library, read-only.
import { and, eq } from "drizzle-orm";
import type { Database } from "./db";
import { partners, users, type User } from "./schema";

export interface Partner {
  user: User;
  inTimeline: boolean;
}

// Partners who share with this user ('shared-with') or whom this user shares with ('shared-by').
export async function listPartners(
  db: Database,
  userId: string,
  direction: "shared-by" | "shared-with",
): Promise<Partner[]> {
  const sharedBy = direction === "shared-by";
  return db
    .select({ user: users, inTimeline: partners.inTimeline })
    .from(partners)
    .innerJoin(users, eq(users.id, sharedBy ? partners.sharedWithId : partners.sharedById))
    .where(and(eq(sharedBy ? partners.sharedById : partners.sharedWithId, userId), eq(users.status, "active")));
}

export async function addPartner(db: Database, sharedById: string, sharedWithId: string): Promise<boolean> {
  const result = await db
    .insert(partners)
    .values({ sharedById, sharedWithId, createdAt: Date.now() })
    .onConflictDoNothing();
  return result.rowsAffected > 0;
}

// The user who shares decides to stop; the user shared with decides whether it shows in their timeline.
export async function removePartner(db: Database, sharedById: string, sharedWithId: string): Promise<boolean> {
  const result = await db
    .delete(partners)
    .where(and(eq(partners.sharedById, sharedById), eq(partners.sharedWithId, sharedWithId)));
  return result.rowsAffected > 0;
}

export async function setPartnerInTimeline(
  db: Database,
  sharedById: string,
  sharedWithId: string,
  inTimeline: boolean,
): Promise<boolean> {
  const result = await db
    .update(partners)
    .set({ inTimeline })
    .where(and(eq(partners.sharedById, sharedById), eq(partners.sharedWithId, sharedWithId)));
  return result.rowsAffected > 0;
}
