import { ChangeType, ItemView, LogicalOperator, PropertySet, SearchFilter, SyncFolderItemsScope, type ItemChange } from "ews-javascript-api";
import {
  RemoteUnavailableError,
  type ChangePage,
  type CreateRequest,
  type DeleteRequest,
  type KnownItem,
  type ListingContext,
  type RemoteCalendar,
  type RemoteItem,
  type UpdateRequest,
  type WritableCalendar,
  type WriteResult,
} from "@/lib/sync/provider";
import { encodeLocalId, LOCAL_ID } from "@/lib/providers/ews/appointment";
import { listCalendarFolders } from "@/lib/providers/ews/calendar-folders";
import { parseExceptionId } from "@/lib/providers/ews/occurrences";
import { OwnChanges } from "@/lib/providers/ews/own-changes";
import { chunk, ITEMS_PER_BATCH, readItems } from "@/lib/providers/ews/read-items";
import { call, connect, type EwsConnection, type EwsConnectionOptions } from "@/lib/providers/ews/service";
import { guardServerUrl, type GuardOptions } from "@/lib/providers/ews/url-guard";
import { deleteExceptions, writeExceptions, type ExceptionWrite } from "@/lib/providers/ews/write-exceptions";
import { createItems, deleteItems, refusal, updateItems, type ItemUpdate } from "@/lib/providers/ews/write-items";
import { escapeXml } from "@/lib/providers/ews/xml";

export const MAX_CHANGES_PER_SYNC = 512;

/**
 * One calendar folder of an Exchange mailbox (the calendar folder itself unless another is named) as a RemoteCalendar, through ews-javascript-api:
 * SyncFolderItems (ids only) for changes, GetItem in batches for details, batched writes that never
 * email anyone. Series are masters with a Recurrence; their exceptions are reported as items of
 * their own, named after their master and original start (occurrences.ts).
 */
export class EwsCalendar implements RemoteCalendar {
  private readonly connection: EwsConnection;
  private readonly own = new OwnChanges();
  /** One CreateItem / UpdateItem / DeleteItem carries this many items, so the engine groups by it. */
  readonly writeBatchSize = ITEMS_PER_BATCH;

  constructor(options: EwsConnectionOptions) {
    this.connection = connect(options);
  }

  get requestCount(): number {
    return this.connection.xhr.requestCount;
  }

  /** The calendar folder and the calendar folders below it; the calendar folder is the default. */
  listCalendars(): Promise<WritableCalendar[]> {
    return listCalendarFolders(this.connection);
  }

  async *listChanges(cursor: string | null, context?: ListingContext): AsyncIterable<ChangePage> {
    let state = cursor;
    const folder = this.connection.folder();
    // Changed ids wait across SyncFolderItems pages so that every GetItem carries a full batch
    // (512 changes a page would otherwise leave a batch of 12 behind each time).
    const pending = new Set<string>();
    // The SyncFolderItems call each pending id came from, and the SyncState after each call: a state
    // is a cursor for the rest only once every id it covers has been read and handed over.
    const pendingFrom = new Map<string, number>();
    const states: string[] = [];
    for (let round = 0; ; round += 1) {
      const changes = await call(this.connection, "the list of changes (SyncFolderItems)", () =>
        this.connection.service.SyncFolderItems(folder, PropertySet.IdOnly, null as unknown as [], MAX_CHANGES_PER_SYNC, SyncFolderItemsScope.NormalItems, state ? escapeXml(state) : (null as unknown as string)),
      );
      const deleted: RemoteItem[] = [];
      const reported = new Map<string, string>();
      for (const change of changes.GetEnumerator() as ItemChange[]) {
        const id = change.ItemId?.UniqueId;
        if (!id) continue;
        if (change.ChangeType === ChangeType.Delete) {
          pending.delete(id);
          pendingFrom.delete(id);
          reported.delete(id);
          deleted.push({ remoteId: id, versionToken: "", localTag: null, seriesRemoteId: null, content: null, updatedAt: null });
        } else if (change.ChangeType === ChangeType.Create || change.ChangeType === ChangeType.Update) reported.set(id, change.ItemId?.ChangeKey ?? "");
      }
      // An item still at the ChangeKey the engine holds — most often one this account wrote — needs
      // no GetItem: Microsoft's advice for skipping one's own changes.
      const known = context && reported.size > 0 ? await context.known([...reported.keys()].filter((id) => !pending.has(id))) : new Map<string, KnownItem>();
      const unchanged: string[] = [];
      for (const [id, changeKey] of reported) {
        const held = known.get(id);
        if (changeKey !== "" && held?.versionToken === changeKey) {
          // A series' exceptions live inside it: an unchanged series vouches for them.
          unchanged.push(id, ...held.exceptionIds);
          continue;
        }
        pending.add(id);
        if (!pendingFrom.has(id)) pendingFrom.set(id, round);
      }
      state = changes.SyncState || state;
      if (state) states[round] = state;
      const last = !changes.MoreChangesAvailable;
      const ready = [...pending].slice(0, last ? pending.size : pending.size - (pending.size % ITEMS_PER_BATCH));
      for (const id of ready) {
        pending.delete(id);
        pendingFrom.delete(id);
      }
      const read = await readItems(this.connection, ready);
      const items = [...read.items, ...deleted];
      const page: ChangePage = { items, ...(unchanged.length > 0 ? { unchanged } : {}), ...(read.unreadable.length > 0 ? { unreadable: read.unreadable } : {}) };
      if (last) {
        yield state ? { ...page, nextCursor: state } : page;
        return;
      }
      const oldestPending = Math.min(round + 1, ...pendingFrom.values());
      const pageCursor = states[oldestPending - 1];
      yield pageCursor ? { ...page, pageCursor } : page;
    }
  }

  async findByLocalTag(localIds: string[]): Promise<RemoteItem[]> {
    const wanted = new Set(localIds);
    const found: RemoteItem[] = [];
    for (const batch of chunk(localIds, ITEMS_PER_BATCH)) {
      const tests = batch.map((id) => new SearchFilter.IsEqualTo(LOCAL_ID, encodeLocalId(id)));
      const filter = tests.length === 1 ? tests[0] : new SearchFilter.SearchFilterCollection(LogicalOperator.Or, tests);
      const view = new ItemView(1000);
      view.PropertySet = PropertySet.IdOnly;
      const results = await call(this.connection, "a search for tagged events (FindItem)", () => this.connection.service.FindItems(this.connection.folder(), filter as SearchFilter, view));
      const ids = results.Items.map((item) => item.Id.UniqueId);
      found.push(...(await readItems(this.connection, ids)).items.filter((item) => item.localTag !== null && wanted.has(item.localTag)));
    }
    return found;
  }

  /**
   * The items a write was refused for as stale, read again (one GetItem per hundred series or
   * events): an exception is read through its master, which brings its exceptions along.
   */
  async read(remoteIds: string[]): Promise<(RemoteItem | "absent" | null)[]> {
    const masters = [...new Set(remoteIds.map((id) => parseExceptionId(id)?.masterId ?? id))];
    let read: Awaited<ReturnType<typeof readItems>>;
    try {
      read = await readItems(this.connection, masters);
    } catch (error) {
      if (error instanceof RemoteUnavailableError) return remoteIds.map(() => null);
      throw error;
    }
    const byId = new Map(read.items.map((item) => [item.remoteId, item]));
    const unreadable = new Set(read.unreadable.map((item) => item.remoteId));
    return remoteIds.map((id) => byId.get(id) ?? (unreadable.has(parseExceptionId(id)?.masterId ?? id) ? null : "absent"));
  }

  create(requests: CreateRequest[]): Promise<WriteResult[]> {
    return this.write(
      requests.map((request) => ({ ...request, remoteId: null, versionToken: null })),
      (items) => createItems(this.connection, items),
    );
  }

  update(requests: UpdateRequest[]): Promise<WriteResult[]> {
    return this.write(requests, (items) => updateItems(this.connection, items as ItemUpdate[], this.own));
  }

  /**
   * Splits a batch into exceptions and the rest, writes each group in batches, and puts the results
   * back in request order. Content Exchange cannot hold is refused per item, before any request.
   */
  private async write(
    requests: { remoteId: string | null; versionToken: string | null; localId: string; content: CreateRequest["content"]; seriesRemoteId: string | null }[],
    writeItems: (items: { remoteId: string | null; versionToken: string | null; localId: string; content: CreateRequest["content"] }[]) => Promise<WriteResult[]>,
  ): Promise<WriteResult[]> {
    const results: (WriteResult | null)[] = requests.map((request) => refusal(request.content));
    const exceptions: { index: number; write: ExceptionWrite }[] = [];
    const items: { index: number; request: (typeof requests)[number] }[] = [];
    requests.forEach((request, index) => {
      if (results[index]) return;
      const named = request.remoteId ? parseExceptionId(request.remoteId) : null;
      const masterId = request.seriesRemoteId ?? named?.masterId ?? null;
      const originalStart = request.content.originalStart ?? named?.originalStart ?? null;
      if (masterId === null && originalStart === null) return items.push({ index, request });
      if (!masterId || !originalStart) return (results[index] = { ok: false, kind: "rejected", message: "An exception needs its series and its original start." });
      exceptions.push({ index, write: { masterId, originalStart, localId: request.localId, content: request.content, versionToken: request.versionToken } });
    });
    // Series before their exceptions: an exception of a series written in this batch needs it first.
    const written = items.length ? await writeItems(items.map((entry) => entry.request)) : [];
    items.forEach((entry, position) => (results[entry.index] = written[position] ?? null));
    const exceptionResults = exceptions.length ? await writeExceptions(this.connection, exceptions.map((entry) => entry.write), this.own) : [];
    exceptions.forEach((entry, position) => (results[entry.index] = exceptionResults[position] ?? null));
    return results.map((result) => result ?? { ok: false, kind: "unavailable", message: "Exchange sent no answer for this item." });
  }

  async delete(requests: DeleteRequest[]): Promise<WriteResult[]> {
    const results: (WriteResult | null)[] = requests.map(() => null);
    const exceptions = requests.flatMap((request, index) => {
      const named = parseExceptionId(request.remoteId);
      return named ? [{ index, ...named, versionToken: request.versionToken }] : [];
    });
    const items = requests.flatMap((request, index) => (parseExceptionId(request.remoteId) ? [] : [{ index, request }]));
    const written = items.length ? await deleteItems(this.connection, items.map((entry) => entry.request), this.own) : [];
    items.forEach((entry, position) => (results[entry.index] = written[position] ?? null));
    const exceptionResults = exceptions.length ? await deleteExceptions(this.connection, exceptions, this.own) : [];
    exceptions.forEach((entry, position) => (results[entry.index] = exceptionResults[position] ?? null));
    return results.map((result) => result ?? { ok: false, kind: "unavailable", message: "Exchange sent no answer for this item." });
  }
}

export interface OpenEwsCalendarInput extends Omit<EwsConnectionOptions, "url" | "policy">, GuardOptions {
  serverUrl: string;
}

/** Checks the server address (URL guard) and opens the calendar; throws when the address is refused. */
export async function openEwsCalendar({ serverUrl, env, resolve, ...options }: OpenEwsCalendarInput): Promise<EwsCalendar> {
  const checked = await guardServerUrl(serverUrl, { ...(env ? { env } : {}), ...(resolve ? { resolve } : {}) });
  if (!checked.ok) throw new RemoteUnavailableError(checked.message, null);
  return new EwsCalendar({ ...options, url: checked.url, policy: checked.policy });
}
