import { getAsset, setEncodedVideo } from "../../common/assets";
import { encodedVideoKey } from "../../common/storage";
import { probeVideo, remuxWithoutMetadata, transcodeForWeb } from "../media/video";
import { withOriginal, type JobContext } from "./context";
import { UnprocessableMediaError } from "./errors";

// A web-playable copy (H.264/AAC MP4, 720p) of a video browsers cannot play as it is, or, when a
// shared link that hides metadata or downloads asks, the same streams without the original's
// metadata. Either way the copy carries no place or camera, and the original is never touched.
export async function encodeVideo(context: JobContext, { assetId, evenIfPlayable = false }: { assetId: string; evenIfPlayable?: boolean }): Promise<void> {
  const asset = await getAsset(context.db, assetId);
  if (!asset) return; // Deleted since the job was queued.
  if (evenIfPlayable && asset.encodedVideoKey) return; // Any copy will do, and there is one.
  const scratch = await withOriginal(context, asset, async (path) => {
    const info = await probeVideo(path).catch((error: Error) => {
      throw new UnprocessableMediaError(`The video cannot be read: ${error.message}`);
    });
    if (info.isWebPlayable && !evenIfPlayable) return null;
    const output = await context.storage.scratchPath(".mp4");
    await (info.isWebPlayable ? remuxWithoutMetadata(path, info, output) : transcodeForWeb(path, info, output));
    return output;
  });
  if (!scratch) return;
  const key = encodedVideoKey(assetId);
  await context.storage.putFile(scratch, key);
  await setEncodedVideo(context.db, assetId, key);
}
