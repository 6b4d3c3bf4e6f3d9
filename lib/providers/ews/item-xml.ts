import { findIana, findWindows } from "windows-iana";
import type { Attendee, EventContent } from "@/lib/calendar/event-content";
import type { RemoteItem } from "@/lib/sync/provider";
import { attr, child, children, text, type XmlNode } from "@/lib/providers/ews/soap";
import { escapeXml } from "@/lib/providers/ews/xml";

/** This app's property set: the local event id, and the IANA zone the item was written in. */
export const PROPERTY_SET = "6b0b8f5e-3a1d-4e6f-9c2a-3f6e1c9d7a41";
export const LOCAL_ID_PROPERTY = `<t:ExtendedFieldURI PropertySetId="${PROPERTY_SET}" PropertyName="atollonEventId" PropertyType="String"/>`;
export const ZONE_PROPERTY = `<t:ExtendedFieldURI PropertySetId="${PROPERTY_SET}" PropertyName="atollonTimeZone" PropertyType="String"/>`;

export const ITEM_FIELDS = [
  "item:Subject",
  "item:Body",
  "item:Sensitivity",
  "item:ReminderIsSet",
  "item:ReminderMinutesBeforeStart",
  "item:LastModifiedTime",
  "calendar:Start",
  "calendar:End",
  "calendar:IsAllDayEvent",
  "calendar:LegacyFreeBusyStatus",
  "calendar:Location",
  "calendar:IsCancelled",
  "calendar:CalendarItemType",
  "calendar:Organizer",
  "calendar:RequiredAttendees",
  "calendar:OptionalAttendees",
  "calendar:StartTimeZone",
];

export const ITEM_SHAPE = `<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:BodyType>Text</t:BodyType><t:AdditionalProperties>${ITEM_FIELDS.map((uri) => `<t:FieldURI FieldURI="${uri}"/>`).join("")}${LOCAL_ID_PROPERTY}${ZONE_PROPERTY}</t:AdditionalProperties></m:ItemShape>`;

const RESPONSE_TO_EWS: Record<Attendee["response"], string> = { needsAction: "NoResponseReceived", accepted: "Accept", declined: "Decline", tentative: "Tentative" };
const RESPONSE_FROM_EWS: Record<string, Attendee["response"]> = { Accept: "accepted", Decline: "declined", Tentative: "tentative", Organizer: "accepted" };
const SENSITIVITY_TO_EWS: Record<EventContent["visibility"], string> = { default: "Normal", public: "Normal", private: "Private", confidential: "Confidential" };
const SENSITIVITY_FROM_EWS: Record<string, EventContent["visibility"]> = { Personal: "private", Private: "private", Confidential: "confidential" };

export function windowsZone(iana: string | null): string {
  return (iana && findWindows(iana)[0]) ?? "UTC";
}

const attendeesXml = (list: Attendee[]) =>
  list
    .map(
      (attendee) =>
        `<t:Attendee><t:Mailbox>${attendee.name !== null ? `<t:Name>${escapeXml(attendee.name)}</t:Name>` : ""}<t:EmailAddress>${escapeXml(attendee.email)}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox><t:ResponseType>${RESPONSE_TO_EWS[attendee.response]}</t:ResponseType></t:Attendee>`,
    )
    .join("");

// An all-day item is stored from midnight to midnight; UTC midnights keep the calendar dates exact.
const instantOf = (content: EventContent, value: string) => (content.allDay ? `${value}T00:00:00Z` : value);

/** Field values in CalendarItem schema order, each as [FieldURI, element XML or null to clear]. */
export function itemFields(content: EventContent, localId: string): { uri: string; xml: string | null }[] {
  const required = content.attendees.filter((attendee) => !attendee.optional);
  const optional = content.attendees.filter((attendee) => attendee.optional);
  const freeBusy = content.transparency === "transparent" ? "Free" : content.status === "tentative" ? "Tentative" : "Busy";
  const reminder = content.reminders?.[0];
  return [
    { uri: "item:Subject", xml: `<t:Subject>${escapeXml(content.title)}</t:Subject>` },
    { uri: "item:Sensitivity", xml: `<t:Sensitivity>${SENSITIVITY_TO_EWS[content.visibility]}</t:Sensitivity>` },
    { uri: "item:Body", xml: `<t:Body BodyType="Text">${escapeXml(content.description)}</t:Body>` },
    { uri: "item:ReminderIsSet", xml: content.reminders === null ? null : `<t:ReminderIsSet>${reminder !== undefined}</t:ReminderIsSet>` },
    { uri: "item:ReminderMinutesBeforeStart", xml: reminder === undefined ? null : `<t:ReminderMinutesBeforeStart>${reminder}</t:ReminderMinutesBeforeStart>` },
    { uri: "ext:localId", xml: `<t:ExtendedProperty>${LOCAL_ID_PROPERTY}<t:Value>${escapeXml(localId)}</t:Value></t:ExtendedProperty>` },
    { uri: "ext:zone", xml: `<t:ExtendedProperty>${ZONE_PROPERTY}<t:Value>${escapeXml(content.timeZone ?? "")}</t:Value></t:ExtendedProperty>` },
    { uri: "calendar:Start", xml: `<t:Start>${instantOf(content, content.start)}</t:Start>` },
    { uri: "calendar:End", xml: `<t:End>${instantOf(content, content.end)}</t:End>` },
    { uri: "calendar:IsAllDayEvent", xml: `<t:IsAllDayEvent>${content.allDay}</t:IsAllDayEvent>` },
    { uri: "calendar:LegacyFreeBusyStatus", xml: `<t:LegacyFreeBusyStatus>${freeBusy}</t:LegacyFreeBusyStatus>` },
    { uri: "calendar:Location", xml: `<t:Location>${escapeXml(content.location)}</t:Location>` },
    { uri: "calendar:RequiredAttendees", xml: required.length ? `<t:RequiredAttendees>${attendeesXml(required)}</t:RequiredAttendees>` : null },
    { uri: "calendar:OptionalAttendees", xml: optional.length ? `<t:OptionalAttendees>${attendeesXml(optional)}</t:OptionalAttendees>` : null },
    { uri: "calendar:StartTimeZone", xml: `<t:StartTimeZone Id="${escapeXml(content.allDay ? "UTC" : windowsZone(content.timeZone))}"/>` },
  ];
}

export function calendarItemXml(content: EventContent, localId: string): string {
  return `<t:CalendarItem>${itemFields(content, localId)
    .map((field) => field.xml ?? "")
    .join("")}</t:CalendarItem>`;
}

/** UpdateItem changes: set every field, delete the ones that are now empty. */
export function itemChangesXml(content: EventContent, localId: string): string {
  return itemFields(content, localId)
    .map(({ uri, xml }) => {
      const path = uri === "ext:localId" ? LOCAL_ID_PROPERTY : uri === "ext:zone" ? ZONE_PROPERTY : `<t:FieldURI FieldURI="${uri}"/>`;
      return xml === null ? `<t:DeleteItemField>${path}</t:DeleteItemField>` : `<t:SetItemField>${path}<t:CalendarItem>${xml}</t:CalendarItem></t:SetItemField>`;
    })
    .join("");
}

function extended(node: XmlNode, name: string): string | null {
  const found = children(node, "ExtendedProperty").find((property) => attr(child(property, "ExtendedFieldURI"), "PropertyName") === name);
  return found ? (text(found, "Value") ?? "") : null;
}

const toInstant = (value: string) => new Date(value).toISOString();

function readAttendees(node: XmlNode | undefined, optional: boolean): Attendee[] {
  return children(node, "Attendee").map((attendee) => {
    const mailbox = child(attendee, "Mailbox");
    return {
      email: (text(mailbox, "EmailAddress") ?? "").trim().toLowerCase(),
      name: text(mailbox, "Name") ?? null,
      response: RESPONSE_FROM_EWS[text(attendee, "ResponseType") ?? ""] ?? "needsAction",
      optional,
    };
  });
}

/** A CalendarItem from GetItem as the engine's RemoteItem. */
export function remoteItemFrom(node: XmlNode): RemoteItem {
  const id = child(node, "ItemId");
  const allDay = text(node, "IsAllDayEvent") === "true";
  const windows = attr(child(node, "StartTimeZone"), "Id") ?? "UTC";
  const written = extended(node, "atollonTimeZone");
  // The zone this app wrote survives as long as an Outlook user kept the item in that zone.
  const zone = written && (findWindows(written) as string[]).includes(windows) ? written : (findIana(windows as Parameters<typeof findIana>[0])[0] ?? "UTC");
  const start = text(node, "Start") ?? "";
  const end = text(node, "End") ?? start;
  const freeBusy = text(node, "LegacyFreeBusyStatus");
  const reminderSet = text(node, "ReminderIsSet");
  const organizer = child(child(node, "Organizer"), "Mailbox");
  const organizerEmail = text(organizer, "EmailAddress")?.trim().toLowerCase();
  const content: EventContent = {
    title: text(node, "Subject") ?? "",
    description: text(node, "Body") ?? "",
    location: text(node, "Location") ?? "",
    allDay,
    start: allDay ? toInstant(start).slice(0, 10) : toInstant(start),
    end: allDay ? toInstant(end).slice(0, 10) : toInstant(end),
    timeZone: allDay ? null : zone,
    rrule: null,
    exdates: [],
    rdates: [],
    status: text(node, "IsCancelled") === "true" ? "cancelled" : freeBusy === "Tentative" ? "tentative" : "confirmed",
    transparency: freeBusy === "Free" ? "transparent" : "opaque",
    visibility: SENSITIVITY_FROM_EWS[text(node, "Sensitivity") ?? ""] ?? "default",
    reminders: reminderSet === undefined ? null : reminderSet === "true" ? [Number(text(node, "ReminderMinutesBeforeStart") ?? 15)] : [],
    attendees: [...readAttendees(child(node, "RequiredAttendees"), false), ...readAttendees(child(node, "OptionalAttendees"), true)],
    organizer: organizerEmail ? { email: organizerEmail, name: text(organizer, "Name") ?? null } : null,
    originalStart: null,
  };
  return {
    remoteId: attr(id, "Id") ?? "",
    versionToken: attr(id, "ChangeKey") ?? "",
    localTag: extended(node, "atollonEventId") || null,
    seriesRemoteId: null,
    content,
    updatedAt: text(node, "LastModifiedTime") ? toInstant(text(node, "LastModifiedTime") ?? "") : null,
  };
}
