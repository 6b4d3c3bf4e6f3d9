import { getDb } from "@/lib/db/client";

/** An event an account's remote calendar refused for good, as the account's list shows it. */
export interface RejectedEvent {
  eventId: string;
  title: string;
  /** The event's start (EventContent form), to open it in the calendar. */
  start: string;
  message: string;
  at: Date;
}

/**
 * The events this account's remote calendar refused in the version they still have. A refusal of an
 * older version is not listed: the event changed since, and the next run tries it again.
 */
export async function listRejectedEvents(ownerId: string, accountId: string): Promise<RejectedEvent[]> {
  const db = await getDb();
  const rows = await db.syncRejection.findMany({
    where: { accountId, account: { ownerId }, event: { ownerId, deletedAt: null } },
    include: { event: { select: { title: true, startAt: true, allDay: true, version: true } } },
    orderBy: { at: "desc" },
  });
  return rows
    .filter((row) => row.event.version === row.eventVersion)
    .map((row) => ({
      eventId: row.eventId,
      title: row.event.title,
      start: row.event.allDay ? row.event.startAt.toISOString().slice(0, 10) : row.event.startAt.toISOString(),
      message: row.message,
      at: row.at,
    }));
}

/** How many events each of the owner's accounts refused (see listRejectedEvents), by account id. */
export async function countRejectedEvents(ownerId: string): Promise<Map<string, number>> {
  const db = await getDb();
  const rows = await db.syncRejection.findMany({
    where: { account: { ownerId }, event: { ownerId, deletedAt: null } },
    select: { accountId: true, eventVersion: true, event: { select: { version: true } } },
  });
  const counts = new Map<string, number>();
  for (const row of rows) if (row.event.version === row.eventVersion) counts.set(row.accountId, (counts.get(row.accountId) ?? 0) + 1);
  return counts;
}
