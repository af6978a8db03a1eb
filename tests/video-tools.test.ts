// workers/media/video/: ffprobe metadata, poster frames and web transcodes, on clips made here
// with ffmpeg and on the real files of ../shared/media/video.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import sharp from "sharp";
import { extractPosterFrame, probeVideo, transcodeForWeb, videoTools, type VideoInfo } from "../workers/media/video";
import { hasSharedMedia, readMetadata, type MetadataRow } from "./helpers/metadata";
import { sharedMedia } from "./helpers/shoebox";

const run = promisify(execFile);

let dir: string;
let ffmpegPath: string;
let h264Encoder: string;

async function ffmpeg(...args: string[]): Promise<void> {
  await run(ffmpegPath, ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...args], { timeout: 60_000 });
}

// ---------------------------------------------------------------------------------------------
// Generated clips

// 1280x960, 3 s, a box of its own colour in each corner (red top-left, green top-right, blue
// bottom-right, yellow bottom-left), 440 Hz sine audio; then remuxed with a quarter-turn display
// matrix and iPhone-style metadata.
let rotatedClip: string;
let usedDisplayRotation = false;
// 161x121 Motion JPEG with PCM audio in a MOV: odd size, nothing a browser plays.
let oddClip: string;

// Clockwise from the top-left. A thickness beyond half the box fills it (`t=fill` is ffmpeg 4.2+).
const CORNERS = ["topLeft", "topRight", "bottomRight", "bottomLeft"] as const;
const CORNER_COLOURS = ["red", "green", "blue", "yellow"] as const;
const BOX_FILTERS = [
  "drawbox=x=0:y=0:w=160:h=120:t=100:color=red",
  "drawbox=x=1120:y=0:w=160:h=120:t=100:color=0x00FF00",
  "drawbox=x=1120:y=840:w=160:h=120:t=100:color=blue",
  "drawbox=x=0:y=840:w=160:h=120:t=100:color=yellow",
].join(",");
const APPLE_TAGS = [
  "-movflags",
  "use_metadata_tags",
  "-metadata",
  "creation_time=2024-05-01T10:00:05Z",
  "-metadata",
  "com.apple.quicktime.creationdate=2024-05-01T12:00:00+0200",
  "-metadata",
  "com.apple.quicktime.location.ISO6709=+48.8584+002.2945+035.000/",
  "-metadata",
  "com.apple.quicktime.make=Apple",
  "-metadata",
  "com.apple.quicktime.model=iPhone 15 Pro",
  "-metadata",
  "com.apple.quicktime.content.identifier=0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9",
];

async function makeRotatedClip(): Promise<string> {
  const plain = join(dir, "plain.mp4");
  await ffmpeg(
    "-f",
    "lavfi",
    "-i",
    `testsrc=size=1280x960:rate=15:duration=3,${BOX_FILTERS}`,
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:sample_rate=48000:duration=3",
    "-c:v",
    h264Encoder,
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    "-shortest",
    plain,
  );
  const rotated = join(dir, "rotated.mov");
  try {
    // ffmpeg 6+: the display matrix, counter-clockwise degrees (-90 = a clockwise quarter turn).
    await ffmpeg("-display_rotation:v:0", "-90", "-i", plain, "-map", "0", "-c", "copy", ...APPLE_TAGS, rotated);
    usedDisplayRotation = true;
  } catch {
    // Older ffmpeg: the legacy rotate tag.
    await ffmpeg("-i", plain, "-map", "0", "-c", "copy", "-metadata:s:v:0", "rotate=90", ...APPLE_TAGS, rotated);
  }
  return rotated;
}

async function makeOddClip(): Promise<string> {
  const clip = join(dir, "odd.mov");
  await ffmpeg(
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=161x121:rate=10:duration=2",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=220:sample_rate=22050:duration=2",
    "-c:v",
    "mjpeg",
    "-pix_fmt",
    "yuvj420p",
    "-c:a",
    "pcm_s16le",
    "-shortest",
    clip,
  );
  return clip;
}

type Corner = (typeof CORNERS)[number];
type Colour = (typeof CORNER_COLOURS)[number] | "other";

// The boxes cover 1/8 of each side whatever the scale: sample the middle of that corner.
async function cornerColour(jpeg: Buffer, corner: Corner): Promise<Colour> {
  const { width = 0, height = 0 } = await sharp(jpeg).metadata();
  const size = Math.max(4, Math.round(Math.min(width, height) * 0.04));
  const cx = corner.endsWith("Left") ? width / 16 : width - width / 16;
  const cy = corner.startsWith("top") ? height / 16 : height - height / 16;
  const { data, info } = await sharp(jpeg)
    .extract({ left: Math.round(cx - size / 2), top: Math.round(cy - size / 2), width: size, height: size })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sums = [0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 3; c++) sums[c]! += data[i + c]!;
  const [r, g, b] = sums.map((sum) => sum / (data.length / info.channels)) as [number, number, number];
  const high = (v: number) => v > 170;
  const low = (v: number) => v < 90;
  if (high(r) && low(g) && low(b)) return "red";
  if (low(r) && high(g) && low(b)) return "green";
  if (low(r) && low(g) && high(b)) return "blue";
  if (high(r) && high(g) && low(b)) return "yellow";
  return "other";
}

// Each stored corner's box must be where a clockwise turn of `rotation` puts it.
async function assertUpright(jpeg: Buffer, rotation: VideoInfo["rotation"], what: string): Promise<void> {
  const seen = await Promise.all(CORNERS.map((corner) => cornerColour(jpeg, corner)));
  const expected = CORNERS.map((_, shown) => CORNER_COLOURS[(shown - rotation / 90 + 4) % 4]!);
  assert.deepEqual(seen, expected, `${what}: corner colours (${CORNERS.join(", ")}) for a ${rotation}° turn`);
}

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "shoebox-video-"));
  const tools = await videoTools();
  ffmpegPath = tools.ffmpeg;
  assert.ok(tools.h264Encoder, `${tools.ffmpeg} has no usable H.264 encoder`);
  h264Encoder = tools.h264Encoder;
  console.log(
    `# ffmpeg ${tools.ffmpeg}, ffprobe ${tools.ffprobe}, H.264 encoder ${tools.h264Encoder}, ` +
      `decoders: ${tools.decoders.filter((d) => /^(h264|hevc|av1|libdav1d|libaom-av1|vp8|vp9|mjpeg)$/.test(d)).join(" ")}, ` +
      `HDR tone mapping ${tools.hdrToneMapping ? "yes" : "no"}`,
  );
  [rotatedClip, oddClip] = await Promise.all([makeRotatedClip(), makeOddClip()]);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("generated clips", () => {
  it("probes a rotated H.264/AAC clip with iPhone metadata", async () => {
    const info = await probeVideo(rotatedClip);
    if (usedDisplayRotation) assert.equal(info.rotation, 90);
    // The legacy tag writer of old ffmpeg builds gets the direction wrong; the poster test checks
    // that whatever is reported is what ffmpeg shows.
    else assert.ok(info.rotation === 90 || info.rotation === 270, `rotation ${info.rotation}`);
    assert.equal(info.width, 960);
    assert.equal(info.height, 1280);
    close(info.durationSeconds, 3, 0.1, "duration");
    assert.equal(info.videoCodec, "h264");
    assert.equal(info.audioCodec, "aac");
    assert.match(info.container, /mov|mp4/);
    // Apple's local time with offset wins over creation_time.
    assert.equal(info.creationTime, "2024-05-01T10:00:00.000Z");
    assert.equal(info.creationOffset, "+02:00");
    close(info.latitude!, 48.8584, 1e-9, "latitude");
    close(info.longitude!, 2.2945, 1e-9, "longitude");
    assert.equal(info.make, "Apple");
    assert.equal(info.model, "iPhone 15 Pro");
    assert.equal(info.contentIdentifier, "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9");
    assert.equal(info.isWebPlayable, true);
  });

  it("extracts an upright, full-size JPEG poster frame", async () => {
    const info = await probeVideo(rotatedClip);
    const jpeg = await extractPosterFrame(rotatedClip, info);
    const meta = await sharp(jpeg).metadata();
    assert.equal(meta.format, "jpeg");
    assert.equal(meta.width, info.width);
    assert.equal(meta.height, info.height);
    await assertUpright(jpeg, info.rotation, "poster");
  });

  it("transcodes to a web-playable MP4: H.264/AAC, short edge 720, rotation applied once", async () => {
    const info = await probeVideo(rotatedClip);
    const out = join(dir, "web", "rotated.mp4");
    await transcodeForWeb(rotatedClip, info, out);
    assert.ok(existsSync(out));
    assert.ok(!existsSync(`${out}.part`));
    const web = await probeVideo(out);
    assert.equal(web.videoCodec, "h264");
    assert.equal(web.audioCodec, "aac");
    assert.equal(web.rotation, 0);
    assert.equal(web.width, 720);
    assert.equal(web.height, 960);
    assert.equal(web.isWebPlayable, true);
    close(web.durationSeconds, 3, 0.15, "duration");
    // The copy is upright in its pixels, not by a matrix: same corners as the original's poster.
    await assertUpright(await extractPosterFrame(out, web), info.rotation, "web copy");
  });

  it("reads an odd-sized Motion JPEG clip and makes even, unenlarged H.264 from it", async () => {
    const info = await probeVideo(oddClip);
    assert.equal(info.videoCodec, "mjpeg");
    assert.equal(info.audioCodec, "pcm_s16le");
    assert.equal(info.width, 161);
    assert.equal(info.height, 121);
    assert.equal(info.rotation, 0);
    assert.equal(info.isWebPlayable, false);
    assert.equal(info.latitude, null);
    assert.equal(info.contentIdentifier, null);
    close(info.durationSeconds, 2, 0.1, "duration");
    const poster = await sharp(await extractPosterFrame(oddClip, info)).metadata();
    assert.deepEqual([poster.format, poster.width, poster.height], ["jpeg", 161, 121]);

    const out = join(dir, "odd.mp4");
    await transcodeForWeb(oddClip, info, out);
    const web = await probeVideo(out);
    assert.deepEqual(
      [web.videoCodec, web.audioCodec, web.width, web.height, web.isWebPlayable],
      ["h264", "aac", 160, 120, true],
    );
  });

  it("fails with errors that name the file and the step, and leaves no partial output", async () => {
    const text = join(dir, "notes.txt");
    writeFileSync(text, "not a video\n".repeat(100));
    await assert.rejects(probeVideo(text), (error: Error) => {
      assert.match(error.message, /probe/);
      assert.ok(error.message.includes(text), error.message);
      return true;
    });

    const missing = join(dir, "missing.mp4");
    await assert.rejects(probeVideo(missing), (error: Error) => error.message.includes(missing));

    const garbage = join(dir, "garbage.mp4");
    writeFileSync(garbage, Buffer.alloc(64 * 1024, 0x5a));
    const fake: VideoInfo = { ...(await probeVideo(oddClip)) };
    await assert.rejects(extractPosterFrame(garbage, fake), (error: Error) => {
      assert.match(error.message, /poster frame/);
      assert.ok(error.message.includes(garbage), error.message);
      return true;
    });
    const out = join(dir, "garbage-web.mp4");
    await assert.rejects(transcodeForWeb(garbage, fake, out), (error: Error) => {
      assert.match(error.message, /web transcode/);
      assert.ok(error.message.includes(garbage), error.message);
      return true;
    });
    assert.ok(!existsSync(out), "no output after a failure");
    assert.ok(!existsSync(`${out}.part`), "partial output removed");
  });
});

// ---------------------------------------------------------------------------------------------
// Real media

const VIDEO_EXTENSIONS = /\.(mp4|mov|webm|mkv|3gp|avi)$/i;
const videoDir = join(sharedMedia, "video");

function walk(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const realVideos =
  hasSharedMedia && existsSync(videoDir)
    ? walk(videoDir)
        .filter((f) => VIDEO_EXTENSIONS.test(f))
        .sort()
    : [];

// exiftool's "2021:04:10 11:43:59+01:00" / "2021:08:30 05:22:08Z" / "2015:12:12 08:59:26" (UTC).
function exifInstant(value: string | undefined): { instant: string; offset: string | null } | null {
  const match = value?.match(/^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?$/);
  if (!match || match[1] === "0000") return null;
  const zone = match[7] ?? "Z";
  const instant = new Date(
    `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}${zone}`,
  ).toISOString();
  return { instant, offset: match[7] && match[7] !== "Z" ? match[7] : null };
}

const number = (value: string | undefined) => (value && value.trim() !== "" ? Number(value) : null);

function compareWithExiftool(info: VideoInfo, row: MetadataRow): void {
  const duration = number(row.Duration);
  if (duration !== null) close(info.durationSeconds, duration, Math.max(0.1, duration * 0.02), "duration");

  assert.equal(info.rotation, number(row.Rotation) ?? 0, "rotation");

  // exiftool gives the stored size; ours is as displayed.
  const storedWidth = number(row.ImageWidth);
  const storedHeight = number(row.ImageHeight);
  if (storedWidth !== null && storedHeight !== null) {
    const turned = info.rotation === 90 || info.rotation === 270;
    assert.deepEqual(
      [info.width, info.height],
      turned ? [storedHeight, storedWidth] : [storedWidth, storedHeight],
      "size",
    );
  }

  const latitude = number(row.GPSLatitude);
  const longitude = number(row.GPSLongitude);
  if (latitude !== null && longitude !== null && !(latitude === 0 && longitude === 0)) {
    close(info.latitude ?? NaN, latitude, 1e-4, "latitude");
    close(info.longitude ?? NaN, longitude, 1e-4, "longitude");
  } else {
    assert.equal(info.latitude, null, "no GPS (or 0,0) in exiftool's reading");
    assert.equal(info.longitude, null, "no GPS (or 0,0) in exiftool's reading");
  }

  assert.equal(info.contentIdentifier, row.ContentIdentifier || null, "content identifier");
  if (row.Make) assert.equal(info.make, row.Make, "make");
  if (row.Model) assert.equal(info.model, row.Model, "model");

  // Apple's CreationDate (local with offset) first, then QuickTime's CreateDate (UTC).
  const created = exifInstant(row.CreationDate) ?? exifInstant(row.CreateDate) ?? exifInstant(row.DateTimeOriginal);
  assert.equal(info.creationTime, created?.instant ?? null, "creation time");
  if (exifInstant(row.CreationDate)?.offset)
    assert.equal(info.creationOffset, exifInstant(row.CreationDate)!.offset, "creation offset");
}

describe("real media", {
  skip: realVideos.length ? false : "../shared/media is absent: tests on real videos are skipped",
}, () => {
  let expected: Map<string, MetadataRow>;
  before(() => {
    expected = readMetadata();
  });

  for (const file of realVideos) {
    const name = relative(sharedMedia, file);
    it(`${name}: metadata as exiftool reads it, and a poster frame`, async (t) => {
      const row = expected.get(name);
      assert.ok(row, `${name} has no row in METADATA.csv`);
      const info = await probeVideo(file);
      compareWithExiftool(info, row);

      let jpeg: Buffer;
      try {
        jpeg = await extractPosterFrame(file, info);
      } catch (error) {
        // A QuickTime reference movie holds no frames of its own; saying so is the right answer.
        if (/reference movie/.test((error as Error).message)) {
          t.diagnostic(`no poster: ${(error as Error).message.split("\n")[0]}`);
          return;
        }
        throw error;
      }
      const poster = await sharp(jpeg).metadata();
      assert.equal(poster.format, "jpeg");
      assert.deepEqual([poster.width, poster.height], [info.width, info.height], "poster size is the displayed size");
    });
  }

  const short = join(videoDir, "mov/photoprism-ipad-hevc-gps.mov");
  it("transcodes a short rotated HEVC iPad clip for the web", {
    skip: existsSync(short) ? false : `${short} is absent`,
  }, async () => {
    const info = await probeVideo(short);
    const out = join(dir, "ipad.mp4");
    await transcodeForWeb(short, info, out);
    const web = await probeVideo(out);
    assert.deepEqual(
      [web.videoCodec, web.audioCodec, web.rotation, web.width, web.height, web.isWebPlayable],
      ["h264", "aac", 0, info.width, info.height, true],
    );
    assert.ok(Math.min(web.width, web.height) <= 720);
    close(web.durationSeconds, info.durationSeconds, 0.1, "duration");
    // The web copy carries no location.
    assert.equal(web.latitude, null);
  });
});
