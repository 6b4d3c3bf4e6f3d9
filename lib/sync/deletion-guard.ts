/**
 * Users of sync tools most often lose a whole calendar when one side briefly reports nothing (an
 * emptied listing, a wrong calendar, a broken server, a script or a reset run against the wrong
 * account). A run that would do that applies nothing destructive and waits for the user to confirm
 * ("Apply the deletions") or undo it ("Restore the events"). Two rules, per side:
 *
 * - Large calendars: more than half of the paired events at once, above a minimum of 10 — so a
 *   user clearing a dozen events from a busy calendar is never interrupted.
 * - Small calendars: a run that would leave no more than a handful (2) of the account's paired
 *   events, deleting at least 3 — a wiped calendar of 3 or 9 events is exactly as lost as one of 900.
 *   Below 3 deletions the run goes through: a person deleting their only event, or both of two,
 *   meant it, and asking them would only teach them to press "Apply" without reading.
 *
 * Pairs count every paired event, exceptions of series included; the exceptions a series' deletion
 * takes along are not deletions of their own (`counts`), but they no longer remain either.
 */
export const DELETION_GUARD_MINIMUM = 10;
export const DELETION_GUARD_SHARE = 0.5;
/** What may remain of a calendar before deleting the rest counts as wiping it. */
export const DELETION_GUARD_HANDFUL = 2;
/** The fewest deletions the small-calendar rule pauses for. */
export const DELETION_GUARD_SMALL_MINIMUM = 3;

export interface DeletionCounts {
  /** Local events the run would tombstone because the remote side deleted them. */
  local: number;
  /** Remote items the run would delete because the Atollon side deleted them. */
  remote: number;
}

const NONE: DeletionCounts = { local: 0, remote: 0 };

/**
 * `counts`: the deletions of the run on each side; `cascaded`: the exceptions that go with a deleted
 * series on each side; `pairedEvents`: the account's pairs before the run.
 */
export function deletionGuardTrips(counts: DeletionCounts, pairedEvents: number, cascaded: DeletionCounts = NONE): boolean {
  return (["local", "remote"] as const).some((side) => {
    const count = counts[side];
    const left = pairedEvents - count - cascaded[side];
    const mostOfALargeCalendar = count > DELETION_GUARD_MINIMUM && count > pairedEvents * DELETION_GUARD_SHARE;
    const wipedSmallCalendar = count >= DELETION_GUARD_SMALL_MINIMUM && left <= DELETION_GUARD_HANDFUL;
    return mostOfALargeCalendar || wipedSmallCalendar;
  });
}

export function pausedMessage(counts: DeletionCounts, remoteName: string): string {
  const parts: string[] = [];
  if (counts.local > 0) parts.push(`${counts.local} in Atollon (deleted in ${remoteName})`);
  if (counts.remote > 0) parts.push(`${counts.remote} in ${remoteName} (deleted in Atollon)`);
  const total = counts.local + counts.remote;
  return `Paused: ${total} events would be deleted — ${parts.join(", ")}. Apply the deletions or restore the events.`;
}
