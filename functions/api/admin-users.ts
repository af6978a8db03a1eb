// Accounts, as the admin manages them: create, edit, set quotas, remove (with a grace period) and restore.
import { z } from "@hono/zod-openapi";
import { createRouter, json, route } from "../router";
import {
  AccountEmail,
  AccountName,
  accountStatistics,
  createAccount,
  listAccounts,
  managedAccount,
  NewPassword,
  Quota,
  removeAccount,
  restoreAccount,
  StorageLabel,
  updateAccount,
} from "../services/users";
import {
  AssetStatsQuery,
  AssetStatsResponse,
  IdParam,
  toAssetStatsFilter,
  toUserAdminResponse,
  UserAdminResponse,
} from "./responses";

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
                email: AccountEmail,
                password: NewPassword,
                name: AccountName,
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
  {
    method: "get",
    path: "/{id}",
    tags: ["Users (admin)"],
    request: { params: IdParam },
    responses: { 200: json(UserAdminResponse, "The account") },
  },
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
                email: AccountEmail.optional(),
                password: NewPassword.optional(),
                name: AccountName.optional(),
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
    description:
      "Signs the user out and stops the account. Its photos and albums are deleted after the grace period, or at once with `force`.",
    request: {
      params: IdParam,
      body: {
        required: false,
        content: {
          "application/json": { schema: z.object({ force: z.boolean().optional() }).openapi("UserAdminDeleteDto") },
        },
      },
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

export const adminUserRoutes = createRouter()
  .openapi(list, async (c) =>
    c.json(
      (await listAccounts(c, c.var.auth, c.req.valid("query").withDeleted === "true")).map(toUserAdminResponse),
      200,
    ),
  )
  .openapi(create, async (c) => {
    const { notify: _notify, ...account } = c.req.valid("json");
    return c.json(toUserAdminResponse(await createAccount(c, c.var.auth, account)), 201);
  })
  .openapi(get, async (c) =>
    c.json(toUserAdminResponse(await managedAccount(c, c.var.auth, c.req.valid("param").id)), 200),
  )
  .openapi(update, async (c) =>
    c.json(toUserAdminResponse(await updateAccount(c, c.var.auth, c.req.valid("param").id, c.req.valid("json"))), 200),
  )
  .openapi(remove, async (c) => {
    const removed = await removeAccount(c, c.var.auth, c.req.valid("param").id, c.req.valid("json")?.force === true);
    return c.json(toUserAdminResponse(removed), 200);
  })
  .openapi(restore, async (c) =>
    c.json(toUserAdminResponse(await restoreAccount(c, c.var.auth, c.req.valid("param").id)), 200),
  )
  .openapi(statistics, async (c) =>
    c.json(
      await accountStatistics(c, c.var.auth, c.req.valid("param").id, toAssetStatsFilter(c.req.valid("query"))),
      200,
    ),
  );
