import {
  AffectedTaskOccurrence,
  Appointment,
  ConflictResolutionMode,
  DeleteMode,
  ItemId,
  PropertySet,
  SendCancellationsMode,
  SendInvitationsOrCancellationsMode,
  ServiceResult,
  type FolderId,
  type MessageDisposition,
} from "ews-javascript-api";
import type { EventContent } from "@/lib/calendar/event-content";
import type { WriteResult } from "@/lib/sync/provider";
import { contentOf, readAppointment, writeAppointment } from "@/lib/providers/ews/appointment";
import { CANCELLED, exceptionId, instanceIndex, seriesState, type SeriesState } from "@/lib/providers/ews/occurrences";
import { bindAll, chunk, ITEMS_PER_BATCH } from "@/lib/providers/ews/read-items";
import { cancelledToken } from "@/lib/providers/extended-values";
import type { OwnChanges } from "@/lib/providers/ews/own-changes";
import { call, failureOf, itemId, occurrenceItemId, type EwsConnection } from "@/lib/providers/ews/service";
import { escapeXml } from "@/lib/providers/ews/xml";

/**
 * Writes of exceptions: an occurrence is bound (by its item id when already modified, else by its
 * index in the series) and updated, which makes it an exception in Exchange. A cancelled exception
 * deletes the occurrence and is remembered on its master (see occurrences.ts). Creating and
 * updating differ only in the ChangeKey check, so a create repeated after a crash is harmless.
 */

export interface ExceptionWrite {
  masterId: string;
  originalStart: string;
  localId: string;
  content: EventContent;
  /** null for a create: no version to check. */
  versionToken: string | null;
}

const NO_DISPOSITION = null as unknown as MessageDisposition;
const NO_FOLDER = null as unknown as FolderId;
const save = (connection: EwsConnection, items: Appointment[], what: string) =>
  items.length
    ? call(connection, what, () => connection.service.UpdateItems(items, NO_FOLDER, ConflictResolutionMode.NeverOverwrite, NO_DISPOSITION, SendInvitationsOrCancellationsMode.SendToNone)).then((answer) => answer.Responses)
    : Promise.resolve([]);
const removeAll = async (connection: EwsConnection, ids: ItemId[]) => {
  for (const batch of chunk(ids, ITEMS_PER_BATCH)) {
    await call(connection, "deleting occurrences (DeleteItem)", () => connection.service.DeleteItems(batch, DeleteMode.MoveToDeletedItems, SendCancellationsMode.SendToNone, AffectedTaskOccurrence.AllOccurrences));
  }
};

interface Series {
  master: Appointment;
  /** The master's ChangeKey when bound, before this call changed it. */
  before: string;
  state: SeriesState;
  zone: string | null;
  changed: boolean;
}

function seriesOf(master: Appointment): Series {
  const read = readAppointment(master);
  return { master, before: master.Id.ChangeKey, state: seriesState(master, read.view), zone: contentOf(read).timeZone, changed: false };
}

/** The occurrence's id for binding or deleting, or a refusal. */
function occurrenceOf(series: Series, masterId: string, originalStart: string): ItemId | WriteResult {
  const modified = series.state.modified.get(originalStart);
  if (modified) return itemId(modified.id);
  const index = instanceIndex(series.state.view, originalStart, series.zone);
  if (index === null) return { ok: false, kind: "rejected", message: "Exchange has no occurrence of this series at that start." };
  return occurrenceItemId(masterId, index);
}

/** The version the engine last saw of an exception, as it stands now. */
function currentToken(series: Series, originalStart: string): string | null {
  const cancelled = series.state.cancelled[originalStart];
  if (cancelled && series.state.deleted.has(originalStart)) return cancelledToken(cancelled.content);
  return series.state.modified.get(originalStart)?.changeKey ?? null;
}

export async function writeExceptions(connection: EwsConnection, writes: ExceptionWrite[], own: OwnChanges): Promise<WriteResult[]> {
  const results: (WriteResult | null)[] = writes.map(() => null);
  const masterIds = [...new Set(writes.map((write) => write.masterId))];
  const masters = await bindAll(connection, masterIds.map((id) => itemId(id)));
  const series = new Map<string, Series>();
  masterIds.forEach((id, index) => {
    const master = masters[index];
    if (!master) return;
    series.set(id, seriesOf(master));
  });
  const toDelete: ItemId[] = [];
  const toUpdate: { index: number; id: ItemId }[] = [];
  writes.forEach((write, index) => {
    const entry = series.get(write.masterId);
    if (!entry?.state.view.recurrence) return (results[index] = { ok: false, kind: "not-found", message: "The series of this occurrence no longer exists in Exchange." });
    const token = currentToken(entry, write.originalStart);
    if (write.versionToken !== null && write.versionToken !== token) return (results[index] = { ok: false, kind: "conflict", message: "The occurrence changed in Exchange meanwhile." });
    const deleted = entry.state.deleted.has(write.originalStart);
    if (write.content.status === "cancelled") {
      entry.state.cancelled[write.originalStart] = { localId: write.localId, content: write.content };
      entry.changed = true;
      if (!deleted) {
        const occurrence = occurrenceOf(entry, write.masterId, write.originalStart);
        if (!(occurrence instanceof ItemId)) return (results[index] = occurrence);
        toDelete.push(occurrence);
      }
      return (results[index] = { ok: true, remoteId: exceptionId(write.masterId, write.originalStart), versionToken: cancelledToken(write.content) });
    }
    if (deleted) return (results[index] = { ok: false, kind: "rejected", message: "Exchange cannot bring back a deleted occurrence of a series." });
    const occurrence = occurrenceOf(entry, write.masterId, write.originalStart);
    if (!(occurrence instanceof ItemId)) return (results[index] = occurrence);
    toUpdate.push({ index, id: occurrence });
  });

  // Cancelled exceptions are recorded on their masters before the occurrences go: a crash in
  // between leaves a record that reads as nothing, never a deleted occurrence without its content.
  const changedMasters = [...series.entries()].filter(([, entry]) => entry.changed);
  for (const [, entry] of changedMasters) entry.master.SetExtendedProperty(CANCELLED, escapeXml(JSON.stringify(entry.state.cancelled)));
  const masterAnswers = await save(connection, changedMasters.map(([, entry]) => entry.master), "recording cancelled occurrences (UpdateItem)");
  const refusedMasters = new Map<string, WriteResult>();
  changedMasters.forEach(([id], index) => {
    const answer = masterAnswers[index];
    if (!answer || answer.Result === ServiceResult.Error) refusedMasters.set(id, answer ? failureOf(answer) : { ok: false, kind: "unavailable", message: "Exchange sent no answer for this series." });
  });
  writes.forEach((write, index) => {
    const refused = refusedMasters.get(write.masterId);
    if (refused && write.content.status === "cancelled") results[index] = refused;
  });
  await removeAll(connection, toDelete);

  // One occurrence per series in each round: writing an occurrence changes its master, and with it
  // the ChangeKey of the master's other unmodified occurrences, so a second one in the same request
  // would be refused as out of date.
  const rounds: { index: number; id: ItemId }[][] = [];
  const seen = new Map<string, number>();
  for (const entry of toUpdate) {
    const masterId = writes[entry.index]?.masterId ?? "";
    const round = seen.get(masterId) ?? 0;
    seen.set(masterId, round + 1);
    (rounds[round] ??= []).push(entry);
  }
  for (const round of rounds) await updateOccurrences(connection, writes, round, results);
  await recordMoves(connection, [...series.entries()].map(([id, entry]) => ({ id, before: entry.before })), own);
  return results.map((result) => result ?? { ok: false, kind: "unavailable", message: "Exchange sent no answer for this occurrence." });
}

/** Reads the masters' ChangeKeys after this provider's writes, so later writes of them in the run are not taken for conflicts. */
async function recordMoves(connection: EwsConnection, masters: { id: string; before: string }[], own: OwnChanges): Promise<void> {
  if (masters.length === 0) return;
  const after = await bindAll(connection, masters.map((master) => itemId(master.id)), PropertySet.IdOnly);
  masters.forEach((master, index) => {
    const now = after[index];
    if (now) own.record(master.id, master.before, now.Id.ChangeKey);
  });
}

/** Binds occurrences with their fields and updates them; the results go to `results`. */
async function updateOccurrences(connection: EwsConnection, writes: ExceptionWrite[], entries: { index: number; id: ItemId }[], results: (WriteResult | null)[]): Promise<void> {
  // Bound with their fields: an occurrence starts as a copy of its master, and only a loaded
  // collection (attendees) records being emptied.
  const bound = await bindAll(connection, entries.map((entry) => entry.id));
  const ready: { index: number; appointment: Appointment }[] = [];
  entries.forEach(({ index }, position) => {
    const appointment = bound[position];
    const write = writes[index];
    if (!write) return;
    if (!appointment) return (results[index] = { ok: false, kind: "not-found", message: "The occurrence no longer exists in Exchange." });
    writeAppointment(appointment, write.content, write.localId, "occurrence");
    ready.push({ index, appointment });
  });
  const answers = await save(connection, ready.map((entry) => entry.appointment), "updating occurrences (UpdateItem)");
  ready.forEach(({ index, appointment }, position) => {
    const answer = answers[position];
    const write = writes[index];
    if (!write) return;
    results[index] = !answer
      ? { ok: false, kind: "unavailable", message: "Exchange sent no answer for this occurrence." }
      : answer.Result === ServiceResult.Error
        ? failureOf(answer)
        : { ok: true, remoteId: exceptionId(write.masterId, write.originalStart), versionToken: appointment.Id.ChangeKey };
  });
}

/** Deletes exceptions: the occurrence goes (an EXDATE of its series), and any record of it as cancelled. */
export async function deleteExceptions(connection: EwsConnection, requests: { masterId: string; originalStart: string; versionToken: string }[], own: OwnChanges): Promise<WriteResult[]> {
  const masterIds = [...new Set(requests.map((request) => request.masterId))];
  const masters = await bindAll(connection, masterIds.map((id) => itemId(id)));
  const series = new Map<string, Series>();
  masterIds.forEach((id, index) => {
    const master = masters[index];
    if (master) series.set(id, seriesOf(master));
  });
  const toDelete: ItemId[] = [];
  const results = requests.map((request): WriteResult => {
    const entry = series.get(request.masterId);
    const gone: WriteResult = { ok: false, kind: "not-found", message: "The occurrence no longer exists in Exchange." };
    if (!entry) return gone;
    const token = currentToken(entry, request.originalStart);
    if (request.versionToken && token !== null && token !== request.versionToken) return { ok: false, kind: "conflict", message: "The occurrence changed in Exchange meanwhile." };
    if (entry.state.cancelled[request.originalStart]) {
      delete entry.state.cancelled[request.originalStart];
      entry.changed = true;
    }
    if (entry.state.deleted.has(request.originalStart)) return { ok: true, remoteId: exceptionId(request.masterId, request.originalStart), versionToken: "" };
    const occurrence = occurrenceOf(entry, request.masterId, request.originalStart);
    if (!(occurrence instanceof ItemId)) return gone;
    toDelete.push(occurrence);
    return { ok: true, remoteId: exceptionId(request.masterId, request.originalStart), versionToken: "" };
  });
  const changed = [...series.values()].filter((entry) => entry.changed);
  for (const entry of changed) entry.master.SetExtendedProperty(CANCELLED, escapeXml(JSON.stringify(entry.state.cancelled)));
  await save(connection, changed.map((entry) => entry.master), "recording cancelled occurrences (UpdateItem)");
  await removeAll(connection, toDelete);
  await recordMoves(connection, [...series.entries()].map(([id, entry]) => ({ id, before: entry.before })), own);
  return results;
}
