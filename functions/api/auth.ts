// Signing up the first admin, signing in and out, and changing one's password.
import { z } from "@hono/zod-openapi";
import { badRequest } from "../../common/errors";
import { createRouter, json, publicRoute, route } from "../router";
import { endSessionCookie, startSession } from "../services/auth";
import { signOutHere } from "../services/sessions";
import { checkCredentials } from "../services/sign-in";
import { AccountEmail, AccountName, changeOwnPassword, NewPassword, signUpFirstAdmin } from "../services/users";
import { toUserAdminResponse, UserAdminResponse } from "./responses";

const SignUp = z.object({ email: AccountEmail, password: NewPassword, name: AccountName }).openapi("SignUpDto");

const adminSignUp = publicRoute({
  method: "post",
  path: "/admin-sign-up",
  tags: ["Authentication"],
  description: "Creates the first admin. Answers 400 once the server has one.",
  request: { body: { content: { "application/json": { schema: SignUp } } } },
  responses: { 201: json(UserAdminResponse, "The new admin") },
});

const LoginResponse = z
  .object({
    accessToken: z.string(),
    userId: z.string(),
    userEmail: z.string(),
    name: z.string(),
    profileImagePath: z.string(),
    isAdmin: z.boolean(),
    shouldChangePassword: z.boolean(),
    isOnboarded: z.boolean(),
  })
  .openapi("LoginResponseDto");

const login = publicRoute({
  method: "post",
  path: "/login",
  tags: ["Authentication"],
  description:
    "Signs in: the token comes back in the body and as an HttpOnly cookie. Repeated failures are refused for a while (429).",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z
            .object({ email: z.string().max(320), password: z.string().max(1024) })
            .openapi("LoginCredentialDto"),
        },
      },
    },
  },
  responses: { 201: json(LoginResponse, "Signed in") },
});

const logout = route(
  {},
  {
    method: "post",
    path: "/logout",
    tags: ["Authentication"],
    responses: {
      200: json(
        z.object({ successful: z.boolean(), redirectUri: z.string() }).openapi("LogoutResponseDto"),
        "Signed out",
      ),
    },
  },
);

const changePassword = route(
  { permission: "auth.changePassword" },
  {
    method: "post",
    path: "/change-password",
    tags: ["Authentication"],
    request: {
      body: {
        content: {
          "application/json": {
            schema: z
              .object({
                password: z.string().max(1024),
                newPassword: NewPassword,
                invalidateSessions: z.boolean().optional(),
              })
              .openapi("ChangePasswordDto"),
          },
        },
      },
    },
    responses: { 200: json(UserAdminResponse, "The password was changed") },
  },
);

const validateToken = route(
  {},
  {
    method: "post",
    path: "/validateToken",
    tags: ["Authentication"],
    responses: {
      200: json(
        z.object({ authStatus: z.boolean() }).openapi("ValidateAccessTokenResponseDto"),
        "The credentials are valid",
      ),
    },
  },
);

export const authRoutes = createRouter()
  .openapi(adminSignUp, async (c) => {
    const admin = await signUpFirstAdmin(c, c.req.valid("json"));
    if (!admin) throw badRequest("The server already has an admin: sign in instead");
    return c.json(toUserAdminResponse(admin), 201);
  })
  .openapi(login, async (c) => {
    const { email, password } = c.req.valid("json");
    const user = await checkCredentials(c, email, password);
    const accessToken = await startSession(c, user);
    return c.json(
      {
        accessToken,
        userId: user.id,
        userEmail: user.email,
        name: user.name,
        profileImagePath: "",
        isAdmin: user.isAdmin,
        shouldChangePassword: user.shouldChangePassword,
        isOnboarded: true,
      },
      201,
    );
  })
  .openapi(logout, async (c) => {
    await signOutHere(c, c.var.auth);
    endSessionCookie(c);
    return c.json({ successful: true, redirectUri: "/auth/login" }, 200);
  })
  .openapi(changePassword, async (c) => {
    const { password, newPassword, invalidateSessions } = c.req.valid("json");
    const updated = await changeOwnPassword(c, c.var.auth, {
      currentPassword: password,
      newPassword,
      signOutOthers: invalidateSessions ?? false,
    });
    return c.json(toUserAdminResponse(updated), 200);
  })
  .openapi(validateToken, (c) => c.json({ authStatus: true }, 200));
