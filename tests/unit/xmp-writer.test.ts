// The sidecars `npm run export` writes read back with the reader the metadata job uses.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { writeXmp, type XmpFields } from "../../workers/media/xmp-writer";
import { readXmp } from "../../workers/media/xmp";

const nothing: XmpFields = {
  dateTaken: null,
  offset: null,
  latitude: null,
  longitude: null,
  city: null,
  state: null,
  country: null,
  description: null,
  rating: null,
  favorite: false,
  albums: [],
  people: [],
};

const roundTrip = (fields: Partial<XmpFields>) => {
  const xml = writeXmp({ ...nothing, ...fields });
  return { xml, read: readXmp(new TextEncoder().encode(xml)) };
};

describe("writeXmp", () => {
  it("writes what readXmp reads back: date with offset, position, description, rating, albums", () => {
    const { read } = roundTrip({
      dateTaken: "2021-06-05T14:30:00",
      offset: "-03:30",
      latitude: -33.856784,
      longitude: 151.215297,
      description: 'Line one\nline <two> & "three"',
      rating: -1,
      albums: ["Trip | 2021", "Ünïcödé"],
    });
    assert.equal(read.dateTaken, "2021-06-05T14:30:00");
    assert.equal(read.offset, "-03:30");
    assert.ok(Math.abs(read.latitude! - -33.856784) < 1e-7);
    assert.ok(Math.abs(read.longitude! - 151.215297) < 1e-7);
    assert.equal(read.description, 'Line one\nline <two> & "three"');
    assert.equal(read.rating, -1);
    assert.deepEqual(read.albums, ["Trip | 2021", "Ünïcödé"]);
  });

  it("writes minutes that round up to a whole degree as the next degree", () => {
    const { xml, read } = roundTrip({ latitude: 10.99999999999, longitude: -0.0000001 });
    assert.match(xml, /<exif:GPSLatitude>11,0\.000000N<\/exif:GPSLatitude>/);
    assert.match(xml, /<exif:GPSLongitude>0,0\.000006W<\/exif:GPSLongitude>/);
    assert.ok(Math.abs(read.latitude! - 11) < 1e-7);
  });

  it("leaves out what is not known, and writes favorites and people as keywords and names", () => {
    const empty = roundTrip({}).xml;
    assert.doesNotMatch(empty, /exif:|xmp:Rating|dc:subject|PersonInImage/);
    assert.deepEqual(readXmp(new TextEncoder().encode(empty)).dateTaken, null);

    const { xml, read } = roundTrip({
      dateTaken: "2020-01-01T00:00:00",
      favorite: true,
      people: ["Ada", "Grace"],
      city: "Lyon",
      country: "France",
    });
    assert.equal(read.offset, null);
    assert.deepEqual(read.albums, []);
    assert.match(xml, /<dc:subject>\s*<rdf:Bag>\s*<rdf:li>Favorite<\/rdf:li>/);
    assert.match(xml, /<Iptc4xmpExt:PersonInImage>\s*<rdf:Bag>\s*<rdf:li>Ada<\/rdf:li>\s*<rdf:li>Grace<\/rdf:li>/);
    assert.match(xml, /<photoshop:City>Lyon<\/photoshop:City>/);
    assert.doesNotMatch(xml, /photoshop:State/);
  });

  it("drops characters XML cannot carry", () => {
    assert.equal(roundTrip({ description: "bell\u0007 tab\t" }).read.description, "bell tab");
  });
});
