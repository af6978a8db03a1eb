// Video tools: ffprobe for metadata, ffmpeg for poster frames and web-playable copies. The only code
// that runs either binary.
//
// Binaries: `ffmpeg`/`ffprobe` on PATH when present, otherwise the ones shipped in the
// @ffmpeg-installer/@ffprobe-installer packages (nothing is ever downloaded). Every call is a
// `spawn` without a shell, with its arguments as an array, a deadline after which the process is
// killed, and the tail of its stderr in the error it throws. Children still running when the
// worker exits are killed with it.
//
// Orientation: ffmpeg's autorotate (on by default, never switched off here) turns frames upright
// from the display matrix before our filters run, and then writes no rotation into its output.
// The bundled 2018 ffmpeg applies the rotation of a matrix but not a mirror in it (newer releases
// honour both): a mirrored video, which is rare, comes out upright but mirrored.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, chmodSync, constants, statSync } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { delimiter, dirname, join, resolve } from "node:path";
import { log } from "../log";

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

// ---------------------------------------------------------------------------------------------
// Binaries

type Tool = "ffmpeg" | "ffprobe";

const installerPackage: Record<Tool, string> = {
  ffmpeg: "@ffmpeg-installer/ffmpeg",
  ffprobe: "@ffprobe-installer/ffprobe",
};

const requireCjs = createRequire(import.meta.url);
const toolPaths = new Map<Tool, string>();

function findOnPath(tool: Tool): string | null {
  const name = process.platform === "win32" ? `${tool}.exe` : tool;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there, or not executable: keep looking.
    }
  }
  return null;
}

function fromInstallerPackage(tool: Tool): string {
  const name = installerPackage[tool];
  let path: string;
  try {
    path = (requireCjs(name) as { path: string }).path;
  } catch (error) {
    // These packages throw plain strings as well as Errors.
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${tool} is not on PATH and ${name} has no binary for ${process.platform}-${process.arch}: ${reason}`);
  }
  if (process.platform !== "win32") {
    const { mode } = statSync(path);
    if (!(mode & 0o100)) {
      try {
        chmodSync(path, mode | 0o100);
      } catch (error) {
        throw new Error(`${tool} from ${name} (${path}) is not executable and chmod u+x failed: ${(error as Error).message}`);
      }
    }
  }
  return path;
}

function toolPath(tool: Tool): string {
  let path = toolPaths.get(tool);
  if (!path) {
    path = findOnPath(tool) ?? fromInstallerPackage(tool);
    toolPaths.set(tool, path);
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// Running a binary

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

interface RunOptions {
  // For the error message: what we were doing ("probe", "poster frame", "web transcode") and to which file.
  step: string;
  file: string;
  timeoutMs: number;
  maxStdoutBytes?: number;
}

const STDERR_KEEP_BYTES = 32 * 1024;
const STDERR_TAIL_LINES = 8;

function stderrTail(stderr: string): string {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.slice(-STDERR_TAIL_LINES).join("\n");
}

// ffmpeg's own words for the common failures are not always clear to someone reading a log.
const EXPLANATIONS: Array<[RegExp, (match: RegExpMatchArray) => string]> = [
  [/Skipped opening external track/, () => "it is a QuickTime reference movie whose frames are in other files, which are never opened"],
  [/moov atom not found/, () => "the file is incomplete (no moov atom: a truncated upload or an unfinished recording)"],
  [/Decoder \(codec (\w+)\) not found|No decoder could be found for codec (\w+)/, (m) => `this ffmpeg has no decoder for ${m[1] ?? m[2]}`],
  [/No such file or directory/, () => "the file does not exist"],
  [/Permission denied/, () => "the worker may not read or write it"],
  [/Invalid data found when processing input/, () => "it is not a video this ffmpeg can read, or it is damaged"],
];

// Thrown by run(); `timedOut` tells callers not to spend the same time again on a retry.
class ToolError extends Error {
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
  }
}

function failure(tool: Tool, options: RunOptions, why: string, stderr = "", timedOut = false): ToolError {
  const tail = stderrTail(stderr);
  const explained = EXPLANATIONS.map(([pattern, explain]) => {
    const match = stderr.match(pattern);
    return match ? explain(match) : null;
  }).find(Boolean);
  const because = explained ? `; ${explained}` : "";
  return new ToolError(`Video ${options.step} failed for ${options.file}: ${tool} ${why}${because}${tail ? `. ${tool} said:\n${tail}` : ""}`, timedOut);
}

function run(tool: Tool, args: string[], options: RunOptions): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(toolPath(tool), args, { stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    } catch (error) {
      reject(failure(tool, options, `could not be started (${(error as Error).message})`));
      return;
    }
    running.add(child);
    killAllOnExit();

    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = "";
    let problem: string | null = null;
    let timedOut = false;
    let settled = false;
    const maxStdout = options.maxStdoutBytes ?? 64 * 1024 * 1024;

    const stop = (why: string) => {
      problem ??= why;
      child.kill("SIGKILL");
    };
    const limit = options.timeoutMs >= 1000 ? `${Math.round(options.timeoutMs / 1000)} s` : `${options.timeoutMs} ms`;
    const timer = setTimeout(() => {
      timedOut = true;
      stop(`timed out after ${limit} and was killed`);
    }, options.timeoutMs);
    const settle = (error: ToolError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      running.delete(child);
      if (error) reject(error);
      else resolvePromise(Buffer.concat(stdout));
    };

    child.stdout!.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) stop(`wrote more than ${maxStdout} bytes and was killed`);
      else stdout.push(chunk);
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      stderr += chunk;
      if (stderr.length > STDERR_KEEP_BYTES * 2) stderr = stderr.slice(-STDERR_KEEP_BYTES);
    });
    child.on("error", (error) => {
      // The binary could not be started (ENOENT, EACCES), or a kill failed: make sure it is gone.
      child.kill("SIGKILL");
      settle(failure(tool, options, problem ?? `could not be started (${error.message})`, stderr, timedOut));
    });
    child.on("close", (code, signal) => {
      if (problem) settle(failure(tool, options, problem, stderr, timedOut));
      else if (code !== 0) settle(failure(tool, options, signal ? `was killed by ${signal}` : `exited with code ${code}`, stderr));
      else settle(null);
    });
  });
}

// ffmpeg reads "name:rest" as a protocol and "-name" as an option: always name inputs and outputs
// as absolute file: URLs.
const fileUrl = (path: string) => `file:${resolve(path)}`;

// Warnings too: they often name the cause of the error that follows them.
const COMMON_FFMPEG_ARGS = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning"];

// ---------------------------------------------------------------------------------------------
// What the ffmpeg build can do

interface Capabilities {
  encoders: Set<string>;
  decoders: Set<string>;
  filters: Set<string>;
  h264Encoder: string | null;
}

let capabilities: Promise<Capabilities> | undefined;

// Best first. Hardware encoders are listed by builds that have no such hardware, so they are
// tried on one frame before being chosen; VAAPI needs a device and upload filters, so it is not used.
const H264_ENCODERS = ["libx264", "libopenh264", "h264_videotoolbox", "h264_nvenc", "h264_qsv", "h264_amf", "h264_mf", "h264_v4l2m2m"];
const SOFTWARE_ENCODERS = new Set(["libx264", "libopenh264"]);

function h264EncoderArgs(encoder: string): string[] {
  switch (encoder) {
    case "libx264":
      // veryfast: several times faster than the default (medium) for somewhat bigger files at the
      // same CRF, the right trade on a 2-core NAS.
      return ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23"];
    case "h264_nvenc":
      return ["-c:v", encoder, "-rc", "vbr", "-cq", "23", "-b:v", "0"];
    case "h264_qsv":
      return ["-c:v", encoder, "-global_quality", "23"];
    default:
      return ["-c:v", encoder, "-b:v", "3M", "-maxrate", "5M", "-bufsize", "10M"];
  }
}

function names(listing: string, pattern: RegExp): Set<string> {
  const found = new Set<string>();
  for (const line of listing.split("\n")) {
    const match = line.match(pattern);
    if (match?.[1]) found.add(match[1]);
  }
  return found;
}

async function detectCapabilities(): Promise<Capabilities> {
  const options = (step: string): RunOptions => ({ step, file: toolPath("ffmpeg"), timeoutMs: 30_000 });
  const [encoders, decoders, filters] = await Promise.all([
    run("ffmpeg", ["-hide_banner", "-encoders"], options("encoder listing")),
    run("ffmpeg", ["-hide_banner", "-decoders"], options("decoder listing")),
    run("ffmpeg", ["-hide_banner", "-filters"], options("filter listing")),
  ]);
  const codecLine = /^\s*[VAS][A-Z.]{5}\s+(\S+)\s/;
  const caps: Capabilities = {
    encoders: names(encoders.toString(), codecLine),
    decoders: names(decoders.toString(), codecLine),
    filters: names(filters.toString(), /^\s*[A-Z.|]{2,4}\s+(\w+)\s+\S*->\S*/),
    h264Encoder: null,
  };
  for (const encoder of H264_ENCODERS) {
    if (!caps.encoders.has(encoder)) continue;
    if (SOFTWARE_ENCODERS.has(encoder) || (await encoderWorks(encoder))) {
      caps.h264Encoder = encoder;
      break;
    }
  }
  return caps;
}

async function encoderWorks(encoder: string): Promise<boolean> {
  const args = [...COMMON_FFMPEG_ARGS, "-f", "lavfi", "-i", "color=c=black:s=256x256:r=25:d=0.2", "-frames:v", "2",
    "-vf", "format=yuv420p", ...h264EncoderArgs(encoder), "-f", "null", "-"];
  try {
    await run("ffmpeg", args, { step: `${encoder} test encode`, file: "(generated frames)", timeoutMs: 20_000 });
    return true;
  } catch (error) {
    log.debug("H.264 encoder listed but unusable", { encoder, error });
    return false;
  }
}

function ffmpegCapabilities(): Promise<Capabilities> {
  capabilities ??= detectCapabilities().catch((error) => {
    capabilities = undefined; // Try again next time.
    throw error;
  });
  return capabilities;
}

// What this machine's video tools are and can do: for diagnostics and tests.
export async function videoTools(): Promise<{
  ffmpeg: string;
  ffprobe: string;
  h264Encoder: string | null;
  encoders: string[];
  decoders: string[];
  hdrToneMapping: boolean;
}> {
  const caps = await ffmpegCapabilities();
  return {
    ffmpeg: toolPath("ffmpeg"),
    ffprobe: toolPath("ffprobe"),
    h264Encoder: caps.h264Encoder,
    encoders: [...caps.encoders].sort(),
    decoders: [...caps.decoders].sort(),
    hdrToneMapping: canToneMap(caps),
  };
}

// ---------------------------------------------------------------------------------------------
// Probing

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
interface StreamDetails {
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

function rate(value: string | undefined): number | null {
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
  const match = raw?.match(/^(\d{4})[-:](\d{2})[-:](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i);
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
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Math.round(Number(`0${fraction || ".0"}`) * 1000)) -
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
  if (container === "image2" || container.endsWith("_pipe") || container === "gif" || container === "apng") return "a still image";
  if (brand && STILL_BRANDS.has(brand.trim().toLowerCase())) return `an image (brand ${brand.trim()})`;
  return null;
}

async function probe(path: string): Promise<{ info: VideoInfo; details: StreamDetails }> {
  const step = "probe";
  const output = await run("ffprobe", ["-hide_banner", "-v", "warning", "-print_format", "json", "-show_format", "-show_streams", fileUrl(path)], {
    step,
    file: path,
    timeoutMs: 60_000,
    maxStdoutBytes: 16 * 1024 * 1024,
  });
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
  if (notVideo) throw new Error(`Video ${step} failed for ${path}: ffprobe reads it as ${notVideo} (${container}), not a video`);
  // Cover art and thumbnails are video streams too; ffmpeg's "V" stream specifier skips them alike.
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic && !s.disposition?.timed_thumbnails);
  if (!video) throw new Error(`Video ${step} failed for ${path}: ffprobe found no video stream (${streams.map((s) => s.codec_type).join(", ") || "no streams"})`);
  const storedWidth = video.width ?? 0;
  const storedHeight = video.height ?? 0;
  if (storedWidth <= 0 || storedHeight <= 0) {
    throw new Error(`Video ${step} failed for ${path}: the ${video.codec_name ?? "unknown"} video stream has no picture size (unsupported codec or damaged file)`);
  }
  const audio = streams.find((s) => s.codec_type === "audio");
  const audioCodec = audio ? (text(audio.codec_name) ?? text(audio.codec_tag_string) ?? "unknown") : null;
  const tags = mergeTags(format.tags, video.tags);
  const rotation = rotationOf(video);
  const quarterTurn = rotation === 90 || rotation === 270;
  const created = creation(tags);
  const { latitude, longitude } = location(tags);
  const info: VideoInfo = {
    durationSeconds: seconds(format.duration) ?? seconds(video.duration) ?? seconds(video.tags?.DURATION ?? video.tags?.duration) ?? 0,
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
async function detailsFor(path: string, info: VideoInfo): Promise<StreamDetails> {
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
    ["-hide_banner", "-v", "error", "-select_streams", "V:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", fileUrl(path)],
    { step: "frame count", file: path, timeoutMs: 5 * 60_000 },
  );
  const frames = Number.parseInt(counted.toString("utf8").trim(), 10) || 0;
  if (frames >= claimed * MIN_FRAMES_PER_SECOND && size >= claimed * MIN_BYTES_PER_SECOND) return null;
  const kilobytes = Math.max(1, Math.round(size / 1024));
  return `it claims to last ${formatLength(claimed)} but holds ${frames} frame${frames === 1 ? "" : "s"} in ${kilobytes} KB, so its timestamps cannot be trusted`;
}

// ---------------------------------------------------------------------------------------------
// Filters

function canToneMap(caps: Capabilities): boolean {
  return caps.filters.has("zscale") && caps.filters.has("tonemap");
}

// PQ (HDR10) looks grey and flat when shown as SDR: map it down. HLG is made to look right on SDR
// screens as it is, and tone mapping it with zscale tints it, so it is left alone.
function toneMapFilters(details: StreamDetails, caps: Capabilities): string[] {
  if (details.transfer !== "smpte2084" || !canToneMap(caps)) return [];
  return ["zscale=t=linear:npl=100", "format=gbrpf32le", "zscale=p=bt709", "tonemap=tonemap=hable:desat=0", "zscale=t=bt709:m=bt709:r=tv"];
}

// Short edge to 720 px when larger, never enlarged, both dimensions even. Runs after autorotate,
// so iw/ih are the upright picture's.
const WEB_SCALE =
  "scale=w='if(gte(iw,ih),-2,trunc(min(720,iw)/2)*2)':h='if(gte(iw,ih),trunc(min(720,ih)/2)*2,-2)'";

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
const AAC_SAMPLE_RATES = new Set([96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]);

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
      "-i", fileUrl(path),
      "-map", "0:V:0", "-an", "-sn", "-dn",
      "-frames:v", "1",
      "-vf", [...filters, "format=yuvj420p"].join(","),
      "-c:v", "mjpeg", "-q:v", "2",
      "-f", "image2pipe", "pipe:1",
    ],
    { step, file: path, timeoutMs: 120_000 },
  );

// The first picture of an image sequence (a HEIF burst or animation: probe calls it no video,
// rightly), as a JPEG.
export async function extractFirstFrame(path: string): Promise<Buffer> {
  const jpeg = await grabFrame(path, 0, [], "first frame");
  if (!jpeg.subarray(0, 3).equals(JPEG_MAGIC)) throw new Error(`First frame failed for ${path}: ffmpeg decoded no frame`);
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
export async function transcodeForWeb(path: string, info: VideoInfo, outPath: string, { deadline = Infinity }: { deadline?: number } = {}): Promise<void> {
  const [details, caps] = await Promise.all([detailsFor(path, info), ffmpegCapabilities()]);
  if (!caps.h264Encoder) {
    throw new Error(`Video web transcode failed for ${path}: this ffmpeg (${toolPath("ffmpeg")}) has no usable H.264 encoder`);
  }
  const partPath = `${outPath}.part`;
  await mkdir(dirname(resolve(outPath)), { recursive: true });

  const audioArgs = (withAudio: boolean) =>
    withAudio
      ? [
          "-map", "0:a:0?",
          "-c:a", "aac", "-b:a", "128k", "-ac", "2",
          ...(details.audioSampleRate !== null && !AAC_SAMPLE_RATES.has(details.audioSampleRate) ? ["-ar", "48000"] : []),
        ]
      : ["-an"];
  // Long files get time in proportion (a file of unknown length an hour), never past the deadline.
  const proportionalMs = info.durationSeconds > 0 ? Math.max(10 * 60_000, info.durationSeconds * 20_000) : 60 * 60_000;
  const timeoutMs = () => Math.max(1000, Math.min(proportionalMs, deadline - Date.now()));

  const encode = (toneMap: string[], withAudio: boolean) =>
    run(
      "ffmpeg",
      [
        ...COMMON_FFMPEG_ARGS, "-y",
        "-i", fileUrl(path),
        "-map", "0:V:0",
        "-vf", [...toneMap, `fps=${outputFrameRate(details)}`, WEB_SCALE, "format=yuv420p"].join(","),
        ...h264EncoderArgs(caps.h264Encoder!),
        ...audioArgs(withAudio),
        "-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1",
        "-max_muxing_queue_size", "1024",
        "-movflags", "+faststart",
        "-f", "mp4", fileUrl(partPath),
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
        if (hasAudio && !attempt.withAudio) log.warn("Web copy made without its audio, which ffmpeg could not convert", { path });
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
        ...COMMON_FFMPEG_ARGS, "-y",
        "-i", fileUrl(path),
        "-map", "0:V:0", ...(info.audioCodec !== null ? ["-map", "0:a:0"] : []),
        "-c", "copy",
        "-sn", "-dn", "-map_metadata", "-1", "-map_metadata:s", "-1", "-map_chapters", "-1",
        "-movflags", "+faststart",
        "-f", "mp4", fileUrl(partPath),
      ],
      { step: "copy without metadata", file: path, timeoutMs: Math.max(5 * 60_000, info.durationSeconds * 1000) },
    );
    await rename(partPath, outPath);
  } catch (error) {
    await rm(partPath, { force: true });
    throw error;
  }
}
