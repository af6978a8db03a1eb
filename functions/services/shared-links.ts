// Shared links' rules beyond the repository (common/shared-links.ts): what a visitor may play.
// Originals carry the place and the camera; a link that hides metadata, or allows no downloads, plays
// its videos only from a copy the worker makes without them (workers/jobs/video.ts), never the original.
import { linkVideosWithoutCopy } from "../../common/assets";
import { AppError } from "../../common/errors";
import { enqueueJobUnlessPending } from "../../common/queue";
import type { SharedLink } from "../../common/schema";
import type { ServiceContext as Ctx } from "./context";
import { nudgeWorker } from "./jobs";


export const playsOnlyCopies = (link: Pick<SharedLink, "showMetadata" | "allowDownload">) => !link.showMetadata || !link.allowDownload;

async function queueCopies(c: Ctx, videoIds: string[]): Promise<void> {
  let queued = false;
  for (const assetId of videoIds) {
    const job = { name: "encodeVideo" as const, payload: { assetId, evenIfPlayable: true } };
    queued = (await enqueueJobUnlessPending(c.var.db, job, { samePayload: true })) || queued;
  }
  if (queued) nudgeWorker(c);
}

// A link made or changed: the copies its visitors will play are made ahead of them.
export async function prepareLinkVideos(c: Ctx, link: SharedLink): Promise<void> {
  if (playsOnlyCopies(link)) await queueCopies(c, await linkVideosWithoutCopy(c.var.db, link));
}

// A visitor asked to play a video that has no copy yet (added to the album since): it is made now.
export async function videoNotReadyForLink(c: Ctx, videoId: string): Promise<AppError> {
  await queueCopies(c, [videoId]);
  return new AppError(503, "This video is being prepared for sharing. Try again in a minute.", 30);
}
