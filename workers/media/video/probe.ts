// Reading a video through ffprobe: what it is (VideoInfo: size, rotation, codecs, date, place,
// camera), the stream details the ffmpeg calls need, and whether the length it claims can be true.
import { stat } from "node:fs/promises";
import { log } from "../../log";
import { fileUrl, run } from "./tools";

export interface VideoInfo {
  durationSeconds: number;
  // As displayed, i.e. after rotation.
  width: number;
  height: number;
  // Clockwise quarter turns needed to show the stored picture upright (QuickTime `rotate`, exiftool's Rotation).
  rotation: 0 | 90 | 180 | 270;
  videoCodec: string;
  audioCodec: string | null;
  // ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm".
  container: string;
  // The instant it was recorded ("2021-04-10T10:43:59.000Z"), and the UTC offset of the camera's
  // clock then ("+01:00") when the file says so.
  creationTime: string | null;
  creationOffset: string | null;
  latitude: number | null;
  longitude: number | null;
  make: string | null;
  model: string | null;
  // Apple's Live Photo pairing key, the same as the still's MakerNotes ContentIdentifier.
  contentIdentifier: string | null;
  // Plays in every browser as it is: H.264 8-bit 4:2:0, AAC/MP3/no audio, in MP4/MOV.
  isWebPlayable: boolean;
}

interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  codec_tag_string?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  bits_per_raw_sample?: string;
  sample_rate?: string;
  duration?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  color_transfer?: string;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
  side_data_list?: Array<Record<string, unknown>>;
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; tags?: Record<string, string> };
}

// What the ffmpeg calls need beyond VideoInfo, kept beside the VideoInfo objects probeVideo returned.
export interface StreamDetails {
  transfer: string | null;
  // ffprobe's r_frame_rate ("30000/1001") and avg_frame_rate.
  frameRate: string | null;
  averageFrameRate: string | null;
  audioSampleRate: number | null;
}

const detailsByInfo = new WeakMap<VideoInfo, StreamDetails>();

const finite = (value: unknown): number | null => {
  const number = typeof value === "number" ? value : typeof value === "string" ? Number.parseFloat(value) : NaN;
  return Number.isFinite(number) ? number : null;
};

const text = (value: unknown): string | null =>
  typeof value === "string" && value.replace(/\0+$/, "").trim() ? value.replace(/\0+$/, "").trim() : null;

export function rate(value: string | undefined): number | null {
  const match = value?.match(/^(\d+)\/(\d+)$/);
  if (!match) return finite(value);
  const denominator = Number(match[2]);
  return denominator ? Number(match[1]) / denominator : null;
}

function normaliseRotation(degrees: number): VideoInfo["rotation"] {
  const quarter = (((Math.round(degrees / 90) % 4) + 4) % 4) as 0 | 1 | 2 | 3;
  return ([0, 90, 180, 270] as const)[quarter];
}

// The display matrix (ffprobe reports its angle counter-clockwise), else the legacy clockwise `rotate` tag.
function rotationOf(stream: ProbeStream): VideoInfo["rotation"] {
  for (const sideData of stream.side_data_list ?? []) {
    if (sideData.side_data_type !== "Display Matrix") continue;
    const counterClockwise = finite(sideData.rotation);
    if (counterClockwise !== null) return normaliseRotation(-counterClockwise);
  }
  const tag = finite(stream.tags?.rotate);
  return tag === null ? 0 : normaliseRotation(tag);
}

// "01:02:03.500000000" (Matroska DURATION tags) or plain seconds.
function seconds(value: string | undefined): number | null {
  const clock = value?.match(/^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/);
  const parsed = clock ? Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]) : finite(value);
  return parsed !== null && parsed > 0 ? parsed : null;
}

// Lower-cased tag names; the first source wins.
function mergeTags(...sources: Array<Record<string, string> | undefined>): Map<string, string> {
  const tags = new Map<string, string>();
  for (const source of sources) {
    for (const [key, value] of Object.entries(source ?? {})) {
      const name = key.toLowerCase();
      if (!tags.has(name) && typeof value === "string") tags.set(name, value);
    }
  }
  return tags;
}

function firstTag(tags: Map<string, string>, names: string[]): string | null {
  for (const name of names) {
    const value = text(tags.get(name));
    if (value) return value;
  }
  return null;
}

interface ParsedDate {
  instant: string;
  offset: string | null;
}

// ISO 8601 as QuickTime and Matroska tools write it: "2021-04-10T11:43:59+0100",
// "2015-12-12T08:59:26.000000Z". Without a zone the time is taken as UTC when `zoneless` says so
// (QuickTime's creation_time is UTC by definition) and refused otherwise (a local time that cannot
// be placed). QuickTime's "no date" (1904-01-01, or the Unix epoch) is no date.
function parseDate(raw: string | null, zoneless: "utc" | "refuse"): ParsedDate | null {
  const match = raw?.match(
    /^(\d{4})[-:](\d{2})[-:](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i,
  );
  if (!match) return null;
  const [, year, month, day, hour, minute, second = "0", fraction = "", zone] = match;
  if (!zone && zoneless === "refuse") return null;
  let offsetMinutes = 0;
  let offset: string | null = null;
  if (zone && zone.toUpperCase() !== "Z") {
    const digits = zone.replace(":", "");
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5) || "0");
    if (hours > 14 || minutes > 59) return null;
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (hours * 60 + minutes);
    offset = `${zone[0]}${digits.slice(1, 3)}:${digits.slice(3, 5) || "00"}`;
  } else if (zone) {
    offset = "+00:00";
  }
  const ms =
    Date.UTC(
      Number(year),
      Number(month) - 1,
      Number(day),
      Number(hour),
      Number(minute),
      Number(second),
      Math.round(Number(`0${fraction || ".0"}`) * 1000),
    ) -
    offsetMinutes * 60_000;
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  if (date.getUTCFullYear() < 1905 || ms === 0) return null;
  return { instant: date.toISOString(), offset };
}

function creation(tags: Map<string, string>): ParsedDate | null {
  // Apple's local time with its offset is when it was filmed; creation_time can be when it was exported.
  for (const name of ["com.apple.quicktime.creationdate", "date", "date-eng"]) {
    const parsed = parseDate(text(tags.get(name)), "refuse");
    if (parsed) return parsed;
  }
  for (const name of ["creation_time", "date_recorded", "date"]) {
    const parsed = parseDate(text(tags.get(name)), "utc");
    // A "Z" on a UTC timestamp says how it is stored, not which offset the camera's clock had.
    if (parsed) return { instant: parsed.instant, offset: null };
  }
  return null;
}

// One ISO 6709 coordinate: ±DD.D, ±DDMM.M or ±DDMMSS.S (latitude; longitude has one more degree digit).
function iso6709Part(sign: string, digits: string, degreeDigits: number): number | null {
  const [whole = "", fraction = ""] = digits.split(".");
  const decimals = fraction ? `.${fraction}` : "";
  let value: number;
  if (whole.length <= degreeDigits) value = Number(digits);
  else if (whole.length === degreeDigits + 2) {
    const minutes = Number(whole.slice(degreeDigits) + decimals);
    if (minutes >= 60) return null;
    value = Number(whole.slice(0, degreeDigits)) + minutes / 60;
  } else if (whole.length === degreeDigits + 4) {
    const minutes = Number(whole.slice(degreeDigits, degreeDigits + 2));
    const secs = Number(whole.slice(degreeDigits + 2) + decimals);
    if (minutes >= 60 || secs >= 60) return null;
    value = Number(whole.slice(0, degreeDigits)) + minutes / 60 + secs / 3600;
  } else return null;
  return Number.isFinite(value) ? (sign === "-" ? -value : value) : null;
}

function location(tags: Map<string, string>): { latitude: number | null; longitude: number | null } {
  const none = { latitude: null, longitude: null };
  const raw = firstTag(tags, ["com.apple.quicktime.location.iso6709", "location", "location-eng"]);
  const match = raw?.match(/^([+-])(\d+(?:\.\d*)?)([+-])(\d+(?:\.\d*)?)/);
  if (!match) return none;
  const latitude = iso6709Part(match[1]!, match[2]!, 2);
  const longitude = iso6709Part(match[3]!, match[4]!, 3);
  if (latitude === null || longitude === null) return none;
  // 0,0 is a phone without a fix, not a video from the Gulf of Guinea.
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180 || (latitude === 0 && longitude === 0)) return none;
  return { latitude, longitude };
}

function isWebPlayable(container: string, brand: string, video: ProbeStream, audioCodec: string | null): boolean {
  const family = container.split(",");
  const mp4OrMov = (family.includes("mp4") || family.includes("mov")) && !/^(3g|mj2)/i.test(brand);
  const eightBit = !video.bits_per_raw_sample || video.bits_per_raw_sample === "8";
  return (
    mp4OrMov &&
    video.codec_name === "h264" &&
    (video.pix_fmt === "yuv420p" || video.pix_fmt === "yuvj420p") &&
    eightBit &&
    (audioCodec === null || audioCodec === "aac" || audioCodec === "mp3")
  );
}

// ffprobe opens far more than videos: text becomes ANSI art, images one-frame streams, and
// HEIF/AVIF stills are MP4 files with an image brand. None of those is a video to this library.
const STILL_BRANDS = new Set(["avif", "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"]);

function notAVideo(container: string, brand: string | undefined): string | null {
  if (container === "tty") return "text";
  if (container === "image2" || container.endsWith("_pipe") || container === "gif" || container === "apng")
    return "a still image";
  if (brand && STILL_BRANDS.has(brand.trim().toLowerCase())) return `an image (brand ${brand.trim()})`;
  return null;
}

async function probe(path: string): Promise<{ info: VideoInfo; details: StreamDetails }> {
  const step = "probe";
  const output = await run(
    "ffprobe",
    ["-hide_banner", "-v", "warning", "-print_format", "json", "-show_format", "-show_streams", fileUrl(path)],
    {
      step,
      file: path,
      timeoutMs: 60_000,
      maxStdoutBytes: 16 * 1024 * 1024,
    },
  );
  let parsed: ProbeOutput;
  try {
    parsed = JSON.parse(output.toString("utf8")) as ProbeOutput;
  } catch {
    throw new Error(`Video ${step} failed for ${path}: ffprobe printed no readable JSON`);
  }
  const streams = parsed.streams ?? [];
  const format = parsed.format ?? {};
  const container = format.format_name ?? "unknown";
  const notVideo = notAVideo(container, format.tags?.major_brand);
  if (notVideo)
    throw new Error(`Video ${step} failed for ${path}: ffprobe reads it as ${notVideo} (${container}), not a video`);
  // Cover art and thumbnails are video streams too; ffmpeg's "V" stream specifier skips them alike.
  const video = streams.find(
    (s) => s.codec_type === "video" && !s.disposition?.attached_pic && !s.disposition?.timed_thumbnails,
  );
  if (!video)
    throw new Error(
      `Video ${step} failed for ${path}: ffprobe found no video stream (${streams.map((s) => s.codec_type).join(", ") || "no streams"})`,
    );
  const storedWidth = video.width ?? 0;
  const storedHeight = video.height ?? 0;
  if (storedWidth <= 0 || storedHeight <= 0) {
    throw new Error(
      `Video ${step} failed for ${path}: the ${video.codec_name ?? "unknown"} video stream has no picture size (unsupported codec or damaged file)`,
    );
  }
  const audio = streams.find((s) => s.codec_type === "audio");
  const audioCodec = audio ? (text(audio.codec_name) ?? text(audio.codec_tag_string) ?? "unknown") : null;
  const tags = mergeTags(format.tags, video.tags);
  const rotation = rotationOf(video);
  const quarterTurn = rotation === 90 || rotation === 270;
  const created = creation(tags);
  const { latitude, longitude } = location(tags);
  const info: VideoInfo = {
    durationSeconds:
      seconds(format.duration) ?? seconds(video.duration) ?? seconds(video.tags?.DURATION ?? video.tags?.duration) ?? 0,
    width: quarterTurn ? storedHeight : storedWidth,
    height: quarterTurn ? storedWidth : storedHeight,
    rotation,
    videoCodec: text(video.codec_name) ?? text(video.codec_tag_string) ?? "unknown",
    audioCodec,
    container,
    creationTime: created?.instant ?? null,
    creationOffset: created?.offset ?? null,
    latitude,
    longitude,
    make: firstTag(tags, ["com.apple.quicktime.make", "make", "make-eng", "com.android.manufacturer", "manufacturer"]),
    model: firstTag(tags, ["com.apple.quicktime.model", "model", "model-eng", "com.android.model"]),
    contentIdentifier: firstTag(tags, ["com.apple.quicktime.content.identifier"]),
    isWebPlayable: isWebPlayable(container, tags.get("major_brand") ?? "", video, audioCodec),
  };
  const details: StreamDetails = {
    transfer: text(video.color_transfer),
    frameRate: text(video.r_frame_rate),
    averageFrameRate: text(video.avg_frame_rate),
    audioSampleRate: audio ? finite(audio.sample_rate) : null,
  };
  return { info, details };
}

export async function probeVideo(path: string): Promise<VideoInfo> {
  const { info, details } = await probe(path);
  detailsByInfo.set(info, details);
  return info;
}

// The VideoInfo may come from the database rather than from probeVideo: then probe again (cheap
// next to decoding). The details only refine the ffmpeg call, so when that probe fails ffmpeg
// still runs, and its error is the one reported.
export async function detailsFor(path: string, info: VideoInfo): Promise<StreamDetails> {
  const known = detailsByInfo.get(info);
  if (known) return known;
  try {
    return (await probe(path)).details;
  } catch (error) {
    log.debug("Video probe for ffmpeg details failed", { path, error });
    return { transfer: null, frameRate: null, averageFrameRate: null, audioSampleRate: null };
  }
}

// ---------------------------------------------------------------------------------------------
// Whether a video's length can be believed

// The web copy has a frame for every 1/fps of the length a video claims, so a few frames whose
// timestamps are set hours apart (a 23 KB file claiming 10 hours) would keep ffmpeg busy for hours.
// A claim of 10 minutes or more is checked against what the file holds: fewer than one frame per
// 2 seconds, or fewer than 1,000 bytes per second (8 kbit/s, below any camera's or phone's video),
// cannot fill it. Shorter claims cost little whatever they hold.
const CHECKED_FROM_SECONDS = 10 * 60;
const MIN_FRAMES_PER_SECOND = 0.5;
const MIN_BYTES_PER_SECOND = 1000;

function formatLength(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  return hours ? `${hours} h ${minutes} min` : `${minutes} min`;
}

// Why the length the video claims cannot be true, or null when it can.
export async function implausibleDuration(path: string, info: VideoInfo): Promise<string | null> {
  const claimed = info.durationSeconds;
  if (claimed < CHECKED_FROM_SECONDS) return null;
  const { size } = await stat(path);
  // Counting packets reads the file without decoding it: a fraction of what the encode would cost.
  const counted = await run(
    "ffprobe",
    [
      "-hide_banner",
      "-v",
      "error",
      "-select_streams",
      "V:0",
      "-count_packets",
      "-show_entries",
      "stream=nb_read_packets",
      "-of",
      "csv=p=0",
      fileUrl(path),
    ],
    { step: "frame count", file: path, timeoutMs: 5 * 60_000 },
  );
  const frames = Number.parseInt(counted.toString("utf8").trim(), 10) || 0;
  if (frames >= claimed * MIN_FRAMES_PER_SECOND && size >= claimed * MIN_BYTES_PER_SECOND) return null;
  const kilobytes = Math.max(1, Math.round(size / 1024));
  return `it claims to last ${formatLength(claimed)} but holds ${frames} frame${frames === 1 ? "" : "s"} in ${kilobytes} KB, so its timestamps cannot be trusted`;
}
