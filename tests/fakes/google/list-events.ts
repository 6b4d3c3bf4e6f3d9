// events.list: pages over a snapshot of the calendar's change sequence, sync tokens (410 once
// expired), the parameters that may not go with a sync token, showDeleted, iCalUID and
// extended-property filters (singleEvents=true does not expand series here). Rules quoted from the Calendar v3 discovery document (events.list parameters).
import type { Calendar, GoogleEvent } from "./event-store";
import { googleError, type CallResult } from "./google-error";

const LIST_DEFAULT = 250;
const LIST_MAX = 2500;

/** The page size a list call asked for, within Google's default and maximum. */
export const pageSizeOf = (query: URLSearchParams) => Math.min(Number(query.get("maxResults") ?? LIST_DEFAULT), LIST_MAX);

/** An Events resource, as events.list and events.instances answer. */
export function eventsResource(items: GoogleEvent[], tokens: { nextPageToken: string } | { nextSyncToken: string } | object): CallResult {
  return { status: 200, body: { kind: "calendar#events", summary: "primary", timeZone: "UTC", items, ...tokens } };
}
/** "There are several query parameters that cannot be specified together with nextSyncToken". */
const INCOMPATIBLE_WITH_SYNC_TOKEN = ["iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin"];

/** "propertyName=value"; the value may itself hold "=". */
function constraint(pair: string): [string, string] {
  const at = pair.indexOf("=");
  return at < 0 ? [pair, ""] : [pair.slice(0, at), pair.slice(at + 1)];
}

/**
 * privateExtendedProperty "Matches only private properties", sharedExtendedProperty "Matches only
 * shared properties"; each "might be repeated multiple times to return events that match all given
 * constraints" — so every constraint of either kind must hold.
 */
function matchesExtendedProperties(event: GoogleEvent, query: URLSearchParams): boolean {
  const holds = (scope: "private" | "shared") => ([name, value]: [string, string]) => event.extendedProperties?.[scope]?.[name] === value;
  return query.getAll("privateExtendedProperty").map(constraint).every(holds("private")) && query.getAll("sharedExtendedProperty").map(constraint).every(holds("shared"));
}

/**
 * Whether a cancelled item is listed. showDeleted: "Cancelled instances of recurring events (but
 * not the underlying recurring event) will still be included if showDeleted and singleEvents are
 * both False. If showDeleted and singleEvents are both True, only single instances of deleted
 * events (but not the underlying recurring events) are returned." With a sync token "all events
 * deleted since the previous list request will always be in the result set".
 */
function listsCancelled(event: GoogleEvent, query: URLSearchParams): boolean {
  if (query.has("syncToken") || query.get("showDeleted") === "true") return true;
  return query.get("singleEvents") !== "true" && event.recurringEventId !== undefined;
}

export function listEvents(calendar: Calendar, query: URLSearchParams): CallResult {
  const syncToken = query.get("syncToken");
  if (syncToken && INCOMPATIBLE_WITH_SYNC_TOKEN.some((name) => query.has(name))) {
    return googleError(400, "invalid", "Sync token cannot be used with other filters.");
  }
  const maxResults = pageSizeOf(query);
  let since = 0;
  if (syncToken) {
    since = Number(Buffer.from(syncToken, "base64url").toString().split(":")[1]);
    if (!Number.isFinite(since) || since <= calendar.expiredThrough) return googleError(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.", "calendar");
  }
  const page = query.get("pageToken");
  const [snapshot, offset] = page ? Buffer.from(page, "base64url").toString().split(":").map(Number) : [calendar.seq, 0];
  const iCalUID = query.get("iCalUID");
  const matching = [...calendar.events.values()]
    .filter((stored) => stored.seq > since && stored.seq <= (snapshot ?? 0))
    .filter((stored) => stored.event.status !== "cancelled" || listsCancelled(stored.event, query))
    .filter((stored) => iCalUID === null || stored.event.iCalUID === iCalUID)
    .filter((stored) => matchesExtendedProperties(stored.event, query))
    .sort((a, b) => a.seq - b.seq);
  const slice = matching.slice(offset ?? 0, (offset ?? 0) + maxResults);
  const more = (offset ?? 0) + maxResults < matching.length;
  return eventsResource(
    slice.map((stored) => stored.event),
    more ? { nextPageToken: Buffer.from(`${snapshot}:${(offset ?? 0) + maxResults}`).toString("base64url") } : { nextSyncToken: Buffer.from(`sync:${snapshot}`).toString("base64url") },
  );
}
