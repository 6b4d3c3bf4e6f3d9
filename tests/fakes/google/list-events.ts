// events.list: pages over a snapshot of the calendar's change sequence, sync tokens (410 once
// expired), the parameters that may not go with a sync token, showDeleted and extended-property
// filters. Rules quoted from the Calendar v3 discovery document (events.list parameters).
import type { Calendar } from "./event-store";
import { googleError, type CallResult } from "./google-error";

const LIST_DEFAULT = 250;
const LIST_MAX = 2500;
/** "There are several query parameters that cannot be specified together with nextSyncToken". */
const INCOMPATIBLE_WITH_SYNC_TOKEN = ["iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin"];

export function listEvents(calendar: Calendar, query: URLSearchParams): CallResult {
  const syncToken = query.get("syncToken");
  if (syncToken && INCOMPATIBLE_WITH_SYNC_TOKEN.some((name) => query.has(name))) {
    return googleError(400, "invalid", "Sync token cannot be used with other filters.");
  }
  const maxResults = Math.min(Number(query.get("maxResults") ?? LIST_DEFAULT), LIST_MAX);
  let since = 0;
  if (syncToken) {
    since = Number(Buffer.from(syncToken, "base64url").toString().split(":")[1]);
    if (!Number.isFinite(since) || since <= calendar.expiredThrough) return googleError(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.", "calendar");
  }
  const page = query.get("pageToken");
  const [snapshot, offset] = page ? Buffer.from(page, "base64url").toString().split(":").map(Number) : [calendar.seq, 0];
  const showDeleted = syncToken !== null || query.get("showDeleted") === "true";
  const filters = query.getAll("privateExtendedProperty").map((pair) => pair.split("="));
  const matching = [...calendar.events.values()]
    .filter((stored) => stored.seq > since && stored.seq <= (snapshot ?? 0))
    .filter((stored) => showDeleted || stored.event.status !== "cancelled")
    .filter((stored) => filters.every(([key, value]) => stored.event.extendedProperties?.private?.[key ?? ""] === value))
    .sort((a, b) => a.seq - b.seq);
  const slice = matching.slice(offset ?? 0, (offset ?? 0) + maxResults);
  const more = (offset ?? 0) + maxResults < matching.length;
  return {
    status: 200,
    body: {
      kind: "calendar#events",
      summary: "primary",
      timeZone: "UTC",
      items: slice.map((stored) => stored.event),
      ...(more
        ? { nextPageToken: Buffer.from(`${snapshot}:${(offset ?? 0) + maxResults}`).toString("base64url") }
        : { nextSyncToken: Buffer.from(`sync:${snapshot}`).toString("base64url") }),
    },
  };
}
