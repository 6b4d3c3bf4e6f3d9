import {
  AppointmentSchema,
  AppointmentType,
  BasePropertySet,
  BodyType,
  ItemId,
  ItemSchema,
  PropertySet,
  ServiceLocalException,
  ServiceResult,
  type Appointment,
  type ServiceResponse,
} from "ews-javascript-api";
import type { RemoteItem, UnreadableItem } from "@/lib/sync/provider";
import { RemoteUnavailableError } from "@/lib/sync/provider";
import { contentOf, LOCAL_ID, readAppointment, WRITTEN } from "@/lib/providers/ews/appointment";
import { CANCELLED, exceptionId, seriesState } from "@/lib/providers/ews/occurrences";
import { cancelledToken } from "@/lib/providers/extended-values";
import { call, codeName, isTransient, itemId, type EwsConnection } from "@/lib/providers/ews/service";

/** GetItem in batches, and items as the engine's RemoteItems (a master brings its exceptions). */

export const ITEMS_PER_BATCH = 100;

export const chunk = <T>(list: T[], size: number): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, index) => list.slice(index * size, index * size + size));

/** Everything the mapping reads; extended properties come back only when asked for by name. */
export function itemProperties(): PropertySet {
  const set = new PropertySet(BasePropertySet.IdOnly, [
    ItemSchema.Subject,
    ItemSchema.Body,
    ItemSchema.Sensitivity,
    ItemSchema.IsReminderSet,
    ItemSchema.ReminderMinutesBeforeStart,
    ItemSchema.LastModifiedTime,
    AppointmentSchema.Start,
    AppointmentSchema.End,
    AppointmentSchema.OriginalStart,
    AppointmentSchema.IsAllDayEvent,
    AppointmentSchema.LegacyFreeBusyStatus,
    AppointmentSchema.Location,
    AppointmentSchema.AppointmentType,
    AppointmentSchema.Organizer,
    AppointmentSchema.RequiredAttendees,
    AppointmentSchema.OptionalAttendees,
    AppointmentSchema.Recurrence,
    AppointmentSchema.ModifiedOccurrences,
    AppointmentSchema.DeletedOccurrences,
    AppointmentSchema.StartTimeZone,
    AppointmentSchema.TimeZone,
    LOCAL_ID,
    WRITTEN,
    CANCELLED,
  ]);
  set.RequestedBodyType = BodyType.Text;
  return set;
}

/**
 * Binds items by id, in request order; an id that no longer exists is left out (it shows up as a
 * deletion in the next listing). Any other refusal ends the call: leaving the item out would make a
 * full listing report it as gone.
 */
export async function bindAll(connection: EwsConnection, ids: ItemId[], properties: PropertySet = itemProperties()): Promise<(Appointment | null)[]> {
  const found: (Appointment | null)[] = [];
  for (const batch of chunk(ids, ITEMS_PER_BATCH)) found.push(...(await bindBatch(connection, batch, properties)));
  return found;
}

/**
 * One GetItem of up to a hundred ids. Exchange may answer some of them ErrorServerBusy inside a 200
 * answer, with the BackOffMilliseconds to wait: those are asked for again after it, alone, within
 * the connection's retry budget (exponential waits when no back-off is given).
 */
async function bindBatch(connection: EwsConnection, batch: ItemId[], properties: PropertySet): Promise<(Appointment | null)[]> {
  const found: (Appointment | null)[] = batch.map(() => null);
  let pending = batch.map((id, index) => ({ id, index }));
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    const responses = (await call(connection, "reading items (GetItem)", () => connection.service.BindToItems(pending.map((entry) => entry.id), properties))).Responses;
    const busy: typeof pending = [];
    let backOffMs = 0;
    pending.forEach((entry, position) => {
      const response = responses[position];
      if (!response) throw new RemoteUnavailableError("GetItem answered fewer items than asked for.", 200);
      if (response.Result !== ServiceResult.Error) found[entry.index] = response.Item as Appointment;
      else if (codeName(response.ErrorCode) === "ErrorItemNotFound") found[entry.index] = null;
      else if (isTransient(response.ErrorCode)) {
        busy.push(entry);
        backOffMs = Math.max(backOffMs, backOffOf(response) ?? Math.min(30_000, 500 * 2 ** attempt));
      } else throw new RemoteUnavailableError(`GetItem failed: ${codeName(response.ErrorCode)} ${response.ErrorMessage ?? ""}`, 200);
    });
    if (busy.length > 0 && !(await connection.xhr.waitForItems(backOffMs))) {
      throw new RemoteUnavailableError(`GetItem failed: Exchange stayed busy (ErrorServerBusy) for ${busy.length} item(s) longer than the retry budget.`, 200);
    }
    pending = busy;
  }
  return found;
}

/** The BackOffMilliseconds of an item's answer (its MessageXml), when Exchange gave one. */
function backOffOf(response: ServiceResponse): number | null {
  const out = { outValue: "" };
  const value = response.ErrorDetails?.tryGetValue("BackOffMilliseconds", out) ? Number(out.outValue) : NaN;
  return Number.isFinite(value) && value >= 0 ? value : null;
}

const updatedAt = (appointment: Appointment) => {
  const out: { outValue: Appointment["LastModifiedTime"] | null } = { outValue: null };
  return appointment.TryGetProperty(ItemSchema.LastModifiedTime, out) && out.outValue ? new Date(out.outValue.MomentDate.valueOf()).toISOString() : null;
};

function itemOf(appointment: Appointment, cancelled?: Set<string>): RemoteItem {
  const read = readAppointment(appointment, cancelled);
  return { remoteId: appointment.Id.UniqueId, versionToken: appointment.Id.ChangeKey, localTag: read.localTag, seriesRemoteId: null, content: contentOf(read), updatedAt: updatedAt(appointment) };
}

/** What the library throws reading a property the answer lacks: this item cannot be read, the others can. */
function unreadable(appointment: Appointment, error: unknown): UnreadableItem {
  if (!(error instanceof ServiceLocalException)) throw error;
  return { remoteId: appointment.Id.UniqueId, message: `Exchange's copy of this event could not be read (${error.Message}); it is read again at the next run.` };
}

/**
 * The items behind these ids: singles, and each master with its exceptions, cancelled occurrences
 * and deleted ones. An item the library cannot read is reported apart; a series one of whose
 * exceptions cannot be read is reported so as a whole, so that none of it is taken for deleted.
 */
export async function readItems(connection: EwsConnection, ids: string[]): Promise<{ items: RemoteItem[]; unreadable: UnreadableItem[] }> {
  const items: RemoteItem[] = [];
  const failed: UnreadableItem[] = [];
  const occurrences: { masterId: string; masterTag: string | null; id: ItemId }[] = [];
  for (const appointment of await bindAll(connection, ids.map((id) => itemId(id)))) {
    if (!appointment) continue;
    try {
      if (appointment.AppointmentType !== AppointmentType.RecurringMaster) {
        items.push(itemOf(appointment));
        continue;
      }
      const masterId = appointment.Id.UniqueId;
      const first = readAppointment(appointment);
      const state = seriesState(appointment, first.view);
      const cancelled = Object.entries(state.cancelled).filter(([start]) => state.deleted.has(start));
      const master = itemOf(appointment, new Set(cancelled.map(([start]) => start)));
      items.push(master);
      for (const [start, { localId, content }] of cancelled) {
        items.push({ remoteId: exceptionId(masterId, start), versionToken: cancelledToken(content), localTag: localId, seriesRemoteId: masterId, content, updatedAt: master.updatedAt });
      }
      // An occurrence deleted in Outlook is an EXDATE of the master, and the end of any exception the
      // engine knew at that start.
      for (const start of state.deleted) {
        if (!state.cancelled[start]) items.push({ remoteId: exceptionId(masterId, start), versionToken: "", localTag: null, seriesRemoteId: masterId, content: null, updatedAt: null });
      }
      for (const { id } of state.modified.values()) occurrences.push({ masterId, masterTag: master.localTag, id: itemId(id) });
    } catch (error) {
      failed.push(unreadable(appointment, error));
    }
  }
  const exceptions = await bindAll(connection, occurrences.map((entry) => entry.id));
  const broken = new Set<string>();
  exceptions.forEach((appointment, index) => {
    const entry = occurrences[index];
    if (!appointment || !entry) return;
    let read;
    let content;
    try {
      read = readAppointment(appointment);
      content = contentOf(read);
    } catch (error) {
      failed.push({ ...unreadable(appointment, error), remoteId: entry.masterId });
      broken.add(entry.masterId);
      return;
    }
    if (!content.originalStart) return;
    // An exception starts as a copy of its master, our tag included: only a tag of its own is its own.
    const localTag = read.localTag !== entry.masterTag ? read.localTag : null;
    items.push({ remoteId: exceptionId(entry.masterId, content.originalStart), versionToken: appointment.Id.ChangeKey, localTag, seriesRemoteId: entry.masterId, content, updatedAt: updatedAt(appointment) });
  });
  return { items: items.filter((item) => !broken.has(item.seriesRemoteId ?? item.remoteId)), unreadable: failed };
}
