// The binary-format readers of workers/media on real files: RAW previews, motion photo videos,
// Live Photo identifiers and HEIC decoding, plus every corrupt file through all of them.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { readContentIdentifier } from "../workers/media/apple";
import { decodeHeic, isHeicBrand } from "../workers/media/heic";
import { findMotionPhotoVideo } from "../workers/media/motion-photo";
import { extractRawPreview } from "../workers/media/raw-preview";
import { noSharedMedia, readMetadata, type MetadataRow } from "./helpers/metadata";
import { projectRoot, sharedMedia } from "./helpers/shoebox";

const media = (file: string) => join(sharedMedia, file);

// Paths relative to ../shared/media, like METADATA.csv's keys.
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(media(folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(sharedMedia, join(entry.parentPath, entry.name)))
    .sort();
}

let metadata: Map<string, MetadataRow>;
const row = (file: string) => {
  const found = metadata.get(file);
  assert.ok(found, `${file} is in METADATA.csv`);
  return found;
};

let scratch: string;
before(async () => {
  if (!noSharedMedia) metadata = readMetadata();
  scratch = await mkdtemp(join(tmpdir(), "shoebox-media-"));
});
after(() => rm(scratch, { recursive: true, force: true }));

// A copy of a shared file with some bytes replaced, for paths no shared file takes on its own.
async function patchedCopy(file: string, name: string, from: string, to: string): Promise<string> {
  const bytes = await readFile(media(file));
  const at = bytes.indexOf(from, 0, "latin1");
  assert.ok(at >= 0 && bytes.indexOf(from, at + 1, "latin1") < 0, `${file} holds "${from}" once`);
  bytes.write(to, at, "latin1");
  const path = join(scratch, name);
  await writeFile(path, bytes);
  return path;
}

const jpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 90, b: 30 } } })
    .jpeg()
    .toBuffer();

describe("extractRawPreview", () => {
  const RAW = new Set([".dng", ".cr2", ".cr3", ".nef", ".arw", ".orf", ".rw2", ".raf", ".pef"]);
  // The shared RAW files with no embedded JPEG at all, and why.
  const NO_PREVIEW: Record<string, string> = {
    "formats/raw/imageio-blackmagic-pocket4k.dng":
      "a cinema-camera DNG: one IFD of lossless-JPEG raw tiles, no preview",
    "exif/exiftool-stubs/raw-stubs/CanonRaw.cr2":
      "exiftool's metadata stub: its preview strips hold the text <Dummy preview image data>",
    "exif/exiftool-stubs/raw-stubs/DNG.dng":
      "exiftool's metadata stub: its preview SubIFDs hold <Dummy … image data> text",
    "exif/exiftool-stubs/raw-stubs/Nikon.nef":
      "exiftool's metadata stub: its JpgFromRaw holds the text <Dummy JpgFromRaw image data>",
  };

  it("finds a preview sharp can decode in every shared RAW file that has one", { skip: noSharedMedia }, async () => {
    const files = [...(await filesUnder("formats/raw")), ...(await filesUnder("exif"))].filter((file) =>
      RAW.has(extname(file).toLowerCase()),
    );
    assert.ok(files.length >= 6, `found ${files.length} RAW files`);
    for (const file of files) {
      const preview = await extractRawPreview(media(file));
      if (NO_PREVIEW[file]) {
        assert.equal(preview, null, file);
        // Really none: no JPEG that sharp can decode starts anywhere in the file.
        const bytes = await readFile(media(file));
        for (let at = bytes.indexOf("ffd8ff", 0, "hex"); at >= 0; at = bytes.indexOf("ffd8ff", at + 1, "hex")) {
          const decodes = await sharp(bytes.subarray(at))
            .resize(8)
            .toBuffer()
            .then(
              () => true,
              () => false,
            );
          assert.ok(!decodes, `${file} has a decodable JPEG at ${at}`);
        }
        continue;
      }
      assert.ok(preview, `${file} yields a preview`);
      const found = await sharp(preview).metadata();
      assert.equal(found.format, "jpeg", file);
      await sharp(preview).resize(32).toBuffer(); // decodes, not just a header
      // The preview shows the whole frame: its aspect ratio is the RAW's.
      const { ImageWidth, ImageHeight } = row(file);
      const ratio = found.width! / found.height! / (Number(ImageWidth) / Number(ImageHeight));
      assert.ok(
        Math.abs(ratio - 1) < 0.05,
        `${file}: preview ${found.width}×${found.height}, RAW ${ImageWidth}×${ImageHeight}`,
      );
    }
  });

  // No CR3, RW2 or ORF is among the shared files: these are built from their documented layouts.
  type Entry = [tag: number, type: number, count: number, value: number];

  // A TIFF-style RAW in miniature: header, IFDs at 8, 256, 504…, data from 1024.
  function miniTiff(header: string, ifds: { entries: Entry[]; next?: number }[], data: Buffer): Buffer {
    const file = Buffer.alloc(1024 + data.length);
    const le = header.startsWith("II");
    const u16 = (at: number, value: number) => (le ? file.writeUInt16LE(value, at) : file.writeUInt16BE(value, at));
    const u32 = (at: number, value: number) => (le ? file.writeUInt32LE(value, at) : file.writeUInt32BE(value, at));
    file.write(header, 0, "latin1");
    u32(4, 8);
    ifds.forEach(({ entries, next = 0 }, i) => {
      const at = 8 + i * 248;
      u16(at, entries.length);
      entries.forEach(([tag, type, count, value], k) => {
        const entry = at + 2 + k * 12;
        u16(entry, tag);
        u16(entry + 2, type);
        u32(entry + 4, count);
        if (type === 3) u16(entry + 8, value);
        else u32(entry + 8, value);
      });
      u32(at + 2 + entries.length * 12, next);
    });
    data.copy(file, 1024);
    return file;
  }

  async function previewOf(name: string, bytes: Buffer) {
    const path = join(scratch, name);
    await writeFile(path, bytes);
    return extractRawPreview(path);
  }

  it("reads RW2's JpgFromRaw and ORF's JPEG behind their own TIFF magic", async () => {
    const picture = await jpeg(48, 32);
    const rw2 = miniTiff("IIU\0", [{ entries: [[0x002e, 7, picture.length, 1024]] }], picture);
    assert.deepEqual(await previewOf("x.rw2", rw2), picture);
    const orf = miniTiff(
      "IIRO",
      [
        {
          entries: [
            [0x0201, 4, 1, 1024],
            [0x0202, 4, 1, picture.length],
          ],
        },
      ],
      picture,
    );
    assert.deepEqual(await previewOf("x.orf", orf), picture);
  });

  it("prefers a baseline JPEG to a larger lossless one (the raw data of CR2 and DNG)", async () => {
    const picture = await jpeg(48, 32);
    const lossless = Buffer.concat([Buffer.from("ffd8ffc3000b08001000100111", "hex"), Buffer.alloc(4000)]);
    const data = Buffer.concat([picture, lossless]);
    const entries: Entry[] = [
      [0x0103, 3, 1, 6],
      [0x0111, 4, 1, 1024 + picture.length],
      [0x0117, 4, 1, lossless.length],
    ];
    const cr2 = miniTiff(
      "II*\0",
      [
        { entries, next: 256 },
        {
          entries: [
            [0x0201, 4, 1, 1024],
            [0x0202, 4, 1, picture.length],
          ],
        },
      ],
      data,
    );
    assert.deepEqual(await previewOf("x.cr2", cr2), picture);
  });

  it("stops on IFDs that point at themselves or out of the file", async () => {
    const picture = await jpeg(16, 16);
    const loops = miniTiff(
      "MM\0*",
      [
        {
          entries: [
            [0x014a, 4, 1, 8],
            [0x8769, 4, 1, 0xfffffff0],
            [0x0201, 4, 1, 1024],
            [0x0202, 4, 1, picture.length],
          ],
          next: 8,
        },
      ],
      picture,
    );
    assert.deepEqual(await previewOf("loops.nef", loops), picture);
    const outside = miniTiff(
      "II*\0",
      [
        {
          entries: [
            [0x0201, 4, 1, 1024],
            [0x0202, 4, 1, picture.length + 1],
          ],
        },
      ],
      picture,
    );
    assert.equal(await previewOf("outside.pef", outside), null);
  });

  it("takes CR3's PRVW, or else its THMB", async () => {
    const box = (type: string, ...parts: Buffer[]) => {
      const header = Buffer.alloc(8);
      header.writeUInt32BE(8 + parts.reduce((sum, part) => sum + part.length, 0));
      header.write(type, 4, "latin1");
      return Buffer.concat([header, ...parts]);
    };
    // JPEG byte count at 20 (PRVW) or 16 (THMB) from the box start, JPEG data at 24.
    const jpegBox = (type: string, lengthAt: number, picture: Buffer) => {
      const fields = Buffer.alloc(16);
      fields.writeUInt32BE(picture.length, lengthAt - 8);
      return box(type, fields, picture);
    };
    const [thumbnail, preview] = await Promise.all([jpeg(16, 12), jpeg(160, 108)]);
    const ftyp = box("ftyp", Buffer.from("crx \0\0\0\x01crx isom", "latin1"));
    const moov = box(
      "moov",
      box(
        "uuid",
        Buffer.from("85c0b687820f11e08111f4ce462b6a48", "hex"),
        box("CNCV", Buffer.alloc(4)),
        jpegBox("THMB", 16, thumbnail),
      ),
    );
    const prvw = box(
      "uuid",
      Buffer.from("eaf42b5e1c984b88b9fbb7dc406e4d16", "hex"),
      Buffer.alloc(8),
      jpegBox("PRVW", 20, preview),
    );
    const mdat = box("mdat", Buffer.alloc(64));
    assert.deepEqual(await previewOf("x.cr3", Buffer.concat([ftyp, moov, prvw, mdat])), preview);
    assert.deepEqual(await previewOf("thumbnail-only.cr3", Buffer.concat([ftyp, moov, mdat])), thumbnail);
  });
});

describe("findMotionPhotoVideo", () => {
  // The MP4 checks, without ffprobe: top-level boxes that tile the range exactly, ftyp first,
  // with a moov and an mdat among them.
  function assertMp4(bytes: Buffer, what: string) {
    const types: string[] = [];
    for (let at = 0; at < bytes.length; ) {
      assert.ok(at + 8 <= bytes.length, `${what}: box header at ${at} fits`);
      const size = bytes.readUInt32BE(at) === 1 ? Number(bytes.readBigUInt64BE(at + 8)) : bytes.readUInt32BE(at);
      assert.ok(size >= 8 && at + size <= bytes.length, `${what}: box at ${at} fits`);
      types.push(bytes.toString("latin1", at + 4, at + 8));
      at += size;
    }
    assert.equal(types[0], "ftyp", what);
    assert.ok(types.includes("moov") && types.includes("mdat"), `${what}: boxes ${types.join(" ")}`);
  }

  async function videoOf(path: string) {
    const range = await findMotionPhotoVideo(path);
    if (!range) return null;
    const bytes = await readFile(path);
    assert.ok(
      range.offset >= 0 && range.length > 0 && range.offset + range.length <= bytes.length,
      `${path}: range inside the file`,
    );
    return { range, video: bytes.subarray(range.offset, range.offset + range.length) };
  }

  // Marked as motion photos in METADATA.csv, but without a video.
  const NO_VIDEO: Record<string, string> = {
    "video/motion-photo/androidx-pixel-motion-photo-video-removed.jpg":
      "its XMP claims 8730 bytes at the end, which are JPEG data: the video was cut off",
  };

  it("finds the MP4 of every shared motion photo, and none elsewhere", { skip: noSharedMedia }, async () => {
    const files = [...(await filesUnder("video/motion-photo")), ...(await filesUnder("video/live-photo"))];
    let videos = 0;
    for (const file of files) {
      const { MotionPhoto, MicroVideo, MicroVideoOffset } = row(file);
      const found = await videoOf(media(file));
      if ((MotionPhoto !== "1" && MicroVideo !== "1") || NO_VIDEO[file]) {
        assert.equal(found, null, file);
        continue;
      }
      assert.ok(found, `${file} yields a video`);
      assert.equal(found.video.toString("latin1", 4, 8), "ftyp", file);
      assertMp4(found.video, file);
      // The older MicroVideo form says exactly where the video starts: that many bytes before the end.
      if (MicroVideo === "1")
        assert.equal(found.range.offset, (await readFile(media(file))).length - Number(MicroVideoOffset), file);
      videos++;
    }
    assert.equal(videos, 3);
  });

  it("finds a HEIC's video from its XMP when there is no mpvd box", { skip: noSharedMedia }, async () => {
    const file = "video/motion-photo/androidx-sample_MP.heic";
    const expected = await findMotionPhotoVideo(media(file));
    assert.ok(expected);
    const withoutBox = await patchedCopy(file, "no-mpvd.heic", "mpvd", "skip");
    assert.deepEqual(await findMotionPhotoVideo(withoutBox), expected);
  });

  it("finds a Samsung video from its trailer marker when the XMP says nothing", { skip: noSharedMedia }, async () => {
    const file = "video/motion-photo/androidx-samsung-s20ultra-motion-photo-shortened.jpg";
    const expected = await findMotionPhotoVideo(media(file));
    assert.ok(expected);
    const withoutXmp = await patchedCopy(file, "no-microvideo.jpg", 'MicroVideo="1"', 'MicroVideo="0"');
    assert.deepEqual(await findMotionPhotoVideo(withoutXmp), expected);
    // And the trailer after the MP4 is not part of the video.
    const bytes = await readFile(media(file));
    assert.equal(
      bytes.toString("latin1", expected.offset + expected.length, expected.offset + expected.length + 4),
      "SEFH",
    );
  });
});

describe("readContentIdentifier", () => {
  it("reads the Live Photo identifier that pairs the still with its MOV", { skip: noSharedMedia }, async () => {
    const still = "video/live-photo/lychee-train/IMG_train.jpg";
    const identifier = await readContentIdentifier(media(still));
    // exiftool calls the still's copy (Apple MakerNote tag 0x0011) MediaGroupUUID.
    assert.equal(identifier, row(still).MediaGroupUUID);
    assert.equal(identifier, row("video/live-photo/lychee-train/IMG_train.mov").ContentIdentifier);
  });

  it("agrees with METADATA.csv on every shared JPEG and HEIC", { skip: noSharedMedia }, async () => {
    let checked = 0;
    for (const [file, { FileType, MediaGroupUUID }] of metadata) {
      if (file.startsWith("corrupt/") || !["JPEG", "HEIC", "HEIF"].includes(FileType!)) continue;
      assert.equal(await readContentIdentifier(media(file)), MediaGroupUUID || null, file);
      checked++;
    }
    assert.ok(checked > 100, `checked ${checked} files`);
  });
});

describe("decodeHeic", () => {
  // Undecodable with the installed libheif, and why.
  const UNDECODABLE: Record<string, string> = {
    "formats/heic/elodie-photo-tiny.heic":
      "its ispe says 100×74 but the HEVC stream codes 100×76; libheif refuses the mismatch",
  };

  it("decodes every shared HEIC to the size METADATA.csv gives, turned by its irot", {
    skip: noSharedMedia,
  }, async () => {
    const files = [
      ...(await filesUnder("formats/heic")),
      ...(await filesUnder("video/motion-photo")).filter((file) => file.endsWith(".heic")),
    ];
    assert.ok(files.length >= 12, `found ${files.length} HEIC files`);
    for (const file of files) {
      const input = await readFile(media(file));
      if (UNDECODABLE[file]) {
        await assert.rejects(decodeHeic(input), Error, file);
        continue;
      }
      const { ImageWidth, ImageHeight, Rotation } = row(file);
      // exiftool gives the coded size (ispe) and the irot rotation; libheif applies the rotation.
      const turned = Rotation === "90" || Rotation === "270";
      const image = await decodeHeic(input);
      assert.deepEqual(
        { width: image.width, height: image.height },
        { width: Number(turned ? ImageHeight : ImageWidth), height: Number(turned ? ImageWidth : ImageHeight) },
        file,
      );
      assert.equal(image.data.length, image.width * image.height * 4, file);
    }
  });

  it("returns pixels already turned by irot and mirrored by imir", { skip: noSharedMedia }, async () => {
    // An iPhone 7 photo with an irot of 0; copies get a quarter turn and a mirror instead.
    const file = "formats/heic/exifr-heic-iphone7.heic";
    const original = await readFile(media(file));
    const at = original.indexOf("irot", 0, "latin1");
    const variant = (type: string, value: number) => {
      const copy = Buffer.from(original);
      copy.write(type, at, "latin1");
      copy[at + 4] = value;
      return copy;
    };
    const [stored, turned, mirrored] = [
      await decodeHeic(original),
      await decodeHeic(variant("irot", 3)),
      await decodeHeic(variant("imir", 0)),
    ];
    const { width, height } = stored;
    assert.deepEqual([turned.width, turned.height, mirrored.width, mirrored.height], [height, width, width, height]);
    const pixel = (image: typeof stored, x: number, y: number) =>
      image.data.slice((y * image.width + x) * 4, (y * image.width + x) * 4 + 4).join();
    for (let k = 0; k < 100; k++) {
      const [x, y] = [(k * 7919) % width, (k * 104729) % height];
      // irot counts anticlockwise: 3 quarter turns, i.e. one clockwise.
      assert.equal(pixel(turned, height - 1 - y, x), pixel(stored, x, y), `turned (${x}, ${y})`);
      // imir axis 0 flips top to bottom.
      assert.equal(pixel(mirrored, x, height - 1 - y), pixel(stored, x, y), `mirrored (${x}, ${y})`);
    }
  });

  it("tells HEVC-coded HEIF from AVIF and everything else by its ftyp brands", { skip: noSharedMedia }, async () => {
    let checked = 0;
    for (const [file, { FileType }] of metadata) {
      if (!["HEIC", "HEIF", "AVIF", "JPEG", "MP4", "MOV", "PNG"].includes(FileType!)) continue;
      const head = (await readFile(media(file))).subarray(0, 64);
      assert.equal(isHeicBrand(head), FileType === "HEIC" || FileType === "HEIF", file);
      checked++;
    }
    assert.ok(checked > 100, `checked ${checked} files`);
  });
});

describe("corrupt files", () => {
  // Runs in a child process, so that a hang or a crash fails this test rather than the whole run.
  const probe = `
    import { readFile } from "node:fs/promises";
    const load = (path) => import(new URL(path, ${JSON.stringify(pathToFileURL(`${projectRoot}/`).href)}).href);
    const { extractRawPreview } = await load("workers/media/raw-preview.ts");
    const { findMotionPhotoVideo } = await load("workers/media/motion-photo.ts");
    const { readContentIdentifier } = await load("workers/media/apple.ts");
    const { decodeHeic } = await load("workers/media/heic.ts");
    const calls = { extractRawPreview, findMotionPhotoVideo, readContentIdentifier, decodeHeic: async (path) => decodeHeic(await readFile(path)) };
    for (const file of process.argv.slice(1)) {
      for (const [call, run] of Object.entries(calls)) {
        const outcome = await run(file).then(() => "returned", (error) => (error instanceof Error ? "threw an Error" : "threw " + typeof error));
        process.stdout.write(JSON.stringify({ file, call, outcome }) + "\\n");
      }
    }`;

  // How long each call takes is bench/worst-cases.ts's to measure; this one only bounds a hang.
  it("every reader returns or throws an Error on each, without hanging or crashing", {
    skip: noSharedMedia,
  }, async () => {
    const files = (await filesUnder("corrupt")).map(media);
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe, ...files], {
      cwd: projectRoot,
    });
    let output = "";
    let errors = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (errors += chunk));
    const killer = setTimeout(() => child.kill("SIGKILL"), 10 * 60_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on("close", (...status) => resolve(status)),
    );
    clearTimeout(killer);
    // libheif also prints its complaints to stdout; the results are the JSON lines.
    const results = output
      .split("\n")
      .filter((line) => line.startsWith('{"file"'))
      .map((line) => JSON.parse(line) as { file: string; call: string; outcome: string });
    const last = results.at(-1);
    assert.deepEqual(
      [code, signal],
      [0, null],
      `the probe died after ${last ? `${last.call}(${relative(sharedMedia, last.file)})` : "starting"}: ${errors.slice(-2000)}`,
    );
    assert.equal(results.length, files.length * 4);
    for (const { file, call, outcome } of results) {
      assert.ok(
        outcome === "returned" || outcome === "threw an Error",
        `${call}(${relative(sharedMedia, file)}) ${outcome}`,
      );
    }
  });
});
