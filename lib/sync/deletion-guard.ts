/**
 * Users of sync tools most often lose a whole calendar when one side briefly reports nothing (an
 * emptied listing, a wrong calendar, a broken server). A run that would delete more than half of the
 * paired events at once — above a small minimum, so a user clearing a handful of events is never
 * interrupted — applies nothing destructive and waits for the user to confirm or restore.
 */
export const DELETION_GUARD_MINIMUM = 10;
export const DELETION_GUARD_SHARE = 0.5;

export interface DeletionCounts {
  /** Local events the run would tombstone because the remote side deleted them. */
  local: number;
  /** Remote items the run would delete because the Atollon side deleted them. */
  remote: number;
}

export function deletionGuardTrips(counts: DeletionCounts, pairedEvents: number): boolean {
  return [counts.local, counts.remote].some(
    (count) => count > DELETION_GUARD_MINIMUM && count > pairedEvents * DELETION_GUARD_SHARE,
  );
}

export function pausedMessage(counts: DeletionCounts, remoteName: string): string {
  const parts: string[] = [];
  if (counts.local > 0) parts.push(`${counts.local} in Atollon (deleted in ${remoteName})`);
  if (counts.remote > 0) parts.push(`${counts.remote} in ${remoteName} (deleted in Atollon)`);
  const total = counts.local + counts.remote;
  return `Paused: ${total} events would be deleted — ${parts.join(", ")}. Apply the deletions or restore the events.`;
}
