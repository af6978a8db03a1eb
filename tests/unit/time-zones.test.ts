// Dates taken and their zones (common/time-zones.ts): offsets through DST, and the rules that keep a
// photo in its own zone when its date is edited.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { atInstant, atWallClock, dateTakenFromIso, isTimeZone, offsetAt, offsetOf } from "../../common/time-zones";

const iso = (ms: number) => new Date(ms).toISOString();

describe("offsetAt", () => {
  it("follows daylight saving time", () => {
    assert.equal(offsetAt("Europe/Berlin", "2019-06-09T12:57:32"), "+02:00");
    assert.equal(offsetAt("Europe/Berlin", "2019-01-09T12:00:00"), "+01:00");
    assert.equal(offsetAt("America/New_York", "2021-07-04T12:00:00"), "-04:00");
    assert.equal(offsetAt("America/New_York", "2021-01-04T12:00:00"), "-05:00");
  });

  it("handles offsets that are not whole hours, and fixed zones", () => {
    assert.equal(offsetAt("Asia/Kathmandu", "2020-05-01T08:00:00"), "+05:45");
    assert.equal(offsetAt("America/St_Johns", "2020-01-01T08:00:00"), "-03:30");
    assert.equal(offsetAt("UTC", "2020-05-01T08:00:00"), "+00:00");
    assert.equal(offsetAt("Etc/GMT+10", "2020-05-01T08:00:00"), "-10:00");
  });

  it("gives the hour a clock change repeats or skips the offset in force before the change", () => {
    // Berlin, 27 Oct 2019: 02:00–03:00 happened twice, first at +02:00.
    assert.equal(offsetAt("Europe/Berlin", "2019-10-27T02:30:00"), "+02:00");
    assert.equal(offsetAt("Europe/Berlin", "2019-10-27T03:00:00"), "+01:00");
    // Berlin, 31 Mar 2019: 02:00–03:00 never happened; clocks still showed winter time until then.
    assert.equal(offsetAt("Europe/Berlin", "2019-03-31T02:30:00"), "+01:00");
    assert.equal(offsetAt("Europe/Berlin", "2019-03-31T03:00:00"), "+02:00");
    assert.equal(offsetAt("America/New_York", "2021-11-07T01:30:00"), "-04:00");
    assert.equal(offsetAt("America/New_York", "2021-03-14T02:30:00"), "-05:00");
  });

  it("rejects unknown zones and malformed times", () => {
    assert.throws(() => offsetAt("Mars/Olympus_Mons", "2019-06-09T12:57:32"), RangeError);
    for (const time of ["2019-06-09 12:57:32", "2019-02-30T12:00:00", "2019-06-09T24:00:00", "2019-06-09", ""]) {
      assert.throws(() => offsetAt("Europe/Berlin", time), RangeError, time);
    }
  });
});

describe("atWallClock and atInstant", () => {
  it("place a wall-clock time in a zone, DST included, and back", () => {
    const rome = atWallClock("2008-10-22T16:52:00", "Europe/Rome");
    assert.equal(iso(rome.instant), "2008-10-22T14:52:00.000Z");
    assert.equal(iso(rome.localDateTime), "2008-10-22T16:52:00.000Z");
    assert.equal(offsetOf(rome), "+02:00");
    assert.deepEqual(atInstant(rome.instant, "Europe/Rome"), rome);
    assert.equal(offsetOf(atWallClock("2008-12-22T16:52:00", "Europe/Rome")), "+01:00");
    assert.equal(offsetOf(atWallClock("2008-12-22T16:52:00", "UTC+05:30")), "+05:30");
  });

  it("read the wall clock as UTC when the zone is unknown", () => {
    const unknown = atWallClock("2008-10-22T16:52:00", null);
    assert.equal(unknown.instant, unknown.localDateTime);
    assert.equal(unknown.timeZone, null);
    assert.deepEqual(atInstant(unknown.instant, null), unknown);
  });

  it("know fixed zones and ICU's names, and nothing else", () => {
    for (const zone of ["Europe/Rome", "UTC", "UTC+02:00", "UTC-09:30", "Asia/Kathmandu"])
      assert.ok(isTimeZone(zone), zone);
    for (const zone of ["Mars/Olympus_Mons", "UTC+2", "UTC+25:00", "", "+02:00 "]) assert.ok(!isTimeZone(zone), zone);
  });
});

describe("dateTakenFromIso", () => {
  it("keeps the photo's zone for the offset it has then, also across DST", () => {
    const summer = dateTakenFromIso("2008-10-22T16:52:00+02:00", "Europe/Rome");
    assert.deepEqual(summer, atWallClock("2008-10-22T16:52:00", "Europe/Rome"));
    const winter = dateTakenFromIso("2008-12-24T09:00:00+01:00", "Europe/Rome");
    assert.equal(winter.timeZone, "Europe/Rome");
    assert.equal(iso(winter.localDateTime), "2008-12-24T09:00:00.000Z");
  });

  it("moves the photo to a fixed zone for any other offset", () => {
    const tokyo = dateTakenFromIso("2008-10-22T16:52:00+09:00", "Europe/Rome");
    assert.equal(tokyo.timeZone, "UTC+09:00");
    assert.equal(iso(tokyo.instant), "2008-10-22T07:52:00.000Z");
    assert.equal(iso(tokyo.localDateTime), "2008-10-22T16:52:00.000Z");
    assert.equal(dateTakenFromIso("2008-10-22T16:52:00+00:00", "Europe/Rome").timeZone, "UTC+00:00");
    assert.equal(dateTakenFromIso("2008-10-22T16:52:00-0330", null).timeZone, "UTC-03:30");
  });

  it("reads a UTC time as an instant in the photo's own zone", () => {
    const rome = atWallClock("2008-10-22T16:52:00", "Europe/Rome");
    assert.deepEqual(dateTakenFromIso(iso(rome.instant), "Europe/Rome"), rome);
    const unknown = atWallClock("2008-10-22T16:52:00", null);
    assert.deepEqual(dateTakenFromIso(iso(unknown.instant), null), unknown);
  });
});
