// Which function runs each job. Adding a job name to common/jobs.ts without a handler here fails
// the type check.
import type { JobContext } from "./context";
import { extractMetadata } from "./metadata";
import type { JobHandlers } from "./runner";
import { generateThumbnails } from "./thumbnails";

export function jobHandlers(context: JobContext): JobHandlers {
  return {
    extractMetadata: (payload) => extractMetadata(context, payload),
    generateThumbnails: (payload) => generateThumbnails(context, payload),
  };
}
