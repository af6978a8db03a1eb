// Guards a route: who may call it and with which permission. Routes declare it through `route()`
// in ../router.ts, so that each operation in the OpenAPI document names what it needs.
import { createMiddleware } from "hono/factory";
import type { Auth } from "../../common/access";
import { AppError } from "../../common/errors";
import { grants, type Permission } from "../../common/permissions";
import type { AppEnv } from "../env";
import { authenticateLinkVisitor, authenticateUser, sharedLinkKey } from "../services/auth";

export interface RouteAccess {
  // Omitted where any signed-in caller may (sign out, say).
  permission?: Permission;
  // Visitors through a shared link may call it too (on what the link shares).
  sharedLink?: boolean;
  admin?: boolean;
}

export function authorize(access: RouteAccess) {
  return createMiddleware<AppEnv & { Variables: { auth: Auth } }>(async (c, next) => {
    const key = access.sharedLink ? sharedLinkKey(c) : undefined;
    const auth = key ? await authenticateLinkVisitor(c, key) : await authenticateUser(c);
    if (!auth) throw new AppError(401, "Sign in, or send an API key in the x-api-key header");
    if (access.admin && !auth.user.isAdmin) throw new AppError(403, "Only an admin can do this");
    if (auth.apiKey && access.permission && !grants(auth.apiKey.permissions, access.permission)) {
      throw new AppError(403, `Missing required permission: ${access.permission}`);
    }
    c.set("auth", auth);
    await next();
  });
}
