// The search box's language (common/search-query.ts), with a fixed "now": Monday 15 July 2024, noon.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSearchQuery, queryWithout, smartSearchQuery, type SearchQueryContext } from "../../common/search-query";

const now = Date.UTC(2024, 6, 15, 12);
const context: SearchQueryContext = {
  now,
  cities: ["Lisbon", "Paris", "New York", "Porto"],
  states: ["Lisbon", "Île-de-France", "New York"],
  countries: ["Portugal", "France", "United States"],
  makes: ["Apple", "Canon"],
  models: ["iPhone 12 Pro", "Canon EOS 5D Mark IV"],
  people: [
    { id: "p-mum", name: "Mum" },
    { id: "p-ana", name: "Ana Silva" },
    { id: "p-june", name: "June" },
  ],
  tags: ["dog", "car", "beach umbrella"],
};

const day = 24 * 60 * 60_000;
const range = (text: string, ctx: SearchQueryContext = context) => {
  const { filters } = parseSearchQuery(text, ctx);
  return [
    filters.takenAfter && new Date(filters.takenAfter).toISOString(),
    filters.takenBefore && new Date(filters.takenBefore).toISOString(),
  ];
};
const labels = (text: string, ctx: SearchQueryContext = context) =>
  parseSearchQuery(text, ctx).chips.map((chip) => `${chip.kind}:${chip.label}`);

describe("parseSearchQuery: dates", () => {
  it("reads a year", () => {
    assert.deepEqual(range("2019"), ["2019-01-01T00:00:00.000Z", "2019-12-31T23:59:59.999Z"]);
    assert.deepEqual(labels("2019"), ["date:2019"]);
  });

  it("reads a month and a year, in any common spelling", () => {
    const june2021 = ["2021-06-01T00:00:00.000Z", "2021-06-30T23:59:59.999Z"];
    for (const text of ["june 2021", "June 2021", "jun 2021", "2021 june", "2021-06", "2021/06", "06/2021"])
      assert.deepEqual(range(text), june2021, text);
    assert.deepEqual(labels("jun 2021"), ["date:June 2021"]);
    assert.deepEqual(range("feb 2024"), ["2024-02-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z"]);
    assert.deepEqual(range("sept 2020"), ["2020-09-01T00:00:00.000Z", "2020-09-30T23:59:59.999Z"]);
  });

  it("reads a full date", () => {
    assert.deepEqual(range("2021-06-05"), ["2021-06-05T00:00:00.000Z", "2021-06-05T23:59:59.999Z"]);
    assert.deepEqual(range("2021-02-30"), [undefined, undefined], "no 30 February");
  });

  it("takes a month alone as the most recent one that has begun", () => {
    assert.deepEqual(range("july"), ["2024-07-01T00:00:00.000Z", "2024-07-31T23:59:59.999Z"]);
    assert.deepEqual(range("march"), ["2024-03-01T00:00:00.000Z", "2024-03-31T23:59:59.999Z"]);
    assert.deepEqual(range("december"), ["2023-12-01T00:00:00.000Z", "2023-12-31T23:59:59.999Z"]);
  });

  it("reads seasons (northern hemisphere) relative to now", () => {
    // In July, last summer is 2023's, this summer 2024's.
    assert.deepEqual(range("last summer"), ["2023-06-01T00:00:00.000Z", "2023-08-31T23:59:59.999Z"]);
    assert.deepEqual(range("this summer"), ["2024-06-01T00:00:00.000Z", "2024-08-31T23:59:59.999Z"]);
    assert.deepEqual(range("summer"), ["2024-06-01T00:00:00.000Z", "2024-08-31T23:59:59.999Z"]);
    assert.deepEqual(range("last spring"), ["2024-03-01T00:00:00.000Z", "2024-05-31T23:59:59.999Z"]);
    assert.deepEqual(range("last winter"), ["2023-12-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z"]);
    assert.deepEqual(range("this winter"), ["2023-12-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z"]);
    assert.deepEqual(range("last autumn"), ["2023-09-01T00:00:00.000Z", "2023-11-30T23:59:59.999Z"]);
    assert.deepEqual(range("last fall"), range("last autumn"));
    assert.deepEqual(range("summer 2019"), ["2019-06-01T00:00:00.000Z", "2019-08-31T23:59:59.999Z"]);
    assert.deepEqual(range("winter 2019"), ["2019-12-01T00:00:00.000Z", "2020-02-29T23:59:59.999Z"]);
    // In January, this winter began last December and last winter the December before.
    const january = { ...context, now: Date.UTC(2025, 0, 10) };
    assert.deepEqual(range("this winter", january), ["2024-12-01T00:00:00.000Z", "2025-02-28T23:59:59.999Z"]);
    assert.deepEqual(range("last winter", january), ["2023-12-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z"]);
    // In November, last summer is this year's.
    assert.deepEqual(range("last summer", { ...context, now: Date.UTC(2024, 10, 1) }), [
      "2024-06-01T00:00:00.000Z",
      "2024-08-31T23:59:59.999Z",
    ]);
  });

  it("reads days, weeks, months and years relative to now", () => {
    assert.deepEqual(range("today"), ["2024-07-15T00:00:00.000Z", "2024-07-15T23:59:59.999Z"]);
    assert.deepEqual(range("yesterday"), ["2024-07-14T00:00:00.000Z", "2024-07-14T23:59:59.999Z"]);
    // Weeks start on Monday: 15 July 2024 is one.
    assert.deepEqual(range("last week"), ["2024-07-08T00:00:00.000Z", "2024-07-14T23:59:59.999Z"]);
    assert.deepEqual(range("this week"), ["2024-07-15T00:00:00.000Z", "2024-07-21T23:59:59.999Z"]);
    assert.deepEqual(range("last month"), ["2024-06-01T00:00:00.000Z", "2024-06-30T23:59:59.999Z"]);
    assert.deepEqual(range("last month", { ...context, now: Date.UTC(2024, 0, 5) }), [
      "2023-12-01T00:00:00.000Z",
      "2023-12-31T23:59:59.999Z",
    ]);
    assert.deepEqual(range("last year"), ["2023-01-01T00:00:00.000Z", "2023-12-31T23:59:59.999Z"]);
    assert.deepEqual(range("this year"), ["2024-01-01T00:00:00.000Z", "2024-12-31T23:59:59.999Z"]);
  });

  it("reads Christmas", () => {
    assert.deepEqual(range("christmas 2019"), ["2019-12-24T00:00:00.000Z", "2019-12-26T23:59:59.999Z"]);
    assert.deepEqual(range("christmas"), ["2023-12-24T00:00:00.000Z", "2023-12-26T23:59:59.999Z"]);
    assert.deepEqual(range("last christmas"), ["2023-12-24T00:00:00.000Z", "2023-12-26T23:59:59.999Z"]);
  });

  it("spans several dates from the first start to the last end", () => {
    assert.deepEqual(range("2019 2021"), ["2019-01-01T00:00:00.000Z", "2021-12-31T23:59:59.999Z"]);
  });

  it("does not take other numbers for years", () => {
    assert.deepEqual(range("1234"), [undefined, undefined]);
    assert.deepEqual(parseSearchQuery("1234", context).leftover, ["1234"]);
  });
  void day;
});

describe("parseSearchQuery: places, people, cameras, things, types and files", () => {
  it("finds the owner's places, whole names and in any case", () => {
    assert.equal(parseSearchQuery("lisbon", context).filters.city, "Lisbon");
    assert.equal(parseSearchQuery("PARIS", context).filters.city, "Paris");
    assert.equal(parseSearchQuery("portugal", context).filters.country, "Portugal");
    assert.equal(parseSearchQuery("united states", context).filters.country, "United States");
    assert.equal(parseSearchQuery("new york", context).filters.city, "New York");
    assert.deepEqual(labels("beach in new york"), ["text:“beach” in name or description", "place:New York"]);
    assert.equal(
      parseSearchQuery("madrid", context).filters.city,
      undefined,
      "a place not in the library is not a place",
    );
  });

  it("finds named people by full or first name", () => {
    assert.deepEqual(parseSearchQuery("mum", context).filters.personIds, ["p-mum"]);
    assert.deepEqual(parseSearchQuery("Ana Silva", context).filters.personIds, ["p-ana"]);
    assert.deepEqual(parseSearchQuery("ana and mum", context).filters.personIds, ["p-ana", "p-mum"]);
    // A person called June is June, not the month.
    assert.deepEqual(parseSearchQuery("june", context).filters.personIds, ["p-june"]);
    assert.equal(parseSearchQuery("june", context).filters.takenAfter, undefined);
    assert.deepEqual(parseSearchQuery("june 2021", { ...context, people: [] }).filters.personIds, undefined);
  });

  it("finds cameras by make, model, or whole words of the model", () => {
    assert.deepEqual(parseSearchQuery("iphone", context).filters.cameras, ["iphone"]);
    assert.deepEqual(parseSearchQuery("canon", context).filters.cameras, ["canon"]);
    assert.deepEqual(parseSearchQuery("eos 5d", context).filters.cameras, ["eos 5d"]);
    assert.deepEqual(parseSearchQuery("iphone 12 pro", context).filters.cameras, ["iphone 12 pro"]);
    assert.equal(parseSearchQuery("nikon", context).filters.cameras, undefined);
  });

  it("finds things by tag and synonym", () => {
    assert.deepEqual(parseSearchQuery("puppy", context).filters.tags, ["puppy"]);
    assert.deepEqual(labels("puppy"), ["thing:puppy (dog)"]);
    assert.deepEqual(parseSearchQuery("dogs", context).filters.tags, ["dogs"]);
    assert.deepEqual(parseSearchQuery("cat", context).filters.tags, ["cat"]);
    assert.deepEqual(
      parseSearchQuery("beach umbrella", context).filters.tags,
      ["beach umbrella"],
      "the owner's own tags, whole",
    );
    assert.equal(parseSearchQuery("sunset", context).filters.tags, undefined);
  });

  it("reads the media type", () => {
    assert.equal(parseSearchQuery("videos", context).filters.type, "VIDEO");
    assert.equal(parseSearchQuery("video", context).filters.type, "VIDEO");
    assert.equal(parseSearchQuery("photos", context).filters.type, "IMAGE");
    assert.equal(parseSearchQuery("pictures of mum", context).filters.type, "IMAGE");
  });

  it("reads file names", () => {
    assert.equal(parseSearchQuery("IMG_1234", context).filters.originalFileName, "IMG_1234");
    assert.equal(parseSearchQuery("DSC01234", context).filters.originalFileName, "DSC01234");
    assert.equal(parseSearchQuery("holiday.jpg", context).filters.originalFileName, "holiday.jpg");
    assert.equal(parseSearchQuery("2021-06", context).filters.originalFileName, undefined);
  });

  it("drops small words and lets the rest narrow by file name or description", () => {
    const parsed = parseSearchQuery("photos of the sunset at Lisbon", context);
    assert.deepEqual(parsed.leftover, ["sunset"]);
    assert.deepEqual(parsed.filters.words, ["sunset"]);
    assert.equal(parsed.filters.city, "Lisbon");
  });

  it("reads a whole sentence, each part a chip that can be taken out", () => {
    const parsed = parseSearchQuery("Mum with the puppy in Lisbon last summer videos", context);
    assert.deepEqual(
      parsed.chips.map((chip) => `${chip.kind}:${chip.label}`),
      ["person:Mum", "thing:puppy (dog)", "place:Lisbon", "date:Summer 2023", "type:Videos"],
    );
    const { filters } = parsed;
    assert.deepEqual(filters.personIds, ["p-mum"]);
    assert.deepEqual(filters.tags, ["puppy"]);
    assert.equal(filters.city, "Lisbon");
    assert.equal(filters.type, "VIDEO");
    assert.equal(queryWithout(parsed, parsed.chips[3]!), "Mum with the puppy in Lisbon videos");
    assert.equal(queryWithout(parsed, parsed.chips[0]!), "with the puppy in Lisbon last summer videos");
  });

  it("understands nothing in an empty query", () => {
    const parsed = parseSearchQuery("   ", context);
    assert.deepEqual(parsed.chips, []);
    assert.deepEqual(parsed.filters, {});
    assert.deepEqual(
      parseSearchQuery("lisbon", { now }).filters,
      { words: ["lisbon"] },
      "without a vocabulary, words are words",
    );
  });
});

describe("smartSearchQuery: what a CLIP model reads", () => {
  const smart = (text: string) => {
    const query = smartSearchQuery(parseSearchQuery(text, context));
    return query && { text: query.text, filters: Object.keys(query.filters).sort() };
  };

  it("keeps the words that are not dates, places, people, cameras, types or file names", () => {
    assert.deepEqual(smart("dog on the beach in lisbon 2019"), {
      text: "dog on the beach",
      filters: ["city", "takenAfter", "takenBefore"],
    });
    assert.deepEqual(smart("photos of mum blowing out candles"), {
      text: "blowing out candles",
      filters: ["personIds", "type"],
    });
    assert.equal(smart("sunset with my iphone")?.text, "sunset");
  });

  it("leaves things and free words to the model, and nothing when they are all understood", () => {
    assert.deepEqual(smart("puppy"), { text: "puppy", filters: [] });
    assert.equal(smart("lisbon june 2021"), undefined);
    assert.equal(smart("IMG_1234"), undefined);
    assert.equal(smart(""), undefined);
  });
});
