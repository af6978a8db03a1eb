// Accounts' rules, for the API and the pages alike: what an account's fields may hold, the first
// admin's sign-up, the admin's management of accounts, and a user's changes to their own.
import { z } from "@hono/zod-openapi";
import type { Auth } from "../../common/access";
import { assetStatistics, serverStatistics, type AssetStatsFilter, type UserUsage } from "../../common/assets";
import { deleteOtherSessions } from "../../common/credentials";
import { AppError, badRequest, notFound } from "../../common/errors";
import { queueOriginalMoves } from "../../common/originals";
import type { User } from "../../common/schema";
import { reservedLabels } from "../../common/storage-template";
import {
  createFirstAdmin,
  createUser,
  emailTaken,
  getActiveUser,
  getUser,
  listActiveUsers,
  listAllUsers,
  markUserDeleted,
  restoreUser,
  storageLabelTaken,
  updateUser,
  type UserChanges,
} from "../../common/users";
import { requireAdmin } from "./admin";
import type { ServiceContext as Ctx } from "./context";
import { nudgeWorker, queued } from "./jobs";
import { hashPassword, verifyPassword } from "./sign-in";

// The fields of an account, checked where they come in (API body, page form) with these messages.
export const AccountName = z
  .string("Enter a name")
  .trim()
  .min(1, "Enter a name")
  .max(200, "Enter a name of at most 200 characters");
export const AccountEmail = z
  .email("Enter a valid email address")
  .max(320, "Enter an email address of at most 320 characters");
export const NewPassword = z
  .string("Choose a password")
  .min(8, "Choose a password of at least 8 characters")
  .max(1024, "Choose a password of at most 1024 characters");

// The folder of the user's originals under the storage template; null: their id.
export const StorageLabel = z
  .string()
  .trim()
  .max(64)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
    "letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit",
  )
  .refine((label) => !reservedLabels.has(label.toLowerCase()), "this name is used by Shoebox itself")
  .nullable();

// Bytes a user may store; null: no limit.
export const Quota = z.number().int().min(0).nullable();

export interface NewAccount {
  name: string;
  email: string;
  password: string;
  quotaSizeInBytes?: number | null;
  storageLabel?: string | null;
  isAdmin?: boolean;
  shouldChangePassword?: boolean;
}

export type AccountChanges = Partial<NewAccount>;

const emailInUse = () => new AppError(409, "Another account uses this email");

async function refuseTakenEmail(c: Ctx, email: string | undefined, exceptId?: string): Promise<void> {
  if (email && (await emailTaken(c.var.db, email, exceptId))) throw emailInUse();
}

// A label names a folder of originals: no two users share one, nor may a label be another's id.
async function refuseTakenLabel(c: Ctx, label: string | null | undefined, exceptId?: string): Promise<void> {
  if (label && (await storageLabelTaken(c.var.db, label, exceptId)))
    throw new AppError(409, "Another account uses this storage label");
}

// The first admin's account, made by whoever opens a new server first. Undefined: an admin exists.
export async function signUpFirstAdmin(
  c: Ctx,
  fields: Pick<NewAccount, "email" | "name" | "password">,
): Promise<User | undefined> {
  return createFirstAdmin(c.var.db, {
    email: fields.email,
    name: fields.name,
    passwordHash: await hashPassword(c.env, fields.password),
  });
}

export async function listAccounts(c: Ctx, admin: Auth, withDeleted: boolean): Promise<User[]> {
  requireAdmin(admin);
  return listAllUsers(c.var.db, withDeleted);
}

// An account an admin manages: not the placeholder owner of an older library.
export async function managedAccount(c: Ctx, admin: Auth, id: string): Promise<User> {
  requireAdmin(admin);
  const user = await getUser(c.var.db, id);
  if (!user || user.passwordHash === "") throw notFound("User not found");
  return user;
}

export async function createAccount(c: Ctx, admin: Auth, account: NewAccount): Promise<User> {
  requireAdmin(admin);
  const { password, ...fields } = account;
  await refuseTakenEmail(c, fields.email);
  await refuseTakenLabel(c, fields.storageLabel);
  return createUser(c.var.db, { ...fields, passwordHash: await hashPassword(c.env, password) });
}

export async function updateAccount(c: Ctx, admin: Auth, id: string, changes: AccountChanges): Promise<User> {
  const before = await managedAccount(c, admin, id);
  const { password, ...fields } = changes;
  await refuseTakenEmail(c, fields.email, id);
  await refuseTakenLabel(c, fields.storageLabel, id);
  // A server could end up with no admin.
  if (fields.isAdmin === false && id === admin.user.id) throw badRequest("You cannot take away your own admin rights");
  const update: UserChanges = { ...fields, ...(password ? { passwordHash: await hashPassword(c.env, password) } : {}) };
  const updated = (await updateUser(c.var.db, id, update))!;
  // The user's originals move to the folder of the new label.
  if (fields.storageLabel !== undefined && fields.storageLabel !== before.storageLabel) {
    await queued(c, () => queueOriginalMoves(c.var.db, id));
  }
  return updated;
}

// Signs the user out and stops the account; its data goes after the grace period, or now (`force`).
export async function removeAccount(c: Ctx, admin: Auth, id: string, force: boolean): Promise<User> {
  await managedAccount(c, admin, id);
  if (id === admin.user.id) throw badRequest("You cannot remove your own account");
  const removed = await markUserDeleted(c.var.db, id, force);
  if (!removed) throw badRequest("This account is being removed already");
  // A forced removal queued the deletion of the account's data.
  if (force) nudgeWorker(c);
  return removed;
}

export async function restoreAccount(c: Ctx, admin: Auth, id: string): Promise<User> {
  await managedAccount(c, admin, id);
  const restored = await restoreUser(c.var.db, id);
  if (!restored) throw badRequest("Only a removed account still in its grace period can be restored");
  return restored;
}

export async function accountStatistics(c: Ctx, admin: Auth, id: string, filter: AssetStatsFilter) {
  await managedAccount(c, admin, id);
  return assetStatistics(c.var.db, id, filter);
}

// Photos, videos and bytes of every user, for the server's statistics.
export async function usageByUser(c: Ctx, admin: Auth): Promise<UserUsage[]> {
  requireAdmin(admin);
  return serverStatistics(c.var.db);
}

// Everyone who can be shared with, and one of them.
export const shareableUsers = (c: Ctx): Promise<User[]> => listActiveUsers(c.var.db);

export async function shareableUser(c: Ctx, id: string): Promise<User> {
  const user = await getActiveUser(c.var.db, id);
  if (!user) throw notFound("User not found");
  return user;
}

// A new password for one's own account. A stolen session or key must not be enough to take the
// account over: it needs the current password. `signOutOthers` ends every other session.
export async function changeOwnPassword(
  c: Ctx,
  auth: Auth,
  change: { currentPassword: string | undefined; newPassword: string; signOutOthers: boolean },
): Promise<User> {
  const { user, session } = auth;
  if (change.currentPassword === undefined)
    throw badRequest(
      "To change your password, give your current one (currentPassword), or use POST /api/auth/change-password",
    );
  if (!(await verifyPassword(c.env, change.currentPassword, user.passwordHash)))
    throw badRequest("Wrong current password");
  const updated = await updateUser(c.var.db, user.id, {
    passwordHash: await hashPassword(c.env, change.newPassword),
    shouldChangePassword: false,
  });
  if (change.signOutOthers) await deleteOtherSessions(c.var.db, user.id, session?.id);
  return updated!;
}

// One's own name, email, and (with the current one) password; a new password signs out every
// other device.
export async function updateOwnAccount(
  c: Ctx,
  auth: Auth,
  changes: { email?: string; name?: string; password?: string; currentPassword?: string },
): Promise<User> {
  const { email, name, password, currentPassword } = changes;
  await refuseTakenEmail(c, email, auth.user.id);
  if (password) await changeOwnPassword(c, auth, { currentPassword, newPassword: password, signOutOthers: true });
  if (!email && !name) return (await getUser(c.var.db, auth.user.id))!;
  return (await updateUser(c.var.db, auth.user.id, { ...(email ? { email } : {}), ...(name ? { name } : {}) }))!;
}
