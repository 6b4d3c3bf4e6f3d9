import { randomBytes } from "node:crypto";
import type { EventContent } from "@/lib/calendar/event-content";
import { GoogleCalendar, type GoogleCalendarOptions } from "@/lib/providers/google/calendar";
import { fromGoogleEvent, instanceId, toGoogleEvent } from "@/lib/providers/google/mapping";
import type { RemoteHarness, RemoteSnapshotItem } from "../../../unit/sync/remote-harness";
import type { FakeGoogle } from "../../../fakes/google/server";

/** What a person sees in Google Calendar (no private tag of ours when they create an event). */
function userBody(content: EventContent) {
  const { extendedProperties: _tag, ...body } = toGoogleEvent(content, "");
  return body;
}

/** A fresh Google calendar on the fake, the real provider in front of it, and hands to edit it as a person. */
export function googleHarness(google: FakeGoogle, options: Partial<GoogleCalendarOptions> = {}): RemoteHarness & { remote: GoogleCalendar; email: string } {
  const email = `user-${randomBytes(6).toString("hex")}@gmail.com`;
  let token = google.oauth.grant(email).accessToken;
  const remote = new GoogleCalendar({
    apiUrl: `${google.url}/`,
    accessToken: async (renew) => {
      if (renew) token = google.oauth.grant(email).accessToken;
      return token;
    },
    retry: { attempts: 4, baseMs: 1, maxMs: 5 },
    writesPerMinute: 1_000_000,
    ...options,
  });
  const api = google.calendar;
  const live = (): RemoteSnapshotItem[] => {
    const items = api.events(email).map(fromGoogleEvent);
    const liveSeries = new Set(items.filter((item) => item.content && !item.seriesRemoteId).map((item) => item.remoteId));
    return items
      .filter((item) => item.content !== null && (item.seriesRemoteId === null || liveSeries.has(item.seriesRemoteId)))
      .map((item) => ({ remoteId: item.remoteId, seriesRemoteId: item.seriesRemoteId, content: item.content as EventContent }));
  };
  return {
    email,
    remote,
    async userCreate(content, seriesRemoteId) {
      if (seriesRemoteId && content.originalStart) {
        return api.userPatch(email, instanceId(seriesRemoteId, content.originalStart, content.allDay), { ...userBody(content), recurringEventId: seriesRemoteId } as never).id;
      }
      return api.userInsert(email, userBody(content) as never).id;
    },
    async userEdit(remoteId, change) {
      const current = live().find((item) => item.remoteId === remoteId);
      if (!current) return;
      const stored = api.events(email).find((event) => event.id === remoteId);
      api.userPatch(email, remoteId, { ...userBody({ ...current.content, ...change }), extendedProperties: stored?.extendedProperties } as never);
    },
    async userDelete(remoteId) {
      api.userDelete(email, remoteId);
    },
    live: async () => live(),
    expireCursors: async () => api.expireSyncTokens(email),
  };
}
