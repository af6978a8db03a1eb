// How long the server took on an API request, in the Server-Timing header: the benchmarks read it,
// and so can anyone looking at the network panel of a browser.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

export const serverTiming = createMiddleware<AppEnv>(async (c, next) => {
  const start = performance.now();
  await next();
  c.res.headers.append("server-timing", `total;dur=${(performance.now() - start).toFixed(1)}`);
});
