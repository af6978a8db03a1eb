// Reading XMP as real writers write it: any prefix for a namespace, dates with and without a time.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readXmp } from "../../workers/media/xmp";

const packet = (description: string) =>
  new TextEncoder().encode(
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${description}</rdf:RDF></x:xmpmeta>`,
  );

describe("readXmp", () => {
  it("reads a property whatever prefix its namespace is bound to", () => {
    const old = readXmp(
      packet(
        `<rdf:Description xmlns:xap="http://ns.adobe.com/xap/1.0/" xap:CreateDate="2006-04-12T08:30:15-05:00" xap:Rating="3"/>`,
      ),
    );
    assert.deepEqual([old.dateTaken, old.offset, old.rating], ["2006-04-12T08:30:15", "-05:00", 3]);
    const renamed = readXmp(
      packet(`<rdf:Description xmlns:ns1="http://ns.adobe.com/tiff/1.0/"><ns1:Make>Canon</ns1:Make></rdf:Description>`),
    );
    assert.equal(renamed.make, "Canon");
    // A prefix bound to another namespace is not the one read.
    const other = readXmp(packet(`<rdf:Description xmlns:tiff="http://example.com/not-tiff/" tiff:Make="Nobody"/>`));
    assert.equal(other.make, null);
  });

  it("takes a date without a time as that day's midnight, after any date with a time", () => {
    const day = readXmp(
      packet(
        `<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:DateCreated="2003-07-19"/>`,
      ),
    );
    assert.deepEqual([day.dateTaken, day.offset], ["2003-07-19T00:00:00", null]);
    const both = readXmp(
      packet(
        `<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" photoshop:DateCreated="2003-07-19" xmp:CreateDate="2003-07-19T14:02:05+01:00"/>`,
      ),
    );
    assert.deepEqual([both.dateTaken, both.offset], ["2003-07-19T14:02:05", "+01:00"]);
    assert.equal(
      readXmp(packet(`<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="0000-00-00"/>`))
        .dateTaken,
      null,
    );
  });
});
