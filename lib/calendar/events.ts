import { randomUUID } from "node:crypto";
import { eventContentSchema, type Attendee, type EventContent, type Organizer } from "@/lib/calendar/event-content";
import { RecurrenceError, expandSeries, occurrencesBefore, parseRule, seriesEndsAt, untilBefore, withUntil } from "@/lib/calendar/recurrence";
import { dateToUtcMidnight, utcMidnightToDate } from "@/lib/calendar/time";
import { getDb, type Db } from "@/lib/db/client";
import type { Event as EventRow, Prisma } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";

/**
 * The Atollon calendar's events. Every function takes the owner's id and touches only that owner's
 * rows; every write runs in a transaction that first bumps the owner's change sequence (see
 * User.eventSeq), and accepts a transaction from the caller so the sync engine can write an event
 * and its own bookkeeping atomically.
 */

export type DbClient = Db | Prisma.TransactionClient;

export interface StoredEvent {
  id: string;
  seriesId: string | null;
  version: number;
  changeSeq: bigint;
  updatedAt: Date;
  deletedAt: Date | null;
  content: EventContent;
}

export interface WriteOptions {
  db?: DbClient;
  /** Refuse (AppError "conflict") unless the event is still at this version. */
  expectedVersion?: number;
}

export type OccurrenceScope = "this" | "following" | "all";

/** Which sync run deleted an event, for Recently deleted; absent when a person deleted it here. */
export interface DeletedBy {
  runId: string;
  /** The calendar whose sync it was, as the user knows it ("Google alice@gmail.com"). */
  source: string;
}

/** An event back from its tombstone forgets who deleted it. */
const UNDELETED = { deletedAt: null, deletedByRunId: null, deletedBySource: null };

const STATUS = { confirmed: "CONFIRMED", tentative: "TENTATIVE", cancelled: "CANCELLED" } as const;
const TRANSPARENCY = { opaque: "OPAQUE", transparent: "TRANSPARENT" } as const;
const VISIBILITY = { default: "DEFAULT", public: "PUBLIC", private: "PRIVATE", confidential: "CONFIDENTIAL" } as const;
const invert = <K extends string, V extends string>(map: Record<K, V>) => Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k])) as Record<V, K>;
const STATUS_BACK = invert(STATUS);
const TRANSPARENCY_BACK = invert(TRANSPARENCY);
const VISIBILITY_BACK = invert(VISIBILITY);

export function toEventContent(row: EventRow): EventContent {
  return {
    title: row.title,
    description: row.description,
    location: row.location,
    allDay: row.allDay,
    start: row.allDay ? utcMidnightToDate(row.startAt) : row.startAt.toISOString(),
    end: row.allDay ? utcMidnightToDate(row.endAt) : row.endAt.toISOString(),
    timeZone: row.timeZone,
    rrule: row.rrule,
    exdates: row.exdates,
    rdates: row.rdates,
    status: STATUS_BACK[row.status],
    transparency: TRANSPARENCY_BACK[row.transparency],
    visibility: VISIBILITY_BACK[row.visibility],
    reminders: row.useDefaultReminders ? null : row.reminders,
    attendees: row.attendees as unknown as Attendee[],
    organizer: row.organizer as unknown as Organizer | null,
    originalStart: row.originalStart,
  };
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return { id: row.id, seriesId: row.seriesId, version: row.version, changeSeq: row.changeSeq, updatedAt: row.updatedAt, deletedAt: row.deletedAt, content: toEventContent(row) };
}

/** Validates content (shape and recurrence rule) and turns it into columns. */
function toColumns(raw: EventContent) {
  const content = eventContentSchema.parse(raw);
  let recurrenceEndsAt: Date | null = null;
  if (content.rrule) {
    try {
      recurrenceEndsAt = seriesEndsAt(content);
    } catch (error) {
      if (error instanceof RecurrenceError) throw new AppError("invalid_input", error.message, { rrule: error.message });
      throw error;
    }
  }
  return {
    title: content.title,
    description: content.description,
    location: content.location,
    allDay: content.allDay,
    startAt: content.allDay ? dateToUtcMidnight(content.start) : new Date(content.start),
    endAt: content.allDay ? dateToUtcMidnight(content.end) : new Date(content.end),
    timeZone: content.timeZone,
    rrule: content.rrule,
    exdates: content.exdates,
    rdates: content.rdates,
    originalStart: content.originalStart,
    recurrenceEndsAt,
    status: STATUS[content.status],
    transparency: TRANSPARENCY[content.transparency],
    visibility: VISIBILITY[content.visibility],
    useDefaultReminders: content.reminders === null,
    reminders: content.reminders ?? [],
    attendees: content.attendees as unknown as Prisma.InputJsonValue,
    organizer: (content.organizer ?? undefined) as unknown as Prisma.InputJsonValue | undefined,
  };
}

/** Joins the caller's transaction when given one (a transaction client has no `$connect`), else opens one. */
async function inTransaction<T>(db: DbClient | undefined, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  const client = db ?? (await getDb());
  if (!("$connect" in client)) return work(client);
  return client.$transaction(work);
}

/** Takes the owner's next change number, holding the owner's row lock until the transaction ends. */
async function nextChangeSeq(tx: Prisma.TransactionClient, ownerId: string): Promise<bigint> {
  return nextChangeSeqs(tx, ownerId, 1);
}

/** Takes the owner's next `count` change numbers (returns the last), holding the owner's row lock until the transaction ends. */
async function nextChangeSeqs(tx: Prisma.TransactionClient, ownerId: string, count: number): Promise<bigint> {
  const rows = await tx.$queryRaw<{ eventSeq: bigint }[]>`UPDATE "User" SET "eventSeq" = "eventSeq" + ${count} WHERE "id" = ${ownerId}::uuid RETURNING "eventSeq"`;
  const seq = rows[0]?.eventSeq;
  if (seq === undefined) throw new AppError("not_found", "This account no longer exists.");
  return BigInt(seq);
}

const NOT_FOUND = "This event no longer exists.";
const CHANGED = "This event was changed meanwhile (perhaps by a sync). Reload and try again.";

async function ownedRow(tx: Prisma.TransactionClient, ownerId: string, id: string): Promise<EventRow> {
  const row = await tx.event.findFirst({ where: { id, ownerId } });
  if (!row) throw new AppError("not_found", NOT_FOUND);
  return row;
}

async function seriesFor(tx: Prisma.TransactionClient, ownerId: string, seriesId: string, content: EventContent): Promise<EventRow> {
  return checkedSeries(await tx.event.findFirst({ where: { id: seriesId, ownerId, deletedAt: null } }), content);
}

/** The live series `series` (null: none found) can take `content` as one of its occurrences. */
function checkedSeries(series: EventRow | null, content: EventContent): EventRow {
  if (!series || series.rrule === null || series.seriesId !== null) throw new AppError("not_found", "The recurring event this occurrence belongs to no longer exists.");
  if (content.originalStart === null) throw new AppError("invalid_input", "An occurrence needs the start it replaces.", { originalStart: "Missing." });
  if (content.allDay !== series.allDay) throw new AppError("invalid_input", "An occurrence is all-day exactly when its series is.", { allDay: "Must match the series." });
  return series;
}

/** A new event's own checks besides its content: an occurrence belongs to a series, and only an occurrence has an original start. */
function checkPlacement(content: EventContent, series: EventRow | null, seriesId: string | null): void {
  if (seriesId) {
    checkedSeries(series, content);
    if (content.rrule) throw new AppError("invalid_input", "An occurrence cannot repeat on its own.", { rrule: "Not allowed on an occurrence." });
  } else if (content.originalStart !== null) {
    throw new AppError("invalid_input", "Only an occurrence of a recurring event has an original start.", { originalStart: "Not allowed." });
  }
}

export async function createEvent(ownerId: string, content: EventContent, options: { seriesId?: string | null; db?: DbClient } = {}): Promise<StoredEvent> {
  const columns = toColumns(content);
  return inTransaction(options.db, async (tx) => {
    const seriesId = options.seriesId ?? null;
    checkPlacement(content, seriesId ? await tx.event.findFirst({ where: { id: seriesId, ownerId, deletedAt: null } }) : null, seriesId);
    const changeSeq = await nextChangeSeq(tx, ownerId);
    const row = await tx.event.create({ data: { ...columns, ownerId, seriesId, changeSeq } });
    return toStoredEvent(row);
  });
}

/** Rows per INSERT of createEvents: one JSON parameter each, whatever the count, but a bounded statement. */
const CREATE_CHUNK = 1000;

/**
 * Creates many events at once, with exactly the checks and change numbers of createEvent called for
 * each in turn (entry order), in a few statements: one read of their series, one move of the
 * owner's change sequence, one INSERT per thousand rows and one read back. Results in entry order.
 */
export async function createEvents(ownerId: string, entries: { content: EventContent; seriesId: string | null }[], options: { db?: DbClient } = {}): Promise<StoredEvent[]> {
  if (entries.length === 0) return [];
  const columns = entries.map(({ content }) => toColumns(content));
  return inTransaction(options.db, async (tx) => {
    const seriesIds = [...new Set(entries.flatMap(({ seriesId }) => (seriesId ? [seriesId] : [])))];
    const series = new Map((seriesIds.length > 0 ? await tx.event.findMany({ where: { id: { in: seriesIds }, ownerId, deletedAt: null } }) : []).map((row) => [row.id, row]));
    for (const { content, seriesId } of entries) checkPlacement(content, seriesId ? (series.get(seriesId) ?? null) : null, seriesId);
    const last = await nextChangeSeqs(tx, ownerId, entries.length);
    const first = last - BigInt(entries.length) + 1n;
    const rows = columns.map((column, index) => ({
      ...column,
      id: randomUUID(),
      ownerId,
      seriesId: entries[index]?.seriesId ?? null,
      changeSeq: String(first + BigInt(index)),
      organizer: column.organizer ?? null,
    }));
    for (let start = 0; start < rows.length; start += CREATE_CHUNK) {
      // jsonb_populate_recordset turns each object into an Event row (arrays, enums, JSON, times):
      // one parameter for any number of rows, where a VALUES list takes ~20 per row.
      await tx.$executeRaw`
        INSERT INTO "Event" ("id", "ownerId", "seriesId", "title", "description", "location", "allDay", "startAt", "endAt", "timeZone", "rrule", "exdates", "rdates",
          "originalStart", "recurrenceEndsAt", "status", "transparency", "visibility", "useDefaultReminders", "reminders", "attendees", "organizer", "changeSeq", "updatedAt")
        SELECT "id", "ownerId", "seriesId", "title", "description", "location", "allDay", "startAt", "endAt", "timeZone", "rrule", "exdates", "rdates",
          "originalStart", "recurrenceEndsAt", "status", "transparency", "visibility", "useDefaultReminders", "reminders", "attendees", "organizer", "changeSeq", now()
        FROM jsonb_populate_recordset(NULL::"Event", ${JSON.stringify(rows.slice(start, start + CREATE_CHUNK))}::jsonb)`;
    }
    const created = new Map((await tx.event.findMany({ where: { ownerId, id: { in: rows.map((row) => row.id) } } })).map((row) => [row.id, row]));
    return rows.map((row) => toStoredEvent(created.get(row.id) as EventRow));
  });
}

export async function updateEvent(ownerId: string, id: string, content: EventContent, options: WriteOptions & { restore?: boolean } = {}): Promise<StoredEvent> {
  const columns = toColumns(content);
  return inTransaction(options.db, async (tx) => {
    const current = await ownedRow(tx, ownerId, id);
    if (options.expectedVersion !== undefined && current.version !== options.expectedVersion) throw new AppError("conflict", CHANGED);
    if (current.deletedAt && !options.restore) throw new AppError("not_found", NOT_FOUND);
    if (current.seriesId) await seriesFor(tx, ownerId, current.seriesId, content);
    const changeSeq = await nextChangeSeq(tx, ownerId);
    const row = await tx.event.update({ where: { id }, data: { ...columns, changeSeq, version: { increment: 1 }, ...UNDELETED } });
    if (current.deletedAt) await restoreDeletedWith(tx, current, changeSeq);
    return toStoredEvent(row);
  });
}

/** Tombstones the event (and a series' exceptions with it). Deleting a tombstone changes nothing. */
export async function deleteEvent(ownerId: string, id: string, options: WriteOptions & { deletedBy?: DeletedBy } = {}): Promise<void> {
  await inTransaction(options.db, async (tx) => {
    const current = await ownedRow(tx, ownerId, id);
    if (options.expectedVersion !== undefined && current.version !== options.expectedVersion) throw new AppError("conflict", CHANGED);
    if (current.deletedAt) return;
    const changeSeq = await nextChangeSeq(tx, ownerId);
    const deleted = { deletedAt: new Date(), deletedByRunId: options.deletedBy?.runId ?? null, deletedBySource: options.deletedBy?.source ?? null };
    await tx.event.update({ where: { id }, data: { ...deleted, changeSeq, version: { increment: 1 } } });
    await tx.event.updateMany({ where: { ownerId, seriesId: id, deletedAt: null }, data: { ...deleted, changeSeq, version: { increment: 1 } } });
  });
}

/**
 * Moves one event (a tombstone too) up the change sequence, content unchanged, so that every sync
 * account looks at it again (a settled conflict is sent from here). Fails like an update when the
 * event changed since `expectedVersion`.
 */
export async function touchEvent(ownerId: string, id: string, options: WriteOptions = {}): Promise<StoredEvent> {
  return inTransaction(options.db, async (tx) => {
    const current = await ownedRow(tx, ownerId, id);
    if (options.expectedVersion !== undefined && current.version !== options.expectedVersion) throw new AppError("conflict", CHANGED);
    const changeSeq = await nextChangeSeq(tx, ownerId);
    return toStoredEvent(await tx.event.update({ where: { id }, data: { changeSeq, version: { increment: 1 } } }));
  });
}

/**
 * Moves the live exceptions of a series up the change sequence, content unchanged, so that every
 * sync account looks at them again (a series re-created remotely needs its exceptions re-created).
 */
export async function touchExceptions(ownerId: string, seriesId: string, options: { db?: DbClient } = {}): Promise<StoredEvent[]> {
  return inTransaction(options.db, async (tx) => {
    const where = { ownerId, seriesId, deletedAt: null };
    if ((await tx.event.count({ where })) === 0) return [];
    const changeSeq = await nextChangeSeq(tx, ownerId);
    await tx.event.updateMany({ where, data: { changeSeq, version: { increment: 1 } } });
    return (await tx.event.findMany({ where })).map(toStoredEvent);
  });
}

/** Brings a tombstone back as it was (a series with the exceptions deleted with it). */
export async function restoreEvent(ownerId: string, id: string, options: { db?: DbClient } = {}): Promise<StoredEvent> {
  return inTransaction(options.db, async (tx) => {
    const current = await ownedRow(tx, ownerId, id);
    if (!current.deletedAt) return toStoredEvent(current);
    const changeSeq = await nextChangeSeq(tx, ownerId);
    const row = await tx.event.update({ where: { id }, data: { ...UNDELETED, changeSeq, version: { increment: 1 } } });
    await restoreDeletedWith(tx, current, changeSeq);
    return toStoredEvent(row);
  });
}

/** A series comes back with the exceptions its deletion took (they share its deletion time). */
async function restoreDeletedWith(tx: Prisma.TransactionClient, series: EventRow, changeSeq: bigint): Promise<void> {
  if (series.seriesId !== null || !series.deletedAt) return;
  await tx.event.updateMany({ where: { ownerId: series.ownerId, seriesId: series.id, deletedAt: series.deletedAt }, data: { ...UNDELETED, changeSeq, version: { increment: 1 } } });
}

export async function getEvent(ownerId: string, id: string, options: { db?: DbClient } = {}): Promise<StoredEvent | null> {
  const db = options.db ?? (await getDb());
  const row = await db.event.findFirst({ where: { id, ownerId } });
  return row ? toStoredEvent(row) : null;
}

export async function getEvents(ownerId: string, ids: string[], options: { db?: DbClient } = {}): Promise<StoredEvent[]> {
  if (ids.length === 0) return [];
  const db = options.db ?? (await getDb());
  return (await db.event.findMany({ where: { ownerId, id: { in: ids } } })).map(toStoredEvent);
}

/**
 * Events (tombstones and exceptions included) changed after `afterSeq`, oldest change first — the
 * sync engine's "what changed here since my last run", one index range scan per page.
 */
export async function listChangedSince(ownerId: string, afterSeq: bigint, limit: number, options: { db?: DbClient } = {}): Promise<StoredEvent[]> {
  const db = options.db ?? (await getDb());
  const rows = await db.event.findMany({ where: { ownerId, changeSeq: { gt: afterSeq } }, orderBy: { changeSeq: "asc" }, take: limit });
  return rows.map(toStoredEvent);
}

export async function currentEventSeq(ownerId: string, options: { db?: DbClient } = {}): Promise<bigint> {
  const db = options.db ?? (await getDb());
  const user = await db.user.findUnique({ where: { id: ownerId }, select: { eventSeq: true } });
  if (!user) throw new AppError("not_found", "This account no longer exists.");
  return user.eventSeq;
}

/** One thing to draw in a view: a single event, or one occurrence of a series (an exception included). */
export interface CalendarItem {
  /** The row to edit: the event itself, the series, or the exception. */
  eventId: string;
  seriesId: string | null;
  /** For occurrences of a series: which one. */
  originalStart: string | null;
  recurring: boolean;
  title: string;
  location: string;
  allDay: boolean;
  start: string;
  end: string;
  timeZone: string | null;
  status: EventContent["status"];
  transparency: EventContent["transparency"];
}

function item(row: EventRow, content: EventContent, occurrence: { start: string; end: string; originalStart: string | null } | null): CalendarItem {
  return {
    eventId: row.id,
    seriesId: row.seriesId ?? (row.rrule ? row.id : null),
    originalStart: occurrence?.originalStart ?? content.originalStart,
    recurring: row.rrule !== null || row.seriesId !== null,
    title: content.title,
    location: content.location,
    allDay: content.allDay,
    start: occurrence?.start ?? content.start,
    end: occurrence?.end ?? content.end,
    timeZone: content.timeZone,
    status: content.status,
    transparency: content.transparency,
  };
}

/**
 * Everything of the owner's calendar that overlaps [from, to): single events, the occurrences of
 * series with their exceptions applied (moved, changed, cancelled), sorted by start. All-day items
 * are matched as dates: `from`/`to` are taken at midnight UTC of their own dates for them.
 */
export async function listRange(ownerId: string, from: Date, to: Date, options: { db?: DbClient } = {}): Promise<CalendarItem[]> {
  const db = options.db ?? (await getDb());
  // All-day rows are stored at midnight UTC: a day of slack on each side catches every zone's view.
  const slackFrom = new Date(from.getTime() - 86_400_000);
  const slackTo = new Date(to.getTime() + 86_400_000);
  const [singles, series] = await Promise.all([
    db.event.findMany({ where: { ownerId, deletedAt: null, rrule: null, startAt: { lt: slackTo }, endAt: { gte: slackFrom } }, orderBy: { startAt: "asc" } }),
    db.event.findMany({
      where: { ownerId, deletedAt: null, rrule: { not: null }, seriesId: null, startAt: { lt: slackTo }, OR: [{ recurrenceEndsAt: null }, { recurrenceEndsAt: { gt: slackFrom } }] },
    }),
  ]);
  const items: CalendarItem[] = [];
  const exceptionsBySeries = new Map<string, Map<string, EventRow>>();
  for (const row of singles) {
    if (row.seriesId) continue;
    items.push(item(row, toEventContent(row), null));
  }
  if (series.length > 0) {
    const exceptions = await db.event.findMany({ where: { ownerId, seriesId: { in: series.map((row) => row.id) }, deletedAt: null } });
    for (const exception of exceptions) {
      if (!exception.originalStart) continue;
      const byStart = exceptionsBySeries.get(exception.seriesId as string) ?? new Map<string, EventRow>();
      byStart.set(exception.originalStart, exception);
      exceptionsBySeries.set(exception.seriesId as string, byStart);
    }
  }
  for (const row of series) {
    const content = toEventContent(row);
    const exceptions = exceptionsBySeries.get(row.id) ?? new Map<string, EventRow>();
    let occurrences;
    try {
      occurrences = expandSeries(content, from, to);
    } catch (error) {
      // A rule another calendar accepted but we cannot expand still shows its first occurrence.
      if (!(error instanceof RecurrenceError)) throw error;
      occurrences = [{ originalStart: content.start, start: content.start, end: content.end }];
    }
    for (const occurrence of occurrences) {
      if (exceptions.has(occurrence.originalStart)) continue;
      items.push({ ...item(row, content, occurrence), seriesId: row.id });
    }
    for (const exception of exceptions.values()) {
      const exceptionContent = toEventContent(exception);
      if (exceptionContent.status === "cancelled") continue;
      const start = exceptionContent.allDay ? dateToUtcMidnight(exceptionContent.start) : new Date(exceptionContent.start);
      const end = exceptionContent.allDay ? dateToUtcMidnight(exceptionContent.end) : new Date(exceptionContent.end);
      if (start < to && (end > from || start.getTime() === end.getTime())) items.push(item(exception, exceptionContent, null));
    }
  }
  return items.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

// ── Occurrences of a series ───────────────────────────────────────────────────────────────────

async function exceptionAt(tx: Prisma.TransactionClient, ownerId: string, seriesId: string, originalStart: string): Promise<EventRow | null> {
  return tx.event.findFirst({ where: { ownerId, seriesId, originalStart } });
}

/**
 * Saves an edit of one occurrence of a series. `content` is what the occurrence should become
 * (its own start and end); for "all" its time shift and fields apply to the whole series; for
 * "following" the series is split at the occurrence.
 */
export async function saveOccurrence(
  ownerId: string,
  seriesId: string,
  originalStart: string,
  content: EventContent,
  scope: OccurrenceScope,
  options: { db?: DbClient } = {},
): Promise<StoredEvent> {
  return inTransaction(options.db, async (tx) => {
    const series = await ownedRow(tx, ownerId, seriesId);
    if (series.deletedAt || !series.rrule) throw new AppError("not_found", NOT_FOUND);
    const seriesContent = toEventContent(series);

    if (scope === "this") {
      const exceptionContent: EventContent = { ...content, rrule: null, exdates: [], rdates: [], originalStart };
      const existing = await exceptionAt(tx, ownerId, seriesId, originalStart);
      if (existing) return updateEvent(ownerId, existing.id, exceptionContent, { db: tx, restore: true });
      return createEvent(ownerId, exceptionContent, { seriesId, db: tx });
    }

    const shift = (value: string) => shiftBy(value, originalStart, content.start, seriesContent.allDay);
    const length = spanOf(content);
    if (scope === "all") {
      const start = shift(seriesContent.start);
      const updated: EventContent = { ...content, start, end: endAfter(start, length, content.allDay), rrule: content.rrule ?? seriesContent.rrule, exdates: seriesContent.exdates, rdates: seriesContent.rdates, originalStart: null };
      if (updated.allDay !== seriesContent.allDay) {
        // A series changing between all-day and timed cannot keep its exceptions' original starts.
        const changeSeq = await nextChangeSeq(tx, ownerId);
        await tx.event.updateMany({ where: { ownerId, seriesId, deletedAt: null }, data: { deletedAt: new Date(), changeSeq, version: { increment: 1 } } });
        return updateEvent(ownerId, seriesId, { ...updated, exdates: [], rdates: [] }, { db: tx });
      }
      return updateEvent(ownerId, seriesId, updated, { db: tx });
    }

    // "This and following": the old series ends before the occurrence, a new one starts at it.
    if (originalStart === seriesContent.start) return saveOccurrence(ownerId, seriesId, originalStart, content, "all", { db: tx });
    const rule = parseRule(seriesContent);
    const before = occurrencesBefore(seriesContent, originalStart);
    const remainingCount = rule.options.count ? rule.options.count - before : null;
    const newRule = content.rrule ?? seriesContent.rrule;
    const nextRule = remainingCount !== null && newRule && /COUNT=/i.test(newRule) ? newRule.replace(/COUNT=\d+/i, `COUNT=${Math.max(remainingCount, 1)}`) : newRule;
    await updateEvent(ownerId, seriesId, { ...seriesContent, rrule: withUntil(seriesContent.rrule as string, untilBefore(seriesContent, originalStart)) }, { db: tx });
    const created = await createEvent(ownerId, { ...content, rrule: nextRule, exdates: seriesContent.exdates.filter((value) => value >= originalStart), rdates: seriesContent.rdates.filter((value) => value >= originalStart), originalStart: null }, { db: tx });
    await moveLaterExceptions(tx, ownerId, seriesId, created, originalStart, content.start);
    return created;
  });
}

/** Exceptions after a split follow the new series when their original starts still exist there. */
async function moveLaterExceptions(tx: Prisma.TransactionClient, ownerId: string, fromSeries: string, to: StoredEvent, splitAt: string, newStart: string): Promise<void> {
  const later = await tx.event.findMany({ where: { ownerId, seriesId: fromSeries, deletedAt: null, originalStart: { gte: splitAt } } });
  for (const exception of later) {
    const moved = shiftBy(exception.originalStart as string, splitAt, newStart, to.content.allDay);
    const changeSeq = await nextChangeSeq(tx, ownerId);
    const stillThere = expandSeries(to.content, startOf(moved, to.content.allDay, -1), startOf(moved, to.content.allDay, 1)).some((o) => o.originalStart === moved);
    const data = stillThere ? { seriesId: to.id, originalStart: moved } : { deletedAt: new Date() };
    await tx.event.update({ where: { id: exception.id }, data: { ...data, changeSeq, version: { increment: 1 } } });
  }
}

/** Deletes one occurrence (a cancelled exception, as Google and Exchange record it), the following ones, or the series. */
export async function deleteOccurrence(ownerId: string, seriesId: string, originalStart: string, scope: OccurrenceScope, options: { db?: DbClient } = {}): Promise<void> {
  await inTransaction(options.db, async (tx) => {
    const series = await ownedRow(tx, ownerId, seriesId);
    if (series.deletedAt || !series.rrule) throw new AppError("not_found", NOT_FOUND);
    const seriesContent = toEventContent(series);
    if (scope === "all" || (scope === "following" && originalStart === seriesContent.start)) {
      await deleteEvent(ownerId, seriesId, { db: tx });
      return;
    }
    if (scope === "following") {
      await updateEvent(ownerId, seriesId, { ...seriesContent, rrule: withUntil(seriesContent.rrule as string, untilBefore(seriesContent, originalStart)) }, { db: tx });
      const later = await tx.event.findMany({ where: { ownerId, seriesId, deletedAt: null, originalStart: { gte: originalStart } } });
      for (const exception of later) await deleteEvent(ownerId, exception.id, { db: tx });
      return;
    }
    const existing = await exceptionAt(tx, ownerId, seriesId, originalStart);
    const occurrence = expandSeries(seriesContent, startOf(originalStart, seriesContent.allDay, -1), startOf(originalStart, seriesContent.allDay, 1)).find((o) => o.originalStart === originalStart);
    if (!existing && !occurrence) throw new AppError("not_found", "That occurrence is not part of the series.");
    const base = existing ? toEventContent(existing) : { ...seriesContent, start: originalStart, end: occurrence?.end ?? seriesContent.end };
    const cancelled: EventContent = { ...base, rrule: null, exdates: [], rdates: [], originalStart, status: "cancelled" };
    if (existing) await updateEvent(ownerId, existing.id, cancelled, { db: tx, restore: true });
    else await createEvent(ownerId, cancelled, { seriesId, db: tx });
  });
}

function startOf(value: string, allDay: boolean, days: number): Date {
  return new Date((allDay ? dateToUtcMidnight(value).getTime() : Date.parse(value)) + days * 86_400_000);
}

function spanOf(content: EventContent): number {
  return content.allDay ? dateToUtcMidnight(content.end).getTime() - dateToUtcMidnight(content.start).getTime() : Date.parse(content.end) - Date.parse(content.start);
}

function endAfter(start: string, length: number, allDay: boolean): string {
  return allDay ? utcMidnightToDate(new Date(dateToUtcMidnight(start).getTime() + length)) : new Date(Date.parse(start) + length).toISOString();
}

/** Moves `value` by the distance from `from` to `to` (all EventContent form, same kind). */
function shiftBy(value: string, from: string, to: string, allDay: boolean): string {
  if (allDay !== (to.length === 10)) return to;
  const delta = (allDay ? dateToUtcMidnight(to).getTime() - dateToUtcMidnight(from).getTime() : Date.parse(to) - Date.parse(from));
  return allDay ? utcMidnightToDate(new Date(dateToUtcMidnight(value).getTime() + delta)) : new Date(Date.parse(value) + delta).toISOString();
}
