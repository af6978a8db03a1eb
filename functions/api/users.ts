// Users as everyone sees them (to share with), and one's own account.
import { z } from "@hono/zod-openapi";
import { createRouter, json, route } from "../router";
import { AccountEmail, AccountName, NewPassword, shareableUser, shareableUsers, updateOwnAccount } from "../services/users";
import { IdParam, toUserAdminResponse, toUserResponse, UserAdminResponse, UserResponse } from "./responses";

const me = route(
  { permission: "user.read" },
  { method: "get", path: "/me", tags: ["Users"], responses: { 200: json(UserAdminResponse, "The signed-in user") } },
);

const updateMe = route(
  { permission: "user.update" },
  {
    method: "put",
    path: "/me",
    tags: ["Users"],
    request: {
      body: {
        content: {
          "application/json": {
            schema: z
              .object({
                email: AccountEmail.optional(),
                name: AccountName.optional(),
                password: NewPassword.optional().describe("A new password; needs currentPassword"),
                currentPassword: z.string().max(1024).optional().describe("Shoebox's addition: the password now, to change it"),
              })
              .openapi("UserUpdateMeDto"),
          },
        },
      },
    },
    responses: { 200: json(UserAdminResponse, "The updated account") },
  },
);

const list = route(
  { permission: "user.read" },
  { method: "get", path: "/", tags: ["Users"], responses: { 200: json(z.array(UserResponse), "Everyone with an account, to share with") } },
);

const get = route(
  { permission: "user.read" },
  { method: "get", path: "/{id}", tags: ["Users"], request: { params: IdParam }, responses: { 200: json(UserResponse, "The user") } },
);

export const userRoutes = createRouter()
  .openapi(me, (c) => c.json(toUserAdminResponse(c.var.auth.user), 200))
  .openapi(updateMe, async (c) => c.json(toUserAdminResponse(await updateOwnAccount(c, c.var.auth, c.req.valid("json"))), 200))
  .openapi(list, async (c) => c.json((await shareableUsers(c)).map(toUserResponse), 200))
  .openapi(get, async (c) => c.json(toUserResponse(await shareableUser(c, c.req.valid("param").id)), 200));
