// AVIF that sharp cannot decode: its prebuilt libaom reads 8-bit AV1 only, and HDR photos (phones'
// and cameras' 10- and 12-bit AVIF, PQ or HLG, BT.2020 or Display P3) are not. The primary image's
// AV1 data goes into an IVF stream, which ffmpeg's libaom decodes and tone-maps to an sRGB frame
// like a video's poster (./video.ts); the HEIF's own rotation and mirroring are then applied.
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp, { type Sharp } from "sharp";
import { UnprocessableMediaError } from "../jobs/errors";
import { boxesIn, readAt, type Box, type MediaFile } from "./media-file";
import { extractPosterFrame, probeVideo } from "./video";

// Largest meta box read whole; real ones are a few kilobytes.
const MAX_META = 1024 * 1024;

interface PrimaryImage {
  type: string;
  extents: Array<{ offset: number; length: number }>;
  // Width and height as coded (ispe), and the transformations in the order they apply.
  width: number;
  height: number;
  transforms: Array<{ rotate: number } | { mirror: "vertical" | "horizontal" }>;
}

const u16 = (data: Buffer, at: number) => data.readUInt16BE(at);
const u32 = (data: Buffer, at: number) => data.readUInt32BE(at);

// An unsigned integer of 0, 4 or 8 bytes (iloc's field sizes).
function uint(data: Buffer, at: number, size: number): number {
  if (size === 0) return 0;
  if (size === 4) return u32(data, at);
  if (size === 8) return Number(data.readBigUInt64BE(at));
  throw new Error(`unsupported field size ${size}`);
}

function children(meta: Buffer, start: number, end: number): Array<{ type: string; body: number; end: number }> {
  const found = [];
  for (let at = start; at + 8 <= end && found.length < 4096; ) {
    const size = u32(meta, at);
    if (size < 8 || at + size > end) break;
    found.push({ type: meta.toString("latin1", at + 4, at + 8), body: at + 8, end: at + size });
    at += size;
  }
  return found;
}

// The primary item of a HEIF meta box (a full box: its children start after version and flags).
function primaryImage(meta: Buffer): PrimaryImage | null {
  const boxes = children(meta, 4, meta.length);
  const find = (type: string) => boxes.find((box) => box.type === type);
  const pitm = find("pitm");
  const iloc = find("iloc");
  const iinf = find("iinf");
  if (!pitm || !iloc || !iinf) return null;
  const primary = meta[pitm.body] === 0 ? u16(meta, pitm.body + 4) : u32(meta, pitm.body + 4);

  // iinf: the item's type (infe version 2 or 3).
  let type = "";
  const entriesAt = iinf.body + 4 + (meta[iinf.body] === 0 ? 2 : 4);
  for (const infe of children(meta, entriesAt, iinf.end)) {
    const version = meta[infe.body]!;
    if (infe.type !== "infe" || version < 2) continue;
    const id = version === 2 ? u16(meta, infe.body + 4) : u32(meta, infe.body + 4);
    const typeAt = infe.body + 4 + (version === 2 ? 2 : 4) + 2;
    if (id === primary) type = meta.toString("latin1", typeAt, typeAt + 4);
  }

  // iloc: where the item's bytes are (construction method 0: offsets in the file).
  const version = meta[iloc.body]!;
  let at = iloc.body + 4;
  const offsetSize = meta[at]! >> 4;
  const lengthSize = meta[at]! & 15;
  const baseOffsetSize = meta[at + 1]! >> 4;
  const indexSize = version >= 1 ? meta[at + 1]! & 15 : 0;
  at += 2;
  const count = version < 2 ? u16(meta, at) : u32(meta, at);
  at += version < 2 ? 2 : 4;
  let extents: PrimaryImage["extents"] = [];
  for (let item = 0; item < count && at < iloc.end; item++) {
    const id = version < 2 ? u16(meta, at) : u32(meta, at);
    at += version < 2 ? 2 : 4;
    const method = version >= 1 ? u16(meta, at) & 15 : 0;
    if (version >= 1) at += 2;
    at += 2; // data reference index
    const base = uint(meta, at, baseOffsetSize);
    at += baseOffsetSize;
    const extentCount = u16(meta, at);
    at += 2;
    const itemExtents = [];
    for (let e = 0; e < extentCount; e++) {
      at += indexSize;
      const offset = uint(meta, at, offsetSize);
      const length = uint(meta, at + offsetSize, lengthSize);
      at += offsetSize + lengthSize;
      itemExtents.push({ offset: base + offset, length });
    }
    if (id === primary && method === 0) extents = itemExtents;
  }

  // iprp: the properties associated with the item, in order (ipma indexes ipco from 1).
  const iprp = find("iprp");
  const props = iprp ? children(meta, iprp.body, iprp.end) : [];
  const ipco = props.find((box) => box.type === "ipco");
  const ipma = props.find((box) => box.type === "ipma");
  const properties = ipco ? children(meta, ipco.body, ipco.end) : [];
  const image: PrimaryImage = { type, extents, width: 0, height: 0, transforms: [] };
  if (!ipma) return image;
  const ipmaVersion = meta[ipma.body]!;
  const wide = (meta[ipma.body + 3]! & 1) === 1;
  at = ipma.body + 4;
  const entries = u32(meta, at);
  at += 4;
  for (let entry = 0; entry < entries && at < ipma.end; entry++) {
    const id = ipmaVersion < 1 ? u16(meta, at) : u32(meta, at);
    at += ipmaVersion < 1 ? 2 : 4;
    const associations = meta[at++]!;
    for (let a = 0; a < associations; a++) {
      const index = (wide ? u16(meta, at) : meta[at]!) & (wide ? 0x7fff : 0x7f);
      at += wide ? 2 : 1;
      const property = properties[index - 1];
      if (id !== primary || !property) continue;
      if (property.type === "ispe")
        [image.width, image.height] = [u32(meta, property.body + 4), u32(meta, property.body + 8)];
      // irot: anticlockwise quarter turns; imir: 0 mirrors about the vertical axis, 1 the horizontal.
      if (property.type === "irot") image.transforms.push({ rotate: ((meta[property.body]! & 3) * 270) % 360 });
      if (property.type === "imir")
        image.transforms.push({ mirror: (meta[property.body]! & 1) === 0 ? "vertical" : "horizontal" });
    }
  }
  return image;
}

async function readPrimaryImage(file: MediaFile): Promise<PrimaryImage | null> {
  const meta = (await boxesIn(file, 0, file.size)).find((box: Box) => box.type === "meta");
  if (!meta || meta.end - meta.start > MAX_META) return null;
  const bytes = await readAt(file, meta.start, meta.end - meta.start);
  return bytes && primaryImage(bytes);
}

// An IVF stream of one frame: a 32-byte file header, then the frame's 12-byte header and data.
function ivf(frame: Buffer, width: number, height: number): Buffer {
  const header = Buffer.alloc(44);
  header.write("DKIF", 0, "latin1");
  header.writeUInt16LE(32, 6);
  header.write("AV01", 8, "latin1");
  header.writeUInt16LE(width, 12);
  header.writeUInt16LE(height, 14);
  header.writeUInt32LE(1, 16); // time base 1/1
  header.writeUInt32LE(1, 20);
  header.writeUInt32LE(1, 24); // one frame
  header.writeUInt32LE(frame.length, 32);
  return Buffer.concat([header, frame]);
}

const MAX_IMAGE_BYTES = 256 * 1024 * 1024;

// The AVIF's primary image, decoded by ffmpeg, upright.
export async function decodeAvifWithFfmpeg(path: string): Promise<Sharp> {
  const handle = await open(path, "r");
  let frame: Buffer;
  let image: PrimaryImage | null;
  try {
    const file = { handle, size: (await handle.stat()).size };
    image = await readPrimaryImage(file);
    if (image?.type !== "av01" || image.extents.length === 0) {
      throw new UnprocessableMediaError(
        `This AVIF's picture is ${image?.type === "grid" ? "a grid of tiles at a bit depth" : "stored in a way"} Shoebox cannot decode`,
      );
    }
    const parts = [];
    for (const { offset, length } of image.extents) {
      const part = length <= MAX_IMAGE_BYTES ? await readAt(file, offset, length) : null;
      if (!part)
        throw new UnprocessableMediaError("This AVIF's picture lies outside the file: it is truncated or damaged");
      parts.push(part);
    }
    frame = Buffer.concat(parts);
  } finally {
    await handle.close();
  }
  const folder = await mkdtemp(join(tmpdir(), "shoebox-avif-"));
  try {
    const stream = join(folder, "image.ivf");
    await writeFile(stream, ivf(frame, image.width, image.height));
    let picture = sharp(await extractPosterFrame(stream, await probeVideo(stream)));
    for (const transform of image.transforms) {
      // Each step is its own pipeline: sharp orders rotate and flip/flop its own way within one.
      const pixels = await ("rotate" in transform
        ? picture.rotate(transform.rotate)
        : transform.mirror === "vertical"
          ? picture.flop()
          : picture.flip()
      )
        .png()
        .toBuffer();
      picture = sharp(pixels);
    }
    return picture;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
