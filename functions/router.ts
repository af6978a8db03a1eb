// How API routes are declared: a validating router, and route() / publicRoute() saying who may call.
import { createRoute, OpenAPIHono, type RouteConfig, type z } from "@hono/zod-openapi";
import { badRequest } from "../common/errors";
import type { AppEnv } from "./env";
import { authorize, type RouteAccess } from "./middleware/auth";
import { defaults } from "../common/config";
import { bodyLimitOf } from "./middleware/body-limit";

// Every API router validates requests against its route definitions; a request that does not fit
// gets a 400 naming the field.
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        const field = issue?.path.length ? issue.path.join(".") : "request";
        throw badRequest(`${field}: ${issue?.message ?? "invalid"}`);
      }
    },
  });
}

const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }, { api_key: [] }];

// How a route reads its body: whole, within a limit (JSON), or as a stream (an upload's file).
export interface BodyOptions {
  streamsBody?: true;
}

// A route and who may call it. Guarded routes carry Immich's `x-immich-permission` in the OpenAPI
// document; open ones say so with `x-shoebox-public`, so that a route added without a decision
// fails the isolation test (tests/isolation.test.ts). The caller is known before the body is read.
export function route<R extends Omit<RouteConfig, "middleware" | "security">>(
  access: RouteAccess,
  config: R,
  body: BodyOptions = {},
) {
  return createRoute({
    ...config,
    security,
    ...(access.permission ? { "x-immich-permission": access.permission } : {}),
    ...(access.sharedLink ? { "x-immich-shared-link": true } : {}),
    ...(access.admin ? { "x-immich-admin-only": true } : {}),
    middleware: [authorize(access), bodyLimitOf(body.streamsBody ? undefined : defaults.bodyLimits.json)] as const,
  });
}

// A route anyone may call: its body, read before anyone is known, is kept small.
export function publicRoute<R extends Omit<RouteConfig, "middleware" | "security">>(config: R, body: BodyOptions = {}) {
  return createRoute({
    ...config,
    "x-shoebox-public": true,
    middleware: [bodyLimitOf(body.streamsBody ? undefined : defaults.bodyLimits.public)] as const,
  });
}

// A JSON response in a route definition.
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
