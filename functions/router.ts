import { OpenAPIHono, type z } from "@hono/zod-openapi";
import { badRequest } from "../common/errors";
import type { AppEnv } from "./env";

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

// A JSON response in a route definition.
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
