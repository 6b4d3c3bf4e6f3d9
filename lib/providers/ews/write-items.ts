import {
  AffectedTaskOccurrence,
  Appointment,
  ConflictResolutionMode,
  DeleteMode,
  FolderId,
  ItemId,
  PropertySet,
  SendCancellationsMode,
  SendInvitationsMode,
  SendInvitationsOrCancellationsMode,
  ServiceResult,
  type MessageDisposition,
} from "ews-javascript-api";
import type { EventContent } from "@/lib/calendar/event-content";
import type { WriteResult } from "@/lib/sync/provider";
import { readAppointment, viewOf, writeAppointment } from "@/lib/providers/ews/appointment";
import { instanceIndex, seriesState } from "@/lib/providers/ews/occurrences";
import { bindAll, chunk, ITEMS_PER_BATCH } from "@/lib/providers/ews/read-items";
import type { OwnChanges } from "@/lib/providers/ews/own-changes";
import { NotExpressibleError } from "@/lib/providers/ews/recurrence";
import { call, failureOf, itemId, occurrenceItemId, type EwsConnection } from "@/lib/providers/ews/service";

/**
 * Writes of singles and series masters, in batches. Nothing here ever emails anyone: invitations,
 * updates and cancellations are all SendToNone — attendees are copied as data.
 */

/** Calendar items are no messages: the library requires the argument, Exchange ignores it. */
const NO_DISPOSITION = null as unknown as MessageDisposition;

export const notExpressible = (error: unknown): WriteResult | null =>
  error instanceof NotExpressibleError ? { ok: false, kind: "rejected", message: `Exchange cannot hold this event: ${error.message}` } : null;

/** Checks content Exchange can hold; the rejection to report otherwise. */
export function refusal(content: EventContent): WriteResult | null {
  try {
    viewOf(content);
    return null;
  } catch (error) {
    const refused = notExpressible(error);
    if (refused) return refused;
    throw error;
  }
}

/** Deletes occurrences of series (EXDATEs), by their index in the series. */
async function deleteOccurrences(connection: EwsConnection, entries: { masterId: string; content: EventContent; starts: string[] }[]): Promise<void> {
  const ids: ItemId[] = [];
  for (const { masterId, content, starts } of entries) {
    const view = viewOf(content);
    for (const start of starts) {
      const index = instanceIndex(view, start, content.timeZone);
      // An EXDATE that is no occurrence of the rule excludes nothing: there is nothing to delete.
      if (index !== null) ids.push(occurrenceItemId(masterId, index));
    }
  }
  for (const batch of chunk(ids, ITEMS_PER_BATCH)) {
    await call(connection, "deleting occurrences (DeleteItem)", () => connection.service.DeleteItems(batch, DeleteMode.MoveToDeletedItems, SendCancellationsMode.SendToNone, AffectedTaskOccurrence.AllOccurrences));
  }
}

export async function createItems(connection: EwsConnection, requests: { localId: string; content: EventContent }[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const batch of chunk(requests, ITEMS_PER_BATCH)) {
    const appointments = batch.map(({ localId, content }) => {
      const appointment = new Appointment(connection.service);
      writeAppointment(appointment, content, localId, "item");
      return appointment;
    });
    const responses = await call(connection, "creating events (CreateItem)", () => connection.service.CreateItems(appointments, connection.folder(), NO_DISPOSITION, SendInvitationsMode.SendToNone));
    const exdates: { masterId: string; content: EventContent; starts: string[] }[] = [];
    batch.forEach(({ content }, index) => {
      const response = responses.Responses[index];
      const appointment = appointments[index];
      if (!response || !appointment) return results.push({ ok: false, kind: "unavailable", message: "Exchange sent no answer for this item." });
      if (response.Result === ServiceResult.Error) return results.push(failureOf(response));
      if (content.rrule && content.exdates.length) exdates.push({ masterId: appointment.Id.UniqueId, content, starts: content.exdates });
      results.push({ ok: true, remoteId: appointment.Id.UniqueId, versionToken: appointment.Id.ChangeKey });
    });
    // The series exists either way; an EXDATE that failed here shows up as a difference on the next listing.
    await deleteOccurrences(connection, exdates);
  }
  return results;
}

export interface ItemUpdate {
  remoteId: string;
  versionToken: string;
  localId: string;
  content: EventContent;
  /** What the item holds, as far as the engine knows: only the fields that differ are set. */
  previous: EventContent | null;
}

/**
 * Updates bind each item first: the library updates only bound items, and the ChangeKey bound is
 * compared with the one last synced (a mismatch is a conflict), then sent with NeverOverwrite so a
 * change in between is one too.
 */
export async function updateItems(connection: EwsConnection, requests: ItemUpdate[], own: OwnChanges): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const batch of chunk(requests, ITEMS_PER_BATCH)) {
    const bound = await bindAll(connection, batch.map((request) => itemId(request.remoteId)));
    const outcome: (WriteResult | Appointment)[] = [];
    const exdates: { masterId: string; content: EventContent; starts: string[] }[] = [];
    batch.forEach((request, index) => {
      const appointment = bound[index];
      if (!appointment) return outcome.push({ ok: false, kind: "not-found", message: "The event no longer exists in Exchange." });
      const key = appointment.Id.ChangeKey;
      if (key !== request.versionToken && !own.explains(request.remoteId, request.versionToken, key)) return outcome.push({ ok: false, kind: "conflict", message: "The event changed in Exchange meanwhile (ChangeKey)." });
      const read = readAppointment(appointment);
      const state = seriesState(appointment, read.view);
      const current = new Set([...state.deleted].filter((start) => !state.cancelled[start]));
      const wanted = new Set(request.content.rrule ? request.content.exdates : []);
      if ([...current].some((start) => !wanted.has(start)) && read.view.recurrence && request.content.rrule) {
        return outcome.push({ ok: false, kind: "rejected", message: "Exchange cannot bring back a deleted occurrence of a series." });
      }
      writeAppointment(appointment, request.content, request.localId, "item", request.previous);
      const added = [...wanted].filter((start) => !current.has(start));
      if (added.length) exdates.push({ masterId: request.remoteId, content: request.content, starts: added });
      outcome.push(appointment);
    });
    const toSave = outcome.filter((entry): entry is Appointment => entry instanceof Appointment);
    const responses = toSave.length
      ? (await call(connection, "updating events (UpdateItem)", () => connection.service.UpdateItems(toSave, null as unknown as FolderId, ConflictResolutionMode.NeverOverwrite, NO_DISPOSITION, SendInvitationsOrCancellationsMode.SendToNone))).Responses
      : [];
    let next = 0;
    for (const entry of outcome) {
      if (!(entry instanceof Appointment)) {
        results.push(entry);
        continue;
      }
      const response = responses[next++];
      if (!response) results.push({ ok: false, kind: "unavailable", message: "Exchange sent no answer for this item." });
      else if (response.Result === ServiceResult.Error) results.push(failureOf(response));
      else results.push({ ok: true, remoteId: entry.Id.UniqueId, versionToken: entry.Id.ChangeKey });
    }
    const saved = new Set(results.flatMap((result) => (result.ok ? [result.remoteId] : [])));
    await deleteOccurrences(connection, exdates.filter((entry) => saved.has(entry.masterId)));
  }
  return results;
}

/** Deletes singles and whole series, after checking each ChangeKey (DeleteItem itself takes none). */
export async function deleteItems(connection: EwsConnection, requests: { remoteId: string; versionToken: string }[], own: OwnChanges): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const batch of chunk(requests, ITEMS_PER_BATCH)) {
    const bound = await bindAll(connection, batch.map((request) => itemId(request.remoteId)), PropertySet.IdOnly);
    const outcome: (WriteResult | ItemId)[] = batch.map((request, index) => {
      const appointment = bound[index];
      if (!appointment) return { ok: false, kind: "not-found", message: "The event no longer exists in Exchange." };
      const key = appointment.Id.ChangeKey;
      if (request.versionToken && key !== request.versionToken && !own.explains(request.remoteId, request.versionToken, key)) return { ok: false, kind: "conflict", message: "The event changed in Exchange meanwhile (ChangeKey)." };
      return itemId(request.remoteId);
    });
    const ids = outcome.filter((entry): entry is ItemId => entry instanceof ItemId);
    const responses = ids.length
      ? (await call(connection, "deleting events (DeleteItem)", () => connection.service.DeleteItems(ids, DeleteMode.MoveToDeletedItems, SendCancellationsMode.SendToNone, AffectedTaskOccurrence.AllOccurrences))).Responses
      : [];
    let next = 0;
    outcome.forEach((entry, index) => {
      if (!(entry instanceof ItemId)) return results.push(entry);
      const response = responses[next++];
      if (!response) return results.push({ ok: false, kind: "unavailable", message: "Exchange sent no answer for this item." });
      results.push(response.Result === ServiceResult.Error ? failureOf(response) : { ok: true, remoteId: batch[index]?.remoteId ?? "", versionToken: "" });
    });
  }
  return results;
}
