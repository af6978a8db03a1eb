// Media the tests make with the ffmpeg Shoebox ships (and Debian's avifenc, where installed):
// animated GIF and WebP, a short video, a HEIF image sequence, a 10-bit HDR AVIF.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ffmpeg = (createRequire(import.meta.url)("@ffmpeg-installer/ffmpeg") as { path: string }).path;

export const hasAvifenc = !spawnSync("avifenc", ["--version"]).error;
export const noAvifenc = hasAvifenc
  ? false
  : "avifenc is not installed (Debian's libavif-bin): no HDR AVIF to test with";

// ffmpeg's test pattern (a moving picture) through these output arguments, as a file's bytes.
function made(name: string, output: string[], input = "testsrc=size=320x240:rate=5"): Buffer {
  const folder = mkdtempSync(join(tmpdir(), "shoebox-made-"));
  try {
    const path = join(folder, name);
    execFileSync(ffmpeg, ["-v", "error", "-y", "-f", "lavfi", "-i", input, ...output, path]);
    return readFileSync(path);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export const animatedGif = () => made("moving.gif", ["-frames:v", "5"]);
export const animatedWebp = () => made("moving.webp", ["-frames:v", "5", "-c:v", "libwebp_anim", "-loop", "0"]);
export const shortVideo = () => made("clip.mp4", ["-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p"]);

// A HEIF image sequence as phones write bursts and animations: brand msf1, the pictures an HEVC
// track with the "pict" handler, no still item of its own.
export function heifSequence(): Buffer {
  const mp4 = made("sequence.mp4", [
    "-frames:v",
    "3",
    "-c:v",
    "libx265",
    "-x265-params",
    "log-level=error",
    "-tag:v",
    "hvc1",
    "-brand",
    "msf1",
  ]);
  const handler = Buffer.from("hdlr\0\0\0\0\0\0\0\0vide", "latin1");
  const at = mp4.indexOf(handler);
  if (at < 0) throw new Error("ffmpeg wrote no video handler to turn into a picture one");
  mp4.write("pict", at + handler.length - 4, "latin1");
  return mp4;
}

// A 10-bit AVIF in Display P3 with the PQ (HDR10) transfer: ffmpeg's test pattern of colour bars
// brought to PQ, its white at 203 nits (BT.2408's reference white).
export function hdrAvif(): Buffer {
  const folder = mkdtempSync(join(tmpdir(), "shoebox-hdr-"));
  try {
    const source = "testsrc2=size=320x240:rate=1";
    execFileSync(ffmpeg, ["-v", "error", "-f", "lavfi", "-i", source, "-frames:v", "1", join(folder, "sdr.png")]);
    // sRGB to linear, to nits (white at 203), to PQ, in 16 bits.
    const pq =
      "st(0,pow(V/65535,2.2)*203/10000);pow((0.8359375+18.8515625*pow(ld(0),0.1593017578125))/(1+18.6875*pow(ld(0),0.1593017578125)),78.84375)*65535";
    const geq = ["r", "g", "b"].map((c) => `${c}='${pq.replace("V", `${c}(X,Y)`)}'`).join(":");
    execFileSync(ffmpeg, [
      "-v",
      "error",
      "-i",
      join(folder, "sdr.png"),
      "-vf",
      `format=rgb48le,geq=${geq}`,
      "-pix_fmt",
      "rgb48be",
      join(folder, "pq.png"),
    ]);
    execFileSync(
      "avifenc",
      ["-d", "10", "--cicp", "12/16/9", "-s", "8", join(folder, "pq.png"), join(folder, "hdr.avif")],
      { stdio: "ignore" },
    );
    return readFileSync(join(folder, "hdr.avif"));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
