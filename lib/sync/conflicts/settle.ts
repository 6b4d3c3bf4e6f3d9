import type { EventContent } from "@/lib/calendar/event-content";
import { contentHash } from "@/lib/sync/content-hash";
import type { Settlement } from "@/lib/sync/conflicts/record";
import type { TraceAction } from "@/lib/sync/store";
import type { LocalEvent, Pair } from "@/lib/sync/types";

/**
 * The writes that carry one settlement out, all in one transaction of the Atollon side. The
 * remote side is then brought along by the run's ordinary push: a settlement leaves the event
 * changed here against its pair, so a run that dies after it still finishes the job next time.
 */
export interface SettlementWrites {
  eventId: string;
  expectedVersion: number;
  /** The event's new content; null leaves it as it is. */
  content: EventContent | null;
  /** Un-deletes the event (a series with the exceptions its deletion took). */
  restore: boolean;
  /** Moves the event up the change sequence without changing it, so the push phase sends it. */
  touch: boolean;
  /** Replaces the event's pair (given the event as written); null keeps the pair as it is. */
  pair: ((event: LocalEvent) => Pair) | null;
  /** "Keep both": a new Atollon event with their version, created remotely by the push as any new event. */
  copy: EventContent | null;
  /** Undoing "Keep both": the copy is deleted (and the deletion pushed). */
  deleteCopy: string | null;
}

/** The content with `fields` taken from `from`: the losing version's fields put back over what the event holds now. */
function withFields(current: EventContent, from: EventContent, fields: Settlement["fields"]): EventContent {
  const next: Record<string, unknown> = { ...current };
  for (const field of fields) next[field] = from[field];
  return next as EventContent;
}

/**
 * What carrying out a settlement writes, given the event and its pair as they are now; null when
 * there is nothing left to do (the event is gone, or a remote deletion overtook the conflict, or the
 * restored version of an undo was deleted since), which closes the settlement.
 * Pure, so every choice is tested on its own.
 */
export function planSettlement(settlement: Settlement, local: LocalEvent | null, pair: Pair | null): SettlementWrites | null {
  if (local === null) return null;
  const base = { eventId: local.id, expectedVersion: local.version, content: null, restore: false, touch: false, pair: null, copy: null, deleteCopy: null };
  const theirsHash = contentHash(settlement.theirs);

  if (settlement.kind === "undo") {
    if (local.deletedAt !== null) return null;
    if (settlement.choice === "both") return settlement.copyId ? { ...base, deleteCopy: settlement.copyId } : null;
    const loser = settlement.choice === "local" ? settlement.theirs : settlement.atollon;
    // Edited here like a person would: the pair still says what the remote holds, so the push sends it.
    return { ...base, content: withFields(local.content, loser, settlement.fields) };
  }
  // Overtaken: a deletion in the remote calendar released the event, and the change here was kept.
  if (!pair?.held || pair.remoteId !== settlement.remoteId) return null;
  const held = pair;
  // An occurrence deleted here went with its series; their version cannot bring it back alone.
  const theirsCanWin = local.deletedAt === null || local.seriesId === null;
  if (settlement.choice === "remote" && theirsCanWin) {
    const synced = (event: LocalEvent): Pair => ({ ...held, held: false, localVersion: event.version, localHash: theirsHash, remoteVersion: settlement.remoteVersion, remoteHash: theirsHash, base: settlement.theirs, sentHash: null });
    // Atollon's version may be a deletion: theirs brings the event back.
    return { ...base, content: settlement.theirs, restore: local.deletedAt !== null, pair: synced };
  }
  // The remote holds their version: Atollon's is sent over it (only the fields that differ) by the push.
  const toSend: Pair = { ...held, held: false, remoteVersion: settlement.remoteVersion, remoteHash: theirsHash, base: settlement.theirs, localVersion: -1, localHash: "", sentHash: null };
  return { ...base, touch: true, pair: () => toSend, copy: settlement.choice === "both" && theirsCanWin ? { ...settlement.theirs, originalStart: null } : null };
}

/** What a settlement writes here, for the events' sync trace (the copy of "Keep both" once it has its id). */
export function settlementTrace(writes: SettlementWrites, copyId: string | null): TraceAction[] {
  const trace: TraceAction[] = [];
  if (writes.content) trace.push({ eventId: writes.eventId, action: writes.restore ? "restored" : "updated", side: "here" });
  if (writes.copy && copyId) trace.push({ eventId: copyId, action: "created", side: "here" });
  if (writes.deleteCopy) trace.push({ eventId: writes.deleteCopy, action: "deleted", side: "here" });
  return trace;
}
