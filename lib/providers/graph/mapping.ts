import { z } from "zod";
import { eventContentSchema, type EventContent } from "@/lib/calendar/event-content";
import { expandSeries } from "@/lib/calendar/recurrence";
import { floatingFromInstant, instantFromFloating } from "@/lib/calendar/time";
import { ianaOf } from "@/lib/providers/ews/appointment";
import { patternOf, ruleOf, type EwsPattern } from "@/lib/providers/ews/recurrence";
import { readJsonValue } from "@/lib/providers/extended-values";
import type { ContentField } from "@/lib/sync/content-hash";

/**
 * Graph events ↔ EventContent. Graph holds the same Exchange item as EWS, so the recurrence patterns
 * are EWS's (reused from lib/providers/ews/recurrence) under JSON names. What Graph keeps less of
 * than EventContent (one reminder, no "public", the status folded into showAs, no EXDATE beyond
 * what it can see, attendees — which this app never writes as real attendees, because Graph mails
 * an invitation for every event created or changed with attendees and has no "send nothing" switch)
 * is remembered in single-value extended properties. Reading takes a field from the remembered copy
 * only while Graph still shows what writing it produced: an edit in Outlook always wins.
 */

const PROPERTY_SET = "{5b7a3c1e-92d4-4f0b-8a6e-1d3c9e7f2a50}";
const property = (name: string) => `String ${PROPERTY_SET} Name ${name}`;
/** The local event id, for finding the item a crashed run created ($filter on it). */
export const TAG_ID = property("AtollonEventId");
/** The content as written (attendees live only here). */
export const WRITTEN_ID = property("AtollonWritten");
/** On a series master: occurrences this app cancelled, with the content of their cancelled exception. */
export const CANCELLED_ID = property("AtollonCancelled");
export const PROPERTY_IDS = [TAG_ID, WRITTEN_ID, CANCELLED_ID];

const dateTimeSchema = z.object({ dateTime: z.string(), timeZone: z.string().nullish() });
const recurrenceSchema = z.object({
  pattern: z.object({
    type: z.string(),
    interval: z.number().nullish(),
    daysOfWeek: z.array(z.string()).nullish(),
    firstDayOfWeek: z.string().nullish(),
    dayOfMonth: z.number().nullish(),
    month: z.number().nullish(),
    index: z.string().nullish(),
  }),
  range: z.object({ type: z.string(), startDate: z.string(), endDate: z.string().nullish(), numberOfOccurrences: z.number().nullish(), recurrenceTimeZone: z.string().nullish() }),
});
export const graphEventSchema = z.object({
  id: z.string(),
  "@odata.etag": z.string().nullish(),
  changeKey: z.string().nullish(),
  lastModifiedDateTime: z.string().nullish(),
  type: z.enum(["singleInstance", "occurrence", "exception", "seriesMaster"]).nullish(),
  seriesMasterId: z.string().nullish(),
  originalStart: z.string().nullish(),
  originalStartTimeZone: z.string().nullish(),
  subject: z.string().nullish(),
  body: z.object({ content: z.string().nullish(), contentType: z.string().nullish() }).nullish(),
  location: z.object({ displayName: z.string().nullish() }).nullish(),
  start: dateTimeSchema.nullish(),
  end: dateTimeSchema.nullish(),
  isAllDay: z.boolean().nullish(),
  showAs: z.string().nullish(),
  sensitivity: z.string().nullish(),
  isReminderOn: z.boolean().nullish(),
  reminderMinutesBeforeStart: z.number().nullish(),
  recurrence: recurrenceSchema.nullish(),
  attendees: z.array(z.object({ emailAddress: z.object({ address: z.string().nullish(), name: z.string().nullish() }), type: z.string().nullish(), status: z.object({ response: z.string().nullish() }).nullish() })).nullish(),
  organizer: z.object({ emailAddress: z.object({ address: z.string().nullish(), name: z.string().nullish() }) }).nullish(),
  singleValueExtendedProperties: z.array(z.object({ id: z.string(), value: z.string().nullish() })).nullish(),
});
export type GraphEvent = z.infer<typeof graphEventSchema>;
type GraphRecurrence = z.infer<typeof recurrenceSchema>;

const DAY_NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const GROUPS: Record<number, number[]> = { 7: [0, 1, 2, 3, 4, 5, 6], 8: [1, 2, 3, 4, 5], 9: [0, 6] };
const INDEXES = ["First", "Second", "Third", "Fourth", "Last"] as const;

const daysOf = (day: number) => (GROUPS[day] ?? [day]).map((value) => DAY_NAMES[value] ?? "monday");
function dayOf(names: string[]): number {
  const numbers = names.map((name) => DAY_NAMES.indexOf(name.toLowerCase())).sort();
  const group = Object.entries(GROUPS).find(([, days]) => days.join() === numbers.join());
  return group ? Number(group[0]) : (numbers[0] ?? 1);
}

export function toGraphRecurrence(pattern: EwsPattern, zone: string): GraphRecurrence {
  const range = pattern.count !== null ? { type: "numbered", startDate: pattern.startDate, numberOfOccurrences: pattern.count } : pattern.endDate !== null ? { type: "endDate", startDate: pattern.startDate, endDate: pattern.endDate } : { type: "noEnd", startDate: pattern.startDate };
  const index = (value: (typeof INDEXES)[number]) => value.toLowerCase();
  const shape =
    pattern.kind === "Daily"
      ? { type: "daily", interval: pattern.interval }
      : pattern.kind === "Weekly"
        ? { type: "weekly", interval: pattern.interval, daysOfWeek: pattern.days.map((day) => DAY_NAMES[day] ?? "monday"), firstDayOfWeek: DAY_NAMES[pattern.firstDay] ?? "sunday" }
        : pattern.kind === "AbsoluteMonthly"
          ? { type: "absoluteMonthly", interval: pattern.interval, dayOfMonth: pattern.dayOfMonth }
          : pattern.kind === "RelativeMonthly"
            ? { type: "relativeMonthly", interval: pattern.interval, daysOfWeek: daysOf(pattern.day), index: index(pattern.index) }
            : pattern.kind === "AbsoluteYearly"
              ? { type: "absoluteYearly", interval: 1, month: pattern.month, dayOfMonth: pattern.dayOfMonth }
              : { type: "relativeYearly", interval: 1, month: pattern.month, daysOfWeek: daysOf(pattern.day), index: index(pattern.index) };
  return { pattern: shape, range: { ...range, recurrenceTimeZone: zone } };
}

export function fromGraphRecurrence(recurrence: GraphRecurrence): EwsPattern | null {
  const { pattern: p, range: r } = recurrence;
  const interval = p.interval ?? 1;
  const index = (INDEXES.find((value) => value.toLowerCase() === (p.index ?? "first").toLowerCase()) ?? "First") as EwsPattern extends { index: infer I } ? I : never;
  const base = { startDate: r.startDate.slice(0, 10), count: r.type === "numbered" ? (r.numberOfOccurrences ?? 1) : null, endDate: r.type === "endDate" ? (r.endDate ?? r.startDate).slice(0, 10) : null };
  const days = p.daysOfWeek ?? [];
  switch (p.type) {
    case "daily":
      return { kind: "Daily", interval, ...base };
    case "weekly":
      return { kind: "Weekly", interval, days: days.map((name) => DAY_NAMES.indexOf(name.toLowerCase())).filter((day) => day >= 0).sort(), firstDay: Math.max(DAY_NAMES.indexOf((p.firstDayOfWeek ?? "sunday").toLowerCase()), 0), ...base };
    case "absoluteMonthly":
      return { kind: "AbsoluteMonthly", interval, dayOfMonth: p.dayOfMonth ?? 1, ...base };
    case "relativeMonthly":
      return { kind: "RelativeMonthly", interval, day: dayOf(days), index, ...base };
    case "absoluteYearly":
      return { kind: "AbsoluteYearly", month: p.month ?? 1, dayOfMonth: p.dayOfMonth ?? 1, ...base };
    case "relativeYearly":
      return { kind: "RelativeYearly", month: p.month ?? 1, day: dayOf(days), index, ...base };
    default:
      return null;
  }
}

/** A UTC instant or a date as Graph's dateTime in `zone` (all-day: midnight of the date). */
function graphTime(value: string, allDay: boolean, zone: string | null): { dateTime: string; timeZone: string } {
  if (allDay) return { dateTime: `${value}T00:00:00.0000000`, timeZone: "UTC" };
  const iana = zone ?? "UTC";
  return { dateTime: `${floatingFromInstant(new Date(value), iana).toISOString().slice(0, 19)}.0000000`, timeZone: iana };
}

const showAsOf = (content: EventContent) => (content.transparency === "transparent" ? "free" : content.status === "tentative" ? "tentative" : "busy");
const SENSITIVITY: Record<EventContent["visibility"], string> = { default: "normal", public: "normal", private: "private", confidential: "confidential" };

/** The event body for a create or PATCH. Throws NotExpressibleError for a rule Graph cannot hold. */
export function toGraphEvent(content: EventContent, localId: string, options: { recurrence: boolean }): Record<string, unknown> {
  const zone = content.allDay ? null : content.timeZone;
  return {
    subject: content.title,
    body: { contentType: "text", content: content.description },
    location: { displayName: content.location },
    isAllDay: content.allDay,
    start: graphTime(content.start, content.allDay, zone),
    end: graphTime(content.end, content.allDay, zone),
    ...(options.recurrence ? { recurrence: content.rrule ? toGraphRecurrence(patternOf(content), zone ?? "UTC") : null } : {}),
    showAs: showAsOf(content),
    sensitivity: SENSITIVITY[content.visibility],
    isReminderOn: content.reminders === null || content.reminders.length > 0,
    reminderMinutesBeforeStart: content.reminders?.[0] ?? 15,
    singleValueExtendedProperties: [
      { id: TAG_ID, value: localId },
      { id: WRITTEN_ID, value: JSON.stringify(content) },
    ],
  };
}

/**
 * The fields of `toGraphEvent` that follow from each changed field of EventContent, for a PATCH:
 * Outlook keeps the rest as it is — above all a body with its formatting, which the app reads as
 * text. The remembered copy is always rewritten: it must describe the content now.
 */
export function toGraphPatch(content: EventContent, changed: Set<ContentField>, localId: string, options: { recurrence: boolean }): Record<string, unknown> {
  const any = (...fields: ContentField[]) => fields.some((field) => changed.has(field));
  const times = any("allDay", "start", "end", "timeZone");
  const full = toGraphEvent(content, localId, { recurrence: options.recurrence && (times || changed.has("rrule")) });
  const pick = (keys: string[]) => Object.fromEntries(keys.filter((key) => key in full).map((key) => [key, full[key]]));
  return pick([
    ...(changed.has("title") ? ["subject"] : []),
    ...(changed.has("description") ? ["body"] : []),
    ...(changed.has("location") ? ["location"] : []),
    ...(times ? ["isAllDay", "start", "end"] : []),
    "recurrence",
    ...(any("status", "transparency") ? ["showAs"] : []),
    ...(changed.has("visibility") ? ["sensitivity"] : []),
    ...(changed.has("reminders") ? ["isReminderOn", "reminderMinutesBeforeStart"] : []),
    "singleValueExtendedProperties",
  ]);
}

export const extendedValue = (event: GraphEvent, id: string) => event.singleValueExtendedProperties?.find((entry) => entry.id.toLowerCase() === id.toLowerCase())?.value ?? null;

function written(event: GraphEvent): EventContent | null {
  return readJsonValue(eventContentSchema, extendedValue(event, WRITTEN_ID));
}

const cancelledSchema = z.record(z.string(), z.object({ id: z.string(), localId: z.string(), content: eventContentSchema }));
export type CancelledOccurrences = z.infer<typeof cancelledSchema>;

export function cancelledOf(event: GraphEvent): CancelledOccurrences {
  return readJsonValue(cancelledSchema, extendedValue(event, CANCELLED_ID)) ?? {};
}

/**
 * Graph's dateTime as EventContent's form. Reads ask for UTC (Prefer: outlook.timezone="UTC"); a
 * response in another zone says so in timeZone, and is converted. An all-day event is midnight to
 * midnight in its own zone: shown in another zone it lands hours off midnight, and the nearest
 * midnight is its date.
 */
function pointOf(value: { dateTime: string; timeZone?: string | null } | null | undefined, allDay: boolean): string | null {
  if (!value) return null;
  const wall = new Date(`${value.dateTime.replace(/Z$/, "").slice(0, 23)}Z`);
  if (Number.isNaN(wall.getTime())) return null;
  if (allDay) return new Date(Math.round(wall.getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  const zone = zoneOf(value.timeZone);
  return (zone === "UTC" ? wall : instantFromFloating(wall, zone)).toISOString();
}

const DAY_MS = 86_400_000;

export function originalStartOf(event: GraphEvent, allDay: boolean): string | null {
  if (!event.originalStart) return null;
  const instant = new Date(event.originalStart.endsWith("Z") || /[+-]\d{2}:\d{2}$/.test(event.originalStart) ? event.originalStart : `${event.originalStart}Z`);
  if (Number.isNaN(instant.getTime())) return null;
  return allDay ? instant.toISOString().slice(0, 10) : instant.toISOString();
}

/** The zone a timed event is in: IANA names come back as written, Outlook's Windows names are mapped. */
function zoneOf(name: string | null | undefined): string {
  if (!name) return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return name;
  } catch {
    return ianaOf(name);
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The content of a Graph event. `exdates`: the deleted occurrences of a series as observed (null
 * when not known: then the remembered ones stand).
 */
export function contentOf(event: GraphEvent, exdates: string[] | null): EventContent | null {
  const allDay = event.isAllDay ?? false;
  const start = pointOf(event.start, allDay);
  const end = pointOf(event.end, allDay);
  if (!start || !end) return null;
  const remembered = written(event);
  const timeZone = allDay ? null : zoneOf(event.originalStartTimeZone);
  const seen = {
    title: event.subject ?? "",
    description: event.body?.content ?? "",
    location: event.location?.displayName ?? "",
    times: { allDay, start, end, timeZone },
    showAs: event.showAs ?? "busy",
    sensitivity: event.sensitivity ?? "normal",
    reminder: event.isReminderOn === false ? null : (event.reminderMinutesBeforeStart ?? 15),
    pattern: event.type === "seriesMaster" && event.recurrence ? fromGraphRecurrence(event.recurrence) : null,
  };
  const base = {
    title: seen.title,
    description: seen.description,
    location: seen.location,
    ...seen.times,
    status: seen.showAs === "tentative" ? ("tentative" as const) : ("confirmed" as const),
    transparency: seen.showAs === "free" ? ("transparent" as const) : ("opaque" as const),
    visibility: seen.sensitivity === "private" || seen.sensitivity === "personal" ? ("private" as const) : seen.sensitivity === "confidential" ? ("confidential" as const) : ("default" as const),
    reminders: seen.reminder === null ? [] : [seen.reminder],
    attendees: (event.attendees ?? []).flatMap((attendee) => {
      const email = attendee.emailAddress.address?.toLowerCase();
      if (!email || !z.email().safeParse(email).success) return [];
      const response = attendee.status?.response === "accepted" ? "accepted" : attendee.status?.response === "declined" ? "declined" : attendee.status?.response === "tentativelyAccepted" ? "tentative" : "needsAction";
      return [{ email, name: attendee.emailAddress.name ?? null, response: response as EventContent["attendees"][number]["response"], optional: attendee.type === "optional" }];
    }),
    organizer: event.organizer?.emailAddress.address ? { email: event.organizer.emailAddress.address.toLowerCase(), name: event.organizer.emailAddress.name ?? null } : null,
    rrule: null as string | null,
    exdates: [] as string[],
    rdates: [] as string[],
    originalStart: event.type === "exception" || event.type === "occurrence" ? originalStartOf(event, allDay) : null,
  };
  if (seen.pattern) base.rrule = ruleOf(seen.pattern, { allDay, start, timeZone });
  if (!remembered) return finish({ ...base, exdates: exdates ?? [] });

  const was = {
    title: remembered.title,
    description: remembered.description,
    location: remembered.location,
    times: { allDay: remembered.allDay, start: remembered.start, end: remembered.end, timeZone: remembered.allDay ? null : remembered.timeZone },
    showAs: showAsOf(remembered),
    sensitivity: SENSITIVITY[remembered.visibility],
    reminder: remembered.reminders === null ? 15 : (remembered.reminders[0] ?? null),
    pattern: event.type === "seriesMaster" && remembered.rrule ? safePattern(remembered) : null,
  };
  const keep = <K extends keyof typeof seen>(key: K) => same(seen[key], was[key]);
  const content = {
    ...base,
    title: keep("title") ? remembered.title : base.title,
    description: keep("description") ? remembered.description : base.description,
    location: keep("location") ? remembered.location : base.location,
    ...(keep("times") ? { allDay: remembered.allDay, start: remembered.start, end: remembered.end, timeZone: remembered.timeZone } : {}),
    ...(keep("showAs") ? { status: remembered.status, transparency: remembered.transparency } : {}),
    visibility: keep("sensitivity") ? remembered.visibility : base.visibility,
    reminders: keep("reminder") ? remembered.reminders : base.reminders,
    // Never real attendees (that would mail them): Outlook's own attendees show only on events this app never wrote.
    attendees: remembered.attendees,
    organizer: remembered.organizer,
    rrule: event.type === "seriesMaster" ? (keep("pattern") && keep("times") ? remembered.rrule : base.rrule) : null,
    // EXDATEs and RDATEs without a rule change nothing; Graph has nowhere to keep them, the remembered copy does.
    exdates: event.type === "seriesMaster" ? (exdates ?? remembered.exdates) : remembered.rrule ? [] : remembered.exdates,
    rdates: event.type === "seriesMaster" || remembered.rrule ? [] : remembered.rdates,
    originalStart: base.originalStart === null ? null : same(base.originalStart, remembered.originalStart) || keep("times") ? (remembered.originalStart ?? base.originalStart) : base.originalStart,
  };
  return finish(content);
}

function safePattern(content: EventContent): EwsPattern | null {
  try {
    return patternOf(content);
  } catch {
    return null;
  }
}

function finish(content: EventContent): EventContent | null {
  const parsed = eventContentSchema.safeParse({ ...content, exdates: [...content.exdates].sort() });
  return parsed.success ? parsed.data : null;
}

/**
 * The deleted occurrences of a series: what its rule gives in [from, to) that Graph lists no
 * instance for, plus the remembered ones outside that range (Graph was not asked about those).
 */
export function deletedOccurrences(series: EventContent, seenStarts: Set<string>, from: Date, to: Date, remembered: string[]): string[] {
  if (!series.rrule) return [];
  const inRange = (value: string) => {
    const at = Date.parse(series.allDay ? `${value}T00:00:00.000Z` : value);
    return at >= from.getTime() && at < to.getTime();
  };
  let expected: string[] = [];
  try {
    expected = expandSeries({ ...series, exdates: [], rdates: [] }, from, to).map((occurrence) => occurrence.originalStart);
  } catch {
    return remembered;
  }
  const missing = expected.filter((start) => !seenStarts.has(start) && inRange(start));
  return [...new Set([...missing, ...remembered.filter((value) => !inRange(value))])].sort();
}
