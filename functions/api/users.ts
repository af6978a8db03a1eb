// Users as everyone sees them (to share with), and one's own account.
import { z } from "@hono/zod-openapi";
import { deleteOtherSessions } from "../../common/credentials";
import { AppError, badRequest, notFound } from "../../common/errors";
import { emailTaken, getActiveUser, listActiveUsers, updateUser } from "../../common/users";
import { createRouter, json, route } from "../router";
import { PreferencesResponse, PreferencesUpdate, preferencesOf, updatePreferences } from "../services/preferences";
import { hashPassword, verifyPassword } from "../services/sign-in";
import { Email, IdParam, NewPassword, toUserAdminResponse, toUserResponse, UserAdminResponse, UserResponse } from "./responses";

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
                email: Email.optional(),
                name: z.string().trim().min(1).max(200).optional(),
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

const preferences = route(
  { permission: "userPreference.read" },
  { method: "get", path: "/me/preferences", tags: ["Users"], responses: { 200: json(PreferencesResponse, "Immich's defaults, with what the user changed") } },
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
  { method: "get", path: "/", tags: ["Users"], responses: { 200: json(z.array(UserResponse), "Everyone with an account, to share with") } },
);

const get = route(
  { permission: "user.read" },
  { method: "get", path: "/{id}", tags: ["Users"], request: { params: IdParam }, responses: { 200: json(UserResponse, "The user") } },
);

export const userRoutes = createRouter()
  .openapi(me, (c) => c.json(toUserAdminResponse(c.var.auth.user), 200))
  .openapi(updateMe, async (c) => {
    const { email, name, password, currentPassword } = c.req.valid("json");
    const { user, session } = c.var.auth;
    if (email && (await emailTaken(c.var.db, email, user.id))) throw new AppError(409, "Another account uses this email");
    // A stolen session or a key must not be enough to take the account over: a new password needs
    // the current one, and signs out every other device, as POST /api/auth/change-password does.
    if (password && !(currentPassword && (await verifyPassword(c.env, currentPassword, user.passwordHash)))) {
      throw badRequest("To change your password, give your current one (currentPassword), or use POST /api/auth/change-password");
    }
    const updated = await updateUser(c.var.db, user.id, {
      ...(email ? { email } : {}),
      ...(name ? { name } : {}),
      ...(password ? { passwordHash: await hashPassword(c.env, password), shouldChangePassword: false } : {}),
    });
    if (password) await deleteOtherSessions(c.var.db, user.id, session?.id);
    return c.json(toUserAdminResponse(updated!), 200);
  })
  .openapi(preferences, (c) => c.json(preferencesOf(c.var.auth.user), 200))
  .openapi(updateMyPreferences, async (c) => c.json(await updatePreferences(c.var.db, c.var.auth.user.id, c.req.valid("json")), 200))
  .openapi(profileImage, async (c) => {
    const user = await getActiveUser(c.var.db, c.req.valid("param").id);
    throw notFound(user ? "This user has no profile picture" : "User not found");
  })
  .openapi(list, async (c) => c.json((await listActiveUsers(c.var.db)).map(toUserResponse), 200))
  .openapi(get, async (c) => {
    const user = await getActiveUser(c.var.db, c.req.valid("param").id);
    if (!user) throw notFound("User not found");
    return c.json(toUserResponse(user), 200);
  });
