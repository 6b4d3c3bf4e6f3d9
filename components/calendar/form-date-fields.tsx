"use client";

import { Controller, type Control } from "react-hook-form";
import { DateField } from "@/components/date-field";
import { TimeField } from "@/components/time-field";
import type { EventFormValues } from "@/lib/validations/event";

type DateName = "startDate" | "endDate" | "untilDate";
type TimeName = "startTime" | "endTime";

/** The event form's date fields: the form keeps `YYYY-MM-DD`, the person sees and types their own formats. */
export function FormDateField({ control, name, label }: { control: Control<EventFormValues>; name: DateName; label: string }) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field, fieldState }) => (
        <DateField label={label} value={field.value} onChange={(value) => field.onChange(value)} onBlur={field.onBlur} fieldRef={field.ref} error={fieldState.error?.message} />
      )}
    />
  );
}

/** The event form's times: the form keeps `HH:MM` on a 24-hour clock, the person sees theirs. */
export function FormTimeField({ control, name, label }: { control: Control<EventFormValues>; name: TimeName; label: string }) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field, fieldState }) => (
        <TimeField label={label} value={field.value} onChange={(value) => field.onChange(value)} onBlur={field.onBlur} fieldRef={field.ref} error={fieldState.error?.message} />
      )}
    />
  );
}
