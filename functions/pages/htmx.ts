// Whether a page request came from htmx, which swaps in a fragment, rather than a full page load.
import type { Context } from "hono";

export const isHtmx = (c: Pick<Context, "req">): boolean => c.req.header("hx-request") === "true";
