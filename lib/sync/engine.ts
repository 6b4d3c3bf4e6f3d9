import type { EventContent } from "@/lib/calendar/event-content";
import { contentHash } from "@/lib/sync/content-hash";
import { conflictRecord, type ConflictRecord } from "@/lib/sync/conflicts/record";
import { planSettlement } from "@/lib/sync/conflicts/settle";
import { decide, recogniseOwnWrite, type Action } from "@/lib/sync/decide";
import { deletionGuardTrips, type DeletionCounts } from "@/lib/sync/deletion-guard";
import { CursorExpiredError, type ListingContext, type RemoteCalendar, type RemoteItem, type UnreadableItem, type WriteResult } from "@/lib/sync/provider";
import { lastSynced, see, steer, type RulesContext, type Seen } from "@/lib/sync/rules/lens";
import { LocalConflictError, type PullCreate, type Rejection, type SyncStore, type TraceAction } from "@/lib/sync/store";
import type { ConflictPolicy, LocalEvent, Pair, PairOrigin } from "@/lib/sync/types";

/**
 * One sync run of one account. The order matters for safety:
 *  1. finish what a crashed run left in flight (creates whose answer was never recorded);
 *  2. pull remote changes page by page, deciding each against the local event and the pair;
 *  3. push local changes found through the calendar's change sequence;
 *  4. hold every deletion back until both listings are complete, and apply them only if the
 *     mass-deletion guard allows (or the user chose to apply / restore them);
 *  5. save the cursors last, and only as far as everything before them was applied — a crash at any
 *     point makes the next run redo work that is idempotent, never skip any.
 */

export type DeletionChoice = "ask" | "apply" | "restore";

export interface SyncOptions {
  store: SyncStore;
  remote: RemoteCalendar;
  /** What to do with deletions the guard holds back: "ask" pauses the account. */
  deletions?: DeletionChoice;
  localPageSize?: number;
  writeBatchSize?: number;
  /** Told the counts so far after every page read and every batch written (for a progress display). */
  onProgress?: (progress: SyncProgress) => void;
  /** The account's rules (lib/sync/rules); without them everything is synced both ways. */
  rules?: RulesContext;
}

export interface SyncProgress {
  pulled: DirectionCounts;
  pushed: DirectionCounts;
}

export interface DirectionCounts {
  created: number;
  updated: number;
  deleted: number;
}

export interface SyncFailure {
  localId: string | null;
  remoteId: string | null;
  message: string;
  /** Refused by the remote for good: tried again only once the event changes, not by the next run. */
  refused?: boolean;
}

export interface SyncReport {
  /** "partial": some items could not be written now and are retried by the next run. */
  outcome: "complete" | "partial" | "paused";
  pulled: DirectionCounts;
  pushed: DirectionCounts;
  conflicts: number;
  /** Conflicts a person settled (or undid) that this run carried out. */
  settled: number;
  /** Conflicts met by this run that wait for a person ("Ask me"). */
  conflictsWaiting: number;
  /** Copies on a side the rules make read-only (a mirror) whose change or deletion there was undone from their origin. */
  restoredCopies: number;
  /** HTTP requests made. */
  requests: number;
  /** Calls made, as the service's quota counts them (each call inside a batch is one). */
  calls: number;
  /** Set when the service limited requests beyond the run's wait budget: when to continue. */
  throttledUntil: Date | null;
  fullListing: boolean;
  /** Set when outcome is "paused": what the guard held back. */
  heldDeletions: DeletionCounts | null;
  failures: SyncFailure[];
}

const LOCAL_PAGE = 500;
const WRITE_BATCH = 50;

interface RemoteDeletion {
  event: LocalEvent;
  pair: Pair & { remoteId: string };
}

interface PendingUpdate {
  event: LocalEvent;
  pair: Pair & { remoteId: string };
  versionToken: string;
  /** What the remote item holds now, as far as this run knows (see UpdateRequest.previous). */
  previous: EventContent | null;
  /** The conflict this update settles, recorded with the pair once it is written. */
  conflict?: ConflictRecord | null;
}

const there = (eventId: string, action: TraceAction["action"]): TraceAction => ({ eventId, action, side: "there" });

const emptyCounts = (): DirectionCounts => ({ created: 0, updated: 0, deleted: 0 });

export async function runSync(options: SyncOptions): Promise<SyncReport> {
  return new SyncRun(options).run();
}

class SyncRun {
  private readonly store: SyncStore;
  private readonly remote: RemoteCalendar;
  private readonly deletions: DeletionChoice;
  private readonly localPageSize: number;
  private readonly writeBatchSize: number;
  private readonly requestsAtStart: number;
  private readonly callsAtStart: number;
  private readonly onProgress: SyncOptions["onProgress"];
  private policy: ConflictPolicy = "latest";

  private readonly report: SyncReport = {
    outcome: "complete",
    pulled: emptyCounts(),
    pushed: emptyCounts(),
    conflicts: 0,
    settled: 0,
    conflictsWaiting: 0,
    restoredCopies: 0,
    requests: 0,
    calls: 0,
    throttledUntil: null,
    fullListing: false,
    heldDeletions: null,
    failures: [],
  };

  /** Local events already settled by this run: the push phase must not look at them again. */
  private readonly settled = new Set<string>();
  private creates: LocalEvent[] = [];
  /** Every event queued for a remote create by this run: one create each. */
  private readonly queued = new Set<string>();
  /**
   * Series masters this listing wrote, with the version each was read at. Their pairs get that
   * version only once the listing's exceptions are applied too: a provider that skips reading a
   * series at a known version (Exchange) would otherwise never report the exceptions of a series
   * whose run died between the two.
   */
  private readonly seriesVersions = new Map<string, string>();
  /** Events whose refused update this run has read again (see settleStale). */
  private readonly reread = new Set<string>();
  /** Exceptions whose series is not in the remote calendar yet; retried once the run has created it. */
  private waitingForSeries: LocalEvent[] = [];
  private updates: PendingUpdate[] = [];
  /** Remote items new to this calendar, created locally together at the end of their page. */
  private readonly pulledCreates: PullCreate[] = [];
  /** Held back until the guard has seen all of them. */
  private readonly localDeletions: { event: LocalEvent }[] = [];
  private readonly remoteDeletions: RemoteDeletion[] = [];
  /** Every remote id the listing reported: the pairs the saved cursor will cover. */
  private readonly listed = new Set<string>();
  /** While listing, creates wait: an item created mid-listing may or may not be covered by its cursor. */
  private listing = false;
  /** A write that failed for now: the cursors must not move past what it covers. */
  private transientFailure = false;
  /**
   * A series this run restored here after its listing was decided (a deletion refused as stale, or
   * the user's "restore" of held deletions): the listing passed over its occurrences while it was
   * deleted here, so the next run lists from the same cursor again and finds them.
   */
  private restoredAfterListing = false;
  /** An occurrence of a series deleted here and held by an open conflict was listed: it waits with its series (see applyRemotePage). */
  private waitingWithHeldSeries = false;
  /** The remote cursor as saved now: the loaded one, or the last page cursor this run saved. */
  private savedRemoteCursor: string | null = null;
  private localSeqAtStart = 0n;
  /** Listed remote ids not yet marked by a saved page cursor. */
  private listedSinceCheckpoint: string[] = [];
  private checkpointedListing = false;
  private lowestFailedSeq: bigint | null = null;
  private readonly rules: RulesContext | null;
  /** Copies the rules leave out, removed from the remote calendar once both listings are read (never held by the guard: the person chose it). */
  private readonly ruleRemovals: RemoteDeletion[] = [];
  private readonly seriesContents = new Map<string, EventContent | null>();

  constructor(options: SyncOptions) {
    this.store = options.store;
    this.remote = options.remote;
    this.deletions = options.deletions ?? "ask";
    this.localPageSize = options.localPageSize ?? LOCAL_PAGE;
    this.writeBatchSize = options.writeBatchSize ?? options.remote.writeBatchSize ?? WRITE_BATCH;
    this.requestsAtStart = options.remote.requestCount;
    this.callsAtStart = options.remote.callCount ?? options.remote.requestCount;
    this.onProgress = options.onProgress;
    this.rules = options.rules ?? null;
  }

  async run(): Promise<SyncReport> {
    const state = await this.store.loadState();
    // New rules or a moved window: both sides are looked at whole once, against what the rules now say.
    const { remoteCursor: startCursor, localSeq: startSeq } = this.rules?.reevaluate ? { remoteCursor: null, localSeq: 0n } : state;
    this.policy = state.policy;
    this.savedRemoteCursor = state.remoteCursor;
    this.localSeqAtStart = state.localSeq;
    const lost = await this.resolveInFlightCreates();
    if (state.settlementsWaiting) await this.carryOutSettlements();
    const nextRemoteCursor = await this.pull(startCursor);
    await this.createLost(lost);
    const nextLocalSeq = await this.push(startSeq);
    await this.flushWrites();
    await this.deleteRemote(this.ruleRemovals.splice(0), []);
    const held = await this.settleDeletions();
    await this.flushWrites();
    // Exceptions that came before their series (another page, or a series restored just now).
    this.creates.push(...this.waitingForSeries.splice(0));
    await this.flushWrites();
    for (const event of this.waitingForSeries) {
      this.fail({ localId: event.id, remoteId: null, message: "The series of this occurrence could not be created in the remote calendar." }, true, event);
    }

    if (held) {
      this.report.outcome = "paused";
    } else {
      const localSeq = this.lowestFailedSeq !== null && this.lowestFailedSeq - 1n < nextLocalSeq ? this.lowestFailedSeq - 1n : nextLocalSeq;
      const keepCursor = this.transientFailure || this.restoredAfterListing || this.waitingWithHeldSeries;
      const remoteCursor = keepCursor ? this.savedRemoteCursor : nextRemoteCursor;
      const listed = keepCursor ? [] : [...this.listed];
      if (remoteCursor !== state.remoteCursor || localSeq !== state.localSeq || listed.length > 0) await this.store.saveCursors(remoteCursor, localSeq, listed);
      if (this.report.failures.length > 0) this.report.outcome = "partial";
    }
    this.report.requests = this.remote.requestCount - this.requestsAtStart;
    this.report.calls = (this.remote.callCount ?? this.remote.requestCount) - this.callsAtStart;
    this.report.throttledUntil = this.remote.throttledUntil ?? null;
    return this.report;
  }

  /**
   * A create whose answer was never recorded may or may not have reached the server. The item, if
   * it exists, carries our tag: adopt it. Returns the events whose create was lost: they stay
   * pending through the listing, which may pair them with the remote's own version of the same
   * occurrence (see createLost).
   */
  private async resolveInFlightCreates(): Promise<string[]> {
    const pending = await this.store.pendingPairs();
    if (pending.length === 0) return [];
    const found = new Map((await this.remote.findByLocalTag(pending.map((pair) => pair.localId))).map((item) => [item.localTag, item]));
    const lost: string[] = [];
    for (const pair of pending) {
      const item = found.get(pair.localId);
      // What we sent is what the item held then; anything else is a remote edit made since.
      if (item && item.content !== null) await this.store.savePairs([{ ...pair, remoteId: item.remoteId, remoteVersion: null, remoteHash: pair.localHash, sentHash: null }]);
      else lost.push(pair.localId);
    }
    return lost;
  }

  /**
   * Lost creates the listing did not settle are created again now, not left to the push phase: the
   * change that made the create (a change that won over a remote deletion, decided in an earlier
   * run) may be older than the saved position. Decided like any local change, so the account's
   * rules say whether and as what it is created.
   */
  private async createLost(lost: string[]): Promise<void> {
    if (lost.length === 0) return;
    const events = (await this.store.localEvents(lost)).filter((event) => !this.settled.has(event.id));
    await this.store.deletePairs(lost.filter((id) => !this.settled.has(id)));
    for (const event of events) {
      this.settled.add(event.id);
      if (event.deletedAt === null) await this.decideAndCarryOut(event, null, null, event.seriesId);
    }
  }

  /**
   * What people chose for conflicts since the last run: written here, in the Atollon calendar, each
   * in one transaction; the push phase below then takes each to the remote like any local change.
   */
  private async carryOutSettlements(): Promise<void> {
    // Each read just before it is planned: an earlier one may have written its event (an undo of an
    // older conflict of the same event) or restored it (an occurrence of a series brought back).
    for (const settlement of await this.store.settlements()) {
      const [local] = await this.store.localEvents([settlement.eventId]);
      const [pair] = await this.store.pairsByLocalIds([settlement.eventId]);
      try {
        await this.store.settle(settlement.conflictId, planSettlement(settlement, local ?? null, pair ?? null));
        this.report.settled += 1;
      } catch (error) {
        if (!(error instanceof LocalConflictError)) throw error;
        this.fail({ localId: settlement.eventId, remoteId: settlement.remoteId, message: error.message }, false);
      }
    }
  }

  // ── Pull ──────────────────────────────────────────────────────────────────────────────────────

  private async pull(cursor: string | null): Promise<string | null> {
    this.listing = true;
    try {
      return await this.listAndApply(cursor);
    } catch (error) {
      if (!(error instanceof CursorExpiredError) || cursor === null) throw error;
      // Everything applied so far is recorded in pairs, so listing from scratch cannot duplicate.
      this.listed.clear();
      this.listedSinceCheckpoint = [];
      this.checkpointedListing = false;
      return await this.listAndApply(null);
    } finally {
      this.listing = false;
      // An exception decided before its series (pairs come in id order) follows the series out now.
      this.creates = this.creates.filter((event) => {
        if (!this.followSeriesOut(event)) return true;
        // Not created after all: a "restore" of the held deletions may queue it again.
        this.queued.delete(event.id);
        return false;
      });
    }
  }

  private async listAndApply(cursor: string | null): Promise<string | null> {
    const full = cursor === null;
    this.seriesVersions.clear();
    this.report.fullListing = full;
    // Read before listing: a pair this listing creates is reported by it, and is no candidate.
    const unlisted = full ? [] : await this.store.unlistedPairs();
    // Exceptions wait until every series of the listing is applied: a series listed later may
    // create, restore or delete what they belong to.
    const exceptions: RemoteItem[] = [];
    const goneSeries = new Set<string>();
    let next: string | null = cursor;
    for await (const page of this.remote.listChanges(cursor, this.listingContext)) {
      for (const remoteId of page.unchanged ?? []) {
        this.listed.add(remoteId);
        this.listedSinceCheckpoint.push(remoteId);
      }
      await this.noteUnreadable(page.unreadable ?? []);
      const heldAsExceptions = await this.exceptionsAmongDeletions(page.items);
      const isException = (item: RemoteItem) => item.seriesRemoteId !== null || heldAsExceptions.has(item.remoteId);
      for (const item of page.items) {
        this.listed.add(item.remoteId);
        this.listedSinceCheckpoint.push(item.remoteId);
        if (item.content === null && !isException(item)) goneSeries.add(item.remoteId);
      }
      exceptions.push(...page.items.filter(isException));
      await this.applyRemotePage(page.items.filter((item) => !isException(item)));
      this.progress();
      if (page.nextCursor !== undefined) next = page.nextCursor;
      else if (page.pageCursor !== undefined && exceptions.length === 0 && goneSeries.size === 0 && this.nothingHeld()) await this.checkpoint(page.pageCursor, full);
    }
    if (exceptions.length > 0) {
      // An occurrence of a deleted series went with it (Google lists it as "cancelled"): a deletion.
      const settledExceptions = exceptions.map((item) => (item.seriesRemoteId && goneSeries.has(item.seriesRemoteId) ? { ...item, content: null } : item));
      const stillOrphaned = await this.applyRemotePage(settledExceptions, true);
      // Hiding an occurrence of a series this calendar does not hold (a deleted one) is nothing to do.
      // Nor is one of a series the rules leave out.
      for (const item of stillOrphaned.filter((orphan) => orphan.content?.status !== "cancelled" && this.rules === null)) {
        this.fail({ localId: null, remoteId: item.remoteId, message: "An occurrence of a series that this calendar does not hold was skipped." }, false);
      }
    }
    await this.confirmSeriesVersions();
    if (full) await this.reconcileAbsent();
    else await this.decideUnreported(unlisted);
    return next;
  }

  /**
   * Items the listing could not read: failures of this run (which keep the cursor, so the next run
   * reads them again), and present — with a series' exceptions — for everything that decides what
   * is gone.
   */
  private async noteUnreadable(unreadable: UnreadableItem[]): Promise<void> {
    if (unreadable.length === 0) return;
    const pairs = new Map((await this.store.pairsByRemoteIds(unreadable.map((item) => item.remoteId))).map((pair) => [pair.remoteId, pair]));
    const exceptions = await this.store.exceptionPairs([...pairs.values()].map((pair) => pair.localId));
    for (const remoteId of [...unreadable.map((item) => item.remoteId), ...exceptions.map(({ pair }) => pair.remoteId as string)]) {
      this.listed.add(remoteId);
      this.listedSinceCheckpoint.push(remoteId);
    }
    for (const { remoteId, message } of unreadable) this.fail({ localId: pairs.get(remoteId)?.localId ?? null, remoteId, message }, true);
  }

  private noteRestored(content: EventContent): void {
    if (!this.listing && content.rrule !== null) this.restoredAfterListing = true;
  }

  /** The version to record for a remote item now: none yet for a series master while its listing runs (see seriesVersions). */
  private versionToRecord(remote: RemoteItem): string | null {
    if (!this.listing || remote.seriesRemoteId !== null || !remote.content?.rrule) return remote.versionToken;
    this.seriesVersions.set(remote.remoteId, remote.versionToken);
    return null;
  }

  /** Every exception of the listing is applied: its series masters' pairs get their versions — unless something failed, which the next listing must read again. */
  private async confirmSeriesVersions(): Promise<void> {
    const versions = new Map(this.seriesVersions);
    this.seriesVersions.clear();
    if (versions.size === 0 || this.report.failures.length > 0) return;
    const pairs = await this.store.pairsByRemoteIds([...versions.keys()]);
    await this.store.savePairs(pairs.filter((pair) => pair.remoteVersion === null).map((pair) => ({ ...pair, remoteVersion: versions.get(pair.remoteId as string) ?? null })));
  }

  /**
   * The remote ids among these deletions that this calendar holds as exceptions. A service may report
   * a deleted occurrence as a bare id (Graph's delta does), without its series: it must still wait
   * for the series, or a series restored later in the listing would bring back the occurrence its
   * deletion took here, with its pair already forgotten.
   */
  private async exceptionsAmongDeletions(items: RemoteItem[]): Promise<Set<string>> {
    const bare = items.filter((item) => item.content === null && item.seriesRemoteId === null).map((item) => item.remoteId);
    if (bare.length === 0) return new Set();
    const pairs = await this.store.pairsByRemoteIds(bare);
    const exceptions = new Set((await this.store.localEvents(pairs.map((pair) => pair.localId))).filter((event) => event.seriesId !== null).map((event) => event.id));
    return new Set(pairs.filter((pair) => exceptions.has(pair.localId)).map((pair) => pair.remoteId as string));
  }

  /**
   * Lets a listing skip reading items that are as this account last synced them — above all the
   * items this account wrote itself, which the next listing reports again.
   */
  private readonly listingContext: ListingContext = {
    known: async (remoteIds) => {
      // New rules may make a different copy of an item this account holds unchanged: read them all.
      if (this.rules?.reevaluate === "rules") return new Map();
      const pairs = (await this.store.pairsByRemoteIds(remoteIds)).filter((pair) => pair.remoteId !== null && pair.remoteVersion !== null);
      const exceptions = new Map<string, string[]>();
      for (const { seriesId, pair } of await this.store.exceptionPairs(pairs.map((pair) => pair.localId))) {
        exceptions.set(seriesId, [...(exceptions.get(seriesId) ?? []), pair.remoteId as string]);
      }
      return new Map(pairs.map((pair) => [pair.remoteId as string, { versionToken: pair.remoteVersion as string, exceptionIds: exceptions.get(pair.localId) ?? [] }]));
    },
  };

  /** Whether everything decided so far is written: nothing waits in memory for the end of the listing. */
  private nothingHeld(): boolean {
    return (
      this.localDeletions.length === 0 &&
      this.remoteDeletions.length === 0 &&
      this.creates.length === 0 &&
      this.updates.length === 0 &&
      this.waitingForSeries.length === 0 &&
      this.pulledCreates.length === 0 &&
      this.report.failures.length === 0
    );
  }

  /**
   * Saves a page cursor mid-listing, so that a run that dies later (a remote outage, a restart)
   * resumes the listing here instead of reading it all again. Only when nothing decided so far waits
   * in memory: then the saved state is exactly that of a run that ended after this page — deletions
   * held for the guard, exceptions waiting for their series and queued writes would be lost, so they
   * stop the checkpoints until the listing ends (the guard still counts every deletion of it). A full
   * listing saved part-way marks what it has not reported yet as unlisted: the next run continues
   * incrementally, and an unlisted pair that listing does not report is gone, as in a full listing.
   */
  private async checkpoint(pageCursor: string, full: boolean): Promise<void> {
    const unlistOthers = full && !this.checkpointedListing;
    await this.store.saveCursors(pageCursor, this.localSeqAtStart, this.listedSinceCheckpoint, { unlistOthers });
    this.savedRemoteCursor = pageCursor;
    this.listedSinceCheckpoint = [];
    this.checkpointedListing = true;
  }

  /**
   * Applies one page of remote items; returns the exceptions that must wait for their series (not
   * paired yet, or deleted here — a later item of the listing may still bring it back).
   */
  private async applyRemotePage(items: RemoteItem[], lastPass = false): Promise<RemoteItem[]> {
    const pairs = new Map((await this.store.pairsByRemoteIds(items.map((item) => item.remoteId))).map((pair) => [pair.remoteId, pair]));
    const taggedIds = items.filter((item) => !pairs.has(item.remoteId) && item.localTag !== null).map((item) => item.localTag as string);
    const pairsByLocal = new Map((await this.store.pairsByLocalIds(taggedIds)).map((pair) => [pair.localId, pair]));
    const localIds = [...[...pairs.values()].map((pair) => pair.localId), ...taggedIds];
    const locals = new Map((await this.store.localEvents(localIds)).map((event) => [event.id, event]));
    const seriesPairs = new Map(
      (await this.store.pairsByRemoteIds(items.flatMap((item) => (item.seriesRemoteId ? [item.seriesRemoteId] : [])))).map((pair) => [pair.remoteId, pair]),
    );
    const seriesEvents = new Map((await this.store.localEvents([...seriesPairs.values()].map((pair) => pair.localId))).map((event) => [event.id, event]));

    const orphans: RemoteItem[] = [];
    for (const item of items) {
      let seriesId: string | null = null;
      if (item.seriesRemoteId !== null && item.content !== null) {
        const seriesPair = seriesPairs.get(item.seriesRemoteId) ?? (await this.store.pairsByRemoteIds([item.seriesRemoteId]))[0];
        if (!seriesPair) {
          orphans.push(item);
          continue;
        }
        seriesId = seriesPair.localId;
        const series = seriesEvents.get(seriesId) ?? (await this.store.localEvents([seriesId]))[0];
        if (series?.deletedAt) {
          const exceptionPair = pairs.get(item.remoteId);
          if (!lastPass) orphans.push(item);
          // A series deleted here and held by an open conflict may still come back ("Keep theirs"):
          // its occurrences wait with it, and the next runs list them again until it is settled.
          else if (seriesPair.held) this.waitingWithHeldSeries = true;
          // An exception follows its series: the series' deletion removes it remotely too.
          else if (exceptionPair) await this.store.deletePairs([exceptionPair.localId]);
          continue;
        }
      }
      let pair = pairs.get(item.remoteId) ?? null;
      let local = pair ? (locals.get(pair.localId) ?? null) : null;
      // An event this listing decided already (through another item carrying its tag) is taken.
      if (pair === null && item.localTag !== null && !this.settled.has(item.localTag)) {
        const tagged = locals.get(item.localTag) ?? null;
        const taggedPair = pairsByLocal.get(item.localTag) ?? null;
        // Our tag on an item we have no pair for: the copy a crashed run created. Adopt it, unless
        // the event is already paired with another item: then this is a copy a person made (Google
        // copies private properties when duplicating), which becomes an event of its own.
        if (tagged !== null && (taggedPair === null || taggedPair.remoteId === null)) {
          local = tagged;
          pair = taggedPair && { ...taggedPair, remoteId: item.remoteId, remoteVersion: null, remoteHash: taggedPair.localHash, sentHash: null };
        }
      }
      if (pair === null && local === null && seriesId !== null && item.content?.originalStart) {
        // Both sides changed the same occurrence of a series on their own: one occurrence, two
        // versions — matched here and settled by the conflict policy, never kept twice.
        const twin = await this.store.findException(seriesId, item.content.originalStart);
        const twinPair = twin ? (await this.store.pairsByLocalIds([twin.id]))[0] : undefined;
        if (twin && (!twinPair || twinPair.remoteId === null)) local = twin;
      }
      if (local && this.followSeriesOut(local)) continue;
      const base = recogniseOwnWrite(pair, item);
      if (local) this.settled.add(local.id);
      await this.decideAndCarryOut(local, item, base, seriesId);
    }
    await this.flushPulledCreates();
    return orphans;
  }

  /** After a full listing: every paired item it did not contain is gone on the remote side. */
  private async reconcileAbsent(): Promise<void> {
    let after: string | null = null;
    for (;;) {
      const pairs = await this.store.listPairs(after, this.localPageSize);
      if (pairs.length === 0) return;
      after = pairs[pairs.length - 1]?.localId ?? null;
      await this.decideAbsent(pairs.filter((pair) => pair.remoteId !== null && !this.listed.has(pair.remoteId)));
    }
  }

  /** Created or changed after the cursor, yet not reported from it: deleted since. */
  private async decideUnreported(unlisted: Pair[]): Promise<void> {
    const candidates = new Map(unlisted.filter((pair) => pair.remoteId !== null && !this.listed.has(pair.remoteId)).map((pair) => [pair.localId, pair.remoteId]));
    if (candidates.size === 0) return;
    // The listing may have settled some of them already (a series deleted with its exceptions).
    const current = await this.store.pairsByLocalIds([...candidates.keys()]);
    await this.decideAbsent(current.filter((pair) => pair.remoteId !== null && candidates.get(pair.localId) === pair.remoteId));
  }

  private async decideAbsent(missing: Pair[]): Promise<void> {
    const locals = new Map((await this.store.localEvents(missing.map((pair) => pair.localId))).map((event) => [event.id, event]));
    for (const pair of missing) {
      // An exception of a series revived a moment ago is being created again already.
      if (this.queued.has(pair.localId)) continue;
      const local = locals.get(pair.localId) ?? null;
      if (local && this.followSeriesOut(local)) continue;
      if (local) this.settled.add(local.id);
      await this.decideAndCarryOut(local, "absent", pair, local?.seriesId ?? null);
    }
  }

  // ── Push ──────────────────────────────────────────────────────────────────────────────────────

  /** The deleted exceptions among these events whose series is deleted too and held by an open conflict. */
  private async exceptionsOfHeldDeletedSeries(events: LocalEvent[]): Promise<Set<string>> {
    const deleted = events.filter((event) => event.seriesId !== null && event.deletedAt !== null);
    if (deleted.length === 0) return new Set();
    const seriesIds = [...new Set(deleted.map((event) => event.seriesId as string))];
    const held = new Set((await this.store.pairsByLocalIds(seriesIds)).filter((pair) => pair.held).map((pair) => pair.localId));
    if (held.size === 0) return new Set();
    const deletedSeries = new Set((await this.store.localEvents([...held])).filter((series) => series.deletedAt !== null).map((series) => series.id));
    return new Set(deleted.filter((event) => deletedSeries.has(event.seriesId as string)).map((event) => event.id));
  }

  private async push(localSeq: bigint): Promise<bigint> {
    let seq = localSeq;
    for (;;) {
      const events = await this.store.localChangedSince(seq, this.localPageSize);
      if (events.length === 0) return seq;
      seq = events[events.length - 1]?.changeSeq ?? seq;
      const fresh = events.filter((event) => !this.settled.has(event.id));
      const pairs = new Map((await this.store.pairsByLocalIds(fresh.map((event) => event.id))).map((pair) => [pair.localId, pair]));
      // A series must exist remotely before its exceptions can be written.
      fresh.sort((a, b) => Number(a.seriesId !== null) - Number(b.seriesId !== null));
      const waiting = await this.exceptionsOfHeldDeletedSeries(fresh);
      for (const event of fresh) {
        if (this.followSeriesOut(event)) continue;
        this.settled.add(event.id);
        // Deleted with a series an open conflict holds: its deletion goes out with the series', or
        // the event comes back with it — never on its own, which would meet the remote's changes alone.
        if (waiting.has(event.id)) continue;
        const pair = pairs.get(event.id) ?? null;
        if (pair?.remoteId === null) continue;
        await this.decideAndCarryOut(event, null, pair, event.seriesId);
      }
      // Written page by page: a first export holds one page of the calendar, not all of it.
      await this.flushWrites();
    }
  }

  // ── Rules ─────────────────────────────────────────────────────────────────────────────────────

  /** An event's two sides as the account's rules show them (see lib/sync/rules/lens.ts). */
  private async see(local: LocalEvent | null, remote: RemoteItem | "absent" | null, pair: Pair | null): Promise<Seen> {
    if (this.rules === null) return see(null, local, remote, pair);
    const seriesId = local?.seriesId ?? null;
    if (seriesId !== null && !this.seriesContents.has(seriesId)) this.seriesContents.set(seriesId, (await this.store.localEvents([seriesId]))[0]?.content ?? null);
    return see(this.rules, local, remote, pair, seriesId === null ? null : (this.seriesContents.get(seriesId) ?? null));
  }

  private decideSeen(seen: Seen): ReturnType<typeof steer> {
    return steer(seen, decide({ local: seen.local, remote: seen.remote, pair: seen.pair, policy: this.policy }));
  }

  private async decideAndCarryOut(local: LocalEvent | null, remote: RemoteItem | "absent" | null, pair: Pair | null, seriesId: string | null): Promise<void> {
    const seen = await this.see(local, remote, pair);
    if (seen.removeCopy !== null) return this.removeCopy(seen);
    const decision = this.decideSeen(seen);
    if (decision.restoresMirror) this.report.restoredCopies += 1;
    let action = decision.action;
    // A pair whose origin a listing just told is recorded with it, so that later runs know it without one.
    if (action.type === "none" && seen.origin !== null && pair !== null && !pair.origin && seen.local !== null && seen.pair?.remoteId) action = { type: "record" };
    const live = seen.remote === "absent" ? null : seen.remote;
    const synced = (action.type === "pull-update" || action.type === "pull-restore" || action.type === "pull-create") && live === null ? lastSynced(seen.pair, null) : live;
    if (synced === null && live === null && (action.type === "pull-update" || action.type === "pull-restore")) return;
    await this.carryOut(action, decision.conflict, { local: seen.local, remote: synced, pair: seen.pair, seriesId, unread: synced !== live });
  }

  /** The rules leave the origin out: its copy goes from the other side, the origin stays as it is. */
  private async removeCopy({ local, remote, pair, removeCopy }: Seen): Promise<void> {
    const remoteGone = remote === "absent" || (remote !== null && remote.content === null);
    if (removeCopy === "remote") {
      if (local !== null && pair?.remoteId && !remoteGone) {
        this.ruleRemovals.push({ event: local, pair: { ...pair, remoteId: pair.remoteId, remoteVersion: remote?.versionToken ?? pair.remoteVersion } });
      } else if (pair) await this.store.deletePairs([pair.localId]);
      return;
    }
    if (local === null || local.deletedAt !== null) {
      if (pair) await this.store.deletePairs([pair.localId]);
      return;
    }
    try {
      await this.store.pullDelete(local.id, local.version);
      this.report.pulled.deleted += 1;
    } catch (error) {
      if (!(error instanceof LocalConflictError)) throw error;
      this.fail({ localId: local.id, remoteId: pair?.remoteId ?? null, message: error.message }, true, local);
    }
  }

  // ── Actions ───────────────────────────────────────────────────────────────────────────────────

  private async carryOut(
    action: Action,
    conflict: boolean,
    ctx: { local: LocalEvent | null; remote: RemoteItem | null; pair: Pair | null; seriesId: string | null; unread?: boolean },
  ): Promise<void> {
    if (conflict) this.report.conflicts += 1;
    const { local, remote, pair, seriesId } = ctx;
    switch (action.type) {
      case "none":
        return;
      case "forget":
        if (pair) await this.store.deletePairs([pair.localId]);
        return;
      case "record":
        await this.store.savePairs([{ ...this.recordedPair(local as LocalEvent, remote, pair), ...(remote ? { remoteVersion: this.versionToRecord(remote) } : {}) }]);
        return;
      case "push-create":
        this.queueCreate(local as LocalEvent);
        // A series whose remote copy is gone: it comes back with its exceptions.
        if (pair?.remoteId && local?.seriesId === null) await this.reviveExceptions(local);
        if (this.creates.length >= this.writeBatchSize && !this.listing) await this.flushCreates();
        return;
      case "push-update": {
        // Without a synced base (an adopted item), only the remote side is known: if the update
        // fails, the local side must still read as changed next time.
        const target = pair && pair.remoteId !== null ? pair : remote ? { ...this.recordedPair(local as LocalEvent, remote, pair), localVersion: -1, localHash: "" } : null;
        if (!target || target.remoteId === null) return;
        const versionToken = remote?.versionToken ?? target.remoteVersion ?? "";
        // The item as this run read it (changed there too, and overwritten by the policy), else as last synced.
        const previous = remote?.content ?? target.base;
        this.updates.push({ event: local as LocalEvent, pair: { ...target, remoteId: target.remoteId }, versionToken, previous, conflict: this.conflictOf(action, local, remote) });
        if (this.updates.length >= this.writeBatchSize) await this.flushUpdates();
        return;
      }
      case "push-delete":
        if (pair?.remoteId) this.remoteDeletions.push({ event: local as LocalEvent, pair: { ...pair, remoteId: pair.remoteId, remoteVersion: remote?.versionToken ?? pair.remoteVersion } });
        else if (remote && local) this.remoteDeletions.push({ event: local, pair: { ...this.recordedPair(local, remote, pair), remoteId: remote.remoteId } });
        return;
      case "pull-delete":
        if (local && local.deletedAt === null) this.localDeletions.push({ event: local });
        else if (pair) await this.store.deletePairs([pair.localId]);
        return;
      case "pull-create":
        await this.pullWrite(remote as RemoteItem, null, seriesId, false, pair?.origin ?? (local === null ? "remote" : null), ctx.unread === true && (pair?.listed ?? false));
        return;
      case "pull-update":
        await this.pullWrite(remote as RemoteItem, local, seriesId, false, pair?.origin ?? (local === null ? "remote" : null), ctx.unread === true && (pair?.listed ?? false), this.conflictOf(action, local, remote));
        return;
      case "merge":
        await this.mergeWrite(remote as RemoteItem, local as LocalEvent, action.content, this.conflictOf(action, local, remote), pair?.origin ?? null);
        return;
      case "release":
        if (!local) return;
        await this.store.releaseHeld(local.id);
        this.settled.delete(local.id);
        return;
      case "hold": {
        const record = this.conflictOf(action, local, remote);
        if (!record || !local || !remote) return;
        if (!pair?.held) this.report.conflictsWaiting += 1;
        await this.store.savePairs([{ ...(pair ?? { ...this.recordedPair(local, remote, null), localVersion: -1, localHash: "" }), held: true }], { conflicts: [record] });
        return;
      }
      case "pull-restore":
        // A held pair released by a deletion here: its item was listed before (see pullWrite).
        await this.pullWrite(remote as RemoteItem, local, seriesId, true, pair?.origin ?? (local === null ? "remote" : null), (ctx.unread === true && (pair?.listed ?? false)) || Boolean(pair?.listed && pair.remoteId === remote?.remoteId));
        return;
    }
  }

  /**
   * An exception whose series is about to be deleted here (it was deleted remotely and not changed
   * here) goes with it, even when the exception itself changed: a change to one occurrence does
   * not keep a deleted series alive. Returns whether the exception was handed to the deletion.
   */
  private followSeriesOut(local: LocalEvent): boolean {
    if (local.seriesId === null || !this.localDeletions.some(({ event }) => event.id === local.seriesId)) return false;
    this.settled.add(local.id);
    if (local.deletedAt === null && !this.localDeletions.some(({ event }) => event.id === local.id)) this.localDeletions.push({ event: local });
    return true;
  }

  private queueCreate(event: LocalEvent): void {
    if (this.queued.has(event.id)) return;
    this.queued.add(event.id);
    this.creates.push(event);
  }

  /**
   * A series is created again remotely (its remote copy was deleted, and its exceptions with it,
   * reported or not): its exceptions are created again after it, whatever this run meant to do
   * with their old remote copies.
   */
  private async reviveExceptions(series: LocalEvent): Promise<void> {
    const exceptions = await this.store.detachExceptions(series.id);
    const ids = new Set(exceptions.map((event) => event.id));
    const keep = <T extends { event: LocalEvent }>(list: T[]) => list.splice(0, list.length, ...list.filter(({ event }) => !ids.has(event.id)));
    keep(this.localDeletions);
    keep(this.remoteDeletions);
    keep(this.updates);
    for (const event of exceptions) {
      this.settled.add(event.id);
      this.queueCreate(event);
    }
  }

  private recordedPair(local: LocalEvent, remote: RemoteItem | null, pair: Pair | null): Pair {
    return {
      localId: local.id,
      localVersion: local.version,
      localHash: contentHash(local.content),
      remoteId: remote?.remoteId ?? pair?.remoteId ?? null,
      remoteVersion: remote?.versionToken ?? pair?.remoteVersion ?? null,
      remoteHash: remote?.content ? contentHash(remote.content) : (pair?.remoteHash ?? null),
      sentHash: null,
      listed: pair?.listed ?? false,
      base: remote?.content ?? pair?.base ?? null,
      origin: pair?.origin ?? null,
    };
  }

  private async flushPulledCreates(): Promise<void> {
    const entries = this.pulledCreates.splice(0);
    for (const created of await this.store.pullCreate(entries)) this.settled.add(created.id);
    this.report.pulled.created += entries.length;
  }

  private conflictOf(action: Action, local: LocalEvent | null, remote: RemoteItem | null): ConflictRecord | null {
    if (!("conflicting" in action) || !action.conflicting || !local || !remote) return null;
    return conflictRecord(local, remote, action.conflicting);
  }

  /**
   * Both sides changed different fields (or the policy settled the fields both changed): the merged
   * content is written here, with a pair saying the remote still holds its version, and then sent
   * there — so a run that dies between the two sends it next time.
   */
  private async mergeWrite(remote: RemoteItem, local: LocalEvent, merged: EventContent, conflict: ConflictRecord | null, origin: PairOrigin | null): Promise<void> {
    const theirs = remote.content as EventContent;
    const hash = contentHash(theirs);
    const sent: Pair & { remoteId: string } = { localId: local.id, remoteId: remote.remoteId, localVersion: -1, localHash: hash, remoteVersion: this.versionToRecord(remote), remoteHash: hash, sentHash: null, listed: false, base: theirs, origin };
    try {
      const updated = await this.store.pullUpdate(local.id, local.version, merged, false, () => sent, conflict ? { conflicts: [conflict] } : undefined);
      this.report.pulled.updated += 1;
      this.updates.push({ event: updated, pair: sent, versionToken: remote.versionToken, previous: theirs });
      if (this.updates.length >= this.writeBatchSize) await this.flushUpdates();
    } catch (error) {
      if (!(error instanceof LocalConflictError)) throw error;
      this.fail({ localId: local.id, remoteId: remote.remoteId, message: error.message }, true);
    }
  }

  /**
   * `listed`: a saved cursor has reported this item already (its pair said so), which writing it
   * again does not undo — an item read again outside the listing would otherwise count as unlisted,
   * and the next listing, which has no reason to report it, would take it for deleted. Also the
   * pair's as it stands when `remote` is what was last synced rather than an item this run read.
   */
  private async pullWrite(remote: RemoteItem, local: LocalEvent | null, seriesId: string | null, restore: boolean, origin: PairOrigin | null, listed = false, conflict: ConflictRecord | null = null): Promise<void> {
    const content = remote.content as EventContent;
    const hash = contentHash(content);
    const remoteVersion = this.versionToRecord(remote);
    const pairFor = (event: LocalEvent): Pair => ({
      localId: event.id,
      remoteId: remote.remoteId,
      localVersion: event.version,
      localHash: contentHash(event.content),
      remoteVersion,
      remoteHash: hash,
      sentHash: null,
      listed,
      base: content,
      origin,
    });
    if (restore) this.noteRestored(content);
    try {
      if (local === null) {
        // New events of a page are created together; an exception at once, as a later twin of it
        // in the same pass must find it.
        this.pulledCreates.push({ content, seriesId, pair: pairFor });
        if (seriesId !== null) await this.flushPulledCreates();
      } else {
        await this.store.pullUpdate(local.id, local.version, content, restore, pairFor, conflict ? { conflicts: [conflict] } : undefined);
        this.report.pulled[restore ? "created" : "updated"] += 1;
      }
    } catch (error) {
      if (!(error instanceof LocalConflictError)) throw error;
      this.fail({ localId: local?.id ?? null, remoteId: remote.remoteId, message: error.message }, true);
    }
  }

  // ── Remote writes, in batches ─────────────────────────────────────────────────────────────────

  private async flushWrites(): Promise<void> {
    await this.flushCreates();
    await this.flushUpdates();
  }

  private async seriesRemoteIds(events: LocalEvent[]): Promise<Map<string, string>> {
    const seriesIds = events.flatMap((event) => (event.seriesId ? [event.seriesId] : []));
    const pairs = await this.store.pairsByLocalIds(seriesIds);
    return new Map(pairs.flatMap((pair) => (pair.remoteId ? [[pair.localId, pair.remoteId] as const] : [])));
  }

  private async flushCreates(): Promise<void> {
    // Series first: their exceptions are written under the remote id the series gets.
    this.creates.sort((a, b) => Number(a.seriesId !== null) - Number(b.seriesId !== null));
    while (this.creates.length > 0) {
      const batch = this.creates.splice(0, this.writeBatchSize);
      const series = await this.seriesRemoteIds(batch);
      const masters = batch.filter((event) => event.seriesId === null);
      if (masters.length > 0 && masters.length < batch.length) {
        // Exceptions wait until the series of this batch exist: a series created (again) gets a
        // new remote id, and an exception must be written under that one.
        this.creates.unshift(...batch.filter((event) => event.seriesId !== null));
        await this.createBatch(masters, series);
        continue;
      }
      const ready = batch.filter((event) => event.seriesId === null || series.has(event.seriesId));
      this.waitingForSeries.push(...batch.filter((event) => !ready.includes(event)));
      if (ready.length > 0) await this.createBatch(ready, series);
    }
  }

  private async createBatch(ready: LocalEvent[], series: Map<string, string>): Promise<void> {
    // Recorded before the request: if the run dies before the answer is saved, the next run
    // looks for the tagged item instead of creating a second one.
    await this.store.savePairs(
      ready.map((event) => ({ localId: event.id, remoteId: null, localVersion: event.version, localHash: contentHash(event.content), remoteVersion: null, remoteHash: null, sentHash: null, listed: false, base: event.content, origin: "local" })),
    );
    const results = await this.remote.create(
      ready.map((event) => ({ localId: event.id, content: event.content, seriesRemoteId: event.seriesId ? (series.get(event.seriesId) ?? null) : null })),
    );
    const created: Pair[] = [];
    const rejections: Rejection[] = [];
    for (const [index, event] of ready.entries()) {
      const result = results[index];
      if (result?.ok) {
        const hash = contentHash(event.content);
        created.push({ localId: event.id, remoteId: result.remoteId, localVersion: event.version, localHash: hash, remoteVersion: result.versionToken, remoteHash: hash, sentHash: null, listed: false, base: event.content, origin: "local" });
      } else {
        await this.store.deletePairs([event.id]);
        // An exception whose series was deleted remotely: that deletion takes it here as well.
        if (result?.kind === "not-found" && event.seriesId !== null) continue;
        this.failWrite(event, null, result, rejections);
      }
    }
    await this.store.savePairs(created, { trace: created.map((pair) => there(pair.localId, "created")), rejections });
    this.report.pushed.created += created.length;
    this.progress();
  }

  private async flushUpdates(): Promise<void> {
    while (this.updates.length > 0) {
      const batch = this.updates.splice(0, this.writeBatchSize);
      const series = await this.seriesRemoteIds(batch.map((entry) => entry.event));
      await this.store.savePairs(batch.map(({ event, pair }) => ({ ...pair, sentHash: contentHash(event.content) })));
      const results = await this.remote.update(
        batch.map(({ event, pair, versionToken, previous }) => ({
          remoteId: pair.remoteId,
          versionToken,
          localId: event.id,
          content: event.content,
          previous,
          seriesRemoteId: event.seriesId ? (series.get(event.seriesId) ?? null) : null,
        })),
      );
      const updated: Pair[] = [];
      const conflicts: ConflictRecord[] = [];
      const rejections: Rejection[] = [];
      const stale: PendingUpdate[] = [];
      for (const [index, entry] of batch.entries()) {
        const { event, pair } = entry;
        const result = results[index];
        if (result?.ok) {
          const hash = contentHash(event.content);
          updated.push({ ...pair, localVersion: event.version, localHash: hash, remoteVersion: result.versionToken, remoteHash: hash, sentHash: null, base: event.content });
          if (entry.conflict) conflicts.push(entry.conflict);
        } else if (result && !result.ok && result.kind === "not-found") {
          // Deleted remotely while changed here: the change wins, the event is created again.
          await this.store.deletePairs([event.id]);
          this.queueCreate(event);
          if (event.seriesId === null) await this.reviveExceptions(event);
        } else if (result && !result.ok && result.kind === "conflict" && this.remote.read && !this.reread.has(event.id)) {
          stale.push(entry);
        } else {
          this.failWrite(event, pair.remoteId, result, rejections);
        }
      }
      await this.store.savePairs(updated, { conflicts, trace: updated.map((pair) => there(pair.localId, "updated")), rejections });
      this.report.pushed.updated += updated.length;
      this.progress();
      await this.settleStale(stale);
    }
    if (this.creates.length > 0 && !this.listing) await this.flushCreates();
  }

  /**
   * Updates refused because the remote item changed after this run read it (someone edited it in
   * between): the item is read again and decided like any pair changed on both sides — a conflict
   * settled by the policy now, not a failure left to the next run. Once per item and run: an item
   * refused again is left to the next run.
   */
  private async settleStale(stale: PendingUpdate[]): Promise<void> {
    for (const { event, pair, remote } of await this.readAgain(stale)) {
      const base = recogniseOwnWrite(pair, remote) ?? pair;
      await this.decideAndCarryOut(event, remote, base, event.seriesId);
    }
  }

  /** The items of writes refused as stale, read again once per run; one that cannot be read is left to the next run. */
  private async readAgain<T extends RemoteDeletion>(stale: T[]): Promise<(T & { remote: RemoteItem | "absent" })[]> {
    if (stale.length === 0 || !this.remote.read) return [];
    const current = await this.remote.read(stale.map(({ pair }) => pair.remoteId));
    return stale.flatMap((entry, index) => {
      this.reread.add(entry.event.id);
      const remote = current[index] ?? null;
      if (remote !== null) return [{ ...entry, remote }];
      this.fail({ localId: entry.event.id, remoteId: entry.pair.remoteId, message: "The event changed in the remote calendar meanwhile and could not be read again." }, true, entry.event);
      return [];
    });
  }

  private progress(): void {
    this.onProgress?.({ pulled: { ...this.report.pulled }, pushed: { ...this.report.pushed } });
  }

  /**
   * Deletes remote items; `cascaded` are exceptions whose series is among them: the remote deletes
   * them with it, so their pairs are merely forgotten — once the series' deletion succeeded, not
   * before (if it failed, they are still there, and still paired).
   */
  private async deleteRemote(entries: RemoteDeletion[], cascaded: RemoteDeletion[]): Promise<void> {
    const stale: RemoteDeletion[] = [];
    for (let start = 0; start < entries.length; start += this.writeBatchSize) {
      const batch = entries.slice(start, start + this.writeBatchSize);
      const results: WriteResult[] = await this.remote.delete(batch.map(({ pair }) => ({ remoteId: pair.remoteId, versionToken: pair.remoteVersion ?? "" })));
      const deleted: RemoteDeletion[] = [];
      for (const [index, entry] of batch.entries()) {
        const result = results[index];
        if (result?.ok || (result && !result.ok && result.kind === "not-found")) deleted.push(entry);
        else if (result?.kind === "conflict" && this.remote.read && !this.reread.has(entry.event.id)) stale.push(entry);
        else this.fail({ localId: entry.event.id, remoteId: entry.pair.remoteId, message: result?.message ?? "No answer for this event." }, true, entry.event);
      }
      // A pair that took another remote id meanwhile (the event was created again) stays.
      const current = new Map((await this.store.pairsByLocalIds(deleted.map(({ event }) => event.id))).map((pair) => [pair.localId, pair.remoteId]));
      const gone = deleted.filter(({ event, pair }) => current.get(event.id) === pair.remoteId).map(({ event }) => event.id);
      await this.store.deletePairs([...gone, ...this.cascadedOf(deleted.map(({ event }) => event.id), cascaded)], { trace: deleted.map(({ event }) => there(event.id, "deleted")) });
      this.report.pushed.deleted += deleted.length;
    }
    await this.settleStaleDeletions(stale, cascaded);
  }

  /** The local ids of the exceptions among `cascaded` that belong to these series. */
  private cascadedOf(seriesIds: string[], cascaded: RemoteDeletion[]): string[] {
    const series = new Set(seriesIds);
    return cascaded.filter(({ event }) => event.seriesId !== null && series.has(event.seriesId)).map(({ event }) => event.id);
  }

  /**
   * Deletions refused because the remote item changed after this run read it: as with updates (see
   * settleStale), the item is read again and the deletion decided against the change — restored
   * here when the change wins, deleted at its new version when the deletion does.
   */
  private async settleStaleDeletions(stale: RemoteDeletion[], cascaded: RemoteDeletion[]): Promise<void> {
    const again: RemoteDeletion[] = [];
    for (const { event, pair, remote } of await this.readAgain(stale)) {
      const seen = await this.see(event, remote, pair);
      const decision = seen.removeCopy === "remote" ? { action: { type: "push-delete" as const }, conflict: false } : this.decideSeen(seen);
      if (decision.action.type === "push-delete" && remote !== "absent") {
        if (decision.conflict) this.report.conflicts += 1;
        again.push({ event, pair: { ...pair, remoteVersion: remote.versionToken } });
        continue;
      }
      if (decision.action.type === "forget") await this.store.deletePairs(this.cascadedOf([event.id], cascaded));
      await this.carryOut(decision.action, decision.conflict, { local: seen.local, remote: seen.remote === "absent" ? null : seen.remote, pair: seen.pair, seriesId: event.seriesId });
    }
    if (again.length > 0) await this.deleteRemote(again, cascaded);
  }

  // ── Deletions and the guard ───────────────────────────────────────────────────────────────────

  /** Returns true when the guard held the deletions back and the account must pause. */
  private async settleDeletions(): Promise<boolean> {
    const local = withoutCascaded(this.localDeletions);
    const remote = withoutCascaded(this.remoteDeletions);
    const counts: DeletionCounts = { local: local.own.length, remote: remote.own.length };
    if (counts.local === 0 && counts.remote === 0) return false;
    const trips = deletionGuardTrips(counts, await this.store.countPairs(), { local: local.cascaded.length, remote: remote.cascaded.length });
    if (trips && this.deletions === "ask") {
      this.report.heldDeletions = counts;
      return true;
    }
    if (trips && this.deletions === "restore") {
      for (const { event } of [...local.own, ...local.cascaded]) {
        await this.store.deletePairs([event.id]);
        this.queueCreate(event);
        if (event.seriesId === null) await this.reviveExceptions(event);
      }
      for (const { event, pair } of [...remote.own, ...remote.cascaded]) {
        if (event.deletedAt === null) continue;
        const restored = await this.store.restoreLocal(event.id, (back) => ({ ...pair, localVersion: back.version, localHash: contentHash(back.content) }));
        this.noteRestored(restored.content);
        this.report.pulled.created += 1;
      }
      return false;
    }
    // The store tombstones a series with its exceptions, and the remote side deletes them with their
    // series: the exceptions' pairs are merely forgotten, at no cost in requests.
    await this.store.deletePairs(local.cascaded.map(({ event }) => event.id));
    for (const { event } of local.own) {
      try {
        await this.store.pullDelete(event.id, event.version);
        this.report.pulled.deleted += 1;
      } catch (error) {
        if (!(error instanceof LocalConflictError)) throw error;
        this.fail({ localId: event.id, remoteId: null, message: error.message }, true, event);
      }
    }
    await this.deleteRemote(remote.own, remote.cascaded);
    return false;
  }

  /**
   * A create or update the remote did not take. Refused for good ("rejected"), it is recorded with
   * the server's reason, with the batch's other writes, and the cursor moves past it: the event is
   * tried again once it changes. Anything else is retried by the next run.
   */
  private failWrite(event: LocalEvent, remoteId: string | null, result: WriteResult | undefined, rejections: Rejection[]): void {
    const message = result && !result.ok ? result.message : "No answer for this event.";
    const rejected = result !== undefined && !result.ok && result.kind === "rejected";
    if (rejected) rejections.push({ eventId: event.id, version: event.version, message });
    this.fail({ localId: event.id, remoteId, message, ...(rejected ? { refused: true } : {}) }, !rejected, event);
  }

  private fail(failure: SyncFailure, transient: boolean, event?: LocalEvent): void {
    this.report.failures.push(failure);
    if (!transient) return;
    this.transientFailure = true;
    if (event && (this.lowestFailedSeq === null || event.changeSeq < this.lowestFailedSeq)) this.lowestFailedSeq = event.changeSeq;
  }
}

function withoutCascaded<T extends { event: LocalEvent }>(entries: T[]): { own: T[]; cascaded: T[] } {
  const series = new Set(entries.filter(({ event }) => event.seriesId === null).map(({ event }) => event.id));
  const own: T[] = [];
  const cascaded: T[] = [];
  for (const entry of entries) (entry.event.seriesId !== null && series.has(entry.event.seriesId) ? cascaded : own).push(entry);
  return { own, cascaded };
}
