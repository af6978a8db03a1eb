// Video tools: ffprobe for metadata, ffmpeg for poster frames and web-playable copies. Finding and
// running the binaries is ./tools.ts, reading ffprobe's output ./probe.ts, the transcode policy
// ./transcode.ts.
export { probeVideo, implausibleDuration, type VideoInfo } from "./probe";
export { extractFirstFrame, extractPosterFrame, remuxWithoutMetadata, transcodeForWeb } from "./transcode";
export { videoTools } from "./tools";
