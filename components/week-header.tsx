import { addDays, formatDate, sameDate, type CalendarDate } from "@/lib/calendar/zoned-date";

export function WeekHeader({ monday, today }: { monday: CalendarDate; today: CalendarDate }) {
  const days = Array.from({ length: 7 }, (_, index) => addDays(monday, index));
  return (
    <ol className="grid grid-cols-7 rounded-t-xl border border-slate-200 bg-white text-center">
      {days.map((day) => {
        const isToday = sameDate(day, today);
        return (
          <li key={day.day} className="border-l border-slate-100 px-1 py-3 first:border-l-0" aria-current={isToday ? "date" : undefined}>
            <span className="block text-xs font-medium tracking-wide text-slate-600 uppercase">
              {formatDate(day, { weekday: "short" })}
            </span>
            <span
              className={`mx-auto mt-1 grid size-8 place-items-center rounded-full text-sm font-semibold ${
                isToday ? "bg-brand-700 text-white" : "text-slate-900"
              }`}
            >
              {day.day}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
