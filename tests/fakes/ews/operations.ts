import { XMLParser } from "fast-xml-parser";
import type { FakeAttendee, FakeItem, FakeMailbox } from "@/tests/fakes/ews/mailbox";

type Node = Record<string, unknown>;

export const requestParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ["ItemId", "CalendarItem", "Attendee", "ExtendedProperty", "ItemChange", "SetItemField", "DeleteItemField", "IsEqualTo"].includes(name),
});

const M = "http://schemas.microsoft.com/exchange/services/2006/messages";
const T = "http://schemas.microsoft.com/exchange/services/2006/types";

const esc = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/\r/g, "&#13;");
const obj = (value: unknown): Node | undefined => (Array.isArray(value) ? obj(value[0]) : value && typeof value === "object" ? (value as Node) : undefined);
const list = (value: unknown): Node[] => (Array.isArray(value) ? value.filter((entry): entry is Node => typeof entry === "object") : value && typeof value === "object" ? [value as Node] : []);
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : Array.isArray(value) ? str(value[0]) : value && typeof value === "object" ? String((value as Node)["#text"] ?? "") : undefined);
const at = (node: Node | undefined, name: string) => str(node?.[`@_${name}`]);

function attendees(node: unknown): FakeAttendee[] {
  return list(obj(node)?.Attendee).map((attendee) => {
    const mailbox = obj(attendee.Mailbox);
    return { name: str(mailbox?.Name) ?? null, email: str(mailbox?.EmailAddress) ?? "", response: str(attendee.ResponseType) ?? "Unknown" };
  });
}

/** Applies the fields present in a request's CalendarItem to a stored item. */
function applyFields(item: FakeItem, node: Node): void {
  if ("Subject" in node) item.subject = str(node.Subject) ?? "";
  if ("Body" in node) item.body = str(node.Body) ?? "";
  if ("Sensitivity" in node) item.sensitivity = str(node.Sensitivity) ?? "Normal";
  if ("ReminderIsSet" in node) item.reminderIsSet = str(node.ReminderIsSet) === "true";
  if ("ReminderMinutesBeforeStart" in node) item.reminderMinutes = Number(str(node.ReminderMinutesBeforeStart));
  for (const property of list(node.ExtendedProperty)) {
    const name = at(obj(property.ExtendedFieldURI), "PropertyName");
    if (name) item.extended[name] = str(property.Value) ?? "";
  }
  if ("Start" in node) item.start = new Date(str(node.Start) ?? "").toISOString().replace(/\.\d{3}Z$/, "Z");
  if ("End" in node) item.end = new Date(str(node.End) ?? "").toISOString().replace(/\.\d{3}Z$/, "Z");
  if ("IsAllDayEvent" in node) item.isAllDay = str(node.IsAllDayEvent) === "true";
  if ("LegacyFreeBusyStatus" in node) item.freeBusy = str(node.LegacyFreeBusyStatus) ?? "Busy";
  if ("Location" in node) item.location = str(node.Location) ?? "";
  if ("RequiredAttendees" in node) item.required = attendees(node.RequiredAttendees);
  if ("OptionalAttendees" in node) item.optional = attendees(node.OptionalAttendees);
  if ("StartTimeZone" in node) item.startTimeZone = at(obj(node.StartTimeZone), "Id") ?? "UTC";
}

function clearField(item: FakeItem, path: Node): void {
  const uri = at(obj(path.FieldURI), "FieldURI");
  const extended = at(obj(path.ExtendedFieldURI), "PropertyName");
  if (extended) delete item.extended[extended];
  if (uri === "calendar:RequiredAttendees") item.required = [];
  if (uri === "calendar:OptionalAttendees") item.optional = [];
  if (uri === "item:ReminderIsSet") item.reminderIsSet = false;
  if (uri === "calendar:Location") item.location = "";
}

const mailboxXml = (name: string | null, email: string) => `<t:Mailbox>${name !== null ? `<t:Name>${esc(name)}</t:Name>` : ""}<t:EmailAddress>${esc(email)}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox>`;
const attendeesXml = (tag: string, entries: FakeAttendee[]) => (entries.length ? `<t:${tag}>${entries.map((a) => `<t:Attendee>${mailboxXml(a.name, a.email)}<t:ResponseType>${a.response}</t:ResponseType></t:Attendee>`).join("")}</t:${tag}>` : "");

/** A CalendarItem in the element order of types.xsd (ItemType fields, then CalendarItemType's). */
export function itemXml(item: FakeItem, full: boolean): string {
  const id = `<t:ItemId Id="${item.id}" ChangeKey="${item.changeKey}"/>`;
  if (!full) return `<t:CalendarItem>${id}</t:CalendarItem>`;
  const extended = Object.entries(item.extended)
    .map(([name, value]) => `<t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="6b0b8f5e-3a1d-4e6f-9c2a-3f6e1c9d7a41" PropertyName="${esc(name)}" PropertyType="String"/><t:Value>${esc(value)}</t:Value></t:ExtendedProperty>`)
    .join("");
  return `<t:CalendarItem>${id}<t:Subject>${esc(item.subject)}</t:Subject><t:Sensitivity>${item.sensitivity}</t:Sensitivity><t:Body BodyType="Text">${esc(item.body)}</t:Body><t:ReminderIsSet>${item.reminderIsSet}</t:ReminderIsSet><t:ReminderMinutesBeforeStart>${item.reminderMinutes}</t:ReminderMinutesBeforeStart>${extended}<t:LastModifiedTime>${item.lastModified}</t:LastModifiedTime><t:Start>${item.start}</t:Start><t:End>${item.end}</t:End><t:IsAllDayEvent>${item.isAllDay}</t:IsAllDayEvent><t:LegacyFreeBusyStatus>${item.freeBusy}</t:LegacyFreeBusyStatus><t:Location>${esc(item.location)}</t:Location><t:IsCancelled>false</t:IsCancelled><t:CalendarItemType>${item.itemType}</t:CalendarItemType>${item.organizer ? `<t:Organizer>${mailboxXml(item.organizer.name, item.organizer.email)}</t:Organizer>` : ""}${attendeesXml("RequiredAttendees", item.required)}${attendeesXml("OptionalAttendees", item.optional)}<t:StartTimeZone Id="${esc(item.startTimeZone)}" Name="${esc(item.startTimeZone)}"/></t:CalendarItem>`;
}

const message = (operation: string, code: string, inner = "", text = "") =>
  code === "NoError"
    ? `<m:${operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${inner}</m:${operation}ResponseMessage>`
    : `<m:${operation}ResponseMessage ResponseClass="Error"><m:MessageText>${esc(text || code)}</m:MessageText><m:ResponseCode>${code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${inner}</m:${operation}ResponseMessage>`;

const wrap = (operation: string, messages: string[]) => `<m:${operation}Response xmlns:m="${M}" xmlns:t="${T}"><m:ResponseMessages>${messages.join("")}</m:ResponseMessages></m:${operation}Response>`;

export const OPERATIONS = ["GetFolder", "SyncFolderItems", "GetItem", "CreateItem", "UpdateItem", "DeleteItem", "FindItem"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Runs one EWS operation on the mailbox; returns the SOAP body's content. */
export function runOperation(mailbox: FakeMailbox, operation: Operation, node: Node): string {
  switch (operation) {
    case "GetFolder":
      return wrap("GetFolder", [message("GetFolder", "NoError", `<m:Folders><t:CalendarFolder><t:FolderId Id="AAMkAGFakeCalendar" ChangeKey="AgAAABYAAAA"/></t:CalendarFolder></m:Folders>`)]);
    case "SyncFolderItems": {
      const state = str(node.SyncState);
      const since = state === undefined || state === "" ? 0 : mailbox.parseSyncState(state);
      if (since === null) return wrap("SyncFolderItems", [message("SyncFolderItems", "ErrorInvalidSyncStateData", "", "Synchronization state data is corrupt or otherwise invalid.")]);
      const max = Number(str(node.MaxChangesReturned));
      if (!(max >= 1 && max <= 512)) return wrap("SyncFolderItems", [message("SyncFolderItems", "ErrorInvalidArgument", "", "MaxChangesReturned must be 1-512.")]);
      const { changes, state: next, last } = mailbox.changesSince(since, max);
      const changesXml = changes
        .map((change) => {
          if (change.kind === "Delete") return `<t:Delete><t:ItemId Id="${change.id}"/></t:Delete>`;
          const item = mailbox.items.get(change.id);
          return item ? `<t:${change.kind}>${itemXml(item, false)}</t:${change.kind}>` : "";
        })
        .join("");
      return wrap("SyncFolderItems", [message("SyncFolderItems", "NoError", `<m:SyncState>${next}</m:SyncState><m:IncludesLastItemInRange>${last}</m:IncludesLastItemInRange><m:Changes>${changesXml}</m:Changes>`)]);
    }
    case "GetItem":
      return wrap(
        "GetItem",
        list(obj(node.ItemIds)?.ItemId).map((itemId) => {
          const injected = mailbox.readErrors.get(at(itemId, "Id") ?? "");
          if (injected) return message("GetItem", injected, "<m:Items/>");
          const item = mailbox.items.get(at(itemId, "Id") ?? "");
          return item ? message("GetItem", "NoError", `<m:Items>${itemXml(item, true)}</m:Items>`) : message("GetItem", "ErrorItemNotFound", "<m:Items/>", "The specified object was not found in the store.");
        }),
      );
    case "CreateItem": {
      if (at(node, "SendMeetingInvitations") === undefined) return wrap("CreateItem", [message("CreateItem", "ErrorSendMeetingInvitationsRequired")]);
      return wrap(
        "CreateItem",
        list(obj(node.Items)?.CalendarItem).map((calendarItem) => {
          const item = mailbox.add({});
          applyFields(item, calendarItem);
          return message("CreateItem", "NoError", `<m:Items>${itemXml(item, false)}</m:Items>`);
        }),
      );
    }
    case "UpdateItem": {
      const resolution = at(node, "ConflictResolution") ?? "AutoResolve";
      return wrap(
        "UpdateItem",
        list(obj(node.ItemChanges)?.ItemChange).map((change) => {
          const itemId = obj(change.ItemId);
          const item = mailbox.items.get(at(itemId, "Id") ?? "");
          if (!item) return message("UpdateItem", "ErrorItemNotFound", "<m:Items/>", "The specified object was not found in the store.");
          const changeKey = at(itemId, "ChangeKey");
          if (resolution !== "AlwaysOverwrite" && changeKey === undefined) return message("UpdateItem", "ErrorChangeKeyRequiredForWriteOperations", "<m:Items/>");
          if (resolution === "NeverOverwrite" && changeKey !== item.changeKey) return message("UpdateItem", "ErrorIrresolvableConflict", "<m:Items/>", "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.");
          const updates = obj(change.Updates);
          for (const set of list(updates?.SetItemField)) {
            const calendarItem = obj(set.CalendarItem);
            if (calendarItem) applyFields(item, calendarItem);
          }
          for (const cleared of list(updates?.DeleteItemField)) clearField(item, cleared);
          mailbox.touch(item);
          return message("UpdateItem", "NoError", `<m:Items>${itemXml(item, false)}</m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>`);
        }),
      );
    }
    case "DeleteItem":
      if (at(node, "SendMeetingCancellations") === undefined) return wrap("DeleteItem", [message("DeleteItem", "ErrorSendMeetingCancellationsRequired")]);
      return wrap(
        "DeleteItem",
        list(obj(node.ItemIds)?.ItemId).map((itemId) => (mailbox.remove(at(itemId, "Id") ?? "") ? message("DeleteItem", "NoError") : message("DeleteItem", "ErrorItemNotFound", "", "The specified object was not found in the store."))),
      );
    case "FindItem": {
      const view = obj(node.CalendarView);
      if (view) {
        const start = Date.parse(at(view, "StartDate") ?? "");
        const end = Date.parse(at(view, "EndDate") ?? "");
        if (!(start <= end)) return wrap("FindItem", [message("FindItem", "ErrorInvalidRequest", "", "EndDate is earlier than StartDate.")]);
        if (end - start > 2 * 366 * 86_400_000) return wrap("FindItem", [message("FindItem", "ErrorCalendarViewRangeTooBig", "", "The calendar view range is too big.")]);
        const max = Number(at(view, "MaxEntriesReturned") ?? Infinity);
        const inView = [...mailbox.items.values()].filter((item) => item.itemType === "Single" && Date.parse(item.end) > start && Date.parse(item.start) < end).sort((a, b) => a.start.localeCompare(b.start));
        const shown = inView.slice(0, max);
        return wrap("FindItem", [
          message("FindItem", "NoError", `<m:RootFolder TotalItemsInView="${inView.length}" IncludesLastItemInRange="${shown.length === inView.length}"><t:Items>${shown.map((item) => itemXml(item, true)).join("")}</t:Items></m:RootFolder>`),
        ]);
      }
      const restriction = obj(node.Restriction);
      const tests = [...list(restriction?.IsEqualTo), ...list(obj(restriction?.Or)?.IsEqualTo)].map((test) => ({
        name: at(obj(test.ExtendedFieldURI), "PropertyName") ?? "",
        value: at(obj(obj(test.FieldURIOrConstant)?.Constant), "Value") ?? "",
      }));
      const found = [...mailbox.items.values()].filter((item) => tests.length === 0 || tests.some((test) => item.extended[test.name] === test.value));
      return wrap("FindItem", [
        message("FindItem", "NoError", `<m:RootFolder IndexedPagingOffset="${found.length}" TotalItemsInView="${found.length}" IncludesLastItemInRange="true"><t:Items>${found.map((item) => itemXml(item, false)).join("")}</t:Items></m:RootFolder>`),
      ]);
    }
  }
}
