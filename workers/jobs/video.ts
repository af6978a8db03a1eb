// The job that makes a video's web-playable (or metadata-free) copy.
import { getAsset, setEncodedVideo } from "../../common/assets";
import { encodedVideoKey } from "../../common/storage";
import { implausibleDuration, probeVideo, remuxWithoutMetadata, transcodeForWeb } from "../media/video";
import { withOriginal, type JobContext } from "./context";
import { UnprocessableMediaError } from "./errors";

const ffmpegMarginMs = 60_000;

// A web-playable copy (H.264/AAC MP4, 720p) of a video browsers cannot play as it is, or, when a
// shared link that hides metadata or downloads asks, the same streams without the original's
// metadata. Either way the copy carries no place or camera, and the original is never touched. A
// video whose claimed length its frames and size cannot fill gets no transcoded copy, and ffmpeg
// stops a minute before the queue's limit would stop the job.
export async function encodeVideo(
  context: JobContext,
  { assetId, evenIfPlayable = false }: { assetId: string; evenIfPlayable?: boolean },
): Promise<void> {
  const asset = await getAsset(context.db, assetId);
  if (!asset) return; // Deleted since the job was queued.
  if (evenIfPlayable && asset.encodedVideoKey) return; // Any copy will do, and there is one.
  const scratch = await withOriginal(context, asset, async (path) => {
    const info = await probeVideo(path).catch((error: Error) => {
      throw new UnprocessableMediaError(`The video cannot be read: ${error.message}`);
    });
    if (info.isWebPlayable && !evenIfPlayable) return null;
    const output = await context.storage.scratchPath(".mp4");
    if (info.isWebPlayable) {
      await remuxWithoutMetadata(path, info, output);
      return output;
    }
    const implausible = await implausibleDuration(path, info);
    if (implausible) throw new UnprocessableMediaError(`No web copy is made of this video: ${implausible}`);
    await transcodeForWeb(path, info, output, { deadline: Date.now() + context.timeLeftMs() - ffmpegMarginMs });
    return output;
  });
  if (!scratch) return;
  const key = encodedVideoKey(assetId);
  await context.storage.putFile(scratch, key);
  await setEncodedVideo(context.db, assetId, key);
}
