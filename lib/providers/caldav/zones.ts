import { findIana } from "windows-iana";
import { pad } from "@/lib/calendar/time";

/**
 * Time zones as CalDAV servers name them: an IANA name (most), a Windows name (Exchange-backed
 * servers and Outlook exports: "W. Europe Standard Time"), or a vendor-prefixed IANA name
 * ("/mozilla.org/20050126_1/Europe/Berlin", "/freeassociation.sourceforge.net/Tzfile/Europe/Prague").
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat | null {
  const known = formatters.get(zone);
  if (known) return known;
  try {
    const made = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(zone, made);
    return made;
  } catch {
    return null;
  }
}

/** The IANA zone a TZID names, or null when it names none this runtime knows. */
export function ianaZone(tzid: string): string | null {
  const name = tzid.trim().replace(/^"|"$/g, "");
  if (/^(utc|gmt|z|etc\/utc)$/i.test(name)) return "UTC";
  if (name.includes("/") && !name.startsWith("/") && formatter(name)) return formatter(name)?.resolvedOptions().timeZone ?? name;
  const windows = findIana(name as Parameters<typeof findIana>[0])[0];
  if (windows && formatter(windows)) return windows;
  const suffix = /([A-Za-z_]+\/[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)?)$/.exec(name)?.[1];
  if (suffix && formatter(suffix)) return suffix;
  return null;
}

/** Minutes east of UTC in `zone` at `instant`. */
export function offsetMinutes(zone: string, instant: number): number {
  const parts = Object.fromEntries((formatter(zone) as Intl.DateTimeFormat).formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((wall - Math.floor(instant / 1000) * 1000) / 60_000);
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const size = Math.abs(minutes);
  return `${sign}${pad(Math.floor(size / 60))}${pad(size % 60)}`;
}

function localStamp(instant: number, offset: number): string {
  const wall = new Date(instant + offset * 60_000);
  return `${wall.getUTCFullYear()}${pad(wall.getUTCMonth() + 1)}${pad(wall.getUTCDate())}T${pad(wall.getUTCHours())}${pad(wall.getUTCMinutes())}${pad(wall.getUTCSeconds())}`;
}

interface Transition {
  at: number;
  from: number;
  to: number;
}

/** The offset changes in `zone` during `year`, found day by day and narrowed to the minute. */
function transitions(zone: string, year: number): Transition[] {
  const found: Transition[] = [];
  let before = Date.UTC(year, 0, 1);
  let offset = offsetMinutes(zone, before);
  for (let day = before + DAY; day <= Date.UTC(year + 1, 0, 1); day += DAY) {
    const next = offsetMinutes(zone, day);
    if (next !== offset) {
      let low = day - DAY;
      let high = day;
      while (high - low > 60_000) {
        const middle = low + Math.floor((high - low) / 120_000) * 60_000;
        if (offsetMinutes(zone, middle) === offset) low = middle;
        else high = middle;
      }
      found.push({ at: high, from: offset, to: next });
      offset = next;
    }
    before = day;
  }
  return found;
}

/** RFC 5545's yearly rule for a change on this local date: "the 2nd Sunday", "the last Sunday". */
function yearlyRule(local: Date): string {
  const day = local.getUTCDate();
  const daysInMonth = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate();
  const nth = day + 7 > daysInMonth ? -1 : Math.ceil(day / 7);
  return `FREQ=YEARLY;BYMONTH=${local.getUTCMonth() + 1};BYDAY=${nth}${WEEKDAYS[local.getUTCDay()]}`;
}

/**
 * A VTIMEZONE for an IANA zone (RFC 5545 wants one for every TZID a resource uses), written from
 * the runtime's zone data: the zone's changes in `year` as yearly rules — how every calendar client
 * writes them — or one fixed offset for a zone without daylight saving time.
 */
export function vtimezoneLines(zone: string, year: number): string[] {
  const key = `${zone}@${year}`;
  const known = written.get(key);
  if (known) return known;
  const lines = writeVtimezone(zone, year);
  written.set(key, lines);
  return lines;
}

const written = new Map<string, string[]>();

function writeVtimezone(zone: string, year: number): string[] {
  const changes = transitions(zone, year);
  const observance = (kind: "STANDARD" | "DAYLIGHT", start: string, from: number, to: number, rule: string | null) => [
    `BEGIN:${kind}`,
    `DTSTART:${start}`,
    ...(rule ? [`RRULE:${rule}`] : []),
    `TZOFFSETFROM:${formatOffset(from)}`,
    `TZOFFSETTO:${formatOffset(to)}`,
    `END:${kind}`,
  ];
  const lines = ["BEGIN:VTIMEZONE", `TZID:${zone}`];
  if (changes.length === 0) {
    const offset = offsetMinutes(zone, Date.UTC(year, 0, 1));
    lines.push(...observance("STANDARD", "19700101T000000", offset, offset, null));
  } else {
    for (const change of changes) {
      const local = new Date(change.at + change.from * 60_000);
      lines.push(...observance(change.to > change.from ? "DAYLIGHT" : "STANDARD", localStamp(change.at, change.from), change.from, change.to, changes.length === 2 ? yearlyRule(local) : null));
    }
  }
  lines.push("END:VTIMEZONE");
  return lines;
}
