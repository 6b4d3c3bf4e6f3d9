import { getDb } from "@/lib/db/client";

/** How long an event's trace keeps what a run did: the dialog shows the last entries, not a history. */
export const TRACE_KEPT_DAYS = 90;

const DAY_MS = 86_400_000;

/** Removes the trace entries (all owners) older than TRACE_KEPT_DAYS; returns how many. Run by the periodic jobs, never by a sync run. */
export async function pruneTrace({ now = new Date() }: { now?: Date } = {}): Promise<number> {
  const db = await getDb();
  const { count } = await db.syncTraceEntry.deleteMany({ where: { at: { lt: new Date(now.getTime() - TRACE_KEPT_DAYS * DAY_MS) } } });
  return count;
}
