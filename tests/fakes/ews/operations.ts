import { XMLParser } from "fast-xml-parser";
import { CALENDAR_FOLDER_ID, ewsInstant, extendedKey, occurrenceId, parseOccurrenceId, type FakeException, type FakeItem, type FakeMailbox } from "@/tests/fakes/ews/mailbox";
import { hasZoneDefinitions } from "@/tests/fakes/ews/versions";
import { findFolderRoot, FOLDER_NOT_FOUND, folderNamed, folderShape, folderXml } from "@/tests/fakes/ews/folders";
import { applyFields, at, attributes, clearField, esc, FaultError, itemXml, list, obj, occurrenceXml, str, type Node, type Shape } from "@/tests/fakes/ews/item-xml";

export const requestParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ["ItemId", "CalendarItem", "Attendee", "ExtendedProperty", "ItemChange", "SetItemField", "DeleteItemField", "IsEqualTo", "FieldURI", "ExtendedFieldURI"].includes(name),
});

/** A second reading that keeps element order, for id lists that mix ItemId and OccurrenceItemId. */
const orderedParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", removeNSPrefix: true, preserveOrder: true, parseTagValue: false });
type Ordered = Record<string, unknown> & { ":@"?: Record<string, string> };

function orderedIds(body: string): { name: string; attrs: Record<string, string> }[] {
  const find = (nodes: Ordered[]): Ordered[] | null => {
    for (const node of nodes) {
      const name = Object.keys(node).find((key) => key !== ":@");
      if (!name) continue;
      if (name === "ItemIds") return node[name] as Ordered[];
      const inner = Array.isArray(node[name]) ? find(node[name] as Ordered[]) : null;
      if (inner) return inner;
    }
    return null;
  };
  return (find(orderedParser.parse(body) as Ordered[]) ?? []).flatMap((node) => {
    const name = Object.keys(node).find((key) => key !== ":@");
    return name ? [{ name, attrs: node[":@"] ?? {} }] : [];
  });
}

const M = "http://schemas.microsoft.com/exchange/services/2006/messages";
const T = "http://schemas.microsoft.com/exchange/services/2006/types";

const message = (operation: string, code: string, inner = "", text = "") =>
  code === "NoError"
    ? `<m:${operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${inner}</m:${operation}ResponseMessage>`
    : `<m:${operation}ResponseMessage ResponseClass="Error"><m:MessageText>${esc(text || code)}</m:MessageText><m:ResponseCode>${code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${inner}</m:${operation}ResponseMessage>`;

const wrap = (operation: string, messages: string[]) => `<m:${operation}Response xmlns:m="${M}" xmlns:t="${T}"><m:ResponseMessages>${messages.join("")}</m:ResponseMessages></m:${operation}Response>`;

export const OPERATIONS = ["GetFolder", "FindFolder", "SyncFolderItems", "GetItem", "CreateItem", "UpdateItem", "DeleteItem", "FindItem"] as const;
export type Operation = (typeof OPERATIONS)[number];

const NOT_FOUND = { code: "ErrorItemNotFound", text: "The specified object was not found in the store." };

type Target = { kind: "item"; item: FakeItem } | { kind: "occurrence"; master: FakeItem; originalStart: string } | { kind: "error"; code: string; text: string };

/** An ItemId, OccurrenceItemId (1-based InstanceIndex) or RecurringMasterItemId, as the mailbox holds it. */
function resolve(mailbox: FakeMailbox, name: string, attrs: Record<string, string>): Target {
  if (name === "OccurrenceItemId") {
    const master = mailbox.items.get(attrs.RecurringMasterId ?? "");
    if (!master?.recurrence) return { kind: "error", ...NOT_FOUND };
    const start = mailbox.occurrences(master)[Number(attrs.InstanceIndex) - 1];
    if (!start) return { kind: "error", code: "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange", text: "Occurrence index is out of recurrence range." };
    if (master.deleted.has(start)) return { kind: "error", code: "ErrorCalendarOccurrenceIsDeletedFromRecurrence", text: "Occurrence was deleted from the recurrence." };
    return { kind: "occurrence", master, originalStart: start };
  }
  if (name === "RecurringMasterItemId") {
    const occurrence = parseOccurrenceId(attrs.OccurrenceId ?? "");
    const master = mailbox.items.get(occurrence?.masterId ?? attrs.OccurrenceId ?? "");
    return master?.recurrence ? { kind: "item", item: master } : { kind: "error", ...NOT_FOUND };
  }
  const occurrence = parseOccurrenceId(attrs.Id ?? "");
  if (occurrence) {
    const master = mailbox.items.get(occurrence.masterId);
    if (!master || !mailbox.occurrences(master).includes(occurrence.originalStart)) return { kind: "error", ...NOT_FOUND };
    if (master.deleted.has(occurrence.originalStart)) return { kind: "error", code: "ErrorCalendarOccurrenceIsDeletedFromRecurrence", text: "Occurrence was deleted from the recurrence." };
    return { kind: "occurrence", master, originalStart: occurrence.originalStart };
  }
  const item = mailbox.items.get(attrs.Id ?? "");
  return item ? { kind: "item", item } : { kind: "error", ...NOT_FOUND };
}

function shapeOf(node: Node, version: string): Shape {
  const shape = obj(node.ItemShape);
  const additional = obj(shape?.AdditionalProperties);
  return {
    full: str(shape?.BaseShape) !== "IdOnly" || list(additional?.FieldURI).length > 0,
    extended: new Set(list(additional?.ExtendedFieldURI).map((uri) => extendedKey(attributes(uri)))),
    zoneDefinitions: hasZoneDefinitions(version),
    bodyType: str(shape?.BodyType) === "HTML" ? "HTML" : str(shape?.BodyType) === "Text" ? "Text" : "Best",
  };
}

const ID_ONLY: Shape = { full: false, extended: new Set(), zoneDefinitions: true, bodyType: "Best" };

const targetXml = (mailbox: FakeMailbox, target: Exclude<Target, { kind: "error" }>, shape: Shape) =>
  target.kind === "item" ? itemXml(target.item, shape, () => mailbox.occurrences(target.item)) : occurrenceXml(target.master, target.originalStart, shape);

/** Turns an occurrence into an exception (copying the master's fields, as Exchange does) and returns it. */
function exceptionFor(master: FakeItem, originalStart: string): FakeException {
  const existing = master.exceptions.get(originalStart);
  if (existing) return existing;
  const length = Date.parse(master.end) - Date.parse(master.start);
  const exception: FakeException = {
    ...master,
    extended: structuredClone(master.extended),
    required: [...master.required],
    optional: [...master.optional],
    id: occurrenceId(master.id, originalStart),
    originalStart,
    start: originalStart,
    end: ewsInstant(new Date(Date.parse(originalStart) + length).toISOString()),
  };
  master.exceptions.set(originalStart, exception);
  return exception;
}

/** Runs one EWS operation on the mailbox; returns the SOAP body's content. Throws FaultError for a request Exchange refuses whole. */
export function runOperation(mailbox: FakeMailbox, operation: Operation, node: Node, body: string, version: string): string {
  switch (operation) {
    case "GetFolder": {
      const fields = folderShape(node);
      const ids = obj(node.FolderIds) ?? {};
      const named = [...list(ids.DistinguishedFolderId).map((id) => ({ DistinguishedFolderId: id })), ...list(ids.FolderId).map((id) => ({ FolderId: id }))];
      return wrap(
        "GetFolder",
        named.map((holder) => {
          const folder = mailbox.folders.get(folderNamed(mailbox, holder) ?? "");
          return folder ? message("GetFolder", "NoError", `<m:Folders>${folderXml(mailbox, folder, fields)}</m:Folders>`) : message("GetFolder", FOLDER_NOT_FOUND.code, "", FOLDER_NOT_FOUND.text);
        }),
      );
    }
    case "FindFolder": {
      const parents = obj(node.ParentFolderIds) ?? {};
      const named = [...list(parents.DistinguishedFolderId).map((id) => ({ DistinguishedFolderId: id })), ...list(parents.FolderId).map((id) => ({ FolderId: id }))];
      return wrap(
        "FindFolder",
        named.map((holder) => {
          const parent = folderNamed(mailbox, holder);
          return parent ? message("FindFolder", "NoError", findFolderRoot(mailbox, node, parent)) : message("FindFolder", FOLDER_NOT_FOUND.code, "", FOLDER_NOT_FOUND.text);
        }),
      );
    }
    case "SyncFolderItems": {
      const folder = folderNamed(mailbox, obj(node.SyncFolderId));
      if (!folder) return wrap("SyncFolderItems", [message("SyncFolderItems", FOLDER_NOT_FOUND.code, "", FOLDER_NOT_FOUND.text)]);
      const state = str(node.SyncState);
      const since = state === undefined || state === "" ? 0 : mailbox.parseSyncState(state, folder);
      if (since === null) return wrap("SyncFolderItems", [message("SyncFolderItems", "ErrorInvalidSyncStateData", "", "Synchronization state data is corrupt or otherwise invalid.")]);
      const max = Number(str(node.MaxChangesReturned));
      if (!(max >= 1 && max <= 512)) return wrap("SyncFolderItems", [message("SyncFolderItems", "ErrorInvalidArgument", "", "MaxChangesReturned must be 1-512.")]);
      const shape = shapeOf(node, version);
      const { changes, state: next, last } = mailbox.changesSince(since, max, folder);
      const changesXml = changes
        .map((change) => {
          if (change.kind === "Delete") return `<t:Delete><t:ItemId Id="${change.id}"/></t:Delete>`;
          const item = mailbox.items.get(change.id);
          return item ? `<t:${change.kind}>${itemXml(item, shape, () => mailbox.occurrences(item))}</t:${change.kind}>` : "";
        })
        .join("");
      return wrap("SyncFolderItems", [message("SyncFolderItems", "NoError", `<m:SyncState>${next}</m:SyncState><m:IncludesLastItemInRange>${last}</m:IncludesLastItemInRange><m:Changes>${changesXml}</m:Changes>`)]);
    }
    case "GetItem": {
      const shape = shapeOf(node, version);
      return wrap(
        "GetItem",
        orderedIds(body).map(({ name, attrs }) => {
          const injected = mailbox.readErrors.get(attrs.Id ?? "");
          if (injected) return message("GetItem", injected, "<m:Items/>");
          const busy = mailbox.busyReads.get(attrs.Id ?? "");
          if (busy && busy.times > 0) {
            busy.times -= 1;
            return message("GetItem", "ErrorServerBusy", `<m:MessageXml><t:Value Name="BackOffMilliseconds">${busy.backOffMs}</t:Value></m:MessageXml><m:Items/>`, "The server cannot service this request right now. Try again later.");
          }
          const target = resolve(mailbox, name, attrs);
          return target.kind === "error" ? message("GetItem", target.code, "<m:Items/>", target.text) : message("GetItem", "NoError", `<m:Items>${targetXml(mailbox, target, shape)}</m:Items>`);
        }),
      );
    }
    case "CreateItem": {
      const mode = at(node, "SendMeetingInvitations");
      // Without SavedItemFolderId a calendar item goes to the calendar folder.
      const folder = node.SavedItemFolderId === undefined ? CALENDAR_FOLDER_ID : folderNamed(mailbox, obj(node.SavedItemFolderId));
      if (!folder) return wrap("CreateItem", [message("CreateItem", FOLDER_NOT_FOUND.code, "<m:Items/>", FOLDER_NOT_FOUND.text)]);
      return wrap(
        "CreateItem",
        list(obj(node.Items)?.CalendarItem).map((calendarItem) => {
          // Refused per item, with the (empty) Items every CreateItem answer carries.
          if (mode === undefined) return message("CreateItem", "ErrorSendMeetingInvitationsRequired", "<m:Items/>");
          const item = mailbox.add({ folder });
          applyFields(item, calendarItem);
          mailbox.touch(item);
          if (mode !== "SendToNone") mailbox.sent.push(...[...item.required, ...item.optional].map((attendee) => `invitation to ${attendee.email}`));
          return message("CreateItem", "NoError", `<m:Items>${itemXml(item, ID_ONLY, () => [])}</m:Items>`);
        }),
      );
    }
    case "UpdateItem": {
      const resolution = at(node, "ConflictResolution") ?? "AutoResolve";
      const mode = at(node, "SendMeetingInvitationsOrCancellations");
      return wrap(
        "UpdateItem",
        list(obj(node.ItemChanges)?.ItemChange).map((change) => {
          if (mode === undefined) return message("UpdateItem", "ErrorSendMeetingInvitationsOrCancellationsRequired", "<m:Items/>");
          const [name, idNode] = (["ItemId", "OccurrenceItemId", "RecurringMasterItemId"] as const).flatMap((key) => (obj(change[key]) ? [[key, obj(change[key])] as const] : []))[0] ?? ["ItemId", undefined];
          const target = resolve(mailbox, name, attributes(idNode));
          if (target.kind === "error") return message("UpdateItem", target.code, "<m:Items/>", target.text);
          const current = target.kind === "item" ? target.item.changeKey : (target.master.exceptions.get(target.originalStart)?.changeKey ?? target.master.changeKey);
          const changeKey = at(idNode, "ChangeKey");
          if (resolution !== "AlwaysOverwrite" && changeKey === undefined) return message("UpdateItem", "ErrorChangeKeyRequiredForWriteOperations", "<m:Items/>");
          if (resolution === "NeverOverwrite" && changeKey !== current)
            return message("UpdateItem", "ErrorIrresolvableConflict", "<m:Items/>", "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.");
          const updates = obj(change.Updates);
          if (target.kind === "item") {
            for (const set of list(updates?.SetItemField)) applyFields(target.item, obj(set.CalendarItem) ?? {});
            for (const cleared of list(updates?.DeleteItemField)) clearField(target.item, cleared);
            mailbox.touch(target.item);
            if (mode !== "SendToNone") mailbox.sent.push(`update of ${target.item.id}`);
            return message("UpdateItem", "NoError", `<m:Items>${itemXml(target.item, ID_ONLY, () => [])}</m:Items>${mailbox.omitConflictResults ? "" : "<m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>"}`);
          }
          const exception = exceptionFor(target.master, target.originalStart);
          for (const set of list(updates?.SetItemField)) {
            const fields = obj(set.CalendarItem) ?? {};
            if ("Recurrence" in fields) throw new FaultError("ErrorInvalidPropertySet", "An occurrence has no recurrence of its own.");
            applyFields(exception, fields);
          }
          for (const cleared of list(updates?.DeleteItemField)) clearField(exception, cleared);
          mailbox.touchException(target.master, exception);
          if (mode !== "SendToNone") mailbox.sent.push(`update of ${exception.id}`);
          return message("UpdateItem", "NoError", `<m:Items><t:CalendarItem><t:ItemId Id="${exception.id}" ChangeKey="${exception.changeKey}"/></t:CalendarItem></m:Items>${mailbox.omitConflictResults ? "" : "<m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>"}`);
        }),
      );
    }
    case "DeleteItem": {
      const mode = at(node, "SendMeetingCancellations");
      return wrap(
        "DeleteItem",
        orderedIds(body).map(({ name, attrs }) => {
          if (mode === undefined) return message("DeleteItem", "ErrorSendMeetingCancellationsRequired");
          const target = resolve(mailbox, name, attrs);
          if (target.kind === "error") return message("DeleteItem", target.code, "", target.text);
          if (mode !== "SendToNone") mailbox.sent.push(`cancellation of ${attrs.Id ?? attrs.RecurringMasterId}`);
          if (target.kind === "item") mailbox.remove(target.item.id);
          else {
            // A deleted occurrence is remembered by its master, which changes with it.
            target.master.exceptions.delete(target.originalStart);
            target.master.deleted.add(target.originalStart);
            mailbox.touch(target.master);
          }
          return message("DeleteItem", "NoError");
        }),
      );
    }
    case "FindItem":
      return findItem(mailbox, node, version);
  }
}

function findItem(mailbox: FakeMailbox, node: Node, version: string): string {
  const shape = shapeOf(node, version);
  const folder = folderNamed(mailbox, obj(node.ParentFolderIds));
  if (!folder) return wrap("FindItem", [message("FindItem", FOLDER_NOT_FOUND.code, "", FOLDER_NOT_FOUND.text)]);
  const inFolder = mailbox.itemsIn(folder);
  const view = obj(node.CalendarView);
  if (view) {
    const start = Date.parse(at(view, "StartDate") ?? "");
    const end = Date.parse(at(view, "EndDate") ?? "");
    if (!(start <= end)) return wrap("FindItem", [message("FindItem", "ErrorInvalidRequest", "", "EndDate is earlier than StartDate.")]);
    if (end - start > 2 * 366 * 86_400_000) return wrap("FindItem", [message("FindItem", "ErrorCalendarViewRangeTooBig", "", "The calendar view range is too big.")]);
    const max = Number(at(view, "MaxEntriesReturned") ?? Infinity);
    // A CalendarView expands series into their occurrences and exceptions, and hides the masters.
    const entries = inFolder.flatMap((item) => {
      if (!item.recurrence) return [{ start: item.start, end: item.end, xml: () => itemXml(item, shape, () => []) }];
      const length = Date.parse(item.end) - Date.parse(item.start);
      return mailbox
        .occurrences(item)
        .filter((original) => !item.deleted.has(original))
        .map((original) => {
          const exception = item.exceptions.get(original);
          return { start: exception?.start ?? original, end: exception?.end ?? new Date(Date.parse(original) + length).toISOString(), xml: () => occurrenceXml(item, original, shape) };
        });
    });
    const inView = entries.filter((entry) => Date.parse(entry.end) > start && Date.parse(entry.start) < end).sort((a, b) => a.start.localeCompare(b.start));
    const shown = inView.slice(0, max);
    return wrap("FindItem", [
      message("FindItem", "NoError", `<m:RootFolder TotalItemsInView="${inView.length}" IncludesLastItemInRange="${shown.length === inView.length}"><t:Items>${shown.map((entry) => entry.xml()).join("")}</t:Items></m:RootFolder>`),
    ]);
  }
  const restriction = obj(node.Restriction);
  const tests = [...list(restriction?.IsEqualTo), ...list(obj(restriction?.Or)?.IsEqualTo)].map((test) => ({
    key: extendedKey(attributes(obj(test.ExtendedFieldURI))),
    value: at(obj(obj(test.FieldURIOrConstant)?.Constant), "Value") ?? "",
  }));
  const found = inFolder.filter((item) => tests.length === 0 || tests.some((test) => item.extended[test.key]?.value === test.value));
  return wrap("FindItem", [
    message(
      "FindItem",
      "NoError",
      `<m:RootFolder IndexedPagingOffset="${found.length}" TotalItemsInView="${found.length}" IncludesLastItemInRange="true"><t:Items>${found.map((item) => itemXml(item, shape, () => mailbox.occurrences(item))).join("")}</t:Items></m:RootFolder>`,
    ),
  ]);
}
