// Users as everyone sees them (to share with), and one's own account.
import { z } from "@hono/zod-openapi";
import { createRouter, json, route } from "../router";
import { notFound } from "../../common/errors";
import {
  AccountEmail,
  AccountName,
  NewPassword,
  shareableUser,
  shareableUsers,
  updateOwnAccount,
} from "../services/users";
import { IdParam, toUserAdminResponse, toUserResponse, UserAdminResponse, UserResponse } from "./responses";
import { PreferencesResponse, PreferencesUpdate, preferencesOf, updatePreferences } from "../services/preferences";

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
                currentPassword: z
                  .string()
                  .max(1024)
                  .optional()
                  .describe("Shoebox's addition: the password now, to change it"),
              })
              .openapi("UserUpdateMeDto"),
          },
        },
      },
    },
    responses: { 200: json(UserAdminResponse, "The updated account") },
  },
);

const preferences = route(
  { permission: "userPreference.read" },
  {
    method: "get",
    path: "/me/preferences",
    tags: ["Users"],
    responses: { 200: json(PreferencesResponse, "Immich's defaults, with what the user changed") },
  },
);

const updateMyPreferences = route(
  { permission: "userPreference.update" },
  {
    method: "put",
    path: "/me/preferences",
    tags: ["Users"],
    description: "Kept for Immich's clients; of these settings Shoebox acts on the avatar's colour.",
    request: { body: { content: { "application/json": { schema: PreferencesUpdate } } } },
    responses: { 200: json(PreferencesResponse, "The preferences now") },
  },
);

// Shoebox keeps no profile pictures: every user shows their initials on their avatar colour.
const profileImage = route(
  { permission: "userProfileImage.read" },
  {
    method: "get",
    path: "/{id}/profile-image",
    tags: ["Users"],
    request: { params: IdParam },
    responses: { 404: { description: "The user has no profile picture (Shoebox keeps none)" } },
  },
);

const list = route(
  { permission: "user.read" },
  {
    method: "get",
    path: "/",
    tags: ["Users"],
    responses: { 200: json(z.array(UserResponse), "Everyone with an account, to share with") },
  },
);

const get = route(
  { permission: "user.read" },
  {
    method: "get",
    path: "/{id}",
    tags: ["Users"],
    request: { params: IdParam },
    responses: { 200: json(UserResponse, "The user") },
  },
);

export const userRoutes = createRouter()
  .openapi(me, (c) => c.json(toUserAdminResponse(c.var.auth.user), 200))
  .openapi(updateMe, async (c) =>
    c.json(toUserAdminResponse(await updateOwnAccount(c, c.var.auth, c.req.valid("json"))), 200),
  )
  .openapi(preferences, (c) => c.json(preferencesOf(c.var.auth.user), 200))
  .openapi(updateMyPreferences, async (c) =>
    c.json(await updatePreferences(c.var.db, c.var.auth.user.id, c.req.valid("json")), 200),
  )
  // Shoebox keeps no profile pictures: every user has none.
  .openapi(profileImage, async (c) => {
    await shareableUser(c, c.req.valid("param").id);
    throw notFound("This user has no profile picture");
  })
  .openapi(list, async (c) => c.json((await shareableUsers(c)).map(toUserResponse), 200))
  .openapi(get, async (c) => c.json(toUserResponse(await shareableUser(c, c.req.valid("param").id)), 200));
