import type { Formats } from "@/lib/calendar/formats";
import { WEEKDAYS, type EventFormValues } from "@/lib/validations/event";

/**
 * The event dialog's repeat fields in plain words ("Every 2 weeks on Mon and Wed, 10 times"), as the
 * person reads them back: days in the order their week runs, names and dates as their locale writes them.
 */

/** The weekday of a `YYYY-MM-DD` date, as RRULE spells it. */
export function weekdayOf(date: string): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[(new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7] ?? "MO";
}

function list(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

const every = (interval: number, one: string, many: string) => (interval === 1 ? `Every ${one}` : `Every ${interval} ${many}`);

type RepeatFields = Pick<EventFormValues, "repeat" | "interval" | "weekdays" | "ends" | "count" | "untilDate" | "startDate">;

export function describeRepeat(form: RepeatFields, formats: Formats): string | null {
  if (form.repeat === "none" || form.repeat === "custom") return null;
  const interval = Number(form.interval) >= 1 ? Number(form.interval) : 1;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(form.startDate);
  let text: string;
  switch (form.repeat) {
    case "daily":
      text = every(interval, "day", "days");
      break;
    case "weekly": {
      const days = formats
        .weekdays()
        .filter((day) => form.weekdays.includes(day.code))
        .map((day) => day.short);
      text = `${every(interval, "week", "weeks")}${days.length ? ` on ${list(days)}` : ""}`;
      break;
    }
    case "monthly":
      text = `${every(interval, "month", "months")}${valid ? ` on day ${Number(form.startDate.slice(8))}` : ""}`;
      break;
    case "yearly":
      text = `${every(interval, "year", "years")}${valid ? ` on ${formats.dayMonth(form.startDate)}` : ""}`;
      break;
  }
  const count = Number(form.count);
  if (form.ends === "count" && count >= 1) text += count === 1 ? ", once" : `, ${count} times`;
  if (form.ends === "until" && /^\d{4}-\d{2}-\d{2}$/.test(form.untilDate)) text += `, until ${formats.longDate(form.untilDate)}`;
  return text;
}
