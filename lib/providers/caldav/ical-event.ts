import ICAL from "ical.js";
import type { Attendee, EventContent } from "@/lib/calendar/event-content";
import { addDaysToDate, instantToWall, wallToInstant } from "@/lib/calendar/time";
import { ianaZone } from "@/lib/providers/caldav/zones";

/**
 * One VEVENT ↔ EventContent. Only the fields the calendar has are rewritten on a write: whatever
 * else a person's client put in the component (categories, attachments, vendor properties) stays.
 * Attendees and the organizer carry SCHEDULE-AGENT=CLIENT, so a server with scheduling (RFC 6638)
 * never emails an invitation or a reply on this app's behalf.
 */

/** The local event id, for adopting an item a crashed run created. */
export const LOCAL_ID = "x-atollon-id";
/** "No reminders" (an event without VALARM otherwise means "the calendar's default reminders"). */
const NO_ALARMS = "x-atollon-no-alarms";
/**
 * ical.js rewrites an RRULE in its own order of parts, which would read back as a change: the rule
 * travels through the parser and the writer as this property, as the text it is.
 */
export const RAW_RRULE = "x-atollon-raw-rrule";

const MANAGED = ["summary", "description", "location", "dtstart", "dtend", "duration", "rrule", RAW_RRULE, "exdate", "rdate", "status", "transp", "class", "attendee", "organizer", LOCAL_ID, NO_ALARMS, "recurrence-id"];

type Time = ICAL.Time;

/** How one component's times are read: the resource's own VTIMEZONEs stand in for zones the runtime does not know. */
export interface ZoneContext {
  vtimezones: Map<string, ICAL.Timezone>;
}

function pointOf(property: ICAL.Property | null, value: Time | null, zone: ZoneContext): { value: string; allDay: boolean; zone: string | null } | null {
  if (!property || !value) return null;
  if (value.isDate) return { value: `${value.year}-${String(value.month).padStart(2, "0")}-${String(value.day).padStart(2, "0")}`, allDay: true, zone: null };
  const tzid = property.getParameter("tzid");
  const name = typeof tzid === "string" ? tzid : null;
  const wall = { year: value.year, month: value.month, day: value.day, hour: value.hour, minute: value.minute, second: value.second };
  if (value.zone?.tzid === "UTC" || !name) return { value: new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second)).toISOString(), allDay: false, zone: "UTC" };
  const iana = ianaZone(name);
  if (iana) return { value: wallToInstant(iana, wall).toISOString(), allDay: false, zone: iana };
  const own = zone.vtimezones.get(name);
  if (own) {
    const local = ICAL.Time.fromData({ ...wall, isDate: false }, own);
    return { value: new Date(local.toUnixTime() * 1000).toISOString(), allDay: false, zone: "UTC" };
  }
  return { value: new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second)).toISOString(), allDay: false, zone: "UTC" };
}

function pointsOf(component: ICAL.Component, name: "exdate" | "rdate", zone: ZoneContext): string[] {
  return component.getAllProperties(name).flatMap((property) =>
    property.getValues().flatMap((raw: unknown) => {
      const value = raw instanceof ICAL.Period ? raw.start : (raw as Time);
      const point = pointOf(property, value, zone);
      return point ? [point.value] : [];
    }),
  );
}

const text = (component: ICAL.Component, name: string) => {
  const value = component.getFirstPropertyValue(name);
  return typeof value === "string" ? value : "";
};

const PARTSTAT: Record<string, Attendee["response"]> = { "NEEDS-ACTION": "needsAction", ACCEPTED: "accepted", DECLINED: "declined", TENTATIVE: "tentative" };
const PARTSTAT_OUT: Record<Attendee["response"], string> = { needsAction: "NEEDS-ACTION", accepted: "ACCEPTED", declined: "DECLINED", tentative: "TENTATIVE" };

function mailbox(property: ICAL.Property): { email: string; name: string | null } | null {
  const value = String(property.getFirstValue() ?? "");
  const email = /^mailto:(.+)$/i.exec(value.trim())?.[1]?.trim().toLowerCase();
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) return null;
  const name = property.getParameter("cn");
  return { email, name: typeof name === "string" && name !== "" ? name : null };
}

function remindersOf(component: ICAL.Component, start: string, allDay: boolean): number[] | null {
  const alarms = component.getAllSubcomponents("valarm");
  if (alarms.length === 0) return component.getFirstPropertyValue(NO_ALARMS) ? [] : null;
  const startMs = Date.parse(allDay ? `${start}T00:00:00.000Z` : start);
  return alarms.flatMap((alarm) => {
    const trigger = alarm.getFirstProperty("trigger");
    const value = trigger?.getFirstValue() as unknown;
    let minutes: number | null = null;
    if (value instanceof ICAL.Duration) {
      if (trigger?.getParameter("related") === "END") return [];
      minutes = -value.toSeconds() / 60;
    } else if (value instanceof ICAL.Time) minutes = (startMs - value.toUnixTime() * 1000) / 60_000;
    return minutes !== null && Number.isFinite(minutes) && minutes >= 0 && minutes <= 40_320 ? [Math.round(minutes) + 0] : [];
  });
}

export interface ReadComponent {
  content: EventContent;
  localTag: string | null;
  updatedAt: string | null;
}

/** The content of one VEVENT (master or override). */
export function readComponent(component: ICAL.Component, zone: ZoneContext): ReadComponent | null {
  const startProperty = component.getFirstProperty("dtstart");
  const start = pointOf(startProperty, (startProperty?.getFirstValue() as Time | undefined) ?? null, zone);
  const recurrenceId = component.getFirstProperty("recurrence-id");
  const original = pointOf(recurrenceId, (recurrenceId?.getFirstValue() as Time | undefined) ?? null, zone);
  const first = start ?? original;
  if (!first) return null;
  const endProperty = component.getFirstProperty("dtend");
  let end = pointOf(endProperty, (endProperty?.getFirstValue() as Time | undefined) ?? null, zone)?.value ?? null;
  const duration = component.getFirstPropertyValue("duration") as unknown;
  if (end === null && duration instanceof ICAL.Duration) {
    end = first.allDay ? addDaysToDate(first.value, Math.max(1, Math.round(duration.toSeconds() / 86_400))) : new Date(Date.parse(first.value) + duration.toSeconds() * 1000).toISOString();
  }
  if (end === null) end = first.allDay ? addDaysToDate(first.value, 1) : first.value;
  if (first.allDay && end <= first.value) end = addDaysToDate(first.value, 1);
  if (!first.allDay && end < first.value) end = first.value;
  const rule = component.getFirstPropertyValue(RAW_RRULE);
  const status = String(component.getFirstPropertyValue("status") ?? "").toUpperCase();
  const visibility = String(component.getFirstPropertyValue("class") ?? "").toUpperCase();
  const organizer = component.getFirstProperty("organizer");
  const stamp = (component.getFirstPropertyValue("last-modified") ?? component.getFirstPropertyValue("dtstamp")) as unknown;
  const localTag = component.getFirstPropertyValue(LOCAL_ID);
  return {
    localTag: typeof localTag === "string" && localTag !== "" ? localTag : null,
    updatedAt: stamp instanceof ICAL.Time ? new Date(stamp.toUnixTime() * 1000).toISOString() : null,
    content: {
      title: text(component, "summary"),
      description: text(component, "description"),
      location: text(component, "location"),
      allDay: first.allDay,
      start: first.value,
      end,
      timeZone: first.allDay ? null : (first.zone ?? "UTC"),
      rrule: typeof rule === "string" && rule !== "" && !recurrenceId ? rule.replace(/^RRULE:/i, "") : null,
      exdates: pointsOf(component, "exdate", zone),
      rdates: pointsOf(component, "rdate", zone),
      status: status === "TENTATIVE" ? "tentative" : status === "CANCELLED" ? "cancelled" : "confirmed",
      transparency: String(component.getFirstPropertyValue("transp") ?? "").toUpperCase() === "TRANSPARENT" ? "transparent" : "opaque",
      visibility: visibility === "PUBLIC" ? "public" : visibility === "PRIVATE" ? "private" : visibility === "CONFIDENTIAL" ? "confidential" : "default",
      reminders: remindersOf(component, first.value, first.allDay),
      attendees: component.getAllProperties("attendee").flatMap((property) => {
        const who = mailbox(property);
        if (!who) return [];
        const partstat = String(property.getParameter("partstat") ?? "").toUpperCase();
        return [{ ...who, response: PARTSTAT[partstat] ?? "needsAction", optional: String(property.getParameter("role") ?? "").toUpperCase() === "OPT-PARTICIPANT" }];
      }),
      organizer: organizer ? mailbox(organizer) : null,
      originalStart: original?.value ?? null,
    },
  };
}

function timeValue(point: string, allDay: boolean, zone: string | null): Time {
  if (allDay) return ICAL.Time.fromDateString(point);
  if (!zone || zone === "UTC") return ICAL.Time.fromDateTimeString(`${point.slice(0, 19)}Z`);
  const wall = instantToWall(zone, new Date(point));
  return ICAL.Time.fromData({ year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute, second: wall.second ?? 0, isDate: false });
}

function addPoints(component: ICAL.Component, name: string, points: string[], content: EventContent): void {
  if (points.length === 0) return;
  const property = new ICAL.Property(name, component);
  if (content.allDay) property.resetType("date");
  const values = points.map((point) => timeValue(point, content.allDay, content.timeZone));
  if (values.length === 1) property.setValue(values[0] as Time);
  else property.setValues(values);
  if (!content.allDay && content.timeZone && content.timeZone !== "UTC") property.setParameter("tzid", content.timeZone);
  component.addProperty(property);
}

function addMailbox(component: ICAL.Component, name: "attendee" | "organizer", who: { email: string; name: string | null }): ICAL.Property {
  const property = new ICAL.Property(name, component);
  property.setValue(`mailto:${who.email}`);
  if (who.name) property.setParameter("cn", who.name);
  // Never make the server send invitations or replies: this app copies events, it does not schedule.
  property.setParameter("schedule-agent", "CLIENT");
  component.addProperty(property);
  return property;
}

/** Writes `content` into the component, replacing the calendar's fields and keeping everything else. */
export function writeComponent(component: ICAL.Component, content: EventContent, localId: string): void {
  for (const name of MANAGED) component.removeAllProperties(name);
  component.removeAllSubcomponents("valarm");
  const now = ICAL.Time.now().convertToZone(ICAL.Timezone.utcTimezone);
  component.updatePropertyWithValue("dtstamp", now);
  component.updatePropertyWithValue("last-modified", now);
  addPoints(component, "dtstart", [content.start], content);
  addPoints(component, "dtend", [content.end], content);
  if (content.originalStart) addPoints(component, "recurrence-id", [content.originalStart], content);
  component.addPropertyWithValue("summary", content.title);
  if (content.description) component.addPropertyWithValue("description", content.description);
  if (content.location) component.addPropertyWithValue("location", content.location);
  // An overridden occurrence is one instance: recurrence belongs to its series alone, and servers
  // refuse an override that carries EXDATE or RDATE (Radicale answers 400).
  if (!content.originalStart) {
    if (content.rrule) component.addProperty(new ICAL.Property([RAW_RRULE, {}, "unknown", content.rrule]));
    addPoints(component, "exdate", content.exdates, content);
    addPoints(component, "rdate", content.rdates, content);
  }
  component.addPropertyWithValue("status", content.status.toUpperCase());
  component.addPropertyWithValue("transp", content.transparency.toUpperCase());
  if (content.visibility !== "default") component.addPropertyWithValue("class", content.visibility.toUpperCase());
  if (content.organizer) addMailbox(component, "organizer", content.organizer);
  for (const attendee of content.attendees) {
    const property = addMailbox(component, "attendee", attendee);
    property.setParameter("partstat", PARTSTAT_OUT[attendee.response]);
    property.setParameter("role", attendee.optional ? "OPT-PARTICIPANT" : "REQ-PARTICIPANT");
  }
  if (content.reminders?.length === 0) component.addPropertyWithValue(NO_ALARMS, "TRUE");
  for (const minutes of content.reminders ?? []) {
    const alarm = new ICAL.Component("valarm", component);
    alarm.addPropertyWithValue("action", "DISPLAY");
    alarm.addPropertyWithValue("description", content.title || "Reminder");
    alarm.addPropertyWithValue("trigger", ICAL.Duration.fromSeconds(-minutes * 60));
    component.addSubcomponent(alarm);
  }
  component.addPropertyWithValue(LOCAL_ID, localId);
}
