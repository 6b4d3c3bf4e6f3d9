"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/actions/safe-action";
import { contentToForm, formToContent } from "@/lib/calendar/event-form";
import { createEvent, deleteEvent, deleteOccurrence, getEvent, saveOccurrence, updateEvent } from "@/lib/calendar/events";
import { moveEvent } from "@/lib/calendar/move-event";
import { AppError } from "@/lib/errors";
import { requestSyncAfterEdit } from "@/lib/jobs/request";
import { getEventTrace } from "@/lib/sync/trace";
import { deleteEventSchema, eventTargetSchema, moveEventSchema, saveEventSchema, type EventFormValues } from "@/lib/validations/event";

const gone = () => new AppError("not_found", "This event no longer exists. It may have been deleted on another device or by a sync.");

async function liveEvent(ownerId: string, id: string) {
  const event = await getEvent(ownerId, id);
  if (!event || event.deletedAt) throw gone();
  return event;
}

export interface LoadedEvent {
  form: EventFormValues;
  /** The target is one occurrence of a series: saving and deleting ask which occurrences. */
  occurrence: boolean;
}

export const loadEventAction = userAction("load-event", z.object({ target: eventTargetSchema, start: z.string(), end: z.string() }), async ({ target, start, end }, { user }): Promise<LoadedEvent> => {
  const event = await liveEvent(user.id, target.eventId);
  if (!target.seriesId || !target.originalStart) return { form: contentToForm(event.content, user.timeZone), occurrence: false };
  const series = target.seriesId === event.id ? event : await liveEvent(user.id, target.seriesId);
  const form = contentToForm({ ...series.content, ...(event.id === series.id ? {} : event.content), rrule: series.content.rrule }, user.timeZone, { start, end });
  return { form, occurrence: true };
});

export const loadTraceAction = userAction("load-trace", z.object({ eventId: z.uuid() }), ({ eventId }, { user }) => getEventTrace({ ownerId: user.id, eventId }));

export const saveEventAction = userAction("save-event", saveEventSchema, async ({ target, scope, form }, { user }) => {
  if (!target) {
    await createEvent(user.id, formToContent(form, null));
  } else if (target.seriesId && target.originalStart) {
    const series = await liveEvent(user.id, target.seriesId);
    const exception = target.eventId === series.id ? null : await liveEvent(user.id, target.eventId);
    const base = scope === "this" ? { ...(exception?.content ?? series.content), originalStart: target.originalStart } : series.content;
    await saveOccurrence(user.id, series.id, target.originalStart, formToContent(form, base), scope);
  } else {
    const event = await liveEvent(user.id, target.eventId);
    await updateEvent(user.id, event.id, formToContent(form, event.content));
  }
  await requestSyncAfterEdit(user.id);
  revalidatePath("/calendar");
  return null;
});

export const deleteEventAction = userAction("delete-event", deleteEventSchema, async ({ target, scope }, { user }) => {
  if (target.seriesId && target.originalStart) await deleteOccurrence(user.id, target.seriesId, target.originalStart, scope);
  else await deleteEvent(user.id, (await liveEvent(user.id, target.eventId)).id);
  await requestSyncAfterEdit(user.id);
  revalidatePath("/calendar");
  return null;
});

export const moveEventAction = userAction("move-event", moveEventSchema, async (input, { user }) => {
  await moveEvent(user.id, input);
  await requestSyncAfterEdit(user.id);
  revalidatePath("/calendar");
  return null;
});
