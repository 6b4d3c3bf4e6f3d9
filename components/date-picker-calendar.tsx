"use client";

import { Button, Calendar, CalendarCell, CalendarGrid, CalendarGridBody, CalendarGridHeader, CalendarHeaderCell, Heading } from "react-aria-components";

const stepClass =
  "flex size-8 items-center justify-center rounded-md text-lg leading-none text-slate-700 outline-none hover:bg-slate-100 data-[focus-visible]:ring-2 data-[focus-visible]:ring-brand-600";

/** The month a date picker opens on: the days laid out in weeks from the first day DateField gives it. */
export function DatePickerCalendar() {
  return (
    <Calendar className="w-[17rem]">
      <header className="mb-2 flex items-center justify-between gap-2">
        <Button slot="previous" className={stepClass}>
          ‹
        </Button>
        <Heading className="text-sm font-semibold text-slate-900" />
        <Button slot="next" className={stepClass}>
          ›
        </Button>
      </header>
      <CalendarGrid weekdayStyle="short" className="w-full border-collapse">
        <CalendarGridHeader>{(day) => <CalendarHeaderCell className="pb-1 text-xs font-medium text-slate-500">{day}</CalendarHeaderCell>}</CalendarGridHeader>
        <CalendarGridBody>
          {(date) => (
            <CalendarCell
              date={date}
              className="mx-auto flex size-9 cursor-default items-center justify-center rounded-full text-sm text-slate-800 outline-none hover:bg-slate-100 data-[focus-visible]:ring-2 data-[focus-visible]:ring-brand-600 data-[outside-month]:text-slate-500 data-[selected]:bg-brand-700 data-[selected]:font-semibold data-[selected]:text-white data-[today]:font-semibold data-[today]:text-brand-700 data-[selected]:data-[today]:text-white"
            />
          )}
        </CalendarGridBody>
      </CalendarGrid>
    </Calendar>
  );
}
