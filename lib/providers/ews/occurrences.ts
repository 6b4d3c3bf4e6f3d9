import { AppointmentSchema, type Appointment } from "ews-javascript-api";
import { z } from "zod";
import { eventContentSchema } from "@/lib/calendar/event-content";
import { expandSeries } from "@/lib/calendar/recurrence";
import { extendedValue, ours, pointOf, type EwsView } from "@/lib/providers/ews/appointment";
import { ruleOf } from "@/lib/providers/ews/recurrence";
import { readJsonValue } from "@/lib/providers/extended-values";

/**
 * Exceptions of a series. Exchange keeps them inside their master (they are not folder items, and a
 * change to one shows up as a change of the master), and knows a deleted occurrence only by its
 * start. This provider names an exception `<master id>#<original start>`: stable for as long as the
 * occurrence exists, known even for occurrences Exchange no longer has an item for, and the same
 * whichever side created it — so writing an exception twice (after a crash) changes the same one.
 *
 * A cancelled exception (the Atollon calendar's "delete this occurrence", Google's cancelled
 * instance) becomes a deleted occurrence, which is what Outlook shows; its content is kept on the
 * master so that it reads back as the same cancelled exception, not as a bare EXDATE.
 */

export const CANCELLED = ours("atollonCancelled");

const cancelledSchema = z.record(z.string(), z.object({ localId: z.string(), content: eventContentSchema }));
export type CancelledOccurrences = z.infer<typeof cancelledSchema>;

export const exceptionId = (masterId: string, originalStart: string) => `${masterId}#${originalStart}`;

export function parseExceptionId(id: string): { masterId: string; originalStart: string } | null {
  const at = id.lastIndexOf("#");
  return at > 0 ? { masterId: id.slice(0, at), originalStart: id.slice(at + 1) } : null;
}

export function readCancelled(master: Appointment): CancelledOccurrences {
  // Not ours any more: the deleted occurrences read as EXDATEs.
  return readJsonValue(cancelledSchema, extendedValue(master, CANCELLED)) ?? {};
}

export interface SeriesState {
  view: EwsView;
  /** Modified occurrences: their item ids and ChangeKeys, by original start (EventContent form). */
  modified: Map<string, { id: string; changeKey: string }>;
  /** Every deleted occurrence, cancelled exceptions included. */
  deleted: Set<string>;
  cancelled: CancelledOccurrences;
}

export function seriesState(master: Appointment, view: EwsView): SeriesState {
  const out: { outValue: Appointment["ModifiedOccurrences"] | null } = { outValue: null };
  const modified = master.TryGetProperty(AppointmentSchema.ModifiedOccurrences, out) ? (out.outValue?.GetEnumerator() ?? []) : [];
  const deleted: { outValue: Appointment["DeletedOccurrences"] | null } = { outValue: null };
  const gone = master.TryGetProperty(AppointmentSchema.DeletedOccurrences, deleted) ? (deleted.outValue?.GetEnumerator() ?? []) : [];
  return {
    view,
    modified: new Map(modified.map((info) => [pointOf(info.OriginalStart, view.allDay, view.zone), { id: info.ItemId.UniqueId, changeKey: info.ItemId.ChangeKey }])),
    deleted: new Set(gone.map((info) => pointOf(info.OriginalStart, view.allDay, view.zone))),
    cancelled: readCancelled(master),
  };
}

/**
 * The 1-based InstanceIndex of an occurrence (OccurrenceItemId), counting every occurrence the
 * pattern gives, deleted ones included; null when the pattern gives no occurrence at that start.
 */
export function instanceIndex(view: EwsView, originalStart: string, ianaZone: string | null): number | null {
  if (!view.recurrence) return null;
  const series = {
    allDay: view.allDay,
    start: view.start,
    end: view.end,
    timeZone: view.allDay ? null : ianaZone,
    rrule: ruleOf(view.recurrence, { allDay: view.allDay, start: view.start, timeZone: view.allDay ? null : ianaZone }),
    exdates: [],
    rdates: [],
  };
  const from = new Date(view.allDay ? `${view.start}T00:00:00.000Z` : view.start);
  const to = new Date((view.allDay ? Date.parse(`${originalStart}T00:00:00.000Z`) : Date.parse(originalStart)) + 86_400_000);
  if (Number.isNaN(to.getTime()) || to < from) return null;
  const position = expandSeries(series, from, to).findIndex((occurrence) => occurrence.originalStart === originalStart);
  return position < 0 ? null : position + 1;
}
