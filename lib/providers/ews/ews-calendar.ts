import type { EventContent } from "@/lib/calendar/event-content";
import {
  CursorExpiredError,
  RemoteUnavailableError,
  type ChangePage,
  type CreateRequest,
  type DeleteRequest,
  type RemoteCalendar,
  type RemoteItem,
  type UpdateRequest,
  type WriteResult,
} from "@/lib/sync/provider";
import { calendarItemXml, ITEM_SHAPE, itemChangesXml, LOCAL_ID_PROPERTY, remoteItemFrom } from "@/lib/providers/ews/item-xml";
import { attr, child, children, EwsClient, responseMessages, text, type EwsClientOptions, type ResponseMessage } from "@/lib/providers/ews/soap";
import { guardServerUrl, type GuardOptions } from "@/lib/providers/ews/url-guard";
import { escapeXml } from "@/lib/providers/ews/xml";

export const MAX_CHANGES_PER_SYNC = 512;
export const ITEMS_PER_BATCH = 100;

const CONFLICT_CODES = new Set(["ErrorIrresolvableConflict", "ErrorStaleObject", "ErrorChangeKeyRequired", "ErrorChangeKeyRequiredForWriteOperations", "ErrorInvalidChangeKey"]);
const NOT_FOUND_CODES = new Set(["ErrorItemNotFound", "ErrorCalendarOccurrenceIsDeletedFromRecurrence"]);
const TRANSIENT_CODES = new Set(["ErrorServerBusy", "ErrorInternalServerTransientError", "ErrorTimeoutExpired", "ErrorMailboxStoreUnavailable", "ErrorInternalServerError"]);

function failure(message: ResponseMessage): WriteResult {
  const kind = CONFLICT_CODES.has(message.code) ? "conflict" : NOT_FOUND_CODES.has(message.code) ? "not-found" : TRANSIENT_CODES.has(message.code) ? "unavailable" : "rejected";
  return { ok: false, kind, message: `${message.code}: ${message.message}` };
}

/**
 * Recurring series are not mapped to EWS Recurrence/ModifiedOccurrences yet; writing one as a single
 * appointment would silently drop its rule, so such items are refused for good instead.
 */
const UNSUPPORTED: WriteResult = { ok: false, kind: "rejected", message: "Recurring series are not synchronised with Exchange yet." };
const isRecurring = (request: { content: EventContent; seriesRemoteId: string | null }) =>
  request.content.rrule !== null || request.content.originalStart !== null || request.content.rdates.length > 0 || request.seriesRemoteId !== null;

/** Runs `write` on the supported requests only, and puts the results back in request order. */
async function supportedOnly<T extends { content: EventContent; seriesRemoteId: string | null }>(requests: T[], write: (supported: T[]) => Promise<WriteResult[]>): Promise<WriteResult[]> {
  const supported = requests.filter((request) => !isRecurring(request));
  const written = supported.length ? await write(supported) : [];
  let next = 0;
  return requests.map((request) => (isRecurring(request) ? UNSUPPORTED : (written[next++] ?? UNSUPPORTED)));
}

const chunk = <T>(list: T[], size: number): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, index) => list.slice(index * size, index * size + size));

/**
 * The calendar folder of one Exchange mailbox as a RemoteCalendar: SyncFolderItems (ids only) for
 * changes, GetItem in batches for details, and batched writes that never email attendees.
 */
export class EwsCalendar implements RemoteCalendar {
  private readonly client: EwsClient;

  constructor(options: EwsClientOptions) {
    this.client = new EwsClient(options);
  }

  get requestCount(): number {
    return this.client.requestCount;
  }

  async *listChanges(cursor: string | null): AsyncIterable<ChangePage> {
    let state = cursor;
    for (;;) {
      const body = await this.client.call(
        `<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="calendar"/></m:SyncFolderId>${state ? `<m:SyncState>${escapeXml(state)}</m:SyncState>` : ""}<m:MaxChangesReturned>${MAX_CHANGES_PER_SYNC}</m:MaxChangesReturned></m:SyncFolderItems>`,
      );
      const [message] = responseMessages(body, "SyncFolderItems");
      if (!message) throw new RemoteUnavailableError("Exchange sent no SyncFolderItems answer.", null);
      if (message.code === "ErrorInvalidSyncStateData" || message.code === "ErrorSyncFolderNotFound") throw new CursorExpiredError();
      if (!message.ok) throw new RemoteUnavailableError(`SyncFolderItems failed: ${message.code} ${message.message}`, 200);
      const changes = child(message.node, "Changes");
      const changed = new Set<string>();
      const deleted: RemoteItem[] = [];
      for (const kind of ["Create", "Update"]) {
        for (const change of children(changes, kind)) {
          const id = attr(child(children(change, "CalendarItem")[0], "ItemId"), "Id");
          if (id) changed.add(id);
        }
      }
      for (const change of children(changes, "Delete")) {
        const id = attr(child(change, "ItemId"), "Id");
        if (id) deleted.push({ remoteId: id, versionToken: "", localTag: null, seriesRemoteId: null, content: null, updatedAt: null });
      }
      const items = [...(await this.getItems([...changed])), ...deleted];
      state = text(message.node, "SyncState") ?? state;
      const last = text(message.node, "IncludesLastItemInRange") !== "false";
      yield last && state ? { items, nextCursor: state } : { items };
      if (last) return;
    }
  }

  private async getItems(ids: string[]): Promise<RemoteItem[]> {
    const items: RemoteItem[] = [];
    for (const batch of chunk(ids, ITEMS_PER_BATCH)) {
      const body = await this.client.call(`<m:GetItem>${ITEM_SHAPE}<m:ItemIds>${batch.map((id) => `<t:ItemId Id="${escapeXml(id)}"/>`).join("")}</m:ItemIds></m:GetItem>`);
      for (const message of responseMessages(body, "GetItem")) {
        const node = children(child(message.node, "Items"), "CalendarItem")[0];
        // An item deleted between the listing and this read shows up as a Delete in the next listing.
        // Series are left out until they are mapped: imported as singles they would lose their rule
        // and a later write-back would flatten them in the mailbox.
        if (!message.ok && message.code !== "ErrorItemNotFound") {
          // Skipping it would make a full listing report the item as gone.
          throw new RemoteUnavailableError(`GetItem failed: ${message.code} ${message.message}`, 200);
        }
        if (message.ok && node && text(node, "CalendarItemType") !== "RecurringMaster") items.push(remoteItemFrom(node));
      }
    }
    return items;
  }

  async findByLocalTag(localIds: string[]): Promise<RemoteItem[]> {
    if (localIds.length === 0) return [];
    const found: RemoteItem[] = [];
    for (const batch of chunk(localIds, ITEMS_PER_BATCH)) {
      const conditions = batch.map((id) => `<t:IsEqualTo>${LOCAL_ID_PROPERTY}<t:FieldURIOrConstant><t:Constant Value="${escapeXml(id)}"/></t:FieldURIOrConstant></t:IsEqualTo>`).join("");
      const body = await this.client.call(
        `<m:FindItem Traversal="Shallow">${ITEM_SHAPE.replace(/<t:BodyType>Text<\/t:BodyType>/, "")}<m:IndexedPageItemView MaxEntriesReturned="1000" Offset="0" BasePoint="Beginning"/><m:Restriction>${batch.length === 1 ? conditions : `<t:Or>${conditions}</t:Or>`}</m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>`,
      );
      const ids = responseMessages(body, "FindItem").flatMap((message) =>
        children(child(child(message.node, "RootFolder"), "Items"), "CalendarItem").flatMap((node) => attr(child(node, "ItemId"), "Id") ?? []),
      );
      found.push(...(await this.getItems(ids)));
    }
    return found;
  }

  create(requests: CreateRequest[]): Promise<WriteResult[]> {
    return supportedOnly(requests, (supported) => this.createAll(supported));
  }

  private async createAll(requests: CreateRequest[]): Promise<WriteResult[]> {
    const results: WriteResult[] = [];
    for (const batch of chunk(requests, ITEMS_PER_BATCH)) {
      const body = await this.client.call(
        `<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items>${batch.map((request) => calendarItemXml(request.content, request.localId)).join("")}</m:Items></m:CreateItem>`,
      );
      results.push(...this.writeResults(responseMessages(body, "CreateItem"), batch.length));
    }
    return results;
  }

  update(requests: UpdateRequest[]): Promise<WriteResult[]> {
    return supportedOnly(requests, (supported) => this.updateAll(supported));
  }

  private async updateAll(requests: UpdateRequest[]): Promise<WriteResult[]> {
    const results: WriteResult[] = [];
    for (const batch of chunk(requests, ITEMS_PER_BATCH)) {
      const body = await this.client.call(
        `<m:UpdateItem ConflictResolution="NeverOverwrite" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges>${batch
          .map(
            (request) =>
              `<t:ItemChange><t:ItemId Id="${escapeXml(request.remoteId)}" ChangeKey="${escapeXml(request.versionToken)}"/><t:Updates>${itemChangesXml(request.content, request.localId)}</t:Updates></t:ItemChange>`,
          )
          .join("")}</m:ItemChanges></m:UpdateItem>`,
      );
      results.push(...this.writeResults(responseMessages(body, "UpdateItem"), batch.length));
    }
    return results;
  }

  async delete(requests: DeleteRequest[]): Promise<WriteResult[]> {
    const results: WriteResult[] = [];
    for (const batch of chunk(requests, ITEMS_PER_BATCH)) {
      const body = await this.client.call(
        `<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToNone"><m:ItemIds>${batch
          .map((request) => `<t:ItemId Id="${escapeXml(request.remoteId)}" ChangeKey="${escapeXml(request.versionToken)}"/>`)
          .join("")}</m:ItemIds></m:DeleteItem>`,
      );
      const messages = responseMessages(body, "DeleteItem");
      batch.forEach((request, index) => {
        const message = messages[index];
        results.push(!message ? { ok: false, kind: "unavailable", message: "Exchange sent no answer for this item." } : message.ok ? { ok: true, remoteId: request.remoteId, versionToken: "" } : failure(message));
      });
    }
    return results;
  }

  private writeResults(messages: ResponseMessage[], expected: number): WriteResult[] {
    return Array.from({ length: expected }, (_, index): WriteResult => {
      const message = messages[index];
      if (!message) return { ok: false, kind: "unavailable", message: "Exchange sent no answer for this item." };
      if (!message.ok) return failure(message);
      const id = child(children(child(message.node, "Items"), "CalendarItem")[0], "ItemId");
      const remoteId = attr(id, "Id");
      const versionToken = attr(id, "ChangeKey");
      return remoteId && versionToken ? { ok: true, remoteId, versionToken } : { ok: false, kind: "unavailable", message: "Exchange did not return the item's id." };
    });
  }
}

export interface OpenEwsCalendarInput extends Omit<EwsClientOptions, "url" | "address" | "family">, GuardOptions {
  serverUrl: string;
}

/** Checks the server address (URL guard) and opens the calendar; throws when the address is refused. */
export async function openEwsCalendar({ serverUrl, env, resolve, ...options }: OpenEwsCalendarInput): Promise<EwsCalendar> {
  const checked = await guardServerUrl(serverUrl, { ...(env ? { env } : {}), ...(resolve ? { resolve } : {}) });
  if (!checked.ok) throw new RemoteUnavailableError(checked.message, null);
  return new EwsCalendar({ ...options, url: checked.url, address: checked.address, family: checked.family });
}
