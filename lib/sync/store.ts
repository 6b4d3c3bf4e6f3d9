import type { EventContent } from "@/lib/calendar/event-content";
import type { ConflictRecord, Settlement } from "@/lib/sync/conflicts/record";
import type { SettlementWrites } from "@/lib/sync/conflicts/settle";
import type { ConflictPolicy, LocalEvent, Pair } from "@/lib/sync/types";

/** The local event changed between the engine reading it and writing it (a user edited it meanwhile). */
export class LocalConflictError extends Error {
  constructor(eventId: string) {
    super(`Event ${eventId} changed while the sync was writing it.`);
    this.name = "LocalConflictError";
  }
}

export interface AccountSyncState {
  remoteCursor: string | null;
  localSeq: bigint;
  policy: ConflictPolicy;
  /** A person settled or undid a conflict of this account since the last run: the run carries it out first. */
  settlementsWaiting?: boolean;
}

/** One thing a run did to an event: in Atollon ("here") or in the remote calendar ("there"). */
export interface TraceAction {
  eventId: string;
  action: "created" | "updated" | "deleted" | "restored";
  side: "here" | "there";
}

/** A write the remote calendar refused for good, at this version of the event, with its reason. */
export interface Rejection {
  eventId: string;
  version: number;
  message: string;
}

/**
 * Records written together with a change (see ConflictRecord), in its transaction. A trace entry of
 * an event created or updated there also clears the event's rejection: the server took it now.
 */
export interface WriteRecords {
  conflicts?: ConflictRecord[];
  trace?: TraceAction[];
  rejections?: Rejection[];
}

/**
 * The Atollon side of one sync account, plus the engine's bookkeeping for it. Every method that
 * writes an event also writes its pair in the same transaction: a crash can never leave an event
 * without the pair that says where it came from (which would make the next run import it again).
 * The methods that write an event here (pullCreate, pullUpdate, pullDelete, restoreLocal) also
 * record it in the event's trace; writes there are traced through the records the engine passes.
 */
export interface SyncStore {
  loadState(): Promise<AccountSyncState>;
  /**
   * Saves both cursors, and marks the pairs of `listedRemoteIds` (what the listing behind this
   * remote cursor reported) as listed, together: a pair must not count as listed by a cursor that
   * was never saved. With `unlistOthers`, every other pair of the account is marked unlisted in the
   * same transaction (a full listing saved part-way: what it has not reported yet may be gone).
   */
  saveCursors(remoteCursor: string | null, localSeq: bigint, listedRemoteIds: string[], options?: { unlistOthers?: boolean }): Promise<void>;

  pairsByRemoteIds(remoteIds: string[]): Promise<Pair[]>;
  pairsByLocalIds(localIds: string[]): Promise<Pair[]>;
  /** Pairs whose create was sent but whose answer was never recorded. */
  pendingPairs(): Promise<Pair[]>;
  countPairs(): Promise<number>;
  /** Pairs with a remote id that no saved cursor has reported yet (see `Pair.listed`). */
  unlistedPairs(): Promise<Pair[]>;
  /** Pairs with a remote id, ordered by local id, for walking them all in pages. */
  listPairs(afterLocalId: string | null, limit: number): Promise<Pair[]>;
  /**
   * Upserts by local id, in one transaction; a pair taking over a remote id replaces the pair that
   * had it. The records are written even when there is no pair to save.
   */
  savePairs(pairs: Pair[], records?: WriteRecords): Promise<void>;
  deletePairs(localIds: string[], records?: WriteRecords): Promise<void>;

  localEvents(ids: string[]): Promise<LocalEvent[]>;
  /** The pairs (with a remote id) of the exceptions of these series, with the series each belongs to. */
  exceptionPairs(seriesIds: string[]): Promise<{ seriesId: string; pair: Pair }[]>;
  /** The exception of a series that replaces the occurrence starting at `originalStart`, if any. */
  findException(seriesId: string, originalStart: string): Promise<LocalEvent | null>;
  /** Events (tombstones included) changed after `afterSeq`, ordered by change sequence. */
  localChangedSince(afterSeq: bigint, limit: number): Promise<LocalEvent[]>;

  /**
   * Creates local events from remote content, all or none (a first import writes a page at a time);
   * each entry's `pair` receives its new event and returns its pair. Results in entry order.
   */
  pullCreate(entries: PullCreate[]): Promise<LocalEvent[]>;
  /**
   * Overwrites a local event; with `restore` it also un-deletes it — a series together with the
   * exceptions its deletion took. Throws LocalConflictError on a version mismatch.
   */
  pullUpdate(
    id: string,
    expectedVersion: number,
    content: EventContent,
    restore: boolean,
    pair: (event: LocalEvent) => Pair,
    records?: WriteRecords,
  ): Promise<LocalEvent>;
  /**
   * Tombstones a local event and forgets its pair; a series takes its exceptions and their pairs with
   * it (their remote copies went with the remote series). Throws LocalConflictError on a version mismatch.
   */
  pullDelete(id: string, expectedVersion: number): Promise<void>;
  /**
   * For a series about to be created again remotely (its remote copy was deleted, taking the
   * exceptions with it): forgets the pairs of its live exceptions and moves them up the change
   * sequence, in one transaction — so this run, or the next after a crash, creates them again.
   * Returns them as they are now.
   */
  detachExceptions(seriesId: string): Promise<LocalEvent[]>;
  /** Brings a tombstone back as it was, a series with the exceptions its deletion took (the user chose to restore). */
  restoreLocal(id: string, pair: (event: LocalEvent) => Pair): Promise<LocalEvent>;

  /** Conflicts a person settled (or asked to undo) that no run has carried out yet. */
  settlements(): Promise<Settlement[]>;
  /**
   * Carries one settlement out and marks it done, in one transaction; null closes it with nothing
   * to write (its event is gone). Throws LocalConflictError when the event changed since it was read.
   */
  settle(conflictId: string, writes: SettlementWrites | null): Promise<void>;
  /**
   * An event an open conflict held whose remote item was deleted: forgets its pair, moves it up the
   * change sequence (so the push phase creates it again, this run or the next after a crash) and
   * closes its open conflict, in one transaction.
   */
  releaseHeld(localId: string): Promise<void>;
}

export interface PullCreate {
  content: EventContent;
  seriesId: string | null;
  pair: (event: LocalEvent) => Pair;
}
