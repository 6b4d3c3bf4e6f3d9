"use client";

import { useId } from "react";
import { Label, TimeField as AriaTimeField } from "react-aria-components";
import { FieldMessage, Segments, fieldBoxClass, useFocusHandle, type FocusHandle } from "@/components/field-parts";
import { useFormats } from "@/components/formats-provider";
import { timeTextOf, timeValueOf } from "@/lib/calendar/field-values";

export interface TimeFieldProps {
  label: string;
  /** `HH:MM` on a 24-hour clock whatever the person sees; "" while incomplete. */
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  error?: string;
  fieldRef?: FocusHandle;
  className?: string;
}

/** A time typed segment by segment on the clock the person's formats use (13:00 or 1:00 PM). */
export function TimeField({ label, value, onChange, onBlur, error, fieldRef, className = "" }: TimeFieldProps) {
  const formats = useFormats();
  const errorId = useId();
  const focusHandle = useFocusHandle(fieldRef);
  return (
    <AriaTimeField
      value={timeValueOf(value)}
      onChange={(time) => onChange(timeTextOf(time))}
      onBlur={onBlur}
      hourCycle={formats.hour12 ? 12 : 24}
      isInvalid={Boolean(error)}
      aria-describedby={error ? errorId : undefined}
      className={`flex flex-col gap-1.5 ${className}`}
    >
      <Label className="text-sm font-medium text-slate-800">{label}</Label>
      <div
        ref={focusHandle}
        className={`${fieldBoxClass(Boolean(error))} px-3 py-2`}
      >
        <Segments />
      </div>
      <FieldMessage id={errorId} error={error} />
    </AriaTimeField>
  );
}
