"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { applyFieldErrors } from "@/components/apply-field-errors";
import { Button } from "@/components/button";
import type { CalendarActions } from "@/components/calendar/calendar-view";
import { FormDateField, FormTimeField } from "@/components/calendar/form-date-fields";
import { SyncTrace } from "@/components/calendar/sync-trace";
import { FormAlert } from "@/components/form-alert";
import { useFormats } from "@/components/formats-provider";
import { TextField } from "@/components/text-field";
import { blankForm } from "@/lib/calendar/event-form";
import type { CalendarItem } from "@/lib/calendar/events";
import { describeSpan } from "@/lib/calendar/formats";
import { describeRepeat, weekdayOf } from "@/lib/calendar/repeat-summary";
import { eventFormSchema, type EventFormValues } from "@/lib/validations/event";

export interface DialogTarget {
  /** null: a new event. */
  target: { eventId: string; seriesId: string | null; originalStart: string | null } | null;
  item?: CalendarItem;
  start?: { date: string; time: string };
  /** Where a span dragged on the grid ends. */
  end?: { date: string; time: string };
  allDay?: boolean;
}

type Scope = "this" | "following" | "all";

const SCOPES: { value: Scope; label: string }[] = [
  { value: "this", label: "This event" },
  { value: "following", label: "This and following events" },
  { value: "all", label: "All events" },
];
const selectClass = "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:ring-2 focus:ring-brand-100 focus:outline-none";
const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

export function EventDialog({
  dialog,
  timeZone,
  actions,
  onClose,
  onSaved,
}: {
  dialog: DialogTarget;
  timeZone: string;
  actions: CalendarActions;
  onClose: () => void;
  onSaved: () => void;
}) {
  const editing = dialog.target !== null;
  const [loading, setLoading] = useState(editing);
  const [occurrence, setOccurrence] = useState(false);
  const [scope, setScope] = useState<Scope>("this");
  const [message, setMessage] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const formats = useFormats();
  const form = useForm<EventFormValues>({
    resolver: zodResolver(eventFormSchema),
    defaultValues: blankForm(timeZone, dialog.start ?? { date: new Date().toISOString().slice(0, 10), time: "09:00" }, dialog.allDay ?? false, dialog.end),
  });
  const { register, handleSubmit, control, reset, setError, setValue, getValues, formState } = form;
  const { errors, isSubmitting } = formState;

  useEffect(() => {
    if (!dialog.target || !dialog.item) return;
    let cancelled = false;
    void actions.load({ target: dialog.target, start: dialog.item.start, end: dialog.item.end }).then((result) => {
      if (cancelled) return;
      setLoading(false);
      if (!result.ok) return setMessage(result.error);
      setOccurrence(result.data.occurrence);
      reset(result.data.form);
    });
    return () => {
      cancelled = true;
    };
  }, [actions, dialog, reset]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  const [allDay, repeat, ends, customRule, interval, weekdays, count, untilDate, startDate, startTime, endDate, endTime] = useWatch({
    control,
    name: ["allDay", "repeat", "ends", "customRule", "interval", "weekdays", "count", "untilDate", "startDate", "startTime", "endDate", "endTime"],
  });
  const summary = describeRepeat({ repeat, ends, interval, weekdays, count, untilDate, startDate }, formats);
  const span = describeSpan(formats, { allDay, startDate, startTime, endDate, endTime });

  const submit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await actions.save({ target: dialog.target, scope: occurrence ? scope : "all", form: values });
    if (!result.ok) {
      setMessage(result.error);
      applyFieldErrors(setError, result.fieldErrors);
      return;
    }
    onSaved();
  });

  const remove = async () => {
    if (!dialog.target) return;
    const result = await actions.remove({ target: dialog.target, scope: occurrence ? scope : "all" });
    if (!result.ok) return setMessage(result.error);
    onSaved();
  };

  return (
    <div className="fixed inset-0 z-40 flex items-start justify-center overflow-y-auto bg-slate-900/40 p-4 sm:p-10" onClick={onClose}>
      <div role="dialog" aria-modal="true" aria-labelledby="event-dialog-title" className="w-full max-w-xl rounded-xl bg-white shadow-xl" onClick={(event) => event.stopPropagation()}>
        <form onSubmit={submit} noValidate className="flex flex-col gap-4 p-6">
          <div className="flex items-center justify-between">
            <h2 id="event-dialog-title" className="text-lg font-semibold">
              {editing ? "Edit event" : "New event"}
            </h2>
            <button type="button" onClick={onClose} aria-label="Close" className="rounded p-1 text-slate-500 hover:bg-slate-100">
              ✕
            </button>
          </div>
          <FormAlert message={message} />
          {loading ? (
            <p className="py-10 text-center text-sm text-slate-600">Loading…</p>
          ) : (
            <>
              <TextField label="Title" autoFocus error={errors.title?.message} {...register("title")} />
              <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
                <input type="checkbox" className="size-4" {...register("allDay")} />
                All day
              </label>
              <div className={`grid grid-cols-2 gap-3 ${allDay ? "" : "sm:grid-cols-[3fr_2fr_3fr_2fr]"}`}>
                <FormDateField control={control} name="startDate" label="Starts" />
                {!allDay && <FormTimeField control={control} name="startTime" label="Start time" />}
                <FormDateField control={control} name="endDate" label="Ends" />
                {!allDay && <FormTimeField control={control} name="endTime" label="End time" />}
              </div>
              {span && (
                <p className="-mt-2 text-sm text-slate-600" data-testid="event-span">
                  {span}
                </p>
              )}
              {!allDay && (
                <div className="flex flex-col gap-1.5">
                  <label htmlFor="event-zone" className="text-sm font-medium text-slate-800">
                    Time zone
                  </label>
                  <input id="event-zone" list="event-zones" className={selectClass} aria-invalid={errors.timeZone ? true : undefined} {...register("timeZone")} />
                  <datalist id="event-zones">
                    {zones.map((zone) => (
                      <option key={zone} value={zone} />
                    ))}
                  </datalist>
                  {errors.timeZone && <p className="text-sm text-red-700">{errors.timeZone.message}</p>}
                </div>
              )}

              <fieldset className="flex flex-col gap-3 rounded-lg border border-slate-200 p-3">
                <legend className="px-1 text-sm font-medium text-slate-800">Repeat</legend>
                <div className="flex flex-wrap items-end gap-3">
                  <select
                    aria-label="Repeat"
                    className={selectClass}
                    {...register("repeat", {
                      // A weekly repeat starts on the start's weekday, as the person would pick first.
                      onChange: (event: { target: { value: string } }) => {
                        if (event.target.value === "weekly" && getValues("weekdays").length === 0) setValue("weekdays", [weekdayOf(getValues("startDate"))]);
                      },
                    })}
                  >
                    <option value="none">Does not repeat</option>
                    <option value="daily">Daily</option>
                    <option value="weekly">Weekly</option>
                    <option value="monthly">Monthly</option>
                    <option value="yearly">Yearly</option>
                    {repeat === "custom" && <option value="custom">Custom rule (kept as is)</option>}
                  </select>
                  {repeat !== "none" && repeat !== "custom" && (
                    <TextField label="Every" type="number" min={1} max={99} className="w-24" error={errors.interval?.message} {...register("interval")} />
                  )}
                </div>
                {repeat === "custom" && <p className="text-xs text-slate-600">This event repeats by a rule the editor cannot show: {customRule}</p>}
                {summary && (
                  <p className="text-sm font-medium text-slate-800" aria-live="polite" data-testid="repeat-summary">
                    {summary}
                  </p>
                )}
                {repeat === "weekly" && (
                  <div role="group" aria-label="On days" className="flex flex-wrap gap-2">
                    {formats.weekdays().map((day) => (
                      <label key={day.code} className="flex items-center gap-1 rounded-md border border-slate-200 px-2 py-1 text-sm">
                        <input type="checkbox" value={day.code} {...register("weekdays")} />
                        {day.short}
                      </label>
                    ))}
                    {errors.weekdays && <p className="w-full text-sm text-red-700">{errors.weekdays.message}</p>}
                  </div>
                )}
                {repeat !== "none" && repeat !== "custom" && (
                  <div className="flex flex-wrap items-end gap-3">
                    <select aria-label="Ends" className={selectClass} {...register("ends")}>
                      <option value="never">Never ends</option>
                      <option value="until">Ends on</option>
                      <option value="count">Ends after</option>
                    </select>
                    {ends === "until" && <FormDateField control={control} name="untilDate" label="Last date" />}
                    {ends === "count" && <TextField label="Occurrences" type="number" min={1} max={999} className="w-28" error={errors.count?.message} {...register("count")} />}
                  </div>
                )}
              </fieldset>

              <TextField label="Location" error={errors.location?.message} {...register("location")} />
              <div className="flex flex-col gap-1.5">
                <label htmlFor="event-description" className="text-sm font-medium text-slate-800">
                  Description
                </label>
                <textarea id="event-description" rows={3} className={selectClass} {...register("description")} />
              </div>
              <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                <label className="flex flex-col gap-1.5 text-sm font-medium text-slate-800">
                  Status
                  <select className={selectClass} {...register("status")}>
                    <option value="confirmed">Confirmed</option>
                    <option value="tentative">Tentative</option>
                  </select>
                </label>
                <label className="flex flex-col gap-1.5 text-sm font-medium text-slate-800">
                  Show as
                  <select className={selectClass} {...register("transparency")}>
                    <option value="opaque">Busy</option>
                    <option value="transparent">Free</option>
                  </select>
                </label>
                <label className="flex flex-col gap-1.5 text-sm font-medium text-slate-800">
                  Visibility
                  <select className={selectClass} {...register("visibility")}>
                    <option value="default">Default</option>
                    <option value="private">Private</option>
                  </select>
                </label>
                <label className="flex flex-col gap-1.5 text-sm font-medium text-slate-800">
                  Reminder
                  <select className={selectClass} {...register("reminder")}>
                    <option value="default">Default</option>
                    <option value="none">None</option>
                    <option value="5">5 minutes before</option>
                    <option value="10">10 minutes before</option>
                    <option value="15">15 minutes before</option>
                    <option value="30">30 minutes before</option>
                    <option value="60">1 hour before</option>
                    <option value="1440">1 day before</option>
                  </select>
                </label>
              </div>

              {dialog.target && <SyncTrace eventId={dialog.target.eventId} load={actions.trace} />}

              {occurrence && (
                <fieldset className="flex flex-col gap-2 rounded-lg border border-amber-200 bg-amber-50 p-3">
                  <legend className="px-1 text-sm font-medium text-slate-800">This is a repeating event. Apply to</legend>
                  {SCOPES.map((option) => (
                    <label key={option.value} className="flex items-center gap-2 text-sm">
                      <input type="radio" name="scope" value={option.value} checked={scope === option.value} onChange={() => setScope(option.value)} />
                      {option.label}
                    </label>
                  ))}
                </fieldset>
              )}

              <div className="flex flex-wrap items-center justify-end gap-3 border-t border-slate-100 pt-4">
                {editing &&
                  (confirmDelete ? (
                    <span className="mr-auto flex items-center gap-2 text-sm">
                      Delete {occurrence ? SCOPES.find((option) => option.value === scope)?.label.toLowerCase() : "this event"}?
                      <Button type="button" variant="danger" onClick={remove}>
                        Delete
                      </Button>
                      <Button type="button" variant="secondary" onClick={() => setConfirmDelete(false)}>
                        Keep
                      </Button>
                    </span>
                  ) : (
                    <Button type="button" variant="secondary" className="mr-auto text-red-700" onClick={() => setConfirmDelete(true)}>
                      Delete…
                    </Button>
                  ))}
                <Button type="button" variant="secondary" onClick={onClose}>
                  Cancel
                </Button>
                <Button type="submit" disabled={isSubmitting}>
                  {isSubmitting ? "Saving…" : "Save"}
                </Button>
              </div>
            </>
          )}
        </form>
      </div>
    </div>
  );
}
