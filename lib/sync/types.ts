import type { EventContent } from "@/lib/calendar/event-content";

/** "ask": a conflict changes neither side; the event waits until a person settles it. */
export type ConflictPolicy = "latest" | "local" | "remote" | "ask";

/** The side an event was first made on, as far as one account is concerned. */
export type PairOrigin = "local" | "remote";

/** An event of the Atollon calendar, as the engine sees it. */
export interface LocalEvent {
  id: string;
  /** The series this event is an exception of. */
  seriesId: string | null;
  version: number;
  changeSeq: bigint;
  updatedAt: Date;
  /** Tombstones keep their content, so a deletion can be undone by restoring them. */
  deletedAt: Date | null;
  content: EventContent;
}

/**
 * What the engine last synced between one local event and one remote item of one account. Both
 * sides' versions and content hashes are kept because a side may render the same event differently
 * (a server normalises fields): each side is compared with its own last-seen state.
 */
export interface Pair {
  localId: string;
  /** null while a create is in flight: its answer was not recorded (the run may have crashed). */
  remoteId: string | null;
  localVersion: number;
  localHash: string;
  remoteVersion: string | null;
  remoteHash: string | null;
  /**
   * Hash of the content of an update in flight. If the run dies before recording the answer, the
   * next listing shows the remote item changed; matching this hash proves the change was our own.
   */
  sentHash: string | null;
  /**
   * The content last synced between the two sides (what the remote item held in the app's terms
   * when they last agreed): an update sends only what differs from it. Null when not known (a pair
   * recorded before this was kept): the update then writes every field.
   */
  base: EventContent | null;
  /**
   * Whether the saved remote cursor has reported this item. Some services report a deletion only of
   * items the cursor already reported (an Exchange SyncState forgets an item created after it and
   * deleted again); every service reports an item created or changed after the cursor. So until a
   * saved cursor covers it — our own creates, items pulled by a run that could not save its cursor —
   * an item missing from the next listing is gone.
   */
  listed: boolean;
  /**
   * An open conflict holds the pair (policy "Ask me"): neither side is written until a person
   * settles it and a run carries that out.
   */
  held?: boolean;
  /**
   * Which side holds the origin and which the copy (see lib/sync/rules/lens.ts); absent or null for
   * a pair recorded before origins were kept, until a listing tells.
   */
  origin?: PairOrigin | null;
}
