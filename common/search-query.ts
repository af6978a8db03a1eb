// The search box's language: one line of words ("mum lisbon june 2021 videos") read into the
// filters of the metadata search (common/search.ts), each part shown back as a chip that can be
// taken out. Pure: what the owner's library knows (places, people, cameras, tags) comes in the
// context, read by searchVocabulary.
//
// What is understood, in this order at each position (the longest phrase first):
// - dates: "2019"; "june 2021", "jun 2021", "2021 june", "2021-06", "2021-06-05"; a month alone
//   ("june": the most recent June that has begun); a season with or without a year ("summer 2019";
//   winter 2019 is December 2019 to February 2020); "last summer" (the most recent one that has
//   ended), "this summer" (this year's; "this winter" is the one containing now or, outside winter,
//   the one that began last December); "today", "yesterday", "this/last week" (weeks start on
//   Monday), "this/last month", "this/last year"; "christmas" / "christmas 2019" (24–26 December).
//   Seasons are the northern hemisphere's meteorological ones: spring March–May, summer June–August,
//   autumn (fall) September–November, winter December–February. `now` is read on its UTC fields, as
//   dates taken are wall-clock times stored as if UTC. Several dates make one range from the first
//   start to the last end.
// - media type: "video(s)", "movie(s)", "clip(s)" / "photo(s)", "picture(s)", "pic(s)", "image(s)".
// - file names: a word with a dot ("beach.jpg") or like a camera's name for a file (IMG_1234,
//   DSC01234, PXL_20210605): matched as part of the original file name.
// - people: the owner's named people, by full name or first name.
// - places: the owner's cities, states and countries (from geocoding), whole names ("new york").
// - cameras: the owner's makes and models, or whole words of them ("iphone", "canon", "eos 5d").
// - things: tags of the object model and their synonyms ("puppy" → dog), when the word is a known
//   synonym or one of the owner's tags.
// - small words ("of", "in", "at", "the"…) are dropped; any other word narrows by file name or
//   description (shown as such), so that nothing typed is silently ignored.
import type { SearchFilters } from "./search";
import { tagSynonyms, tagsForWord } from "./tags";

export interface SearchVocabulary {
  cities: string[];
  states: string[];
  countries: string[];
  makes: string[];
  models: string[];
  people: Array<{ id: string; name: string }>;
  // The owner's tags (the model's class names).
  tags: string[];
}

export interface SearchQueryContext extends Partial<SearchVocabulary> {
  now: Date | number;
}

export type ChipKind = "date" | "type" | "file" | "person" | "place" | "camera" | "thing" | "text";

export interface SearchChip {
  kind: ChipKind;
  label: string;
  // The words of the query it came from, as typed.
  text: string;
  // Index of its first word and one past its last in the query's words.
  start: number;
  end: number;
}

export interface ParsedSearchQuery {
  filters: SearchFilters;
  chips: SearchChip[];
  // Words that narrow by file name or description (no other meaning found).
  leftover: string[];
  // The query's words, as typed (chips index them).
  words: string[];
}

const months = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const monthNames = months.map((m) => m[0]!.toUpperCase() + m.slice(1));

function monthOf(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, "");
  if (w.length < 3) return undefined;
  const i = months.findIndex((m) => m.startsWith(w));
  if (i >= 0) return i;
  if (w === "sept") return 8;
  return undefined;
}

type Season = "spring" | "summer" | "autumn" | "winter";
const seasonWords: Record<string, Season> = {
  spring: "spring",
  summer: "summer",
  autumn: "autumn",
  fall: "autumn",
  winter: "winter",
};
// First month (0-based) of each season; winter starts in December of its year.
const seasonStart: Record<Season, number> = { spring: 2, summer: 5, autumn: 8, winter: 11 };

const stopWords = new Set([
  "a",
  "an",
  "the",
  "of",
  "in",
  "at",
  "on",
  "from",
  "with",
  "and",
  "or",
  "my",
  "our",
  "taken",
  "during",
  "by",
  "to",
  "me",
  "all",
  "show",
  "find",
  "this",
  "for",
]);

const videoWords = new Set(["video", "videos", "movie", "movies", "clip", "clips"]);
const photoWords = new Set(["photo", "photos", "picture", "pictures", "pic", "pics", "image", "images"]);

const dayMs = 24 * 60 * 60_000;
const utc = (y: number, m: number, d = 1) => Date.UTC(y, m, d);

interface Range {
  from: number;
  to: number;
  label: string;
}

const monthRange = (year: number, month: number): Range => ({
  from: utc(year, month),
  to: utc(year, month + 1) - 1,
  label: `${monthNames[month]} ${year}`,
});
const yearRange = (year: number): Range => ({ from: utc(year, 0), to: utc(year + 1, 0) - 1, label: String(year) });
const seasonRange = (season: Season, year: number): Range => ({
  from: utc(year, seasonStart[season]),
  to: utc(year, seasonStart[season] + 3) - 1,
  label: `${season[0]!.toUpperCase()}${season.slice(1)} ${season === "winter" ? `${year}–${String(year + 1).slice(2)}` : year}`,
});

const isYear = (word: string) => /^(18|19|20)\d\d$/.test(word);

// A date phrase at the start of `words` (lowercase): its range and how many words it took.
function readDate(words: string[], now: Date): { range: Range; length: number } | undefined {
  const [a = "", b = ""] = words;
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const today = utc(year, month, now.getUTCDate());
  // The season containing a month: its name and the year it began.
  const seasonAt = (y: number, m: number): { season: Season; year: number } => {
    if (m === 11) return { season: "winter", year: y };
    if (m <= 1) return { season: "winter", year: y - 1 };
    return { season: m <= 4 ? "spring" : m <= 7 ? "summer" : "autumn", year: y };
  };
  const current = seasonAt(year, month);
  // The most recent season of this name that has begun (the current one included).
  const latestSeason = (season: Season) =>
    current.season === season ? current.year : utc(year, seasonStart[season]) <= now.getTime() ? year : year - 1;

  // 2021-06-05, 2021-06, 2021/06
  let m = a.match(/^((?:18|19|20)\d\d)[-/.](\d\d?)(?:[-/.](\d\d?))?$/);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]) - 1;
    if (mo < 0 || mo > 11) return undefined;
    if (m[3] === undefined) return { range: monthRange(y, mo), length: 1 };
    const d = Number(m[3]);
    const from = utc(y, mo, d);
    if (d < 1 || new Date(from).getUTCMonth() !== mo) return undefined;
    return { range: { from, to: from + dayMs - 1, label: new Date(from).toISOString().slice(0, 10) }, length: 1 };
  }
  // 06/2021
  m = a.match(/^(\d\d?)[/.-]((?:18|19|20)\d\d)$/);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 12)
    return { range: monthRange(Number(m[2]), Number(m[1]) - 1), length: 1 };
  // june 2021, 2021 june
  const mo = monthOf(a);
  if (mo !== undefined && isYear(b)) return { range: monthRange(Number(b), mo), length: 2 };
  if (isYear(a) && monthOf(b) !== undefined) return { range: monthRange(Number(a), monthOf(b)!), length: 2 };
  if (isYear(a)) return { range: yearRange(Number(a)), length: 1 };
  // summer 2019
  const season = seasonWords[a];
  if (season && isYear(b)) return { range: seasonRange(season, Number(b)), length: 2 };
  if ((a === "christmas" || a === "xmas") && isYear(b))
    return {
      range: { from: utc(Number(b), 11, 24), to: utc(Number(b), 11, 27) - 1, label: `Christmas ${b}` },
      length: 2,
    };
  if (a === "christmas" || a === "xmas") {
    const y = now.getTime() >= utc(year, 11, 24) ? year : year - 1;
    return { range: { from: utc(y, 11, 24), to: utc(y, 11, 27) - 1, label: `Christmas ${y}` }, length: 1 };
  }
  if (a === "last" || a === "this") {
    const last = a === "last";
    const s = seasonWords[b];
    if (s) {
      const latest = latestSeason(s);
      // "last": the most recent one that has ended; "this": the one begun this year (winter: the one containing now, or the latest begun).
      const y = last ? (current.season === s ? latest - 1 : latest) : s === "winter" ? latest : year;
      return { range: seasonRange(s, y), length: 2 };
    }
    if (b === "year") return { range: yearRange(last ? year - 1 : year), length: 2 };
    if (b === "month")
      return {
        range: last ? monthRange(month === 0 ? year - 1 : year, (month + 11) % 12) : monthRange(year, month),
        length: 2,
      };
    if (b === "week") {
      const monday = today - ((now.getUTCDay() + 6) % 7) * dayMs;
      const from = last ? monday - 7 * dayMs : monday;
      return { range: { from, to: from + 7 * dayMs - 1, label: last ? "Last week" : "This week" }, length: 2 };
    }
    if (b === "christmas" || b === "xmas") {
      const y = last ? year - 1 : year;
      return { range: { from: utc(y, 11, 24), to: utc(y, 11, 27) - 1, label: `Christmas ${y}` }, length: 2 };
    }
    return undefined;
  }
  if (a === "today") return { range: { from: today, to: today + dayMs - 1, label: "Today" }, length: 1 };
  if (a === "yesterday") return { range: { from: today - dayMs, to: today - 1, label: "Yesterday" }, length: 1 };
  if (season) return { range: seasonRange(season, latestSeason(season)), length: 1 };
  // A month alone: the most recent one that has begun.
  // "may" and "march" are words too, but in a search they most likely mean the month.
  if (mo !== undefined) return { range: monthRange(mo <= month ? year : year - 1, mo), length: 1 };
  return undefined;
}

const fileNamePattern = /^(?:[^\s]+\.[a-z0-9]{2,5}|[a-z]{2,5}[_-]?\d{3,}[\w-]*)$/i;

const lower = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();
// Whether `phrase` is `text` or whole words of it.
function wordsWithin(text: string, phrase: string): boolean {
  return ` ${lower(text).replace(/[^\p{L}\p{N}]+/gu, " ")} `.includes(` ${phrase} `);
}

const knownTagWords = new Set(Object.entries(tagSynonyms).flatMap(([tag, words]) => [tag, ...words]));

export function parseSearchQuery(text: string, context: SearchQueryContext): ParsedSearchQuery {
  const now = new Date(context.now);
  const words = text.trim().split(/\s+/).filter(Boolean).slice(0, 40);
  const low = words.map((w) => w.toLowerCase().replace(/^[,;"']+|[,;"'?!]+$/g, ""));
  const chips: SearchChip[] = [];
  const leftover: string[] = [];
  const filters: SearchFilters = {};
  const ranges: Range[] = [];
  const personIds: string[] = [];
  const tags: string[] = [];
  const cameraWords: string[] = [];
  const ownerTags = new Set((context.tags ?? []).map(lower));
  const places: Array<{ kind: "city" | "state" | "country"; values: string[] }> = [
    { kind: "city", values: context.cities ?? [] },
    { kind: "state", values: context.states ?? [] },
    { kind: "country", values: context.countries ?? [] },
  ];
  const cameras = [...(context.makes ?? []), ...(context.models ?? [])];
  const maxPhrase = 4;

  const chip = (kind: ChipKind, label: string, start: number, end: number) =>
    chips.push({ kind, label, text: words.slice(start, end).join(" "), start, end });

  // A person's full name or first name at word i: the index after it.
  const readPerson = (i: number): number | undefined => {
    for (let n = Math.min(maxPhrase, words.length - i); n >= 1; n--) {
      const phrase = low.slice(i, i + n).join(" ");
      const people = context.people ?? [];
      const person =
        people.find((p) => lower(p.name) === phrase) ??
        (n === 1 ? people.find((p) => lower(p.name).split(" ")[0] === phrase) : undefined);
      if (person && !personIds.includes(person.id)) {
        personIds.push(person.id);
        chip("person", person.name, i, i + n);
        return i + n;
      }
    }
    return undefined;
  };

  for (let i = 0; i < words.length; ) {
    const word = low[i]!;
    if (!word) {
      i++;
      continue;
    }
    // A person called June is June, but "june 2021" is a month.
    const date = readDate(low.slice(i, i + 3), now);
    const named = date && date.length > 1 ? undefined : readPerson(i);
    if (named) {
      i = named;
      continue;
    }
    if (date) {
      ranges.push(date.range);
      chip("date", date.range.label, i, i + date.length);
      i += date.length;
      continue;
    }
    if (videoWords.has(word) || photoWords.has(word)) {
      filters.type = videoWords.has(word) ? "VIDEO" : "IMAGE";
      chip("type", videoWords.has(word) ? "Videos" : "Photos", i, i + 1);
      i++;
      continue;
    }
    if (fileNamePattern.test(words[i]!) && filters.originalFileName === undefined) {
      filters.originalFileName = words[i]!;
      chip("file", `File ${words[i]}`, i, i + 1);
      i++;
      continue;
    }
    if (stopWords.has(word)) {
      i++;
      continue;
    }
    let matched = false;
    for (let n = Math.min(maxPhrase, words.length - i); n >= 1 && !matched; n--) {
      const phrase = low.slice(i, i + n).join(" ");
      for (const { kind, values } of places) {
        const value = values.find((v) => lower(v) === phrase);
        if (value && filters[kind] === undefined) {
          filters[kind] = value;
          chip("place", value, i, i + n);
          i += n;
          matched = true;
          break;
        }
      }
      if (matched) break;
      if (!/^\d+$/.test(phrase) && cameras.some((c) => wordsWithin(c, phrase))) {
        cameraWords.push(phrase);
        const exact = cameras.find((c) => lower(c) === phrase);
        chip("camera", exact ?? words.slice(i, i + n).join(" "), i, i + n);
        i += n;
        matched = true;
        break;
      }
      const tagHits = tagsForWord(phrase).filter((t) => knownTagWords.has(t) || ownerTags.has(t));
      if ((knownTagWords.has(phrase) || ownerTags.has(phrase) || tagHits.some((t) => t !== phrase)) && tagHits.length) {
        tags.push(phrase);
        const tag = tagHits.find((t) => t !== phrase && tagSynonyms[t]) ?? phrase;
        chip("thing", tag === phrase ? phrase : `${phrase} (${tag})`, i, i + n);
        i += n;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    leftover.push(words[i]!);
    chip("text", `“${words[i]}” in name or description`, i, i + 1);
    i++;
  }

  if (ranges.length) {
    filters.takenAfter = Math.min(...ranges.map((r) => r.from));
    filters.takenBefore = Math.max(...ranges.map((r) => r.to));
  }
  if (personIds.length) filters.personIds = personIds;
  if (tags.length) filters.tags = tags;
  if (cameraWords.length) filters.cameras = cameraWords;
  if (leftover.length) filters.words = leftover;
  return { filters, chips, leftover, words };
}

// The query without one chip's words: the address of the chip's "remove".
export function queryWithout(parsed: ParsedSearchQuery, chip: SearchChip): string {
  return parsed.words.filter((_, i) => i < chip.start || i >= chip.end).join(" ");
}

// The query as a CLIP search reads it: the text for the model — the query's words but those understood
// as dates, types, file names, people, places or cameras ("dog on the beach" of "dog on the beach in
// lisbon 2019"), without small words at either end — and the filters that still narrow (all but
// words and things, which the model ranks by instead). Undefined when no text is left.
export function smartSearchQuery(parsed: ParsedSearchQuery): { text: string; filters: SearchFilters } | undefined {
  const taken = new Set(
    parsed.chips
      .filter((chip) => chip.kind !== "text" && chip.kind !== "thing")
      .flatMap((chip) => Array.from({ length: chip.end - chip.start }, (_, i) => chip.start + i)),
  );
  const rest = parsed.words.filter((_, i) => !taken.has(i));
  const small = (word: string) => stopWords.has(word.toLowerCase());
  while (rest.length && small(rest[0]!)) rest.shift();
  while (rest.length && small(rest[rest.length - 1]!)) rest.pop();
  if (!rest.length) return undefined;
  const { words: _words, tags: _tags, ...filters } = parsed.filters;
  return { text: rest.join(" "), filters };
}
