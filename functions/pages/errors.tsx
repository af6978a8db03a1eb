// Errors on pages, shown as pages: the API's JSON would be of no use in a browser tab. As there,
// only an AppError's message reaches the visitor.
import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError } from "../../common/errors";
import type { AppEnv } from "../env";
import { asAppError, logUnexpected } from "../errors";
import { MessagePage } from "./layout";

const titles: Record<number, string> = {
  401: "Sign in needed",
  403: "Not allowed",
  404: "Not found",
  413: "Too large",
  429: "Too many attempts",
  503: "Busy",
  507: "Out of space",
};

export const handlePageError: ErrorHandler<AppEnv> = (thrown, c) => {
  const error = asAppError(thrown);
  if (error instanceof AppError || (error instanceof HTTPException && error.status < 500)) {
    const { status } = error;
    if (error instanceof AppError && error.retryAfterSeconds !== undefined)
      c.header("retry-after", String(error.retryAfterSeconds));
    return c.html(
      <MessagePage
        title={titles[status] ?? "That did not work"}
        message={error.message || "The request could not be handled."}
      />,
      status,
    );
  }
  const correlationId = logUnexpected(error, c);
  return c.html(
    <MessagePage
      title="Something went wrong"
      message={`Something went wrong on the server. Its owner can find the details in its log under ${correlationId}.`}
    />,
    500,
  );
};

export const handlePageNotFound: NotFoundHandler<AppEnv> = (c) =>
  c.html(<MessagePage title="Not found" message="There is no page at this address." />, 404);
