// What every service function is given: the bindings, the request's database and storage, and
// executionCtx to finish work (a worker nudge) after the answer is sent.
import type { Context } from "hono";
import type { AppEnv } from "../env";

export type ServiceContext = Pick<Context<AppEnv>, "env" | "executionCtx" | "var">;
