import { ewsInstant, extendedKey, occurrenceId, type FakeAttendee, type FakeException, type FakeFields, type FakeItem } from "@/tests/fakes/ews/mailbox";
import { htmlOfText, textOfHtml } from "@/tests/fakes/html-text";
import { ianaOf, type FakePattern, type FakeRange, type FakeRecurrence } from "@/tests/fakes/ews/recurrence";

/** Between the fake's items and the XML of requests and answers (element names and order from types.xsd). */

export type Node = Record<string, unknown>;

export const obj = (value: unknown): Node | undefined => (Array.isArray(value) ? obj(value[0]) : value && typeof value === "object" ? (value as Node) : undefined);
export const list = (value: unknown): Node[] => (Array.isArray(value) ? value.filter((entry): entry is Node => typeof entry === "object") : value && typeof value === "object" ? [value as Node] : []);
export const str = (value: unknown): string | undefined =>
  typeof value === "string" ? value : Array.isArray(value) ? str(value[0]) : value && typeof value === "object" ? String((value as Node)["#text"] ?? "") : undefined;
export const at = (node: Node | undefined, name: string) => str(node?.[`@_${name}`]);
export const attributes = (node: Node | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(node ?? {}).flatMap(([key, value]) => (key.startsWith("@_") && typeof value === "string" ? [[key.slice(2), value]] : [])));

export const esc = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/\r/g, "&#13;");

function attendees(node: unknown): FakeAttendee[] {
  return list(obj(node)?.Attendee).map((attendee) => {
    const mailbox = obj(attendee.Mailbox);
    return { name: str(mailbox?.Name) ?? null, email: str(mailbox?.EmailAddress) ?? "", response: str(attendee.ResponseType) ?? "Unknown" };
  });
}

function recurrenceFrom(node: Node): FakeRecurrence {
  const kinds = ["DailyRecurrence", "WeeklyRecurrence", "AbsoluteMonthlyRecurrence", "RelativeMonthlyRecurrence", "AbsoluteYearlyRecurrence", "RelativeYearlyRecurrence"];
  const kind = kinds.find((name) => name in node);
  const p = obj(node[kind ?? ""]);
  if (!kind || !p) throw new FaultError("ErrorSchemaValidation", "A Recurrence needs a pattern.");
  const interval = Number(str(p.Interval) ?? 1);
  const days = (str(p.DaysOfWeek) ?? "").split(/\s+/).filter(Boolean);
  const pattern: FakePattern =
    kind === "DailyRecurrence"
      ? { kind: "Daily", interval }
      : kind === "WeeklyRecurrence"
        ? { kind: "Weekly", interval, daysOfWeek: days, firstDayOfWeek: str(p.FirstDayOfWeek) ?? null }
        : kind === "AbsoluteMonthlyRecurrence"
          ? { kind: "AbsoluteMonthly", interval, dayOfMonth: Number(str(p.DayOfMonth)) }
          : kind === "RelativeMonthlyRecurrence"
            ? { kind: "RelativeMonthly", interval, dayOfWeek: days[0] ?? "", index: str(p.DayOfWeekIndex) ?? "" }
            : kind === "AbsoluteYearlyRecurrence"
              ? { kind: "AbsoluteYearly", dayOfMonth: Number(str(p.DayOfMonth)), month: str(p.Month) ?? "" }
              : { kind: "RelativeYearly", dayOfWeek: days[0] ?? "", index: str(p.DayOfWeekIndex) ?? "", month: str(p.Month) ?? "" };
  const numbered = obj(node.NumberedRecurrence);
  const endDate = obj(node.EndDateRecurrence);
  const noEnd = obj(node.NoEndRecurrence);
  const range: FakeRange | null = numbered
    ? { kind: "Numbered", startDate: (str(numbered.StartDate) ?? "").slice(0, 10), count: Number(str(numbered.NumberOfOccurrences)) }
    : endDate
      ? { kind: "EndDate", startDate: (str(endDate.StartDate) ?? "").slice(0, 10), endDate: (str(endDate.EndDate) ?? "").slice(0, 10) }
      : noEnd
        ? { kind: "NoEnd", startDate: (str(noEnd.StartDate) ?? "").slice(0, 10) }
        : null;
  if (!range) throw new FaultError("ErrorSchemaValidation", "A Recurrence needs a range.");
  return { pattern, range };
}

/** A refusal of the whole request, answered as a SOAP fault. */
export class FaultError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Applies the fields present in a request's CalendarItem; returns the recurrence when one is set. */
export function applyFields(item: FakeFields & { recurrence?: FakeRecurrence | null }, node: Node): void {
  if ("Subject" in node) item.subject = str(node.Subject) ?? "";
  if ("Body" in node) {
    item.body = str(node.Body) ?? "";
    item.bodyType = at(obj(node.Body), "BodyType") === "HTML" ? "HTML" : "Text";
  }
  if ("Sensitivity" in node) item.sensitivity = str(node.Sensitivity) ?? "Normal";
  if ("ReminderIsSet" in node) item.reminderIsSet = str(node.ReminderIsSet) === "true";
  if ("ReminderMinutesBeforeStart" in node) item.reminderMinutes = Number(str(node.ReminderMinutesBeforeStart));
  for (const property of list(node.ExtendedProperty)) {
    const uri = attributes(obj(property.ExtendedFieldURI));
    item.extended[extendedKey(uri)] = { uri, value: str(property.Value) ?? "" };
  }
  for (const [field, key] of [
    ["Start", "start"],
    ["End", "end"],
  ] as const) {
    if (!(field in node)) continue;
    const value = str(node[field]) ?? "";
    if (Number.isNaN(Date.parse(value))) throw new FaultError("ErrorSchemaValidation", `${field} is not a dateTime.`);
    // A value without Z or an offset is read in the item's time zone; this fake only accepts explicit ones.
    if (!/(Z|[+-]\d{2}:\d{2})$/.test(value)) throw new FaultError("ErrorSchemaValidation", `${field} needs a UTC offset in this fake.`);
    item[key] = ewsInstant(value);
  }
  if ("IsAllDayEvent" in node) item.isAllDay = str(node.IsAllDayEvent) === "true";
  if ("LegacyFreeBusyStatus" in node) item.freeBusy = str(node.LegacyFreeBusyStatus) ?? "Busy";
  if ("Location" in node) item.location = str(node.Location) ?? "";
  if ("RequiredAttendees" in node) item.required = attendees(node.RequiredAttendees);
  if ("OptionalAttendees" in node) item.optional = attendees(node.OptionalAttendees);
  if ("StartTimeZone" in node) item.startTimeZone = at(obj(node.StartTimeZone), "Id") ?? "UTC";
  if ("EndTimeZone" in node) item.endTimeZone = at(obj(node.EndTimeZone), "Id") ?? "UTC";
  // Exchange2007_SP1's one zone, for both ends; the name is the Windows id.
  if ("MeetingTimeZone" in node) item.startTimeZone = item.endTimeZone = at(obj(node.MeetingTimeZone), "TimeZoneName") ?? "UTC";
  if ("Recurrence" in node && "recurrence" in item) item.recurrence = recurrenceFrom(obj(node.Recurrence) ?? {});
}

/** DeleteItemField: clears one field. */
export function clearField(item: FakeFields & { recurrence?: FakeRecurrence | null }, path: Node): void {
  const uri = at(obj(path.FieldURI), "FieldURI");
  const extended = obj(path.ExtendedFieldURI);
  if (extended) delete item.extended[extendedKey(attributes(extended))];
  if (uri === "calendar:RequiredAttendees") item.required = [];
  if (uri === "calendar:OptionalAttendees") item.optional = [];
  if (uri === "item:ReminderIsSet") item.reminderIsSet = false;
  if (uri === "calendar:Location") item.location = "";
  if (uri === "calendar:Recurrence" && "recurrence" in item) item.recurrence = null;
}

const mailboxXml = (name: string | null, email: string) => `<t:Mailbox>${name !== null ? `<t:Name>${esc(name)}</t:Name>` : ""}<t:EmailAddress>${esc(email)}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox>`;
const attendeesXml = (tag: string, entries: FakeAttendee[]) => (entries.length ? `<t:${tag}>${entries.map((a) => `<t:Attendee>${mailboxXml(a.name, a.email)}<t:ResponseType>${a.response}</t:ResponseType></t:Attendee>`).join("")}</t:${tag}>` : "");
/** Minutes east of UTC in January (standard time in the north, where Windows ids mostly live). */
function standardOffset(windowsZone: string): number {
  const zone = ianaOf(windowsZone);
  const parts = new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(new Date(Date.UTC(2026, 0, 1)));
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(parts.find((part) => part.type === "timeZoneName")?.value ?? "");
  return match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/**
 * A TimeZoneDefinitionType as Exchange returns it, reduced to one period (its standard time): the
 * Id names the Windows zone, and clients resolve the rules from it.
 */
function zoneXml(tag: string, id: string): string {
  return `<t:${tag} Id="${esc(id)}" Name="${esc(id)}"><t:Periods><t:Period Bias="${biasOf(id)}" Name="Standard" Id="Std"/></t:Periods><t:TransitionsGroups><t:TransitionsGroup Id="0"><t:Transition><t:To Kind="Period">Std</t:To></t:Transition></t:TransitionsGroup></t:TransitionsGroups><t:Transitions><t:Transition><t:To Kind="Group">0</t:To></t:Transition></t:Transitions></t:${tag}>`;
}

/** UTC minus local standard time, as an xs:duration. */
function biasOf(windowsZone: string): string {
  const bias = -standardOffset(windowsZone);
  return `${bias < 0 ? "-" : ""}PT${Math.floor(Math.abs(bias) / 60)}H${Math.abs(bias) % 60 ? `${Math.abs(bias) % 60}M` : ""}`;
}

/**
 * The item's zone in the answer's schema: Exchange2007_SP1 has only the one MeetingTimeZone
 * (TimeZoneType, reduced here to its name and base offset); 2010 and later have one per end.
 */
const zonesXml = (fields: FakeFields, shape: Shape) =>
  shape.zoneDefinitions
    ? `${zoneXml("StartTimeZone", fields.startTimeZone)}${zoneXml("EndTimeZone", fields.endTimeZone)}`
    : `<t:MeetingTimeZone TimeZoneName="${esc(fields.startTimeZone)}"><t:BaseOffset>${biasOf(fields.startTimeZone)}</t:BaseOffset></t:MeetingTimeZone>`;

function recurrenceXml({ pattern: p, range: r }: FakeRecurrence): string {
  const interval = "interval" in p ? `<t:Interval>${p.interval}</t:Interval>` : "";
  const body =
    p.kind === "Daily"
      ? interval
      : p.kind === "Weekly"
        ? `${interval}<t:DaysOfWeek>${p.daysOfWeek.join(" ")}</t:DaysOfWeek>${p.firstDayOfWeek ? `<t:FirstDayOfWeek>${p.firstDayOfWeek}</t:FirstDayOfWeek>` : ""}`
        : p.kind === "AbsoluteMonthly"
          ? `${interval}<t:DayOfMonth>${p.dayOfMonth}</t:DayOfMonth>`
          : p.kind === "RelativeMonthly"
            ? `${interval}<t:DaysOfWeek>${p.dayOfWeek}</t:DaysOfWeek><t:DayOfWeekIndex>${p.index}</t:DayOfWeekIndex>`
            : p.kind === "AbsoluteYearly"
              ? `<t:DayOfMonth>${p.dayOfMonth}</t:DayOfMonth><t:Month>${p.month}</t:Month>`
              : `<t:DaysOfWeek>${p.dayOfWeek}</t:DaysOfWeek><t:DayOfWeekIndex>${p.index}</t:DayOfWeekIndex><t:Month>${p.month}</t:Month>`;
  const range =
    r.kind === "Numbered"
      ? `<t:NumberedRecurrence><t:StartDate>${r.startDate}Z</t:StartDate><t:NumberOfOccurrences>${r.count}</t:NumberOfOccurrences></t:NumberedRecurrence>`
      : r.kind === "EndDate"
        ? `<t:EndDateRecurrence><t:StartDate>${r.startDate}Z</t:StartDate><t:EndDate>${r.endDate}Z</t:EndDate></t:EndDateRecurrence>`
        : `<t:NoEndRecurrence><t:StartDate>${r.startDate}Z</t:StartDate></t:NoEndRecurrence>`;
  return `<t:Recurrence><t:${p.kind}Recurrence>${body}</t:${p.kind}Recurrence>${range}</t:Recurrence>`;
}

export interface Shape {
  /** IdOnly when false. */
  full: boolean;
  /** Extended properties are returned only when asked for, by key. */
  extended: Set<string>;
  /** Start/EndTimeZone (Exchange2010 and later) rather than MeetingTimeZone. */
  zoneDefinitions: boolean;
  /** ItemShape's BodyType: Best (the default) answers the body as it is kept. */
  bodyType: "Best" | "HTML" | "Text";
}

/** A body in the type the request asked for, converted as Exchange converts it. */
function bodyXml(fields: FakeFields, shape: Shape): string {
  const type = shape.bodyType === "Best" ? fields.bodyType : shape.bodyType;
  const content = type === fields.bodyType ? fields.body : type === "Text" ? textOfHtml(fields.body) : htmlOfText(fields.body);
  return `<t:Body BodyType="${type}">${esc(content)}</t:Body>`;
}

const duration = (fields: FakeFields) => Date.parse(fields.end) - Date.parse(fields.start);
const occurrenceInfo = (master: FakeItem, start: string, exception?: FakeException) =>
  `<t:ItemId Id="${occurrenceId(master.id, start)}" ChangeKey="${exception?.changeKey ?? master.changeKey}"/><t:Start>${exception?.start ?? start}</t:Start><t:End>${exception?.end ?? ewsInstant(new Date(Date.parse(start) + duration(master)).toISOString())}</t:End><t:OriginalStart>${start}</t:OriginalStart>`;

/** The fields every kind of calendar item shares, in types.xsd order around the type-specific parts. */
function fieldsXml(fields: FakeFields, shape: Shape, lastModified: string, typeSpecific: { originalStart?: string; itemType: string; recurrence?: string }): string {
  const extended = Object.entries(fields.extended)
    .filter(([key]) => shape.extended.has(key))
    .map(([, property]) => `<t:ExtendedProperty><t:ExtendedFieldURI ${Object.entries(property.uri).map(([name, value]) => `${name}="${esc(value)}"`).join(" ")}/><t:Value>${esc(property.value)}</t:Value></t:ExtendedProperty>`)
    .join("");
  if (!shape.full) return extended;
  const legacyZone = fields.legacyTimeZone === undefined ? "" : `<t:TimeZone>${esc(fields.legacyTimeZone)}</t:TimeZone>`;
  const xml = `<t:Subject>${esc(fields.subject)}</t:Subject><t:Sensitivity>${fields.sensitivity}</t:Sensitivity>${bodyXml(fields, shape)}<t:ReminderIsSet>${fields.reminderIsSet}</t:ReminderIsSet><t:ReminderMinutesBeforeStart>${fields.reminderMinutes}</t:ReminderMinutesBeforeStart>${extended}<t:LastModifiedTime>${lastModified}</t:LastModifiedTime><t:Start>${fields.start}</t:Start><t:End>${fields.end}</t:End>${typeSpecific.originalStart ? `<t:OriginalStart>${typeSpecific.originalStart}</t:OriginalStart>` : ""}<t:IsAllDayEvent>${fields.isAllDay}</t:IsAllDayEvent><t:LegacyFreeBusyStatus>${fields.freeBusy}</t:LegacyFreeBusyStatus><t:Location>${esc(fields.location)}</t:Location><t:IsCancelled>false</t:IsCancelled><t:IsRecurring>${typeSpecific.itemType !== "Single"}</t:IsRecurring><t:CalendarItemType>${typeSpecific.itemType}</t:CalendarItemType>${fields.organizer ? `<t:Organizer>${mailboxXml(fields.organizer.name, fields.organizer.email)}</t:Organizer>` : ""}${attendeesXml("RequiredAttendees", fields.required)}${attendeesXml("OptionalAttendees", fields.optional)}${legacyZone}${typeSpecific.recurrence ?? ""}${fields.legacyTimeZone === undefined ? zonesXml(fields, shape) : ""}`;
  return (fields.missing ?? []).reduce((out, name) => out.replace(new RegExp(`<t:${name}[ >][\\s\\S]*?</t:${name}>|<t:${name}/>`), ""), xml);
}

/** A single or a master. */
export function itemXml(item: FakeItem, shape: Shape, occurrences: () => string[]): string {
  const id = `<t:ItemId Id="${item.id}" ChangeKey="${item.changeKey}"/>`;
  let recurrence = "";
  if (shape.full && item.recurrence) {
    const all = occurrences();
    const live = all.filter((start) => !item.deleted.has(start));
    const first = live[0];
    const last = live.at(-1);
    const modified = [...item.exceptions.values()].sort((a, b) => a.originalStart.localeCompare(b.originalStart));
    const deleted = [...item.deleted].sort();
    recurrence = `${recurrenceXml(item.recurrence)}${first ? `<t:FirstOccurrence>${occurrenceInfo(item, first, item.exceptions.get(first))}</t:FirstOccurrence>` : ""}${last ? `<t:LastOccurrence>${occurrenceInfo(item, last, item.exceptions.get(last))}</t:LastOccurrence>` : ""}${
      modified.length ? `<t:ModifiedOccurrences>${modified.map((exception) => `<t:Occurrence>${occurrenceInfo(item, exception.originalStart, exception)}</t:Occurrence>`).join("")}</t:ModifiedOccurrences>` : ""
    }${deleted.length ? `<t:DeletedOccurrences>${deleted.map((start) => `<t:DeletedOccurrence><t:Start>${start}</t:Start></t:DeletedOccurrence>`).join("")}</t:DeletedOccurrences>` : ""}`;
  }
  return `<t:CalendarItem>${id}${fieldsXml(item, shape, item.lastModified, { itemType: item.itemType, recurrence })}</t:CalendarItem>`;
}

/** An occurrence of a master: its exception when modified, else the master's fields at that start. */
export function occurrenceXml(master: FakeItem, originalStart: string, shape: Shape): string {
  const exception = master.exceptions.get(originalStart);
  const fields: FakeFields = exception ?? { ...master, start: originalStart, end: ewsInstant(new Date(Date.parse(originalStart) + duration(master)).toISOString()) };
  const id = `<t:ItemId Id="${occurrenceId(master.id, originalStart)}" ChangeKey="${exception?.changeKey ?? master.changeKey}"/>`;
  return `<t:CalendarItem>${id}${fieldsXml(fields, shape, exception?.lastModified ?? master.lastModified, { originalStart, itemType: exception ? "Exception" : "Occurrence" })}</t:CalendarItem>`;
}
