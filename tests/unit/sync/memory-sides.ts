// In-memory stand-ins for both sides of a sync, with the semantics the engine relies on (change
// sequences, version tokens, tags, cascading series deletion, expiring cursors) and with faults and
// crashes that can be injected between any two steps.
import type { EventContent } from "@/lib/calendar/event-content";
import {
  CursorExpiredError,
  type ChangePage,
  type CreateRequest,
  type DeleteRequest,
  type KnownItem,
  type ListingContext,
  type RemoteCalendar,
  type RemoteItem,
  type UpdateRequest,
  type WriteResult,
} from "@/lib/sync/provider";
import { changedFields, type ContentField } from "@/lib/sync/content-hash";
import type { ConflictRecord, SettleChoice, Settlement } from "@/lib/sync/conflicts/record";
import { settlementTrace, type SettlementWrites } from "@/lib/sync/conflicts/settle";
import { LocalConflictError, type AccountSyncState, type PullCreate, type Rejection, type SyncStore, type TraceAction, type WriteRecords } from "@/lib/sync/store";
import type { ConflictPolicy, LocalEvent, Pair } from "@/lib/sync/types";

/** The process died here. */
export class Crash extends Error {
  constructor(where: string) {
    super(`crash: ${where}`);
    this.name = "Crash";
  }
}

export { eventContent as content } from "../../helpers/event-content";

/** Counts down calls and throws a Crash when it reaches zero (once armed). */
class CrashPoint {
  private remaining: number | null = null;
  arm(afterCalls: number): void {
    this.remaining = afterCalls;
  }
  disarm(): void {
    this.remaining = null;
  }
  hit(where: string): void {
    if (this.remaining === null) return;
    if (this.remaining === 0) {
      this.remaining = null;
      throw new Crash(where);
    }
    this.remaining -= 1;
  }
}

interface StoredItem {
  remoteId: string;
  versionToken: string;
  localTag: string | null;
  seriesRemoteId: string | null;
  content: EventContent | null;
  updatedAt: string;
  seq: number;
  /** When the item was created, for `forgetsDeletionsOfUnlisted`. */
  createdSeq: number;
}

export class MemoryRemote implements RemoteCalendar {
  requestCount = 0;
  readonly items = new Map<string, StoredItem>();
  pageSize = 3;
  /**
   * Exchange's SyncFolderItems: a listing reports the deletion of an item only if the cursor it
   * starts from knew the item (an item created after the cursor and deleted again is not reported).
   */
  forgetsDeletionsOfUnlisted = false;
  /** Items the listing reports as unreadable (ChangePage.unreadable) instead of handing them over. */
  readonly unreadable = new Set<string>();
  /** Pages carry a cursor a listing can resume from (Exchange's do; Google's page tokens are no cursors). */
  pageCursors = true;
  /** Items whose version the engine holds are handed over unread (as Exchange's provider does with ChangeKeys). */
  skipsKnownVersions = true;
  /** A deletion names the series of the item (Google's cancelled occurrence does; Graph's delta reports a bare id). */
  deletionsNameTheirSeries = true;
  private seq = 0;
  private nextId = 1;
  /** Cursors name the epoch they were issued in: expiring them starts a new one. */
  private epoch = 0;
  clock: () => Date = () => new Date();

  private touch(item: Omit<StoredItem, "seq" | "versionToken" | "updatedAt" | "createdSeq">): StoredItem {
    this.seq += 1;
    const createdSeq = this.items.get(item.remoteId)?.createdSeq ?? this.seq;
    const stored = { ...item, seq: this.seq, createdSeq, versionToken: `v${this.seq}`, updatedAt: this.clock().toISOString() };
    this.items.set(item.remoteId, stored);
    return stored;
  }

  live(): StoredItem[] {
    return [...this.items.values()].filter((item) => item.content !== null);
  }

  // A person using the remote calendar directly:
  userCreate(body: EventContent, seriesRemoteId: string | null = null): string {
    const remoteId = `r${this.nextId++}`;
    this.touch({ remoteId, localTag: null, seriesRemoteId, content: body });
    return remoteId;
  }
  userEdit(remoteId: string, change: Partial<EventContent>): void {
    const item = this.items.get(remoteId);
    if (!item?.content) return;
    this.touch({ ...item, content: { ...item.content, ...change } });
  }
  userDelete(remoteId: string): void {
    const item = this.items.get(remoteId);
    if (!item?.content) return;
    this.touch({ ...item, content: null });
    if (item.seriesRemoteId === null) {
      for (const exception of this.items.values()) {
        if (exception.seriesRemoteId === remoteId && exception.content) this.touch({ ...exception, content: null });
      }
    }
  }
  /** Makes every cursor issued so far invalid (Google's 410 Gone). */
  expireCursors(): void {
    this.epoch += 1;
  }
  private cursorAt(seq: number): string {
    return `${seq}@${this.epoch}`;
  }

  private asRemoteItem(item: StoredItem): RemoteItem {
    return {
      remoteId: item.remoteId,
      versionToken: item.versionToken,
      localTag: item.localTag,
      seriesRemoteId: item.content === null && !this.deletionsNameTheirSeries ? null : item.seriesRemoteId,
      content: item.content,
      updatedAt: item.updatedAt,
    };
  }

  async *listChanges(cursor: string | null, context?: ListingContext): AsyncIterable<ChangePage> {
    const [seqPart, epochPart] = cursor === null ? [] : cursor.split("@");
    const since = cursor === null ? null : Number(seqPart);
    this.requestCount += 1;
    if (cursor !== null && Number(epochPart) !== this.epoch) throw new CursorExpiredError();
    const upTo = this.seq;
    const items = [...this.items.values()]
      .filter((item) => (since === null ? item.content !== null : item.seq > since && (item.content !== null || !this.forgetsDeletionsOfUnlisted || item.createdSeq <= since)))
      .sort((a, b) => a.seq - b.seq);
    for (let start = 0; start < items.length || start === 0; start += this.pageSize) {
      if (start > 0) this.requestCount += 1;
      const last = start + this.pageSize >= items.length;
      const page = items.slice(start, start + this.pageSize);
      // Items come in change order, so the last one's sequence is a cursor for the rest (as a SyncState is).
      const cursor = last ? { nextCursor: this.cursorAt(upTo) } : this.pageCursors ? { pageCursor: this.cursorAt(page[page.length - 1]?.seq ?? since ?? 0) } : {};
      const known = this.skipsKnownVersions && context ? await context.known(page.filter((item) => item.content !== null).map((item) => item.remoteId)) : new Map<string, KnownItem>();
      // Exceptions are items of their own here: each is reported (or not) for itself.
      const unchanged = page.filter((item) => item.content !== null && known.get(item.remoteId)?.versionToken === item.versionToken);
      const read = page.filter((item) => !unchanged.includes(item) && !this.unreadable.has(item.remoteId));
      const failed = page.filter((item) => this.unreadable.has(item.remoteId)).map((item) => ({ remoteId: item.remoteId, message: "cannot be read" }));
      yield {
        items: read.map((item) => this.asRemoteItem(item)),
        ...(unchanged.length > 0 ? { unchanged: unchanged.map((item) => item.remoteId) } : {}),
        ...(failed.length > 0 ? { unreadable: failed } : {}),
        ...cursor,
      };
      if (last) return;
    }
  }

  async findByLocalTag(localIds: string[]): Promise<RemoteItem[]> {
    this.requestCount += 1;
    const wanted = new Set(localIds);
    return this.live()
      .filter((item) => item.localTag !== null && wanted.has(item.localTag))
      .map((item) => this.asRemoteItem(item));
  }

  async create(requests: CreateRequest[]): Promise<WriteResult[]> {
    this.requestCount += 1;
    const results: WriteResult[] = [];
    for (const request of requests) {
      if (request.seriesRemoteId !== null && !this.items.get(request.seriesRemoteId)?.content) {
        results.push({ ok: false, kind: "not-found", message: "the series is gone" });
        continue;
      }
      const remoteId = `r${this.nextId++}`;
      const stored = this.touch({ remoteId, localTag: request.localId, seriesRemoteId: request.seriesRemoteId, content: request.content });
      results.push({ ok: true, remoteId, versionToken: stored.versionToken });
    }
    return results;
  }

  async update(requests: UpdateRequest[]): Promise<WriteResult[]> {
    this.requestCount += 1;
    const results: WriteResult[] = [];
    for (const request of requests) {
      const item = this.items.get(request.remoteId);
      if (!item?.content || (request.seriesRemoteId !== null && !this.items.get(request.seriesRemoteId)?.content)) {
        results.push({ ok: false, kind: "not-found", message: "gone" });
      } else if (item.versionToken !== request.versionToken) results.push({ ok: false, kind: "conflict", message: "412" });
      else {
        // As a PATCH: only the fields that differ from what the engine believes the item holds, so
        // a wrong belief leaves the item other than the engine thinks, and the properties notice.
        const changed = changedFields(request.previous, request.content);
        const content = Object.fromEntries(Object.entries(item.content).map(([key, value]) => [key, changed.has(key as ContentField) ? request.content[key as ContentField] : value])) as EventContent;
        const stored = this.touch({ ...item, content, seriesRemoteId: request.seriesRemoteId });
        results.push({ ok: true, remoteId: item.remoteId, versionToken: stored.versionToken });
      }
    }
    return results;
  }

  async delete(requests: DeleteRequest[]): Promise<WriteResult[]> {
    this.requestCount += 1;
    const results: WriteResult[] = [];
    for (const request of requests) {
      const item = this.items.get(request.remoteId);
      if (!item?.content) results.push({ ok: false, kind: "not-found", message: "gone" });
      else if (item.versionToken !== request.versionToken) results.push({ ok: false, kind: "conflict", message: "412" });
      else {
        this.userDelete(request.remoteId);
        results.push({ ok: true, remoteId: item.remoteId, versionToken: "" });
      }
    }
    return results;
  }

  /** Items read again after a write was refused as stale: one request, as a batch GET. */
  async read(remoteIds: string[]): Promise<(RemoteItem | "absent")[]> {
    this.requestCount += 1;
    return remoteIds.map((remoteId) => {
      const item = this.items.get(remoteId);
      return item?.content ? this.asRemoteItem(item) : "absent";
    });
  }
}

/** The Atollon calendar: one per user, shared by all of that user's sync accounts. */
export class MemoryCalendar {
  readonly events = new Map<string, LocalEvent>();
  private seq = 0n;
  private nextId = 1;
  clock: () => Date = () => new Date();

  stamp(event: Omit<LocalEvent, "changeSeq" | "version" | "updatedAt">, version: number): LocalEvent {
    this.seq += 1n;
    const stored: LocalEvent = { ...event, version, changeSeq: this.seq, updatedAt: this.clock() };
    this.events.set(event.id, stored);
    return stored;
  }

  newId(): string {
    return `l${this.nextId++}`;
  }

  live(): LocalEvent[] {
    return [...this.events.values()].filter((event) => event.deletedAt === null);
  }

  // A person using the Atollon calendar:
  userCreate(body: EventContent, seriesId: string | null = null): string {
    const id = this.newId();
    this.stamp({ id, seriesId, deletedAt: null, content: body }, 1);
    return id;
  }
  userEdit(id: string, change: Partial<EventContent>): void {
    const event = this.events.get(id);
    if (!event || event.deletedAt) return;
    this.stamp({ ...event, content: { ...event.content, ...change } }, event.version + 1);
  }
  userDelete(id: string): void {
    const event = this.events.get(id);
    if (!event || event.deletedAt) return;
    const now = this.clock();
    this.stamp({ ...event, deletedAt: now }, event.version + 1);
    if (event.seriesId === null) {
      for (const exception of this.events.values()) {
        if (exception.seriesId === id && !exception.deletedAt) this.stamp({ ...exception, deletedAt: now }, exception.version + 1);
      }
    }
  }
}

/** A recorded conflict, with its state as the conflicts page would show it. */
export interface MemoryConflict extends ConflictRecord {
  id: string;
  status: "open" | "chosen" | "settled" | "undo" | "undone";
  choice: SettleChoice | null;
  copyId: string | null;
}

/** One sync account's view: the shared calendar plus this account's pairs and cursors. */
export class MemoryStore implements SyncStore {
  readonly pairs = new Map<string, Pair>();
  readonly conflicts: MemoryConflict[] = [];
  /** The events' trace, oldest first, and what the remote refused for good, by event id. */
  readonly trace: TraceAction[] = [];
  readonly rejections = new Map<string, Rejection>();
  state: AccountSyncState;
  /** Crashes before a bookkeeping write (pairs, cursors) takes effect. */
  readonly crashBeforeWrite = new CrashPoint();

  constructor(
    policy: ConflictPolicy = "latest",
    readonly calendar = new MemoryCalendar(),
  ) {
    this.state = { remoteCursor: null, localSeq: 0n, policy };
  }

  get events(): Map<string, LocalEvent> {
    return this.calendar.events;
  }
  set clock(clock: () => Date) {
    this.calendar.clock = clock;
  }
  live(): LocalEvent[] {
    return this.calendar.live();
  }
  userCreate(body: EventContent, seriesId: string | null = null): string {
    return this.calendar.userCreate(body, seriesId);
  }
  userEdit(id: string, change: Partial<EventContent>): void {
    this.calendar.userEdit(id, change);
  }
  userDelete(id: string): void {
    this.calendar.userDelete(id);
  }

  async loadState(): Promise<AccountSyncState> {
    return { ...this.state };
  }
  async saveCursors(remoteCursor: string | null, localSeq: bigint, listedRemoteIds: string[], options?: { unlistOthers?: boolean }): Promise<void> {
    this.crashBeforeWrite.hit("before saving cursors");
    this.state = { ...this.state, remoteCursor, localSeq };
    const listed = new Set(listedRemoteIds);
    for (const [localId, pair] of this.pairs) {
      if (pair.remoteId !== null && listed.has(pair.remoteId)) this.pairs.set(localId, { ...pair, listed: true });
      else if (options?.unlistOthers) this.pairs.set(localId, { ...pair, listed: false });
    }
  }
  async pairsByRemoteIds(remoteIds: string[]): Promise<Pair[]> {
    const wanted = new Set(remoteIds);
    return [...this.pairs.values()].filter((pair) => pair.remoteId !== null && wanted.has(pair.remoteId));
  }
  async pairsByLocalIds(localIds: string[]): Promise<Pair[]> {
    return localIds.flatMap((id) => (this.pairs.has(id) ? [this.pairs.get(id) as Pair] : []));
  }
  async pendingPairs(): Promise<Pair[]> {
    return [...this.pairs.values()].filter((pair) => pair.remoteId === null);
  }
  async countPairs(): Promise<number> {
    return [...this.pairs.values()].filter((pair) => pair.remoteId !== null).length;
  }
  async unlistedPairs(): Promise<Pair[]> {
    return [...this.pairs.values()].filter((pair) => pair.remoteId !== null && !pair.listed);
  }
  async listPairs(afterLocalId: string | null, limit: number): Promise<Pair[]> {
    return [...this.pairs.values()]
      .filter((pair) => pair.remoteId !== null && (afterLocalId === null || pair.localId > afterLocalId))
      .sort((a, b) => (a.localId < b.localId ? -1 : 1))
      .slice(0, limit);
  }
  private putPair(pair: Pair): void {
    for (const [localId, other] of this.pairs) {
      if (localId !== pair.localId && pair.remoteId !== null && other.remoteId === pair.remoteId) this.pairs.delete(localId);
    }
    this.pairs.set(pair.localId, pair);
  }
  async savePairs(pairs: Pair[], records?: WriteRecords): Promise<void> {
    if (pairs.length === 0 && !records?.trace?.length && !records?.rejections?.length) return;
    this.crashBeforeWrite.hit("before saving pairs");
    for (const pair of pairs) this.putPair(pair);
    this.record(records);
  }
  private record(records: WriteRecords | undefined): void {
    for (const entry of records?.trace ?? []) {
      this.trace.push(entry);
      if (entry.side === "there" && (entry.action === "created" || entry.action === "updated")) this.rejections.delete(entry.eventId);
    }
    for (const rejection of records?.rejections ?? []) this.rejections.set(rejection.eventId, rejection);
    for (const conflict of records?.conflicts ?? []) {
      // One open conflict per event: a newer version of theirs replaces the one it showed.
      const open = this.conflicts.find((candidate) => candidate.eventId === conflict.eventId && candidate.status === "open");
      if (open && conflict.winner === null) Object.assign(open, conflict);
      else this.conflicts.push({ ...conflict, id: `c${this.conflicts.length + 1}`, status: conflict.winner === null ? "open" : "settled", choice: conflict.winner, copyId: null });
    }
  }

  // A person on the conflicts page (lib/conflicts does the same in the database):
  choose(conflictId: string, choice: SettleChoice): void {
    const conflict = this.conflicts.find((candidate) => candidate.id === conflictId && candidate.status === "open");
    if (!conflict) return;
    Object.assign(conflict, { status: "chosen", choice });
    this.state = { ...this.state, settlementsWaiting: true };
  }
  undo(conflictId: string): void {
    const conflict = this.conflicts.find((candidate) => candidate.id === conflictId && candidate.status === "settled");
    if (!conflict) return;
    conflict.status = "undo";
    this.state = { ...this.state, settlementsWaiting: true };
  }
  async settlements(): Promise<Settlement[]> {
    return this.conflicts
      .filter((conflict) => conflict.status === "chosen" || conflict.status === "undo")
      .map((conflict) => ({ ...conflict, conflictId: conflict.id, kind: conflict.status === "undo" ? ("undo" as const) : ("settle" as const), choice: conflict.choice as SettleChoice }));
  }
  async releaseHeld(localId: string): Promise<void> {
    this.crashBeforeWrite.hit("before releasing a held event");
    this.pairs.delete(localId);
    const event = this.events.get(localId);
    if (event) this.calendar.stamp(event, event.version + 1);
    for (const conflict of this.conflicts) if (conflict.eventId === localId && conflict.status === "open") conflict.status = "settled";
  }
  async settle(conflictId: string, writes: SettlementWrites | null): Promise<void> {
    this.crashBeforeWrite.hit("before carrying out a settlement");
    const conflict = this.conflicts.find((candidate) => candidate.id === conflictId);
    if (!conflict) return;
    if (writes) {
      const event = this.events.get(writes.eventId);
      if (!event || event.version !== writes.expectedVersion) throw new LocalConflictError(writes.eventId);
      let written = event;
      if (writes.content || writes.touch) written = this.calendar.stamp({ ...event, content: writes.content ?? event.content, deletedAt: writes.restore ? null : event.deletedAt }, event.version + 1);
      if (writes.restore) this.restoreExceptions(event);
      if (writes.pair) this.putPair(writes.pair(written));
      if (writes.copy) conflict.copyId = this.calendar.userCreate(writes.copy);
      if (writes.deleteCopy) this.calendar.userDelete(writes.deleteCopy);
      this.trace.push(...settlementTrace(writes, conflict.copyId));
    }
    conflict.status = conflict.status === "undo" ? "undone" : "settled";
    if (!this.conflicts.some((candidate) => candidate.status === "chosen" || candidate.status === "undo")) this.state = { ...this.state, settlementsWaiting: false };
  }
  async deletePairs(localIds: string[], records?: WriteRecords): Promise<void> {
    if (localIds.length === 0) return;
    this.crashBeforeWrite.hit("before deleting a pair");
    for (const localId of localIds) this.pairs.delete(localId);
    this.record(records);
  }
  async localEvents(ids: string[]): Promise<LocalEvent[]> {
    return ids.flatMap((id) => (this.events.has(id) ? [this.events.get(id) as LocalEvent] : []));
  }
  async exceptionPairs(seriesIds: string[]): Promise<{ seriesId: string; pair: Pair }[]> {
    const wanted = new Set(seriesIds);
    return [...this.pairs.values()].flatMap((pair) => {
      const seriesId = this.events.get(pair.localId)?.seriesId;
      return pair.remoteId !== null && seriesId && wanted.has(seriesId) ? [{ seriesId, pair }] : [];
    });
  }
  async findException(seriesId: string, originalStart: string): Promise<LocalEvent | null> {
    return [...this.events.values()].find((event) => event.seriesId === seriesId && event.content.originalStart === originalStart) ?? null;
  }
  async localChangedSince(afterSeq: bigint, limit: number): Promise<LocalEvent[]> {
    return [...this.events.values()]
      .filter((event) => event.changeSeq > afterSeq)
      .sort((a, b) => (a.changeSeq < b.changeSeq ? -1 : 1))
      .slice(0, limit);
  }
  async pullCreate(entries: PullCreate[]): Promise<LocalEvent[]> {
    this.crashBeforeWrite.hit("before a local create");
    return entries.map(({ content: body, seriesId, pair }) => {
      const created = this.calendar.stamp({ id: this.calendar.newId(), seriesId, deletedAt: null, content: body }, 1);
      this.putPair(pair(created));
      this.trace.push({ eventId: created.id, action: "created", side: "here" });
      return created;
    });
  }
  async pullUpdate(id: string, expectedVersion: number, body: EventContent, restore: boolean, pair: (event: LocalEvent) => Pair, records?: WriteRecords): Promise<LocalEvent> {
    this.crashBeforeWrite.hit("before a local update");
    const event = this.events.get(id);
    if (!event || event.version !== expectedVersion) throw new LocalConflictError(id);
    const updated = this.calendar.stamp({ ...event, content: body, deletedAt: restore ? null : event.deletedAt }, event.version + 1);
    if (restore) this.restoreExceptions(event);
    this.putPair(pair(updated));
    this.record({ ...records, trace: [{ eventId: id, action: restore ? "restored" : "updated", side: "here" }] });
    return updated;
  }
  async pullDelete(id: string, expectedVersion: number): Promise<void> {
    this.crashBeforeWrite.hit("before a local delete");
    const event = this.events.get(id);
    if (!event || event.version !== expectedVersion) throw new LocalConflictError(id);
    this.userDelete(id);
    this.trace.push({ eventId: id, action: "deleted", side: "here" });
    this.pairs.delete(id);
    for (const exception of this.events.values()) if (exception.seriesId === id) this.pairs.delete(exception.id);
  }
  async detachExceptions(seriesId: string): Promise<LocalEvent[]> {
    this.crashBeforeWrite.hit("before detaching exceptions");
    const exceptions = this.live().filter((event) => event.seriesId === seriesId);
    return exceptions.map((event) => {
      this.pairs.delete(event.id);
      return this.calendar.stamp(event, event.version + 1);
    });
  }
  async restoreLocal(id: string, pair: (event: LocalEvent) => Pair): Promise<LocalEvent> {
    this.crashBeforeWrite.hit("before a local restore");
    const event = this.events.get(id);
    if (!event) throw new LocalConflictError(id);
    const restored = this.calendar.stamp({ ...event, deletedAt: null }, event.version + 1);
    this.restoreExceptions(event);
    this.putPair(pair(restored));
    this.trace.push({ eventId: id, action: "restored", side: "here" });
    return restored;
  }
  /** The exceptions deleted together with a series (same deletion time) come back with it. */
  private restoreExceptions(series: LocalEvent): void {
    if (series.seriesId !== null || series.deletedAt === null) return;
    for (const exception of this.events.values()) {
      if (exception.seriesId === series.id && exception.deletedAt?.getTime() === series.deletedAt.getTime()) {
        this.calendar.stamp({ ...exception, deletedAt: null }, exception.version + 1);
      }
    }
  }
}
