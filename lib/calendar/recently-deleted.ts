import { restoreEvent, toEventContent, type DbClient } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

/**
 * Recently deleted: every event deleted in Atollon — by a person, or by a sync that carried a
 * deletion made in another calendar — kept 30 days, as Google Calendar keeps its trash. A deleted
 * event is a tombstone (see Event.deletedAt); restoring it brings it back as a change of the
 * calendar, which every sync account then carries to its calendar: an account whose copy was
 * deleted has no pair for the event any more and creates it again, tagged with the same event id;
 * an account that had not carried the deletion yet still holds its copy and leaves it as it is.
 */

export const KEEP_DELETED_DAYS = 30;
const DAY_MS = 86_400_000;

export interface DeletedEventView {
  id: string;
  title: string;
  start: string;
  allDay: boolean;
  recurring: boolean;
  deletedAt: Date;
  /** When it goes for good. */
  purgeAt: Date;
  /** null: a person deleted it here. */
  deletedBy: { source: string; run: { id: string; startedAt: Date; trigger: string } | null } | null;
}

const cutoff = (now: Date) => new Date(now.getTime() - KEEP_DELETED_DAYS * DAY_MS);

/**
 * The owner's events deleted in the last 30 days, newest deletion first. The exceptions a series'
 * deletion took along are part of it and not listed; an occurrence deleted on its own is.
 */
export async function listRecentlyDeleted(ownerId: string, options: { now?: Date; db?: DbClient } = {}): Promise<DeletedEventView[]> {
  const db = options.db ?? (await getDb());
  const now = options.now ?? new Date();
  const rows = await db.event.findMany({
    where: { ownerId, deletedAt: { gte: cutoff(now) }, OR: [{ seriesId: null }, { series: { deletedAt: null } }] },
    orderBy: { deletedAt: "desc" },
    include: { deletedByRun: { select: { id: true, startedAt: true, trigger: true } } },
    take: 500,
  });
  return rows.map((row) => {
    const content = toEventContent(row);
    const deletedAt = row.deletedAt as Date;
    return {
      id: row.id,
      title: content.title,
      start: content.start,
      allDay: content.allDay,
      recurring: row.rrule !== null || row.seriesId !== null,
      deletedAt,
      purgeAt: new Date(deletedAt.getTime() + KEEP_DELETED_DAYS * DAY_MS),
      deletedBy: row.deletedBySource ? { source: row.deletedBySource, run: row.deletedByRun } : null,
    };
  });
}

/** Brings back one of the owner's recently deleted events (a series with the occurrences its deletion took). */
export async function restoreRecentlyDeleted(ownerId: string, id: string, options: { now?: Date; db?: DbClient } = {}): Promise<void> {
  const db = options.db ?? (await getDb());
  const now = options.now ?? new Date();
  const row = await db.event.findFirst({ where: { id, ownerId }, select: { deletedAt: true, series: { select: { deletedAt: true } } } });
  if (!row || row.deletedAt === null || row.deletedAt < cutoff(now)) throw new AppError("not_found", "This event is no longer among the recently deleted.");
  if (row.series?.deletedAt) throw new AppError("invalid_input", "Restore its recurring event first: this occurrence was deleted with it.");
  await restoreEvent(ownerId, id, { db });
}

/**
 * Deletes for good what was deleted more than 30 days ago — once every sync account has carried the
 * deletion (no pair is left, of the event or of an occurrence of it): a tombstone an account still
 * needs, say one paused for a month, stays until that account has deleted its copy. Returns how
 * many rows went.
 */
export async function purgeDeletedEvents(options: { now?: Date; db?: DbClient } = {}): Promise<number> {
  const db = options.db ?? (await getDb());
  const before = cutoff(options.now ?? new Date());
  return db.$executeRaw`
    DELETE FROM "Event" AS e
    WHERE e."deletedAt" < ${before}
      AND NOT EXISTS (SELECT 1 FROM "SyncPair" AS p WHERE p."eventId" = e."id")
      AND NOT EXISTS (SELECT 1 FROM "SyncPair" AS p JOIN "Event" AS x ON x."id" = p."eventId" WHERE x."seriesId" = e."id")`;
}
