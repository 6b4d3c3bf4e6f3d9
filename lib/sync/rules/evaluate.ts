import type { EventContent } from "@/lib/calendar/event-content";
import { expandSeries, RecurrenceError } from "@/lib/calendar/recurrence";
import { dateToUtcMidnight } from "@/lib/calendar/time";
import type { CopyMode, SyncRules } from "@/lib/sync/rules/schema";

const DAY = 86_400_000;

/** The instants [from, to) an account's window covers now; null bounds are open. */
export function windowAt(rules: Pick<SyncRules, "pastDays" | "futureDays">, now: Date): { from: Date | null; to: Date | null } {
  return {
    from: rules.pastDays === null ? null : new Date(now.getTime() - rules.pastDays * DAY),
    to: rules.futureDays === null ? null : new Date(now.getTime() + rules.futureDays * DAY),
  };
}

const instantOf = (value: string, allDay: boolean) => (allDay ? dateToUtcMidnight(value).getTime() : Date.parse(value));

/** Whether the event — for a series, any of its occurrences — ends after `from` and starts before `to`. */
export function inWindow(content: EventContent, rules: Pick<SyncRules, "pastDays" | "futureDays">, now: Date): boolean {
  const { from, to } = windowAt(rules, now);
  if (from === null && to === null) return true;
  const start = instantOf(content.start, content.allDay);
  const end = instantOf(content.end, content.allDay);
  const single = (to === null || start < to.getTime()) && (from === null || end > from.getTime());
  if (content.rrule === null || single) return single;
  // Ahead of the window there is nothing a series can bring into it.
  if (to !== null && start >= to.getTime()) return false;
  try {
    return expandSeries(content, from ?? new Date(start), to ?? new Date(Math.max(start, (from as Date).getTime()) + 400 * DAY)).length > 0;
  } catch (error) {
    if (error instanceof RecurrenceError) return single;
    throw error;
  }
}

const declinedBy = (content: EventContent, self: readonly string[]) =>
  content.attendees.some((attendee) => attendee.response === "declined" && self.includes(attendee.email.toLowerCase()));

/**
 * The rule that leaves this event out now, in words ("No all-day events"), or null when the account
 * copies it. `self`: the person's own addresses, lower case, to tell their own answer to an
 * invitation from the other attendees'.
 */
export function excludingRule(content: EventContent, rules: SyncRules, now: Date, self: readonly string[] = []): string | null {
  if (rules.skipAllDay && content.allDay) return "No all-day events";
  if (rules.skipFree && content.transparency === "transparent") return "No events shown as free";
  if (rules.skipPrivate && (content.visibility === "private" || content.visibility === "confidential")) return "No private events";
  if (rules.skipDeclined && declinedBy(content, self)) return "No events you declined";
  const title = content.title.toLowerCase();
  const word = rules.titleWords.find((candidate) => title.includes(candidate.toLowerCase()));
  if (word !== undefined) return `No events whose title contains "${word}"`;
  return inWindow(content, rules, now) ? null : "Outside the time window";
}

/** Whether the account copies this event now (see excludingRule). */
export function matches(content: EventContent, rules: SyncRules, now: Date, self: readonly string[] = []): boolean {
  return excludingRule(content, rules, now, self) === null;
}

/**
 * The copy of an event in this mode. Times, all-day, recurrence, show-as and the occurrence an
 * exception replaces are kept in every mode (a busy block must block the same time); "busy" also
 * replaces the title.
 */
export function copyFor(content: EventContent, mode: CopyMode, busyText: string): EventContent {
  if (mode === "everything") return content;
  return {
    ...content,
    title: mode === "busy" ? busyText : content.title,
    description: "",
    location: "",
    visibility: "default",
    reminders: [],
    attendees: [],
    organizer: null,
  };
}
