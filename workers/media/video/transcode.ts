// The transcode policy: the filters (tone mapping, scale, frame rate) and encoder settings of the
// poster frame, the web-playable copy and the copy without metadata, and the fallbacks when one fails.
//
// Orientation: ffmpeg's autorotate (on by default, never switched off here) turns frames upright
// from the display matrix before our filters run, and then writes no rotation into its output.
// The bundled 2018 ffmpeg applies the rotation of a matrix but not a mirror in it (newer releases
// honour both): a mirrored video, which is rare, comes out upright but mirrored.
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { log } from "../../log";
import { detailsFor, rate, type StreamDetails, type VideoInfo } from "./probe";
import {
  canToneMap,
  COMMON_FFMPEG_ARGS,
  ffmpegCapabilities,
  fileUrl,
  h264EncoderArgs,
  run,
  ToolError,
  toolPath,
  type Capabilities,
} from "./tools";

// PQ (HDR10) looks grey and flat when shown as SDR: map it down. HLG is made to look right on SDR
// screens as it is, and tone mapping it with zscale tints it, so it is left alone.
function toneMapFilters(details: StreamDetails, caps: Capabilities): string[] {
  if (details.transfer !== "smpte2084" || !canToneMap(caps)) return [];
  return [
    "zscale=t=linear:npl=100",
    "format=gbrpf32le",
    "zscale=p=bt709",
    "tonemap=tonemap=hable:desat=0",
    "zscale=t=bt709:m=bt709:r=tv",
  ];
}

// Short edge to 720 px when larger, never enlarged, both dimensions even. Runs after autorotate,
// so iw/ih are the upright picture's.
const WEB_SCALE = "scale=w='if(gte(iw,ih),-2,trunc(min(720,iw)/2)*2)':h='if(gte(iw,ih),trunc(min(720,ih)/2)*2,-2)'";

// The web copy is constant frame rate: the source's base rate (ffprobe's r_frame_rate) up to 60 fps.
// Passing variable timestamps through instead breaks the bundled ffmpeg's MP4 durations when
// x264 uses B-frames (a sparse 4.2 s WebM came out as 2.9 s), and phones' 120/240 fps slow motion
// is more than browsers show.
function outputFrameRate(details: StreamDetails): string {
  for (const candidate of [details.frameRate, details.averageFrameRate]) {
    const fps = rate(candidate ?? undefined);
    if (candidate && fps !== null && fps >= 1) return fps > 60.5 ? "60" : candidate;
  }
  return "30";
}

// AAC's sample rates; others (old cameras' 22255 Hz, say) are resampled.
const AAC_SAMPLE_RATES = new Set([
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
]);

// ---------------------------------------------------------------------------------------------
// Poster frame

const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

// One frame as a JPEG, `at` seconds in, through these filters.
const grabFrame = (path: string, at: number, filters: string[], step = "poster frame") =>
  run(
    "ffmpeg",
    [
      ...COMMON_FFMPEG_ARGS,
      ...(at > 0 ? ["-ss", String(at)] : []),
      "-i",
      fileUrl(path),
      "-map",
      "0:V:0",
      "-an",
      "-sn",
      "-dn",
      "-frames:v",
      "1",
      "-vf",
      [...filters, "format=yuvj420p"].join(","),
      "-c:v",
      "mjpeg",
      "-q:v",
      "2",
      "-f",
      "image2pipe",
      "pipe:1",
    ],
    { step, file: path, timeoutMs: 120_000 },
  );

// The first picture of an image sequence (a HEIF burst or animation: probe calls it no video,
// rightly), as a JPEG.
export async function extractFirstFrame(path: string): Promise<Buffer> {
  const jpeg = await grabFrame(path, 0, [], "first frame");
  if (!jpeg.subarray(0, 3).equals(JPEG_MAGIC))
    throw new Error(`First frame failed for ${path}: ffmpeg decoded no frame`);
  return jpeg;
}

export async function extractPosterFrame(path: string, info: VideoInfo): Promise<Buffer> {
  const [details, caps] = await Promise.all([detailsFor(path, info), ffmpegCapabilities()]);
  const toneMap = toneMapFilters(details, caps);
  // About a second in skips fades from black; clips under two seconds start on their best frame.
  const seeks = info.durationSeconds >= 2 ? [1, 0] : [0];
  const grab = (at: number, filters: string[]) => grabFrame(path, at, filters);

  let lastError: Error | null = null;
  for (const at of seeks) {
    for (const filters of toneMap.length ? [toneMap, []] : [[]]) {
      try {
        const jpeg = await grab(at, filters);
        if (jpeg.subarray(0, 3).equals(JPEG_MAGIC)) return jpeg;
        break; // No frame at this point (the stream ends before the container does): try earlier.
      } catch (error) {
        if (error instanceof ToolError && error.timedOut) throw error;
        lastError = error as Error;
        log.debug("Poster frame attempt failed", { path, at, toneMapped: filters.length > 0, error });
      }
    }
  }
  throw lastError ?? new Error(`Video poster frame failed for ${path}: ffmpeg decoded no frame`);
}

// ---------------------------------------------------------------------------------------------
// Web-playable copy

// `deadline` (ms since the epoch): when the job running this is stopped; ffmpeg's own limits end
// before it, so that a transcode too long fails with ffmpeg's reason, not a killed process.
export async function transcodeForWeb(
  path: string,
  info: VideoInfo,
  outPath: string,
  { deadline = Infinity }: { deadline?: number } = {},
): Promise<void> {
  const [details, caps] = await Promise.all([detailsFor(path, info), ffmpegCapabilities()]);
  if (!caps.h264Encoder) {
    throw new Error(
      `Video web transcode failed for ${path}: this ffmpeg (${toolPath("ffmpeg")}) has no usable H.264 encoder`,
    );
  }
  const partPath = `${outPath}.part`;
  await mkdir(dirname(resolve(outPath)), { recursive: true });

  const audioArgs = (withAudio: boolean) =>
    withAudio
      ? [
          "-map",
          "0:a:0?",
          "-c:a",
          "aac",
          "-b:a",
          "128k",
          "-ac",
          "2",
          ...(details.audioSampleRate !== null && !AAC_SAMPLE_RATES.has(details.audioSampleRate)
            ? ["-ar", "48000"]
            : []),
        ]
      : ["-an"];
  // Long files get time in proportion (a file of unknown length an hour), never past the deadline.
  const proportionalMs = info.durationSeconds > 0 ? Math.max(10 * 60_000, info.durationSeconds * 20_000) : 60 * 60_000;
  const timeoutMs = () => Math.max(1000, Math.min(proportionalMs, deadline - Date.now()));

  const encode = (toneMap: string[], withAudio: boolean) =>
    run(
      "ffmpeg",
      [
        ...COMMON_FFMPEG_ARGS,
        "-y",
        "-i",
        fileUrl(path),
        "-map",
        "0:V:0",
        "-vf",
        [...toneMap, `fps=${outputFrameRate(details)}`, WEB_SCALE, "format=yuv420p"].join(","),
        ...h264EncoderArgs(caps.h264Encoder!),
        ...audioArgs(withAudio),
        "-sn",
        "-dn",
        "-map_metadata",
        "-1",
        "-map_chapters",
        "-1",
        "-max_muxing_queue_size",
        "1024",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        fileUrl(partPath),
      ],
      { step: "web transcode", file: path, timeoutMs: timeoutMs() },
    );

  // Everything first; then without tone mapping; then, as a last resort, without the audio (a
  // track this ffmpeg cannot decode should not cost the video its web copy).
  const toneMap = toneMapFilters(details, caps);
  const hasAudio = info.audioCodec !== null;
  const attempts: Array<{ toneMap: string[]; withAudio: boolean }> = [{ toneMap, withAudio: hasAudio }];
  if (toneMap.length) attempts.push({ toneMap: [], withAudio: hasAudio });
  if (hasAudio) attempts.push({ toneMap: [], withAudio: false });

  try {
    for (const [i, attempt] of attempts.entries()) {
      try {
        await encode(attempt.toneMap, attempt.withAudio);
        if (hasAudio && !attempt.withAudio)
          log.warn("Web copy made without its audio, which ffmpeg could not convert", { path });
        break;
      } catch (error) {
        if (i === attempts.length - 1 || (error instanceof ToolError && error.timedOut)) throw error;
        log.debug("Web transcode attempt failed; trying a simpler one", { path, error });
      }
    }
    const written = await stat(partPath);
    if (written.size === 0) throw new Error(`Video web transcode failed for ${path}: ffmpeg wrote an empty file`);
    await rename(partPath, outPath);
  } catch (error) {
    await rm(partPath, { force: true });
    throw error;
  }
}

// The same streams in a new MP4, without the original's metadata (place, camera, dates) or chapters:
// what a shared link that hides metadata may play. Nothing is re-encoded, so it takes moments.
export async function remuxWithoutMetadata(path: string, info: VideoInfo, outPath: string): Promise<void> {
  const partPath = `${outPath}.part`;
  await mkdir(dirname(resolve(outPath)), { recursive: true });
  try {
    await run(
      "ffmpeg",
      [
        ...COMMON_FFMPEG_ARGS,
        "-y",
        "-i",
        fileUrl(path),
        "-map",
        "0:V:0",
        ...(info.audioCodec !== null ? ["-map", "0:a:0"] : []),
        "-c",
        "copy",
        "-sn",
        "-dn",
        "-map_metadata",
        "-1",
        "-map_metadata:s",
        "-1",
        "-map_chapters",
        "-1",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        fileUrl(partPath),
      ],
      { step: "copy without metadata", file: path, timeoutMs: Math.max(5 * 60_000, info.durationSeconds * 1000) },
    );
    await rename(partPath, outPath);
  } catch (error) {
    await rm(partPath, { force: true });
    throw error;
  }
}
