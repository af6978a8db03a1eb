// Limits on request bodies that are read whole (JSON, forms; sizes in common/config.ts): past the
// limit the request is answered 413 without reading on, and a body that states its length is judged
// by it before a byte is read. Files are not read whole: upload routes stream (`streamsBody`).
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { AppError } from "../../common/errors";
import type { AppEnv } from "../env";

const streamed = createMiddleware<AppEnv>((_c, next) => next());

// No size: the body streams, and the route bounds what it reads itself.
export function bodyLimitOf(maxSize: number | undefined) {
  if (maxSize === undefined) return streamed;
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError(413, `The request body is larger than ${Math.round(maxSize / 1024)} KiB`);
    },
  }) as typeof streamed;
}
