import { z } from "zod";

/**
 * What an event *is*, independent of where it is stored: the Atollon calendar's rows, a Google
 * Calendar item and an Exchange appointment all map to and from this shape. The sync engine hashes
 * it to tell whether a side changed, so every field a remote calendar carries must live here —
 * anything left out would be silently lost on a round trip.
 *
 * Times: an all-day event's `start`/`end` are calendar dates (`YYYY-MM-DD`, end exclusive) and its
 * `timeZone` is null — it never shifts. A timed event's `start`/`end` are UTC instants
 * (`YYYY-MM-DDTHH:mm:ss.sssZ`) and `timeZone` is the IANA zone its recurrence is computed in.
 */

/** Zones Intl accepted: building a formatter to ask costs more than the rest of an event's validation. */
const knownZones = new Set<string>();

const isTimeZone = (zone: string) => {
  if (knownZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
  } catch {
    return false;
  }
  if (knownZones.size < 1000) knownZones.add(zone);
  return true;
};

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const calendarDate = z.string().regex(DATE_PATTERN, "Expected a date (YYYY-MM-DD).");
const instant = z.string().regex(INSTANT_PATTERN, "Expected a UTC instant (YYYY-MM-DDTHH:mm:ss.sssZ).");

export const EVENT_STATUSES = ["confirmed", "tentative", "cancelled"] as const;
export const TRANSPARENCIES = ["opaque", "transparent"] as const;
/** Google has all four; Exchange's Sensitivity maps Normal→default, Personal/Private→private, Confidential→confidential. */
export const VISIBILITIES = ["default", "public", "private", "confidential"] as const;
export const RESPONSES = ["needsAction", "accepted", "declined", "tentative"] as const;

export const attendeeSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  name: z.string().max(256).nullable(),
  response: z.enum(RESPONSES),
  optional: z.boolean(),
});

export const organizerSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  name: z.string().max(256).nullable(),
});

export const eventContentSchema = z
  .object({
    title: z.string().max(1024),
    description: z.string().max(65_536),
    location: z.string().max(1024),
    allDay: z.boolean(),
    start: z.string(),
    end: z.string(),
    timeZone: z.string().refine(isTimeZone, "Unknown time zone.").nullable(),
    /** RFC 5545 RRULE value without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10`. */
    rrule: z.string().max(1024).nullable(),
    /** Excluded occurrence starts, in the same form as `start`. */
    exdates: z.array(z.string()),
    /** Extra occurrence starts, in the same form as `start`. */
    rdates: z.array(z.string()),
    status: z.enum(EVENT_STATUSES),
    transparency: z.enum(TRANSPARENCIES),
    visibility: z.enum(VISIBILITIES),
    /** Minutes before the start; null means "the calendar's default reminders", [] means none. */
    reminders: z.array(z.number().int().min(0).max(40_320)).nullable(),
    attendees: z.array(attendeeSchema),
    organizer: organizerSchema.nullable(),
    /**
     * Set only on an exception of a recurring series: the start (same form as `start`) of the
     * occurrence it replaces. The link to the series itself is stored beside the content, because
     * each side names the series by its own id.
     */
    originalStart: z.string().nullable(),
  })
  .superRefine((event, ctx) => {
    const point = event.allDay ? calendarDate : instant;
    for (const key of ["start", "end"] as const) {
      const parsed = point.safeParse(event[key]);
      if (!parsed.success) ctx.addIssue({ code: "custom", path: [key], message: parsed.error.issues[0]?.message ?? "Invalid." });
    }
    for (const key of ["exdates", "rdates"] as const) {
      event[key].forEach((value, index) => {
        if (!point.safeParse(value).success) ctx.addIssue({ code: "custom", path: [key, index], message: "Invalid occurrence start." });
      });
    }
    if (event.originalStart !== null && !point.safeParse(event.originalStart).success) {
      ctx.addIssue({ code: "custom", path: ["originalStart"], message: "Invalid original start." });
    }
    if (event.allDay ? event.timeZone !== null : event.timeZone === null) {
      ctx.addIssue({ code: "custom", path: ["timeZone"], message: event.allDay ? "An all-day event has no time zone." : "A timed event needs a time zone." });
    }
    // Both forms sort lexicographically in time order, so a string comparison is exact. A timed
    // event may last zero minutes (Google and Exchange both allow it); an all-day one may not.
    if (!event.allDay && event.end < event.start) {
      ctx.addIssue({ code: "custom", path: ["end"], message: "The event ends before it starts." });
    }
    if (event.allDay && event.end <= event.start) {
      ctx.addIssue({ code: "custom", path: ["end"], message: "An all-day event ends at least one day after it starts (end is exclusive)." });
    }
  });

export type EventContent = z.infer<typeof eventContentSchema>;
export type Attendee = z.infer<typeof attendeeSchema>;
export type Organizer = z.infer<typeof organizerSchema>;
