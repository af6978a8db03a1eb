// A file that can never be processed (corrupt, truncated, hostile, unsupported inside): retrying is
// pointless, so the runner fails the job at once and the asset shows the reason.
export class UnprocessableMediaError extends Error {
  override name = "UnprocessableMediaError";
}
