import { z } from "zod";
import { LOCALE_CHOICES, WEEK_START_CHOICES } from "@/lib/calendar/formats";
import { timeZoneSchema } from "@/lib/validations/auth";

export const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export const REPEATS = ["none", "daily", "weekly", "monthly", "yearly", "custom"] as const;
export const REMINDERS = ["default", "none", "5", "10", "15", "30", "60", "1440"] as const;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Pick a date.");
const time = z.string().regex(/^\d{2}:\d{2}$/, "Pick a time.");

/** The event dialog's fields; the server action validates with the same schema. */
export const eventFormSchema = z
  .object({
    title: z.string().trim().min(1, "Enter a title.").max(1024, "Use at most 1024 characters."),
    allDay: z.boolean(),
    startDate: date,
    startTime: time,
    endDate: date,
    endTime: time,
    timeZone: timeZoneSchema,
    location: z.string().trim().max(1024, "Use at most 1024 characters."),
    description: z.string().max(65_536, "The description is too long."),
    repeat: z.enum(REPEATS),
    /** Kept verbatim when the rule is more than the editor offers ("custom"). */
    customRule: z.string(),
    interval: z.coerce.number<number>().int("Use a whole number.").min(1, "Repeat at least every 1.").max(99, "Use at most 99."),
    weekdays: z.array(z.enum(WEEKDAYS)),
    ends: z.enum(["never", "until", "count"]),
    untilDate: z.string(),
    count: z.coerce.number<number>().int("Use a whole number.").min(1, "Repeat at least once.").max(999, "Use at most 999."),
    status: z.enum(["confirmed", "tentative"]),
    transparency: z.enum(["opaque", "transparent"]),
    visibility: z.enum(["default", "private"]),
    reminder: z.enum(REMINDERS),
  })
  .superRefine((form, ctx) => {
    const start = form.allDay ? form.startDate : `${form.startDate}T${form.startTime}`;
    const end = form.allDay ? form.endDate : `${form.endDate}T${form.endTime}`;
    if (end < start) ctx.addIssue({ code: "custom", path: ["endDate"], message: "The event ends before it starts." });
    if (form.repeat === "weekly" && form.weekdays.length === 0) ctx.addIssue({ code: "custom", path: ["weekdays"], message: "Pick at least one day of the week." });
    if (form.repeat !== "none" && form.ends === "until") {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(form.untilDate)) ctx.addIssue({ code: "custom", path: ["untilDate"], message: "Pick the last date." });
      else if (form.untilDate < form.startDate) ctx.addIssue({ code: "custom", path: ["untilDate"], message: "The repetition ends before the event starts." });
    }
    if (form.repeat === "custom" && !form.customRule) ctx.addIssue({ code: "custom", path: ["repeat"], message: "Choose how the event repeats." });
  });

export type EventFormValues = z.infer<typeof eventFormSchema>;

export const occurrenceScopeSchema = z.enum(["this", "following", "all"]);

/** Which event (or which occurrence of which series) a dialog is about. */
export const eventTargetSchema = z.object({
  eventId: z.uuid(),
  /** Set when the target is an occurrence of a series (the series' id). */
  seriesId: z.uuid().nullable(),
  originalStart: z.string().max(40).nullable(),
});

export const saveEventSchema = z.object({
  target: eventTargetSchema.nullable(),
  scope: occurrenceScopeSchema,
  form: eventFormSchema,
});

const minutes = z.number().int().min(-366 * 24 * 60).max(366 * 24 * 60);

/** Dragging an event on the grid, or moving it with the arrow keys. */
export const moveEventSchema = z.object({ target: eventTargetSchema, scope: z.enum(["this", "all"]), startDeltaMinutes: minutes, endDeltaMinutes: minutes });

export const deleteEventSchema = z.object({ target: eventTargetSchema, scope: occurrenceScopeSchema });

export const timeZoneSettingSchema = z.object({ timeZone: timeZoneSchema });

/** Settings → Account, "Dates and times": an empty value means "from the browser". */
export const formatSettingSchema = z.object({
  locale: z.union([z.literal(""), z.enum(LOCALE_CHOICES)], { error: "Choose a language and region from the list." }),
  weekStart: z.union([z.literal(""), z.enum(WEEK_START_CHOICES.map(String) as [string, ...string[]])], { error: "Choose a day from the list." }),
});
export type FormatSettingValues = z.infer<typeof formatSettingSchema>;
