"use client";

import { useId, useRef } from "react";
import { Button, DatePicker, Dialog, Group, Label, Popover } from "react-aria-components";
import { DatePickerCalendar } from "@/components/date-picker-calendar";
import { FieldMessage, Segments, fieldBoxClass, useFocusHandle, type FocusHandle } from "@/components/field-parts";
import { useFormats } from "@/components/formats-provider";
import { dateTextOf, dateValueOf, weekdayKeyOf } from "@/lib/calendar/field-values";

export interface DateFieldProps {
  label: string;
  /** `YYYY-MM-DD` whatever order the person sees; "" while incomplete. */
  value: string;
  /** `picked`: the date came from the calendar rather than from typing. */
  onChange: (value: string, how: { picked: boolean }) => void;
  onBlur?: () => void;
  error?: string;
  fieldRef?: FocusHandle;
  /** In a toolbar: the label is for screen readers only and the box is as tall as the toolbar's buttons. */
  inToolbar?: boolean;
  className?: string;
}

/**
 * A date typed segment by segment in the order and with the separators of the person's formats, or
 * picked from a month whose weeks start on their first day of the week.
 */
export function DateField({ label, value, onChange, onBlur, error, fieldRef, inToolbar = false, className = "" }: DateFieldProps) {
  const formats = useFormats();
  const errorId = useId();
  const focusHandle = useFocusHandle(fieldRef);
  // The calendar closes itself as it reports the day picked: while it is open, a change is a pick.
  const open = useRef(false);
  return (
    <DatePicker
      value={dateValueOf(value)}
      onChange={(date) => onChange(dateTextOf(date), { picked: open.current })}
      onOpenChange={(isOpen) => {
        open.current = isOpen;
      }}
      onBlur={onBlur}
      firstDayOfWeek={weekdayKeyOf(formats.weekStartsOn)}
      isInvalid={Boolean(error)}
      aria-describedby={error ? errorId : undefined}
      className={`flex flex-col gap-1.5 ${className}`}
    >
      <Label className={inToolbar ? "sr-only" : "text-sm font-medium text-slate-800"}>{label}</Label>
      <Group ref={focusHandle} className={`${fieldBoxClass(Boolean(error))} pl-3`}>
        <Segments className={inToolbar ? "py-1.5" : "py-2"} />
        <Button className="ml-1 flex shrink-0 items-center self-stretch rounded-r-md px-2 text-slate-500 outline-none hover:bg-slate-50 hover:text-slate-800 data-[focus-visible]:bg-brand-50 data-[focus-visible]:text-brand-700">
          <svg aria-hidden="true" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.5" className="size-4">
            <rect x="3" y="4.5" width="14" height="12.5" rx="2" />
            <path d="M3 8.5h14M7 2.5v4M13 2.5v4" strokeLinecap="round" />
          </svg>
        </Button>
      </Group>
      {!inToolbar && <FieldMessage id={errorId} error={error} />}
      <Popover placement="bottom start" offset={6} className="z-50 rounded-lg border border-slate-200 bg-white p-3 shadow-xl outline-none">
        <Dialog className="outline-none">
          <DatePickerCalendar />
        </Dialog>
      </Popover>
    </DatePicker>
  );
}
