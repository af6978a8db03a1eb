import { getAsset, setEncodedVideo } from "../../common/assets";
import { encodedVideoKey } from "../../common/storage";
import { probeVideo, transcodeForWeb } from "../media/video";
import { withOriginal, type JobContext } from "./context";
import { UnprocessableMediaError } from "./errors";

// A web-playable copy (H.264/AAC MP4, 720p) of a video browsers cannot play as it is. The original
// is never touched.
export async function encodeVideo(context: JobContext, { assetId }: { assetId: string }): Promise<void> {
  const asset = await getAsset(context.db, assetId);
  if (!asset) return; // Deleted since the job was queued.
  const scratch = await withOriginal(context, asset, async (path) => {
    const info = await probeVideo(path).catch((error: Error) => {
      throw new UnprocessableMediaError(`The video cannot be read: ${error.message}`);
    });
    if (info.isWebPlayable) return null;
    const output = await context.storage.scratchPath(".mp4");
    await transcodeForWeb(path, info, output);
    return output;
  });
  if (!scratch) return;
  const key = encodedVideoKey(assetId);
  await context.storage.putFile(scratch, key);
  await setEncodedVideo(context.db, assetId, key);
}
