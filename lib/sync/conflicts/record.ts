import type { EventContent } from "@/lib/calendar/event-content";
import type { ContentField } from "@/lib/sync/content-hash";
import type { ConflictReason, Conflicting } from "@/lib/sync/decide";
import type { RemoteItem } from "@/lib/sync/provider";
import type { LocalEvent } from "@/lib/sync/types";

/**
 * One conflict as the engine records it, in the same write as the change that settled it (or, under
 * "Ask me", as the pair it holds): both versions whole, so a person can compare them and the losing
 * one can be put back.
 */
export interface ConflictRecord {
  eventId: string;
  remoteId: string;
  /** The version token of "theirs": a settlement writes over exactly this version. */
  remoteVersion: string;
  fields: ContentField[];
  atollon: EventContent;
  theirs: EventContent;
  /** null: open, waiting for a person. */
  winner: "local" | "remote" | null;
  reason: ConflictReason;
}

export function conflictRecord(local: LocalEvent, remote: RemoteItem, conflicting: Conflicting): ConflictRecord | null {
  if (remote.content === null) return null;
  return {
    eventId: local.id,
    remoteId: remote.remoteId,
    remoteVersion: remote.versionToken,
    fields: conflicting.fields,
    atollon: local.content,
    theirs: remote.content,
    winner: conflicting.winner,
    reason: conflicting.reason,
  };
}

/** What a person chose for a conflict: Atollon's version, theirs, or both as two events. */
export type SettleChoice = "local" | "remote" | "both";

/** A conflict waiting for a run to carry out what a person chose (or to undo what was settled). */
export interface Settlement {
  conflictId: string;
  /** "settle": an open conflict settled by a person; "undo": the loser of a settled one comes back. */
  kind: "settle" | "undo";
  /** For "undo": how it was settled (the winner, or both). */
  choice: SettleChoice;
  eventId: string;
  remoteId: string;
  remoteVersion: string;
  fields: ContentField[];
  atollon: EventContent;
  theirs: EventContent;
  /** The event "Keep both" made of their version, once made. */
  copyId: string | null;
}
