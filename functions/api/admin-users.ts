// Accounts, as the admin manages them: create, edit, set quotas, remove (with a grace period) and restore.
import { z } from "@hono/zod-openapi";
import { assetStatistics } from "../../common/assets";
import { AppError, badRequest, notFound } from "../../common/errors";
import { queueOriginalMoves } from "../../common/originals";
import { reservedLabels } from "../../common/storage-template";
import { createUser, emailTaken, getUser, listAllUsers, markUserDeleted, restoreUser, storageLabelTaken, updateUser } from "../../common/users";
import { createRouter, json, route } from "../router";
import { nudgeWorker } from "../services/jobs";
import { hashPassword } from "../services/sign-in";
import { AssetStatsQuery, AssetStatsResponse, Email, IdParam, NewPassword, toAssetStatsFilter, toUserAdminResponse, UserAdminResponse } from "./responses";

// The folder of the user's originals under the storage template; null: their id.
const StorageLabel = z
  .string()
  .trim()
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit")
  .refine((label) => !reservedLabels.has(label.toLowerCase()), "this name is used by Shoebox itself")
  .nullable();

const Quota = z.number().int().min(0).nullable();

const list = route(
  { permission: "adminUser.read", admin: true },
  {
    method: "get",
    path: "/",
    tags: ["Users (admin)"],
    request: { query: z.object({ withDeleted: z.enum(["true", "false"]).optional() }) },
    responses: { 200: json(z.array(UserAdminResponse), "Every account") },
  },
);

const create = route(
  { permission: "adminUser.create", admin: true },
  {
    method: "post",
    path: "/",
    tags: ["Users (admin)"],
    request: {
      body: {
        content: {
          "application/json": {
            schema: z
              .object({
                email: Email,
                password: NewPassword,
                name: z.string().trim().min(1).max(200),
                quotaSizeInBytes: Quota.optional(),
                storageLabel: StorageLabel.optional(),
                isAdmin: z.boolean().optional(),
                shouldChangePassword: z.boolean().optional(),
                notify: z.boolean().optional(),
              })
              .openapi("UserAdminCreateDto"),
          },
        },
      },
    },
    responses: { 201: json(UserAdminResponse, "The new account") },
  },
);

const get = route(
  { permission: "adminUser.read", admin: true },
  { method: "get", path: "/{id}", tags: ["Users (admin)"], request: { params: IdParam }, responses: { 200: json(UserAdminResponse, "The account") } },
);

const update = route(
  { permission: "adminUser.update", admin: true },
  {
    method: "put",
    path: "/{id}",
    tags: ["Users (admin)"],
    request: {
      params: IdParam,
      body: {
        content: {
          "application/json": {
            schema: z
              .object({
                email: Email.optional(),
                password: NewPassword.optional(),
                name: z.string().trim().min(1).max(200).optional(),
                quotaSizeInBytes: Quota.optional(),
                storageLabel: StorageLabel.optional(),
                isAdmin: z.boolean().optional(),
                shouldChangePassword: z.boolean().optional(),
              })
              .openapi("UserAdminUpdateDto"),
          },
        },
      },
    },
    responses: { 200: json(UserAdminResponse, "The updated account") },
  },
);

const remove = route(
  { permission: "adminUser.delete", admin: true },
  {
    method: "delete",
    path: "/{id}",
    tags: ["Users (admin)"],
    description: "Signs the user out and stops the account. Its photos and albums are deleted after the grace period, or at once with `force`.",
    request: {
      params: IdParam,
      body: { required: false, content: { "application/json": { schema: z.object({ force: z.boolean().optional() }).openapi("UserAdminDeleteDto") } } },
    },
    responses: { 200: json(UserAdminResponse, "The removed account") },
  },
);

const restore = route(
  { permission: "adminUser.delete", admin: true },
  {
    method: "post",
    path: "/{id}/restore",
    tags: ["Users (admin)"],
    request: { params: IdParam },
    responses: { 200: json(UserAdminResponse, "The restored account") },
  },
);

const statistics = route(
  { permission: "adminUser.read", admin: true },
  {
    method: "get",
    path: "/{id}/statistics",
    tags: ["Users (admin)"],
    request: { params: IdParam, query: AssetStatsQuery },
    responses: { 200: json(AssetStatsResponse, "How many photos and videos the user has") },
  },
);

async function checkStorageLabel(db: Parameters<typeof getUser>[0], label: string | null | undefined, userId?: string) {
  if (label && (await storageLabelTaken(db, label, userId))) throw new AppError(409, "Another account uses this storage label");
}

async function userOr404(db: Parameters<typeof getUser>[0], id: string) {
  const user = await getUser(db, id);
  if (!user || user.passwordHash === "") throw notFound("User not found");
  return user;
}

export const adminUserRoutes = createRouter()
  .openapi(list, async (c) => c.json((await listAllUsers(c.var.db, c.req.valid("query").withDeleted === "true")).map(toUserAdminResponse), 200))
  .openapi(create, async (c) => {
    const { password, notify: _notify, ...fields } = c.req.valid("json");
    if (await emailTaken(c.var.db, fields.email)) throw new AppError(409, "Another account uses this email");
    await checkStorageLabel(c.var.db, fields.storageLabel);
    const user = await createUser(c.var.db, { ...fields, passwordHash: await hashPassword(c.env, password) });
    return c.json(toUserAdminResponse(user), 201);
  })
  .openapi(get, async (c) => c.json(toUserAdminResponse(await userOr404(c.var.db, c.req.valid("param").id)), 200))
  .openapi(update, async (c) => {
    const { id } = c.req.valid("param");
    const { password, ...fields } = c.req.valid("json");
    const before = await userOr404(c.var.db, id);
    if (fields.email && (await emailTaken(c.var.db, fields.email, id))) throw new AppError(409, "Another account uses this email");
    await checkStorageLabel(c.var.db, fields.storageLabel, id);
    if (fields.isAdmin === false && id === c.var.auth.user.id) throw badRequest("isAdmin: you cannot take away your own admin rights");
    const updated = await updateUser(c.var.db, id, { ...fields, ...(password ? { passwordHash: await hashPassword(c.env, password) } : {}) });
    if (fields.storageLabel !== undefined && fields.storageLabel !== before.storageLabel) {
      // The user's originals move to the folder of the new label.
      if (await queueOriginalMoves(c.var.db, id)) nudgeWorker(c);
    }
    return c.json(toUserAdminResponse(updated!), 200);
  })
  .openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    if (id === c.var.auth.user.id) throw badRequest("You cannot remove your own account");
    await userOr404(c.var.db, id);
    const force = c.req.valid("json")?.force === true;
    const removed = await markUserDeleted(c.var.db, id, force);
    if (!removed) throw badRequest("This account is being removed already");
    if (force) nudgeWorker(c);
    return c.json(toUserAdminResponse(removed), 200);
  })
  .openapi(restore, async (c) => {
    const { id } = c.req.valid("param");
    await userOr404(c.var.db, id);
    const restored = await restoreUser(c.var.db, id);
    if (!restored) throw badRequest("Only a removed account still in its grace period can be restored");
    return c.json(toUserAdminResponse(restored), 200);
  })
  .openapi(statistics, async (c) => {
    const { id } = c.req.valid("param");
    await userOr404(c.var.db, id);
    return c.json(await assetStatistics(c.var.db, id, toAssetStatsFilter(c.req.valid("query"))), 200);
  });
