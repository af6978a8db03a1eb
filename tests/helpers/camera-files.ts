// Small camera files the shared media lack, made byte by byte as the cameras write them: a Canon
// CR3 (its metadata in CMT boxes), a JPEG of Canon's first digital cameras (CIFF instead of EXIF),
// a phone's linear DNG with no preview in it.
import sharp from "sharp";

type TiffValue =
  | { ascii: string }
  | { byte: number[] }
  | { short: number[] }
  | { long: number[] }
  | { rational: Array<[number, number]> }
  | { srational: Array<[number, number]> };

// A little-endian TIFF block with one IFD of these tags (values past 4 bytes after the IFD).
export function tiffBlock(tags: Record<number, TiffValue>): Buffer {
  const entries = Object.entries(tags)
    .map(([tag, value]) => [Number(tag), value] as const)
    .sort((a, b) => a[0] - b[0]);
  const ifdSize = 2 + entries.length * 12 + 4;
  const head = Buffer.alloc(8 + ifdSize);
  head.write("II*\0", 0, "latin1");
  head.writeUInt32LE(8, 4);
  head.writeUInt16LE(entries.length, 8);
  const extra: Buffer[] = [];
  let extraAt = 8 + ifdSize;
  entries.forEach(([tag, value], i) => {
    let type: number;
    let count: number;
    let data: Buffer;
    if ("ascii" in value) {
      [type, count, data] = [2, value.ascii.length + 1, Buffer.from(`${value.ascii}\0`, "latin1")];
    } else if ("byte" in value) {
      [type, count, data] = [1, value.byte.length, Buffer.from(value.byte)];
    } else if ("short" in value) {
      data = Buffer.alloc(value.short.length * 2);
      value.short.forEach((n, j) => data.writeUInt16LE(n, j * 2));
      [type, count] = [3, value.short.length];
    } else if ("long" in value) {
      data = Buffer.alloc(value.long.length * 4);
      value.long.forEach((n, j) => data.writeUInt32LE(n, j * 4));
      [type, count] = [4, value.long.length];
    } else if ("rational" in value) {
      data = Buffer.alloc(value.rational.length * 8);
      value.rational.forEach(([n, d], j) => {
        data.writeUInt32LE(n, j * 8);
        data.writeUInt32LE(d, j * 8 + 4);
      });
      [type, count] = [5, value.rational.length];
    } else {
      data = Buffer.alloc(value.srational.length * 8);
      value.srational.forEach(([n, d], j) => {
        data.writeInt32LE(n, j * 8);
        data.writeInt32LE(d, j * 8 + 4);
      });
      [type, count] = [10, value.srational.length];
    }
    const entry = 10 + i * 12;
    head.writeUInt16LE(tag, entry);
    head.writeUInt16LE(type, entry + 2);
    head.writeUInt32LE(count, entry + 4);
    if (data.length <= 4) data.copy(head, entry + 8);
    else {
      head.writeUInt32LE(extraAt, entry + 8);
      const padded = Buffer.concat([data, Buffer.alloc(data.length % 2)]);
      extra.push(padded);
      extraAt += padded.length;
    }
  });
  return Buffer.concat([head, ...extra]);
}

// An ISO base media box.
function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, "latin1");
  return Buffer.concat([header, body]);
}

const uuid = (hex: string) => Buffer.from(hex, "hex");

export interface Cr3Fields {
  make: string;
  model: string;
  lens: string;
  // EXIF "YYYY:MM:DD HH:MM:SS" and "+02:00"
  taken: string;
  offset: string;
  exposure: [number, number];
  fNumber: [number, number];
  iso: number;
  focalLength: [number, number];
  size: { width: number; height: number };
  gps: { latitude: [number, number, number]; north: boolean; longitude: [number, number, number]; east: boolean };
}

// A CR3 as Canon's cameras lay it out (lclevy/canon_cr3): ftyp "crx ", moov holding Canon's uuid
// box with CMT1 (IFD0), CMT2 (EXIF IFD), CMT3 (maker note), CMT4 (GPS) and THMB (a 160×120
// JPEG), a top-level uuid box holding PRVW (the preview JPEG), and mdat (no sensor data here).
export async function makeCr3(fields: Cr3Fields): Promise<Buffer> {
  const picture = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: { r: 200, g: 90, b: 40 } } })
      .jpeg()
      .toBuffer();
  const [thumb, preview] = await Promise.all([picture(160, 120), picture(480, 320)]);
  const deg = ([d, m, s]: [number, number, number]): Array<[number, number]> => [
    [d, 1],
    [m, 1],
    [Math.round(s * 100), 100],
  ];
  const cmt1 = tiffBlock({ 0x010f: { ascii: fields.make }, 0x0110: { ascii: fields.model }, 0x0112: { short: [1] } });
  const cmt2 = tiffBlock({
    0x829a: { rational: [fields.exposure] },
    0x829d: { rational: [fields.fNumber] },
    0x8827: { short: [fields.iso] },
    0x9003: { ascii: fields.taken },
    0x9011: { ascii: fields.offset },
    0x920a: { rational: [fields.focalLength] },
    0xa002: { long: [fields.size.width] },
    0xa003: { long: [fields.size.height] },
    0xa434: { ascii: fields.lens },
  });
  const cmt3 = tiffBlock({ 0x0095: { ascii: fields.lens } });
  const cmt4 = tiffBlock({
    0x0001: { ascii: fields.gps.north ? "N" : "S" },
    0x0002: { rational: deg(fields.gps.latitude) },
    0x0003: { ascii: fields.gps.east ? "E" : "W" },
    0x0004: { rational: deg(fields.gps.longitude) },
  });
  // THMB: version and flags, width, height, the JPEG's length at 16, two unknown words, the JPEG.
  const thmbHead = Buffer.alloc(16);
  thmbHead.writeUInt16BE(160, 4);
  thmbHead.writeUInt16BE(120, 6);
  thmbHead.writeUInt32BE(thumb.length, 8);
  // PRVW: unknown words, width, height, the JPEG's length at 20, then the JPEG at 24.
  const prvwHead = Buffer.alloc(16);
  prvwHead.writeUInt16BE(480, 6);
  prvwHead.writeUInt16BE(320, 8);
  prvwHead.writeUInt32BE(preview.length, 12);
  const ftyp = box("ftyp", Buffer.from("crx \0\0\0\x01crx isom", "latin1"));
  const metadata = box(
    "uuid",
    uuid("85c0b687820f11e08111f4ce462b6a48"),
    box("CMT1", cmt1),
    box("CMT2", cmt2),
    box("CMT3", cmt3),
    box("CMT4", cmt4),
    box("THMB", thmbHead, thumb),
  );
  const previewBox = box(
    "uuid",
    uuid("eaf42b5e1c984b88b9fbb7dc406e4d16"),
    Buffer.alloc(8),
    box("PRVW", prvwHead, preview),
  );
  return Buffer.concat([ftyp, box("moov", metadata), previewBox, box("mdat", Buffer.alloc(16))]);
}

// A JPEG with Canon's CIFF block in APP0 and no EXIF, as the PowerShot A5 and Pro70 wrote them:
// "II", the header's length, "HEAPJPGM", then a heap of make and model, the time stamp (seconds
// on the camera's clock) and the focal length, its table at the end.
export async function makeCiffJpeg(fields: {
  make: string;
  model: string;
  taken: string;
  focalLength: number;
}): Promise<Buffer> {
  const makeModel = Buffer.from(`${fields.make}\0${fields.model}\0`, "latin1");
  const stamp = Buffer.alloc(12);
  stamp.writeUInt32LE(Date.parse(`${fields.taken.replace(/^(\d{4}):(\d{2}):(\d{2}) /, "$1-$2-$3T")}Z`) / 1000, 0);
  const focal = Buffer.alloc(8);
  focal.writeUInt16LE(1, 0);
  focal.writeUInt16LE(fields.focalLength, 2);
  const values = [
    { tag: 0x080a, data: makeModel },
    { tag: 0x180e, data: stamp },
    { tag: 0x1029, data: focal },
  ];
  const heapValues = Buffer.concat(values.map((v) => Buffer.concat([v.data, Buffer.alloc(v.data.length % 2)])));
  const table = Buffer.alloc(2 + values.length * 10 + 4);
  table.writeUInt16LE(values.length, 0);
  let at = 0;
  values.forEach((value, i) => {
    table.writeUInt16LE(value.tag, 2 + i * 10);
    table.writeUInt32LE(value.data.length, 4 + i * 10);
    table.writeUInt32LE(at, 8 + i * 10);
    at += value.data.length + (value.data.length % 2);
  });
  table.writeUInt32LE(heapValues.length, table.length - 4);
  const header = Buffer.alloc(0x1a);
  header.write("II", 0, "latin1");
  header.writeUInt32LE(0x1a, 2);
  header.write("HEAPJPGM", 6, "latin1");
  header.writeUInt32LE(0x00010001, 14);
  const ciff = Buffer.concat([header, heapValues, table]);
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xffe0, 0);
  segment.writeUInt16BE(ciff.length + 2, 2);
  const jpeg = await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .jpeg()
    .toBuffer();
  // After SOI and the JFIF segment, as the camera put it.
  const jfifEnd = 4 + jpeg.readUInt16BE(4);
  return Buffer.concat([jpeg.subarray(0, jfifEnd), segment, ciff, jpeg.subarray(jfifEnd)]);
}

// A DNG as phones write their "ProRAW": demosaiced linear RGB (LinearRaw), 16 bits a sample, and
// here no preview at all, so that only the sensor data can be shown. A gradient, brighter to the right.
export function makeLinearDng(size = { width: 96, height: 64 }): Buffer {
  const { width, height } = size;
  const pixels = Buffer.alloc(width * height * 6);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 6;
      const level = Math.round((x / (width - 1)) * 40000) + 2000;
      pixels.writeUInt16LE(level, at);
      pixels.writeUInt16LE(Math.round(level * 0.8), at + 2);
      pixels.writeUInt16LE(Math.round(level * 0.6), at + 4);
    }
  }
  const identity: Array<[number, number]> = [
    [10000, 10000],
    [0, 10000],
    [0, 10000],
    [0, 10000],
    [10000, 10000],
    [0, 10000],
    [0, 10000],
    [0, 10000],
    [10000, 10000],
  ];
  const tags = (stripOffset: number) =>
    tiffBlock({
      0x00fe: { long: [0] },
      0x0100: { long: [width] },
      0x0101: { long: [height] },
      0x0102: { short: [16, 16, 16] },
      0x0103: { short: [1] },
      0x0106: { short: [34892] }, // LinearRaw
      0x010f: { ascii: "Apple" },
      0x0110: { ascii: "iPhone 12 Pro" },
      0x0111: { long: [stripOffset] },
      0x0112: { short: [1] },
      0x0115: { short: [3] },
      0x0116: { long: [height] },
      0x0117: { long: [pixels.length] },
      0x011c: { short: [1] },
      0xc612: { byte: [1, 4, 0, 0] }, // DNGVersion
      0xc614: { ascii: "iPhone 12 Pro" },
      0xc621: { srational: identity }, // ColorMatrix1
      0xc628: {
        rational: [
          [1, 1],
          [1, 1],
          [1, 1],
        ],
      }, // AsShotNeutral
      0xc65a: { short: [21] }, // CalibrationIlluminant1: D65
    });
  const header = tags(0);
  return Buffer.concat([tags(header.length), pixels]);
}
