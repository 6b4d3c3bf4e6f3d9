import { RRule } from "@/lib/calendar/rrule";
import type { EventContent } from "@/lib/calendar/event-content";
import { addDaysToDate, instantToWall, pad, wallToInstant, wallToString } from "@/lib/calendar/time";
import { WEEKDAYS, type EventFormValues } from "@/lib/validations/event";


/** Between the event dialog's fields and EventContent: the conversions run on client and server. */

const FREQS = { daily: "DAILY", weekly: "WEEKLY", monthly: "MONTHLY", yearly: "YEARLY" } as const;

/** A new event's fields: an hour from `start`, or up to `end` when the person dragged over a span. */
export function blankForm(timeZone: string, start: { date: string; time: string }, allDay = false, end?: { date: string; time: string }): EventFormValues {
  const [hour = 9, minute = 0] = start.time.split(":").map(Number);
  const endHour = Math.min(hour + 1, 23);
  return {
    title: "",
    allDay,
    startDate: start.date,
    startTime: `${pad(hour)}:${pad(minute)}`,
    endDate: end?.date ?? start.date,
    endTime: end?.time ?? (endHour === hour ? "23:59" : `${pad(endHour)}:${pad(minute)}`),
    timeZone,
    location: "",
    description: "",
    repeat: "none",
    customRule: "",
    interval: 1,
    weekdays: [],
    ends: "never",
    untilDate: "",
    count: 10,
    status: "confirmed",
    transparency: "opaque",
    visibility: "default",
    reminder: "default",
  };
}

function buildRule(form: EventFormValues): string | null {
  if (form.repeat === "none") return null;
  if (form.repeat === "custom") return form.customRule;
  const parts = [`FREQ=${FREQS[form.repeat]}`];
  if (form.interval > 1) parts.push(`INTERVAL=${form.interval}`);
  if (form.repeat === "weekly") parts.push(`BYDAY=${WEEKDAYS.filter((day) => form.weekdays.includes(day)).join(",")}`);
  if (form.ends === "count") parts.push(`COUNT=${form.count}`);
  if (form.ends === "until") {
    // Inclusive of the whole last day: for timed events, its last second in the event's zone, in UTC.
    parts.push(
      form.allDay
        ? `UNTIL=${form.untilDate.replace(/-/g, "")}`
        : `UNTIL=${wallToInstant(form.timeZone, { ...dateParts(form.untilDate), hour: 23, minute: 59, second: 59 }).toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`,
    );
  }
  return parts.join(";");
}

function dateParts(date: string) {
  const [year = 1970, month = 1, day = 1] = date.split("-").map(Number);
  return { year, month, day };
}

function timeParts(time: string) {
  const [hour = 0, minute = 0] = time.split(":").map(Number);
  return { hour, minute };
}

/** The content the form describes; fields the form does not show are kept from `base`. */
export function formToContent(form: EventFormValues, base: EventContent | null): EventContent {
  const rrule = buildRule(form);
  const start = form.allDay ? form.startDate : wallToInstant(form.timeZone, { ...dateParts(form.startDate), ...timeParts(form.startTime) }).toISOString();
  const end = form.allDay ? addDaysToDate(form.endDate, 1) : wallToInstant(form.timeZone, { ...dateParts(form.endDate), ...timeParts(form.endTime) }).toISOString();
  const keepsKind = base !== null && base.allDay === form.allDay;
  const reminders = form.reminder === "default" ? null : form.reminder === "none" ? [] : [Number(form.reminder)];
  const unchangedReminder = base !== null && reminderChoice(base) === form.reminder;
  const keepVisibility = base !== null && form.visibility === "default" && (base.visibility === "public" || base.visibility === "confidential");
  return {
    title: form.title,
    description: form.description,
    location: form.location,
    allDay: form.allDay,
    start,
    end,
    timeZone: form.allDay ? null : form.timeZone,
    rrule,
    exdates: keepsKind && rrule ? base.exdates : [],
    rdates: keepsKind && rrule ? base.rdates : [],
    status: form.status,
    transparency: form.transparency,
    visibility: keepVisibility ? base.visibility : form.visibility,
    reminders: unchangedReminder ? base.reminders : reminders,
    attendees: base?.attendees ?? [],
    organizer: base?.organizer ?? null,
    originalStart: base?.originalStart ?? null,
  };
}

function reminderChoice(content: EventContent): EventFormValues["reminder"] {
  if (content.reminders === null) return "default";
  const first = content.reminders[0];
  if (first === undefined) return "none";
  const choice = String(first) as EventFormValues["reminder"];
  return ["5", "10", "15", "30", "60", "1440"].includes(choice) ? choice : "default";
}

const WEEKDAY_BY_INDEX = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;

/** The form for an event; `display` is the occurrence shown (its own start and end) when editing one. */
export function contentToForm(content: EventContent, fallbackZone: string, display?: { start: string; end: string }): EventFormValues {
  const zone = content.timeZone ?? fallbackZone;
  const startValue = display?.start ?? content.start;
  const endValue = display?.end ?? content.end;
  const start = content.allDay ? { date: startValue, time: "09:00" } : wallToString(instantToWall(zone, new Date(startValue)));
  const end = content.allDay ? { date: addDaysToDate(endValue, -1), time: "10:00" } : wallToString(instantToWall(zone, new Date(endValue)));
  const form: EventFormValues = {
    ...blankForm(zone, start, content.allDay),
    title: content.title,
    endDate: end.date,
    endTime: end.time,
    location: content.location,
    description: content.description,
    status: content.status === "tentative" ? "tentative" : "confirmed",
    transparency: content.transparency,
    visibility: content.visibility === "private" || content.visibility === "confidential" ? "private" : "default",
    reminder: reminderChoice(content),
  };
  if (!content.rrule) return form;
  return { ...form, ...ruleToForm(content.rrule, start.date) };
}

function ruleToForm(rule: string, startDate: string): Partial<EventFormValues> {
  let options;
  try {
    options = RRule.parseString(rule);
  } catch {
    return { repeat: "custom", customRule: rule };
  }
  const simpleDays = (options.byweekday ?? []) as unknown[];
  const frequencies = new Map<number, EventFormValues["repeat"]>([
    [RRule.DAILY, "daily"],
    [RRule.WEEKLY, "weekly"],
    [RRule.MONTHLY, "monthly"],
    [RRule.YEARLY, "yearly"],
  ]);
  const freq = options.freq === undefined ? undefined : frequencies.get(options.freq);
  const beyondEditor =
    !freq ||
    options.bymonthday !== undefined ||
    options.bysetpos !== undefined ||
    options.bymonth !== undefined ||
    options.byyearday !== undefined ||
    (freq !== "weekly" && simpleDays.length > 0) ||
    simpleDays.some((day) => typeof day === "object" && day !== null && "n" in day && (day as { n?: number }).n);
  if (beyondEditor) return { repeat: "custom", customRule: rule };
  const weekdays = simpleDays.map((day) => WEEKDAY_BY_INDEX[typeof day === "number" ? day : (day as { weekday: number }).weekday]).filter((day) => day !== undefined);
  const until = options.until ? options.until.toISOString().slice(0, 10) : "";
  return {
    repeat: freq,
    customRule: "",
    interval: options.interval ?? 1,
    weekdays: freq === "weekly" && weekdays.length === 0 ? [WEEKDAY_BY_INDEX[(new Date(`${startDate}T12:00:00Z`).getUTCDay() + 6) % 7] ?? "MO"] : weekdays,
    ends: options.count ? "count" : options.until ? "until" : "never",
    count: options.count ?? 10,
    untilDate: until,
  };
}
