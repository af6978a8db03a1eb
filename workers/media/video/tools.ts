// Finding and running ffmpeg and ffprobe, and what this ffmpeg build can do: the only code that
// starts either binary.
//
// Binaries: `ffmpeg`/`ffprobe` on PATH when present, otherwise the ones shipped in the
// @ffmpeg-installer/@ffprobe-installer packages (nothing is ever downloaded). Every call is a
// `spawn` without a shell, with its arguments as an array, a deadline after which the process is
// killed, and the tail of its stderr in the error it throws. Children still running when the
// worker exits are killed with it.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, chmodSync, constants, statSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, join, resolve } from "node:path";
import { log } from "../../log";

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
    throw new Error(
      `${tool} is not on PATH and ${name} has no binary for ${process.platform}-${process.arch}: ${reason}`,
    );
  }
  if (process.platform !== "win32") {
    const { mode } = statSync(path);
    if (!(mode & 0o100)) {
      try {
        chmodSync(path, mode | 0o100);
      } catch (error) {
        throw new Error(
          `${tool} from ${name} (${path}) is not executable and chmod u+x failed: ${(error as Error).message}`,
        );
      }
    }
  }
  return path;
}

export function toolPath(tool: Tool): string {
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

export interface RunOptions {
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
  [
    /Skipped opening external track/,
    () => "it is a QuickTime reference movie whose frames are in other files, which are never opened",
  ],
  [/moov atom not found/, () => "the file is incomplete (no moov atom: a truncated upload or an unfinished recording)"],
  [
    /Decoder \(codec (\w+)\) not found|No decoder could be found for codec (\w+)/,
    (m) => `this ffmpeg has no decoder for ${m[1] ?? m[2]}`,
  ],
  [/No such file or directory/, () => "the file does not exist"],
  [/Permission denied/, () => "the worker may not read or write it"],
  [/Invalid data found when processing input/, () => "it is not a video this ffmpeg can read, or it is damaged"],
];

// Thrown by run(); `timedOut` tells callers not to spend the same time again on a retry.
export class ToolError extends Error {
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
  return new ToolError(
    `Video ${options.step} failed for ${options.file}: ${tool} ${why}${because}${tail ? `. ${tool} said:\n${tail}` : ""}`,
    timedOut,
  );
}

export function run(tool: Tool, args: string[], options: RunOptions): Promise<Buffer> {
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
      else if (code !== 0)
        settle(failure(tool, options, signal ? `was killed by ${signal}` : `exited with code ${code}`, stderr));
      else settle(null);
    });
  });
}

// ffmpeg reads "name:rest" as a protocol and "-name" as an option: always name inputs and outputs
// as absolute file: URLs.
export const fileUrl = (path: string) => `file:${resolve(path)}`;

// Warnings too: they often name the cause of the error that follows them.
export const COMMON_FFMPEG_ARGS = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning"];

// ---------------------------------------------------------------------------------------------
// What the ffmpeg build can do

export interface Capabilities {
  encoders: Set<string>;
  decoders: Set<string>;
  filters: Set<string>;
  h264Encoder: string | null;
}

let capabilities: Promise<Capabilities> | undefined;

// Best first. Hardware encoders are listed by builds that have no such hardware, so they are
// tried on one frame before being chosen; VAAPI needs a device and upload filters, so it is not used.
const H264_ENCODERS = [
  "libx264",
  "libopenh264",
  "h264_videotoolbox",
  "h264_nvenc",
  "h264_qsv",
  "h264_amf",
  "h264_mf",
  "h264_v4l2m2m",
];
const SOFTWARE_ENCODERS = new Set(["libx264", "libopenh264"]);

export function h264EncoderArgs(encoder: string): string[] {
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
  const args = [
    ...COMMON_FFMPEG_ARGS,
    "-f",
    "lavfi",
    "-i",
    "color=c=black:s=256x256:r=25:d=0.2",
    "-frames:v",
    "2",
    "-vf",
    "format=yuv420p",
    ...h264EncoderArgs(encoder),
    "-f",
    "null",
    "-",
  ];
  try {
    await run("ffmpeg", args, { step: `${encoder} test encode`, file: "(generated frames)", timeoutMs: 20_000 });
    return true;
  } catch (error) {
    log.debug("H.264 encoder listed but unusable", { encoder, error });
    return false;
  }
}

export function ffmpegCapabilities(): Promise<Capabilities> {
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

// Whether this ffmpeg can map HDR (PQ) down to SDR.
export function canToneMap(caps: Capabilities): boolean {
  return caps.filters.has("zscale") && caps.filters.has("tonemap");
}
