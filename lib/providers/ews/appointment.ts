import {
  Appointment,
  AppointmentSchema,
  Attendee as EwsAttendee,
  BodyType,
  DateTime,
  ExchangeVersion,
  ExtendedPropertyDefinition,
  Guid,
  LegacyFreeBusyStatus,
  MapiPropertyType,
  MeetingResponseType,
  MessageBody,
  Sensitivity,
  TimeZoneInfo,
  type PropertyDefinitionBase,
} from "ews-javascript-api";
import { findIana, findWindows } from "windows-iana";
import { eventContentSchema, type Attendee, type EventContent } from "@/lib/calendar/event-content";
import { floatingFromInstant } from "@/lib/calendar/time";
import { fromLibraryRecurrence, patternOf, ruleOf, toLibraryRecurrence, type EwsPattern } from "@/lib/providers/ews/recurrence";
import { windowsZoneNamed } from "@/lib/providers/ews/legacy-zone";
import { escapeXml } from "@/lib/providers/ews/xml";
import { changedFields, type ContentField } from "@/lib/sync/content-hash";

/**
 * Appointment ↔ EventContent. Exchange keeps less than EventContent says (one reminder, no
 * "public", no answer of an attendee we write, a Windows zone instead of an IANA one, a pattern
 * instead of a rule string), so every item this app writes also carries what it wrote, in an
 * extended property. Reading takes a field from there only while the appointment still holds what
 * writing that field produced — an edit in Outlook always wins over the remembered value.
 */

export const PROPERTY_SET = "6b0b8f5e-3a1d-4e6f-9c2a-3f6e1c9d7a41";
export const ours = (name: string) => new ExtendedPropertyDefinition(new Guid(PROPERTY_SET), name, MapiPropertyType.String);
/**
 * The local event id: how a crashed run finds the item it created. Stored as a JSON string, because
 * the library trims the text it reads.
 */
export const LOCAL_ID = ours("atollonEventId");
export const encodeLocalId = (localId: string) => escapeXml(JSON.stringify(localId));
function decodeLocalId(value: string | null): string | null {
  if (value === null) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "string" ? parsed : value;
  } catch {
    // Written by an earlier version of this app, as the bare id.
    return value;
  }
}
/** The content as written (free text only when the library would not read it back exactly). */
export const WRITTEN = ours("atollonWritten");

/** What Exchange holds of an event, as plain comparable data. */
export interface EwsView {
  subject: string;
  body: string;
  location: string;
  allDay: boolean;
  /** Dates for all-day items, UTC instants otherwise. */
  start: string;
  end: string;
  zone: string;
  freeBusy: string;
  sensitivity: string;
  /** Minutes before the start; null when no reminder is set. */
  reminder: number | null;
  attendees: { email: string; name: string | null; optional: boolean }[];
  recurrence: EwsPattern | null;
  /** Deleted occurrences (EventContent form, sorted). */
  deleted: string[];
  originalStart: string | null;
}

export interface ReadAppointment {
  view: EwsView;
  responses: Attendee["response"][];
  organizer: EventContent["organizer"];
  written: EventContent | null;
  localTag: string | null;
}

export const ianaOf = (windows: string) => (windows === "UTC" ? "UTC" : (findIana(windows as Parameters<typeof findIana>[0])[0] ?? "UTC"));

/** The Windows zone an IANA zone is written as (UTC when Exchange has no equivalent). */
export function windowsZone(iana: string | null): string {
  const candidate = iana ? findWindows(iana)[0] : undefined;
  if (!candidate) return "UTC";
  try {
    return TimeZoneInfo.FindSystemTimeZoneById(candidate).Id;
  } catch {
    // The library lacks this zone's rules: UTC keeps the instants right, the IANA zone is remembered.
    return "UTC";
  }
}

const SENSITIVITY: Record<EventContent["visibility"], string> = { default: "Normal", public: "Normal", private: "Private", confidential: "Confidential" };
const freeBusyOf = (content: EventContent) => (content.transparency === "transparent" ? "Free" : content.status === "tentative" ? "Tentative" : "Busy");

/** The view writing `content` produces. Throws NotExpressibleError for a rule Exchange cannot hold. */
export function viewOf(content: EventContent): EwsView {
  return {
    subject: content.title,
    body: content.description,
    location: content.location,
    allDay: content.allDay,
    start: content.start,
    end: content.end,
    zone: content.allDay ? "UTC" : windowsZone(content.timeZone),
    freeBusy: freeBusyOf(content),
    sensitivity: SENSITIVITY[content.visibility],
    reminder: content.reminders === null ? 15 : (content.reminders[0] ?? null),
    attendees: content.attendees.map((attendee) => ({ email: attendee.email, name: attendee.name?.trim() || null, optional: attendee.optional })),
    recurrence: content.rrule ? patternOf(content) : null,
    // EXDATEs without a rule exclude nothing; Exchange has nowhere to keep them, the remembered copy does.
    deleted: content.rrule ? [...content.exdates].sort() : [],
    originalStart: content.originalStart,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const RESPONSE: Partial<Record<MeetingResponseType, Attendee["response"]>> = {
  [MeetingResponseType.Accept]: "accepted",
  [MeetingResponseType.Organizer]: "accepted",
  [MeetingResponseType.Decline]: "declined",
  [MeetingResponseType.Tentative]: "tentative",
};

/** EventContent from what Exchange holds, taking remembered values where they still apply. */
export function contentOf({ view, responses, organizer, written }: ReadAppointment): EventContent {
  const timeZone = view.allDay ? null : ianaOf(view.zone);
  const fromView: EventContent = {
    title: view.subject,
    description: view.body,
    location: view.location,
    allDay: view.allDay,
    start: view.start,
    end: view.end,
    timeZone,
    rrule: view.recurrence ? ruleOf(view.recurrence, { allDay: view.allDay, start: view.start, timeZone }) : null,
    exdates: view.deleted,
    rdates: [],
    status: view.freeBusy === "Tentative" ? "tentative" : "confirmed",
    transparency: view.freeBusy === "Free" ? "transparent" : "opaque",
    visibility: view.sensitivity === "Confidential" ? "confidential" : view.sensitivity === "Private" || view.sensitivity === "Personal" ? "private" : "default",
    reminders: view.reminder === null ? [] : [view.reminder],
    attendees: view.attendees.map((attendee, index) => ({ ...attendee, response: responses[index] ?? "needsAction" })),
    organizer,
    originalStart: view.originalStart,
  };
  if (!written || written.originalStart !== view.originalStart) return fromView;
  let then: EwsView;
  try {
    then = viewOf(written);
  } catch {
    return fromView;
  }
  const kept = (...keys: (keyof EwsView)[]) => keys.every((key) => same(then[key], view[key]));
  const answered = (response: Attendee["response"] | undefined) => response !== undefined && response !== "needsAction";
  const text = (field: "title" | "description" | "location", value: string) => (written[field].trim() === value.trim() ? written[field] : value);
  return {
    ...fromView,
    title: text("title", view.subject),
    description: text("description", view.body),
    location: text("location", view.location),
    timeZone: kept("allDay", "zone") ? written.timeZone : timeZone,
    rrule: kept("allDay", "start", "zone", "recurrence") ? written.rrule : fromView.rrule,
    exdates: kept("deleted") ? written.exdates : fromView.exdates,
    rdates: written.rdates,
    status: kept("freeBusy") ? written.status : fromView.status,
    transparency: kept("freeBusy") ? written.transparency : fromView.transparency,
    visibility: kept("sensitivity") ? written.visibility : fromView.visibility,
    reminders: kept("reminder") ? written.reminders : fromView.reminders,
    // An answer Exchange recorded (a person replied) wins over the one remembered.
    attendees: kept("attendees") ? written.attendees.map((attendee, index) => (answered(responses[index]) ? { ...attendee, response: responses[index] ?? attendee.response } : attendee)) : fromView.attendees,
    // Exchange makes the mailbox owner the organizer of every item created in it.
    organizer: written.organizer,
  };
}

function property<T>(appointment: Appointment, definition: PropertyDefinitionBase): T | null {
  const out: { outValue: T | null } = { outValue: null };
  return appointment.TryGetProperty(definition, out) ? out.outValue : null;
}

export function extendedValue(appointment: Appointment, definition: ExtendedPropertyDefinition): string | null {
  const found = appointment.ExtendedProperties.GetEnumerator().find((entry) => entry.PropertyDefinition.Name === definition.Name && entry.PropertyDefinition.PropertySetId?.ToString().toLowerCase() === PROPERTY_SET);
  return found ? String(found.Value) : null;
}

/** A time as EventContent has it: the date in the item's zone for all-day items, the instant otherwise. */
export function pointOf(value: DateTime, allDay: boolean, zone: string): string {
  const instant = new Date(value.MomentDate.valueOf());
  return allDay ? floatingFromInstant(instant, ianaOf(zone)).toISOString().slice(0, 10) : instant.toISOString();
}

/** Reads an appointment loaded with the provider's property set. `cancelled` are deleted occurrences that are cancelled exceptions, not exdates. */
export function readAppointment(appointment: Appointment, cancelled: Set<string> = new Set()): ReadAppointment {
  const allDay = appointment.IsAllDayEvent;
  // Exchange 2010+ sends StartTimeZone, 2007 SP1 MeetingTimeZone (read by the library as it); some 2007 items only the TimeZone string.
  const zone = property<TimeZoneInfo>(appointment, AppointmentSchema.StartTimeZone)?.Id ?? windowsZoneNamed(property<string>(appointment, AppointmentSchema.TimeZone)) ?? "UTC";
  const attendees = [...appointment.RequiredAttendees.GetEnumerator().map((a) => ({ a, optional: false })), ...appointment.OptionalAttendees.GetEnumerator().map((a) => ({ a, optional: true }))];
  const recurrence = property<Appointment["Recurrence"]>(appointment, AppointmentSchema.Recurrence);
  const deleted = property<Appointment["DeletedOccurrences"]>(appointment, AppointmentSchema.DeletedOccurrences);
  const originalStart = property<DateTime>(appointment, AppointmentSchema.OriginalStart);
  const organizer = property<Appointment["Organizer"]>(appointment, AppointmentSchema.Organizer);
  const written = extendedValue(appointment, WRITTEN);
  let remembered: EventContent | null = null;
  try {
    const parsed = written ? eventContentSchema.safeParse({ title: appointment.Subject ?? "", description: appointment.Body?.Text ?? "", location: appointment.Location ?? "", ...JSON.parse(written) }) : null;
    remembered = parsed?.success ? parsed.data : null;
  } catch {
    // Not JSON (edited by another program): read the appointment as it is.
  }
  const view: EwsView = {
    subject: appointment.Subject ?? "",
    body: appointment.Body?.Text ?? "",
    location: appointment.Location ?? "",
    allDay,
    start: pointOf(appointment.Start, allDay, zone),
    end: pointOf(appointment.End, allDay, zone),
    zone: allDay ? "UTC" : zone,
    freeBusy: LegacyFreeBusyStatus[appointment.LegacyFreeBusyStatus] ?? "Busy",
    sensitivity: Sensitivity[appointment.Sensitivity] ?? "Normal",
    reminder: appointment.IsReminderSet ? appointment.ReminderMinutesBeforeStart : null,
    attendees: attendees.map(({ a, optional }) => ({ email: (a.Address ?? "").trim().toLowerCase(), name: a.Name || null, optional })),
    recurrence: recurrence ? fromLibraryRecurrence(recurrence) : null,
    deleted: (deleted?.GetEnumerator() ?? []).map((entry) => pointOf(entry.OriginalStart, allDay, zone)).filter((start) => !cancelled.has(start)).sort(),
    originalStart: originalStart ? pointOf(originalStart, allDay, zone) : null,
  };
  return {
    view,
    responses: attendees.map(({ a }) => RESPONSE[a.ResponseType as MeetingResponseType] ?? "needsAction"),
    organizer: organizer?.Address ? { email: organizer.Address.trim().toLowerCase(), name: organizer.Name || null } : null,
    written: remembered,
    localTag: decodeLocalId(extendedValue(appointment, LOCAL_ID)),
  };
}

const zoneInfo = (windows: string) => (windows === "UTC" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(windows));
// An unspecified-kind DateTime: the library writes it with the process's offset, the same instant (a UTC kind
// makes it convert through the item's zone, which fails).
const instantOf = (value: string, allDay: boolean) => new DateTime(Date.parse(allDay ? `${value}T00:00:00.000Z` : value));

/**
 * Sets the fields of `content` on an appointment (new, or bound for an update): with `previous`
 * (what the item holds, in the app's terms) only those that differ from it, so UpdateItem sets only
 * those and Exchange keeps the rest as it is — an HTML body, categories, what the app does not model.
 * All text goes through escapeXml: the library writes strings into the request as they are. The
 * recurrence is set on series only; an occurrence has none of its own.
 */
export function writeAppointment(appointment: Appointment, content: EventContent, localId: string, kind: "item" | "occurrence", previous: EventContent | null = null): void {
  const view = viewOf(content);
  const changed = changedFields(previous, content);
  const any = (...fields: ContentField[]) => fields.some((field) => changed.has(field));
  // The library trims the text it reads: text with surrounding white space is remembered whole.
  const { title, description, location, ...rest } = content;
  const padded = (value: string) => value !== value.trim();
  const remembered = { ...rest, ...(padded(title) ? { title } : {}), ...(padded(description) ? { description } : {}), ...(padded(location) ? { location } : {}) };
  if (changed.has("title")) appointment.Subject = escapeXml(title);
  if (changed.has("description")) appointment.Body = new MessageBody(BodyType.Text, escapeXml(description));
  if (changed.has("location")) appointment.Location = escapeXml(location);
  if (changed.has("visibility")) appointment.Sensitivity = Sensitivity[view.sensitivity as keyof typeof Sensitivity];
  if (changed.has("reminders")) {
    appointment.IsReminderSet = view.reminder !== null;
    if (view.reminder !== null) appointment.ReminderMinutesBeforeStart = view.reminder;
  }
  if (any("allDay", "start", "end", "timeZone")) {
    appointment.IsAllDayEvent = content.allDay;
    // Explicit UTC instants plus explicit zones: the one reading Exchange never reinterprets.
    appointment.Start = instantOf(content.start, content.allDay);
    appointment.End = instantOf(content.end, content.allDay);
    appointment.StartTimeZone = zoneInfo(view.zone);
    // Exchange2007_SP1 has one zone for both ends (the library sends StartTimeZone as MeetingTimeZone)
    // and refuses EndTimeZone; the zones are always equal here, so nothing is lost.
    if (appointment.Service.RequestedServerVersion >= ExchangeVersion.Exchange2010) appointment.EndTimeZone = zoneInfo(view.zone);
  }
  if (any("status", "transparency")) appointment.LegacyFreeBusyStatus = LegacyFreeBusyStatus[view.freeBusy as keyof typeof LegacyFreeBusyStatus];
  if (changed.has("attendees")) {
    appointment.RequiredAttendees.Clear();
    appointment.OptionalAttendees.Clear();
    for (const attendee of content.attendees) {
      const entry = attendee.name ? new EwsAttendee(escapeXml(attendee.name), escapeXml(attendee.email)) : new EwsAttendee(escapeXml(attendee.email));
      (attendee.optional ? appointment.OptionalAttendees : appointment.RequiredAttendees).Add(entry);
    }
  }
  if (kind === "item") {
    // Only a changed pattern is sent: Exchange may drop a series' exceptions when its recurrence is set.
    const current = appointment.IsNew ? null : property<Appointment["Recurrence"]>(appointment, AppointmentSchema.Recurrence);
    const before = current ? fromLibraryRecurrence(current) : null;
    if (view.recurrence && !same(before, view.recurrence)) {
      appointment.Recurrence = toLibraryRecurrence(view.recurrence, { firstDayOfWeek: appointment.Service.RequestedServerVersion >= ExchangeVersion.Exchange2010_SP1 });
    }
    // The typings do not admit null, which is how the library clears a property (DeleteItemField).
    else if (!view.recurrence && current) appointment.Recurrence = null as unknown as Appointment["Recurrence"];
  }
  appointment.SetExtendedProperty(LOCAL_ID, encodeLocalId(localId));
  appointment.SetExtendedProperty(WRITTEN, escapeXml(JSON.stringify(remembered)));
}
