// The ContentIdentifier that ties an Apple Live Photo's still (JPEG or HEIC) to its MOV. The still
// keeps it in Apple's MakerNote; exifr finds the MakerNote in either format and hands it over raw.
import exifr from "exifr";
import { open } from "node:fs/promises";
import { heifMetaReachable } from "./heic";

const APPLE_HEADER = "Apple iOS\0";
const CONTENT_IDENTIFIER = 0x0011;
const ASCII = 2;

// Apple's MakerNote: "Apple iOS\0", a 2-byte version, a byte order mark ("MM"), then an IFD whose
// value offsets count from the start of the MakerNote.
function contentIdentifier(note: Buffer): string | null {
  if (note.length < 16 || note.toString("latin1", 0, APPLE_HEADER.length) !== APPLE_HEADER) return null;
  const order = note.toString("latin1", 12, 14);
  if (order !== "MM" && order !== "II") return null;
  const u16 = (at: number) => (order === "II" ? note.readUInt16LE(at) : note.readUInt16BE(at));
  const u32 = (at: number) => (order === "II" ? note.readUInt32LE(at) : note.readUInt32BE(at));
  const count = u16(14);
  for (let entry = 16; entry + 12 <= note.length && entry < 16 + count * 12; entry += 12) {
    if (u16(entry) !== CONTENT_IDENTIFIER || u16(entry + 2) !== ASCII) continue;
    const length = u32(entry + 4);
    const start = length <= 4 ? entry + 8 : u32(entry + 8);
    if (start + length > note.length) return null;
    const value = note
      .toString("latin1", start, start + length)
      .replace(/\0.*$/s, "")
      .trim();
    return value || null;
  }
  return null;
}

// Apple writes the identifier into JPEG and HEIC only, so only those go to exifr (a HEIC only when
// exifr can reach its metadata safely: see heifMetaReachable).
async function isJpeg(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    return head[0] === 0xff && head[1] === 0xd8;
  } finally {
    await handle.close();
  }
}

export async function readContentIdentifier(path: string): Promise<string | null> {
  if (!(await isJpeg(path)) && !(await heifMetaReachable(path))) return null;
  // Picking the tag alone makes exifr parse only what leads to it and return it as raw bytes.
  const tags = (await exifr.parse(path, ["MakerNote"])) as { makerNote?: unknown } | undefined;
  const note = tags?.makerNote;
  return note instanceof Uint8Array
    ? contentIdentifier(Buffer.from(note.buffer, note.byteOffset, note.byteLength))
    : null;
}
