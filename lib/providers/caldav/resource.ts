import ICAL from "ical.js";
import type { EventContent } from "@/lib/calendar/event-content";
import { RAW_RRULE, readComponent, writeComponent, type ZoneContext } from "@/lib/providers/caldav/ical-event";
import { ianaZone, vtimezoneLines } from "@/lib/providers/caldav/zones";
import type { RemoteItem } from "@/lib/sync/provider";

/**
 * One calendar object resource (one .ics at one href) ↔ the engine's items. A series and its
 * overridden occurrences share one resource (RFC 4791 §4.1): the master is the item named by the
 * href; each override (a VEVENT with RECURRENCE-ID) is an item of its own named
 * `<href>#<original start>` — stable, and the same whichever side made the exception. Every item of
 * a resource carries the resource's ETag as its version.
 */

export interface Resource {
  href: string;
  etag: string;
  ics: string;
}

export const exceptionId = (href: string, originalStart: string) => `${href}#${originalStart}`;

export function parseItemId(id: string): { href: string; originalStart: string | null } {
  const at = id.lastIndexOf("#");
  return at > 0 ? { href: id.slice(0, at), originalStart: id.slice(at + 1) } : { href: id, originalStart: null };
}

const RULE_LINE = /^RRULE(?=[;:])/gim;

/** Unfolds and parses; RRULE lines travel as RAW_RRULE (see there). */
export function parseCalendar(ics: string): ICAL.Component {
  const unfolded = ics.replace(/\r?\n[ \t]/g, "");
  return new ICAL.Component(ICAL.parse(unfolded.replace(RULE_LINE, RAW_RRULE.toUpperCase())));
}

function zonesOf(calendar: ICAL.Component): ZoneContext {
  const vtimezones = new Map<string, ICAL.Timezone>();
  for (const component of calendar.getAllSubcomponents("vtimezone")) {
    const tzid = component.getFirstPropertyValue("tzid");
    if (typeof tzid === "string") vtimezones.set(tzid, new ICAL.Timezone(component));
  }
  return { vtimezones };
}

const isOverride = (component: ICAL.Component) => component.hasProperty("recurrence-id");

/** The items of one resource: its master (if any) first, then its overrides. */
export function itemsOf(resource: Resource): RemoteItem[] {
  let calendar: ICAL.Component;
  try {
    calendar = parseCalendar(resource.ics);
  } catch {
    return [];
  }
  const zones = zonesOf(calendar);
  const events = calendar.getAllSubcomponents("vevent");
  const master = events.find((component) => !isOverride(component));
  const items: RemoteItem[] = [];
  const masterRead = master ? readComponent(master, zones) : null;
  if (masterRead) items.push({ remoteId: resource.href, versionToken: resource.etag, seriesRemoteId: null, ...masterRead });
  for (const component of events.filter(isOverride)) {
    const read = readComponent(component, zones);
    if (!read?.content.originalStart) continue;
    // An override without its master (an invitation to one occurrence) stands alone.
    const standalone = !masterRead?.content.rrule;
    items.push({
      remoteId: exceptionId(resource.href, read.content.originalStart),
      versionToken: resource.etag,
      seriesRemoteId: standalone ? null : resource.href,
      ...read,
      content: standalone ? { ...read.content, originalStart: null } : read.content,
    });
  }
  return items;
}

/** The component for the master (originalStart null) or the override of one occurrence. */
export function findComponent(calendar: ICAL.Component, originalStart: string | null): ICAL.Component | null {
  const zones = zonesOf(calendar);
  return (
    calendar.getAllSubcomponents("vevent").find((component) => {
      if (originalStart === null) return !isOverride(component);
      return isOverride(component) && readComponent(component, zones)?.content.originalStart === originalStart;
    }) ?? null
  );
}

export function newCalendar(): ICAL.Component {
  const calendar = new ICAL.Component("vcalendar");
  calendar.addPropertyWithValue("version", "2.0");
  calendar.addPropertyWithValue("prodid", "-//Atollon//Calendar Sync//EN");
  return calendar;
}

/** Writes the master or an override, creating it when the resource has none; `uid` names a new resource's event. */
export function putComponent(calendar: ICAL.Component, originalStart: string | null, content: EventContent, localId: string, uid: string): void {
  let component = findComponent(calendar, originalStart);
  if (!component) {
    component = new ICAL.Component("vevent", calendar);
    const existingUid = calendar.getFirstSubcomponent("vevent")?.getFirstPropertyValue("uid");
    component.addPropertyWithValue("uid", typeof existingUid === "string" ? existingUid : uid);
    calendar.addSubcomponent(component);
  }
  writeComponent(component, { ...content, originalStart }, localId);
}

export function removeComponent(calendar: ICAL.Component, originalStart: string): boolean {
  const component = findComponent(calendar, originalStart);
  if (component) calendar.removeSubcomponent(component);
  return component !== null;
}

/** Every zone the resource names has its VTIMEZONE: kept when the resource had one, written from zone data when not. */
function completeTimezones(calendar: ICAL.Component): void {
  const used = new Set<string>();
  const walk = (component: ICAL.Component) => {
    for (const property of component.getAllProperties()) {
      const tzid = property.getParameter("tzid");
      if (typeof tzid === "string") used.add(tzid);
    }
    component.getAllSubcomponents().forEach(walk);
  };
  calendar.getAllSubcomponents("vevent").forEach(walk);
  const present = new Set(calendar.getAllSubcomponents("vtimezone").map((component) => String(component.getFirstPropertyValue("tzid"))));
  const firstYear = Math.min(...calendar.getAllSubcomponents("vevent").map((event) => (event.getFirstPropertyValue("dtstart") as ICAL.Time | null)?.year ?? new Date().getUTCFullYear()));
  for (const tzid of used) {
    if (present.has(tzid) || ianaZone(tzid) !== tzid) continue;
    const zone = new ICAL.Component(ICAL.parse(["BEGIN:VCALENDAR", ...vtimezoneLines(tzid, firstYear), "END:VCALENDAR"].join("\r\n"))).getFirstSubcomponent("vtimezone");
    if (zone) calendar.addSubcomponent(zone);
  }
  // VTIMEZONEs before the events that use them, as clients write them.
  const zones = calendar.getAllSubcomponents("vtimezone");
  const events = calendar.getAllSubcomponents().filter((component) => component.name !== "vtimezone");
  calendar.removeAllSubcomponents();
  for (const component of [...zones, ...events]) calendar.addSubcomponent(component);
}

export function serializeCalendar(calendar: ICAL.Component): string {
  completeTimezones(calendar);
  const text = calendar.toString().replace(new RegExp(`^${RAW_RRULE}(?=[;:])`, "gim"), "RRULE");
  return text.endsWith("\r\n") ? text : `${text}\r\n`;
}
