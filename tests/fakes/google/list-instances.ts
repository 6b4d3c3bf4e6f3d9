// events.instances (GET …/events/{eventId}/instances): the occurrences of one series with its
// modified and cancelled exceptions applied, filtered and paged. Parameter rules from the Calendar
// v3 discovery document (events.instances):
// - timeMin: "Lower bound (inclusive) for an event's end time"; timeMax: "Upper bound (exclusive)
//   for an event's start time"; both "RFC3339 timestamp with mandatory time zone offset".
// - showDeleted: "Whether to include deleted events (with status equals "cancelled")"; instances
//   are single events by nature, so a cancelled exception shows only with showDeleted=true.
// - maxResults: 250 by default, never more than 2500; originalStart picks one instance.
import { seriesEndsAt } from "@/lib/calendar/recurrence";
import type { Calendar, GoogleEvent } from "./event-store";
import { googleError, type CallResult } from "./google-error";
import { eventsResource, pageSizeOf } from "./list-events";
import { instanceOf, occurrencesOf, seriesFieldsOf, startKey } from "./recurrence";

const DAY = 86_400_000;
/** How far an endless series is expanded when the caller gives no timeMax. */
const ENDLESS_HORIZON_MS = 5 * 365 * 86_400_000;
const RFC3339_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** An event's start or end as an instant (all-day dates at midnight in the calendar's zone, UTC). */
function instantOf(time: GoogleEvent["start"]): number {
  const key = startKey(time);
  return key === null ? Number.NaN : Date.parse(key.length === 10 ? `${key}T00:00:00.000Z` : key);
}

/** A cancelled exception is only sure to carry its originalStartTime: it then stands for its times. */
const startOf = (instance: GoogleEvent) => instantOf(instance.start ?? instance.originalStartTime);
const endOf = (instance: GoogleEvent) => (instance.end ? instantOf(instance.end) : startOf(instance));

/** timeMin / timeMax as milliseconds, null when absent, or the 400 a malformed value gets. */
function timeBound(query: URLSearchParams, name: "timeMin" | "timeMax"): { value: number | null } | { refusal: CallResult } {
  const value = query.get(name);
  if (value === null) return { value: null };
  if (!RFC3339_WITH_OFFSET.test(value)) return { refusal: googleError(400, "invalid", `${name} must be an RFC3339 timestamp with a time zone offset.`) };
  return { value: Date.parse(value) };
}

export function listInstances(calendar: Calendar, seriesId: string, query: URLSearchParams): CallResult {
  const series = calendar.events.get(seriesId)?.event;
  if (!series) return googleError(404, "notFound", "Not Found");
  if (series.status === "cancelled") return googleError(410, "deleted", "Resource has been deleted");
  const fields = seriesFieldsOf(series);
  // Not documented; the fake refuses rather than inventing instances of a single event.
  if (!fields) return googleError(400, "invalid", "The event is not a recurring event.");
  const min = timeBound(query, "timeMin");
  const max = timeBound(query, "timeMax");
  if ("refusal" in min) return min.refusal;
  if ("refusal" in max) return max.refusal;
  const [timeMin, timeMax] = [min.value, max.value];
  // The errors guide's own example of a 400: reason timeRangeEmpty, domain calendar.
  if (timeMin !== null && timeMax !== null && timeMax <= timeMin) return googleError(400, "timeRangeEmpty", "The specified time range is empty.", "calendar");

  const first = instantOf(series.start);
  // expandSeries keeps occurrences ending after `from`; timeMin is inclusive on the end, so expand
  // a day wider and let the filter below decide.
  const from = new Date((timeMin ?? first) - DAY);
  const to = new Date(timeMax ?? seriesEndsAt(fields)?.getTime() ?? Math.max(first, from.getTime()) + ENDLESS_HORIZON_MS);
  const byOriginalStart = new Map<string, GoogleEvent>();
  for (const occurrence of occurrencesOf(fields, from, to)) byOriginalStart.set(occurrence.originalStart, instanceOf(series, fields, occurrence));
  // Exceptions replace their occurrence wherever either of them lies: a moved exception is
  // filtered by its own times below.
  for (const { event } of calendar.events.values()) {
    const key = event.recurringEventId === series.id ? startKey(event.originalStartTime) : null;
    if (key) byOriginalStart.set(key, event);
  }

  const showDeleted = query.get("showDeleted") === "true";
  const originalStart = query.get("originalStart");
  const wanted = originalStart === null ? null : startKey(originalStart.length === 10 ? { date: originalStart } : { dateTime: originalStart });
  const items = [...byOriginalStart.entries()]
    .filter(([key]) => wanted === null || key === wanted)
    .map(([, instance]) => instance)
    .filter((instance) => showDeleted || instance.status !== "cancelled")
    .filter((instance) => (timeMin === null || endOf(instance) >= timeMin) && (timeMax === null || startOf(instance) < timeMax))
    .sort((a, b) => startOf(a) - startOf(b) || instantOf(a.originalStartTime) - instantOf(b.originalStartTime));

  const maxResults = pageSizeOf(query);
  const offset = Number(query.get("pageToken") ? Buffer.from(query.get("pageToken") ?? "", "base64url").toString() : 0);
  const more = offset + maxResults < items.length;
  return eventsResource(items.slice(offset, offset + maxResults), more ? { nextPageToken: Buffer.from(String(offset + maxResults)).toString("base64url") } : {});
}
