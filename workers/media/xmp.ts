// Reads the values Shoebox uses from an XMP packet (a sidecar file, or one embedded in a photo).
// XMP writers differ (attributes or elements, rdf:Alt/Seq wrappers, UTF-8 or UTF-16), so this reads
// the handful of properties it needs by name rather than through a full RDF model.

export interface XmpValues {
  // "YYYY-MM-DDTHH:MM:SS", with the offset apart when the packet gives one.
  dateTaken: string | null;
  offset: string | null;
  make: string | null;
  model: string | null;
  lensModel: string | null;
  latitude: number | null;
  longitude: number | null;
  rating: number | null;
  description: string | null;
  iso: number | null;
  fNumber: number | null;
  focalLength: number | null;
  exposureTime: string | null;
  orientation: number | null;
  // Album names, as Shoebox's export writes them: "Albums|<name>" in lr:hierarchicalSubject.
  albums: string[];
}

export const albumSubjectPrefix = "Albums|";

function decodeXmp(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  return new TextDecoder("utf-8").decode(bytes);
}

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, "&");

// The namespaces read here, by the prefixes this file writes them with. A file may bind them to
// other prefixes (old Photoshop wrote "xap:" for xmp:, tools write "ns1:"): the document's own
// declarations decide.
const namespaces: Record<string, string> = {
  aux: "http://ns.adobe.com/exif/1.0/aux/",
  dc: "http://purl.org/dc/elements/1.1/",
  exif: "http://ns.adobe.com/exif/1.0/",
  exifEX: "http://cipa.jp/exif/1.0/",
  lr: "http://ns.adobe.com/lightroom/1.0/",
  photoshop: "http://ns.adobe.com/photoshop/1.0/",
  tiff: "http://ns.adobe.com/tiff/1.0/",
  xmp: "http://ns.adobe.com/xap/1.0/",
};

// The names a property may have in this document: "xmp:CreateDate" is also "xap:CreateDate" where
// the document binds xap to the xmp namespace.
function namesOf(xml: string, name: string): string[] {
  const [prefix = "", local] = name.split(":");
  const uri = namespaces[prefix];
  if (!uri) return [name];
  const declared = [...xml.matchAll(/xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)].map((m) => ({
    prefix: m[1]!,
    uri: m[2]!,
  }));
  const bound = declared.filter((d) => d.uri === uri).map((d) => d.prefix);
  // The usual prefix counts unless the document binds it to something else.
  const usual = declared.some((d) => d.prefix === prefix && d.uri !== uri) ? [] : [prefix];
  return [...new Set([...usual, ...bound])].map((p) => `${p}:${local}`);
}

const escapeName = (name: string) => name.replace(/[.:-]/g, (c) => `\\${c}`);

// The value of a property written as an attribute, a simple element, or the first rdf:li of a container.
function property(xml: string, name: string): string | null {
  for (const candidate of namesOf(xml, name)) {
    const value = propertyNamed(xml, escapeName(candidate));
    if (value !== null) return value;
  }
  return null;
}

function propertyNamed(xml: string, escaped: string): string | null {
  const attribute =
    xml.match(new RegExp(`\\s${escaped}\\s*=\\s*"([^"]*)"`)) ??
    xml.match(new RegExp(`\\s${escaped}\\s*=\\s*'([^']*)'`));
  if (attribute) return unescapeXml(attribute[1]!).trim() || null;
  const element = xml.match(new RegExp(`<${escaped}(?:\\s[^>]*)?>([\\s\\S]*?)</${escaped}>`));
  if (!element) return null;
  const inner = element[1]!;
  const item = inner.match(/<rdf:li(?:\s[^>]*)?>([\s\S]*?)<\/rdf:li>/);
  const value = unescapeXml((item ? item[1]! : inner).replace(/<[^>]+>/g, "")).trim();
  return value || null;
}

// Every item of a list property (an rdf:Bag or rdf:Seq).
function list(xml: string, name: string): string[] {
  for (const candidate of namesOf(xml, name)) {
    const escaped = escapeName(candidate);
    const element = xml.match(new RegExp(`<${escaped}(?:\\s[^>]*)?>([\\s\\S]*?)</${escaped}>`));
    if (element) {
      return [...element[1]!.matchAll(/<rdf:li(?:\s[^>]*)?>([\s\S]*?)<\/rdf:li>/g)]
        .map((item) => unescapeXml(item[1]!.replace(/<[^>]+>/g, "")).trim())
        .filter(Boolean);
    }
  }
  return [];
}

function rational(value: string | null): number | null {
  if (!value) return null;
  const [num, den] = value.split("/").map(Number);
  const result = den === undefined ? num! : num! / den;
  return Number.isFinite(result) ? result : null;
}

// XMP writes GPS as "DDD,MM.mmmmk" or "DDD,MM,SSk" with k one of N, S, E, W.
function coordinate(value: string | null): number | null {
  const match = value?.match(/^(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])$/i);
  if (!match) return rational(value);
  const degrees = Number(match[1]) + Number(match[2]) / 60 + Number(match[3] ?? 0) / 3600;
  return /[SW]/i.test(match[4]!) ? -degrees : degrees;
}

// A date and time, or a date alone (photoshop:DateCreated is often just the day: its midnight).
function date(value: string | null): { dateTaken: string; offset: string | null; withTime: boolean } | null {
  const match = value?.match(
    /^(\d{4})[-:](\d{2})[-:](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?/,
  );
  if (!match || match[1] === "0000" || match[2] === "00" || match[3] === "00") return null;
  const offset = match[7] === "Z" ? "+00:00" : match[7] ? `${match[7].slice(0, 3)}:${match[7].slice(-2)}` : null;
  return {
    dateTaken: `${match[1]}-${match[2]}-${match[3]}T${match[4] ?? "00"}:${match[5] ?? "00"}:${match[6] ?? "00"}`,
    offset,
    withTime: match[4] !== undefined,
  };
}

function exposure(value: string | null): string | null {
  const seconds = rational(value);
  if (seconds === null || seconds <= 0) return null;
  return seconds >= 1 ? String(Math.round(seconds * 10) / 10) : `1/${Math.round(1 / seconds)}`;
}

export function readXmp(bytes: Uint8Array): XmpValues {
  const xml = decodeXmp(bytes);
  // The first of these with a time of day, else the first day.
  const dates = ["exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"].map((name) =>
    date(property(xml, name)),
  );
  const taken = dates.find((d) => d?.withTime) ?? dates.find((d) => d !== null);
  const latitude = coordinate(property(xml, "exif:GPSLatitude"));
  const longitude = coordinate(property(xml, "exif:GPSLongitude"));
  const valid =
    latitude !== null &&
    longitude !== null &&
    Math.abs(latitude) <= 90 &&
    Math.abs(longitude) <= 180 &&
    !(latitude === 0 && longitude === 0);
  const rating = rational(property(xml, "xmp:Rating"));
  return {
    dateTaken: taken?.dateTaken ?? null,
    offset: taken?.offset ?? null,
    make: property(xml, "tiff:Make"),
    model: property(xml, "tiff:Model"),
    lensModel: property(xml, "exifEX:LensModel") ?? property(xml, "aux:Lens"),
    latitude: valid ? latitude : null,
    longitude: valid ? longitude : null,
    rating: rating !== null && rating >= -1 && rating <= 5 ? Math.round(rating) : null,
    description: property(xml, "dc:description"),
    iso: rational(property(xml, "exif:ISOSpeedRatings") ?? property(xml, "exifEX:PhotographicSensitivity")),
    fNumber: rational(property(xml, "exif:FNumber")),
    focalLength: rational(property(xml, "exif:FocalLength")),
    exposureTime: exposure(property(xml, "exif:ExposureTime")),
    orientation: rational(property(xml, "tiff:Orientation")),
    albums: list(xml, "lr:hierarchicalSubject")
      .filter((subject) => subject.startsWith(albumSubjectPrefix))
      .map((subject) => subject.slice(albumSubjectPrefix.length)),
  };
}
