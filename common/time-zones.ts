// When and where in time a photo was taken: its wall-clock time, the instant, and the zone that
// relates them (an IANA name such as "Europe/Rome", whose offset follows daylight saving time, or a
// fixed "UTC+02:00"; null when unknown, the wall clock then read as UTC). ICU's zone data (Intl)
// does the arithmetic, in the worker and in workerd alike.

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface DateTaken {
  // The wall-clock time where it was taken, stored as if it were UTC (assets.localDateTime).
  localDateTime: number;
  // The moment it was taken (assets.fileCreatedAt, and exif.dateTimeOriginal as ISO in UTC).
  instant: number;
  timeZone: string | null;
}

const fixedZonePattern = /^UTC([+-])(\d{2}):(\d{2})$/;
const offsetPattern = /^[+-]\d{2}:\d{2}$/;

// A "YYYY-MM-DDTHH:MM:SS" wall-clock time read as if it were UTC; NaN for anything but a real one.
export function parseWallClock(wallClock: string): number {
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(wallClock) ? Date.parse(`${wallClock}Z`) : NaN;
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(wallClock) ? time : NaN;
}

// "+02:00" for 120 minutes.
export function formatOffset(minutes: number): string {
  const whole = Math.round(Math.abs(minutes));
  return `${minutes < 0 ? "-" : "+"}${String(Math.floor(whole / 60)).padStart(2, "0")}:${String(whole % 60).padStart(2, "0")}`;
}

// Minutes from "+02:00"; null for anything else.
export function parseOffset(offset: string): number | null {
  if (!offsetPattern.test(offset)) return null;
  const minutes = Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6));
  return minutes <= 18 * 60 ? (offset.startsWith("-") ? -minutes : minutes) : null;
}

// The zone Shoebox writes for a bare offset (as Immich does for a date that gives only its offset).
export const fixedZone = (offset: string) => `UTC${offset}`;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// Milliseconds that a zone is ahead of UTC at an instant. Throws RangeError for an unknown zone.
function zoneOffset(timeZone: string, instant: number): number {
  const fixed = timeZone.match(fixedZonePattern);
  if (fixed) return (fixed[1] === "-" ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * MINUTE;
  const part = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map(({ type, value }) => [type, Number(value)]),
  );
  const wall = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!);
  return wall - Math.floor(instant / 1000) * 1000;
}

// Whether Shoebox can place times in this zone: a fixed "UTC±hh:mm" or an IANA name ICU knows.
export function isTimeZone(timeZone: string): boolean {
  if (fixedZonePattern.test(timeZone)) return parseOffset(timeZone.slice(3)) !== null;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

// The offset of a zone at a wall-clock time, e.g. "+02:00". A wall-clock time that a DST change
// makes ambiguous (the repeated hour in autumn) or skipped (the missing hour in spring) takes the
// offset in force just before the change: the earlier of the two in autumn, and in spring a camera
// whose clock was not yet moved forward (Temporal's and java.time's "compatible" rule). Throws
// RangeError for an unknown zone or a malformed time.
export function offsetAt(timeZone: string, localDateTime: string): string {
  const wall = parseWallClock(localDateTime);
  if (Number.isNaN(wall)) throw new RangeError(`not a local date and time: "${localDateTime}"`);
  const before = zoneOffset(timeZone, wall - DAY);
  const after = zoneOffset(timeZone, wall + DAY);
  const fits = (offset: number) => zoneOffset(timeZone, wall - offset) === offset;
  return formatOffset((fits(before) || !fits(after) ? before : after) / MINUTE);
}

// A wall-clock time ("YYYY-MM-DDTHH:MM:SS") in a zone, or read as UTC when the zone is unknown.
export function atWallClock(wallClock: string, timeZone: string | null): DateTaken {
  const localDateTime = parseWallClock(wallClock);
  if (Number.isNaN(localDateTime)) throw new RangeError(`not a local date and time: "${wallClock}"`);
  const offset = timeZone ? parseOffset(offsetAt(timeZone, wallClock))! : 0;
  return { localDateTime, instant: localDateTime - offset * MINUTE, timeZone };
}

// An instant, on the wall clock of a zone (UTC's when the zone is unknown).
export function atInstant(instant: number, timeZone: string | null): DateTaken {
  return { localDateTime: instant + (timeZone ? zoneOffset(timeZone, instant) : 0), instant, timeZone };
}

// The offset a date taken is at: "+02:00".
export const offsetOf = (taken: Pick<DateTaken, "localDateTime" | "instant">) =>
  formatOffset((taken.localDateTime - taken.instant) / MINUTE);

// An instant at a known offset: in `zone` when that is the zone's offset then (the EXIF offset
// of a photo whose GPS position gives Europe/Rome), else in the fixed zone of the offset.
export function atOffset(instant: number, offsetMinutes: number, zone: string | null): DateTaken {
  const keepsZone = zone !== null && zoneOffset(zone, instant) === offsetMinutes * MINUTE;
  return {
    localDateTime: instant + offsetMinutes * MINUTE,
    instant,
    timeZone: keepsZone ? zone : fixedZone(formatOffset(offsetMinutes)),
  };
}

// A date taken set through the API, as Immich's clients send it: an ISO 8601 date and time with
// its offset ("2021-06-05T14:30:00+02:00"). The photo keeps its zone when the offset is that
// zone's at the new time (a date moved across a DST change stays in Europe/Rome); another offset
// puts it in that fixed zone. A time in UTC ("…Z", how this API writes dateTimeOriginal) is an
// instant, placed in the photo's own zone, so that a client sending back what it read moves nothing.
export function dateTakenFromIso(value: string, current: string | null): DateTaken {
  const instant = Date.parse(value);
  if (Number.isNaN(instant)) throw new RangeError(`not a date and time: "${value}"`);
  if (/Z$/i.test(value)) return atInstant(instant, current);
  const offset = value.match(/([+-]\d{2}):?(\d{2})$/);
  const minutes = offset ? parseOffset(`${offset[1]}:${offset[2]}`) : null;
  if (minutes === null) throw new RangeError(`no offset in "${value}"`);
  return atOffset(instant, minutes, current);
}
