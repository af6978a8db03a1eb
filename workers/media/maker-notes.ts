// What cameras keep only in their maker notes, as exiftool reads it: Canon's lens name and the ISO
// of Canons and Nikons that wrote none to EXIF, and the date of Reconyx trail cameras. Given an EXIF block (a
// TIFF), it answers in exifr's tag names, to fill what the EXIF tags leave out.
import { first, openTiff, readIfd, text, type TagValue, type Tiff } from "./tiff-tags";

type Tags = Record<string, unknown>;

const EXIF_IFD = 0x8769;
const MAKER_NOTE = 0x927c;
const MAKE = 0x010f;

// Canon's maker note is an IFD whose values count from the start of the EXIF block.
const CANON = { cameraSettings: 0x0001, shotInfo: 0x0004, lensModel: 0x0095 };
// CameraSettings[16]: the ISO the camera was set to, where it was one of these (not Auto).
const canonIsoSettings: Record<number, number> = { 16: 50, 17: 100, 18: 200, 19: 400, 20: 800 };

// As exiftool's Canon CalcISO: the set ISO, else (Auto) the base ISO times the auto ISO from
// ShotInfo, in Canon's 1/32-stop steps. Array indices are Canon's, whose first word is a byte count.
export function canonIso(settings: number[] | undefined, shot: number[] | undefined): number | undefined {
  const set = settings?.[16];
  if (set !== undefined && canonIsoSettings[set]) return canonIsoSettings[set];
  if (set !== undefined && set & 0x4000) return set & 0x3fff;
  if (!shot || shot.length < 3) return undefined;
  const auto = Math.exp((((shot[1]! << 16) >> 16) / 32) * Math.LN2) * 100;
  const base = (Math.exp((((shot[2]! << 16) >> 16) / 32) * Math.LN2) * 100) / 32;
  return Number.isFinite(base * auto) && shot[2] !== 0 ? Math.round((base * auto) / 100) : undefined;
}

// A Canon maker note: in an EXIF block, or a CR3's CMT3 box (a TIFF of its own, the note its IFD0).
export function canonMakerNote(tiff: Tiff, offset: number): Tags {
  const note = readIfd(tiff, offset);
  const tags: Tags = {};
  const lens = text(note.get(CANON.lensModel));
  if (lens) tags.LensModel = lens;
  const numbers = (value: TagValue | undefined) => (Array.isArray(value) ? value : undefined);
  const iso = canonIso(numbers(note.get(CANON.cameraSettings)), numbers(note.get(CANON.shotInfo)));
  if (iso !== undefined) tags.ISO = iso;
  return tags;
}

// A Reconyx HyperFire's note (0xf101, then 16-bit words): the date at word 11 as seconds,
// minutes, hours, month, day, year.
function reconyxMakerNote(tiff: Tiff, offset: number, length: number): Tags {
  if (length < 34) return {};
  const word = (n: number) =>
    tiff.le ? tiff.data.readUInt16LE(offset + n * 2) : tiff.data.readUInt16BE(offset + n * 2);
  if (word(0) !== 0xf101) return {};
  const [second, minute, hour, month, day, year] = [11, 12, 13, 14, 15, 16].map(word) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const two = (n: number) => String(n).padStart(2, "0");
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return {};
  return { DateTimeOriginal: `${year}:${two(month)}:${two(day)} ${two(hour)}:${two(minute)}:${two(second)}` };
}

// A Nikon note (type 3): "Nikon\0", a version, then a TIFF of its own (its offsets count from its
// header); ISO at 0x0002 as two values, the one that is not 0 the setting.
function nikonMakerNote(tiff: Tiff, offset: number, length: number): Tags {
  const note = tiff.data.subarray(offset, offset + length);
  const inner = note.toString("latin1", 0, 6) === "Nikon\0" ? openTiff(note.subarray(10)) : null;
  const iso = inner ? readIfd(inner, inner.ifd0).get(0x0002) : undefined;
  const value = Array.isArray(iso) ? iso.find((n) => n > 0) : undefined;
  return value ? { ISO: value } : {};
}

// The maker note's values of an EXIF block ("Exif\0\0" may come first), if its camera is one of these.
export function readMakerNote(exif: Buffer): Tags {
  const start = [exif.indexOf("II*\0", 0, "latin1"), exif.indexOf("MM\0*", 0, "latin1")].filter(
    (i) => i >= 0 && i < 16,
  );
  const tiff = start.length ? openTiff(exif.subarray(Math.min(...start))) : null;
  if (!tiff) return {};
  const ifd0 = readIfd(tiff, tiff.ifd0);
  const exifIfd = first(ifd0.get(EXIF_IFD));
  const note = exifIfd === undefined ? undefined : readIfd(tiff, exifIfd).get(MAKER_NOTE);
  if (!note || typeof note !== "object" || Array.isArray(note)) return {};
  const make = text(ifd0.get(MAKE)) ?? "";
  if (/^canon/i.test(make)) return canonMakerNote(tiff, note.offset);
  if (/^nikon/i.test(make)) return nikonMakerNote(tiff, note.offset, note.length);
  return reconyxMakerNote(tiff, note.offset, note.length);
}
