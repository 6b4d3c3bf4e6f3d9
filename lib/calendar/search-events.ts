import { toEventContent } from "@/lib/calendar/events";
import { SEARCH_LIMIT } from "@/lib/calendar/search-limit";
import { getDb } from "@/lib/db/client";

export interface SearchResult {
  /** What the dialog opens: the event, the whole series, or one changed occurrence of a series. */
  target: { eventId: string; seriesId: string | null; originalStart: string | null };
  title: string;
  location: string;
  allDay: boolean;
  start: string;
  end: string;
  recurring: boolean;
}

/** `%` and `_` typed by the person are letters, not wildcards. */
const literal = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/**
 * The owner's events whose title, location or description contains `query`, whatever the case
 * (served by the trigram index), latest first. A series is one result; its changed occurrences
 * that match are results of their own.
 */
export async function searchEvents(ownerId: string, query: string): Promise<SearchResult[]> {
  const text = query.trim();
  if (text.length === 0) return [];
  const db = await getDb();
  const pattern = `%${literal(text)}%`;
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Event"
    WHERE "ownerId" = ${ownerId}::uuid AND "deletedAt" IS NULL AND "status" <> 'CANCELLED'
      AND ("title" ILIKE ${pattern} OR "location" ILIKE ${pattern} OR "description" ILIKE ${pattern})
    ORDER BY "startAt" DESC
    LIMIT ${SEARCH_LIMIT}`;
  if (rows.length === 0) return [];
  const events = await db.event.findMany({ where: { ownerId, id: { in: rows.map((row) => row.id) } }, orderBy: { startAt: "desc" } });
  return events.map((row) => {
    const content = toEventContent(row);
    return {
      target: row.seriesId ? { eventId: row.id, seriesId: row.seriesId, originalStart: row.originalStart } : { eventId: row.id, seriesId: null, originalStart: null },
      title: content.title,
      location: content.location,
      allDay: content.allDay,
      start: content.start,
      end: content.end,
      recurring: row.rrule !== null || row.seriesId !== null,
    };
  });
}
