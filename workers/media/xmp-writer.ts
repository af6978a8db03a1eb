// Writes an XMP sidecar with what Shoebox knows about a photo or video, in the properties photo
// managers read (Lightroom, darktable, digiKam, exiftool) and ./xmp.ts reads back.
import { albumSubjectPrefix } from "./xmp";

export interface XmpFields {
  // The wall-clock time taken, "YYYY-MM-DDTHH:MM:SS", and its offset ("+02:00") when known.
  dateTaken: string | null;
  offset: string | null;
  latitude: number | null;
  longitude: number | null;
  city: string | null;
  state: string | null;
  country: string | null;
  description: string | null;
  // -1 (rejected) to 5.
  rating: number | null;
  // Written as the keyword "Favorite", which photo managers show and filter by.
  favorite: boolean;
  albums: string[];
  // Names of the people in the picture; written only when some are known.
  people: string[];
}

export const favoriteKeyword = "Favorite";

// XML 1.0 allows no other control characters, even escaped.
const escapeXml = (text: string) =>
  text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

// XMP's GPS form: degrees, then minutes with a fraction, then the hemisphere ("48,51.396000N").
function coordinate(value: number, positive: string, negative: string): string {
  const microMinutes = Math.round(Math.abs(value) * 60 * 1e6);
  const degrees = Math.floor(microMinutes / 60e6);
  const minutes = (microMinutes - degrees * 60e6) / 1e6;
  return `${degrees},${minutes.toFixed(6)}${value < 0 ? negative : positive}`;
}

const simple = (name: string, value: string) => `   <${name}>${escapeXml(value)}</${name}>`;
const bag = (name: string, items: string[]) =>
  `   <${name}>\n    <rdf:Bag>\n${items.map((item) => `     <rdf:li>${escapeXml(item)}</rdf:li>`).join("\n")}\n    </rdf:Bag>\n   </${name}>`;

export function writeXmp(fields: XmpFields): string {
  const lines: string[] = [];
  if (fields.dateTaken) {
    const date = `${fields.dateTaken}${fields.offset ?? ""}`;
    lines.push(
      simple("exif:DateTimeOriginal", date),
      simple("xmp:CreateDate", date),
      simple("photoshop:DateCreated", date),
    );
  }
  if (fields.latitude !== null && fields.longitude !== null) {
    lines.push(
      simple("exif:GPSVersionID", "2.3.0.0"),
      simple("exif:GPSLatitude", coordinate(fields.latitude, "N", "S")),
      simple("exif:GPSLongitude", coordinate(fields.longitude, "E", "W")),
    );
  }
  if (fields.city) lines.push(simple("photoshop:City", fields.city));
  if (fields.state) lines.push(simple("photoshop:State", fields.state));
  if (fields.country) lines.push(simple("photoshop:Country", fields.country));
  if (fields.description) {
    lines.push(
      `   <dc:description>\n    <rdf:Alt>\n     <rdf:li xml:lang="x-default">${escapeXml(fields.description)}</rdf:li>\n    </rdf:Alt>\n   </dc:description>`,
    );
  }
  if (fields.rating !== null) lines.push(simple("xmp:Rating", String(fields.rating)));
  const keywords = [...fields.albums, ...(fields.favorite ? [favoriteKeyword] : [])];
  if (keywords.length) {
    lines.push(bag("dc:subject", keywords));
    lines.push(
      bag("lr:hierarchicalSubject", [
        ...fields.albums.map((album) => `${albumSubjectPrefix}${album}`),
        ...(fields.favorite ? [favoriteKeyword] : []),
      ]),
    );
  }
  if (fields.people.length) lines.push(bag("Iptc4xmpExt:PersonInImage", fields.people));
  return `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Shoebox">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">
${lines.join("\n")}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
`;
}
