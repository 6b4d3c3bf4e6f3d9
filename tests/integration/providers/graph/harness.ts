import { randomBytes } from "node:crypto";
import type { EventContent } from "@/lib/calendar/event-content";
import { GraphCalendar, type GraphCalendarOptions } from "@/lib/providers/graph/calendar";
import { toGraphEvent } from "@/lib/providers/graph/mapping";
import type { ChangePage } from "@/lib/sync/provider";
import { instantOf, type StoredEvent } from "../../../fakes/graph/mailbox";
import { startFakeGraph, type FakeGraph } from "../../../fakes/graph/server";
import type { RemoteHarness, RemoteSnapshotItem } from "../../../unit/sync/remote-harness";

/** What a person typing the event into Outlook leaves in the mailbox: none of this app's properties. */
function personFields(content: EventContent): Partial<StoredEvent> {
  const body = toGraphEvent(content, "", { recurrence: content.originalStart === null }) as { start: { dateTime: string; timeZone: string }; end: { dateTime: string; timeZone: string }; recurrence?: StoredEvent["recurrence"]; showAs: string; sensitivity: string; isReminderOn: boolean; reminderMinutesBeforeStart: number };
  return {
    subject: content.title,
    body: content.description,
    location: content.location,
    isAllDay: content.allDay,
    start: instantOf(body.start) ?? content.start,
    end: instantOf(body.end) ?? content.end,
    timeZone: body.start.timeZone,
    recurrence: body.recurrence ?? null,
    type: body.recurrence ? "seriesMaster" : "singleInstance",
    showAs: body.showAs,
    sensitivity: body.sensitivity,
    isReminderOn: body.isReminderOn,
    reminderMinutesBeforeStart: body.reminderMinutesBeforeStart,
    attendees: content.attendees.map((attendee) => ({ emailAddress: { address: attendee.email, ...(attendee.name ? { name: attendee.name } : {}) }, type: attendee.optional ? "optional" : "required" })),
  };
}

/**
 * A fresh mailbox on its own fake Graph, the real provider in front of it, and hands to use it as a
 * person in Outlook would: edits go straight into the mailbox, with no property of ours.
 */
export async function graphHarness(options: Partial<GraphCalendarOptions> = {}): Promise<RemoteHarness & { remote: GraphCalendar; fake: FakeGraph; email: string }> {
  const fake = await startFakeGraph();
  const email = `user-${randomBytes(6).toString("hex")}@contoso.test`;
  const open = () =>
    new GraphCalendar({ graphUrl: `${fake.url}/v1.0`, accessToken: async () => fake.identity.mintAccessToken(email), retry: { attempts: 4, baseMs: 1, maxMs: 5 }, pageSize: 7, ...options });
  const remote = open();
  // Looking at the mailbox goes through a second provider, so it costs the one under test nothing.
  const observer = open();
  const mailbox = fake.graph.mailboxOf(email);

  const live = async (): Promise<RemoteSnapshotItem[]> => {
    const pages: ChangePage[] = [];
    for await (const page of observer.listChanges(null)) pages.push(page);
    return pages.flatMap((page) => page.items).flatMap((item) => (item.content ? [{ remoteId: item.remoteId, seriesRemoteId: item.seriesRemoteId, content: item.content }] : []));
  };

  return {
    fake,
    email,
    remote,
    async userCreate(content, seriesRemoteId) {
      if (seriesRemoteId && content.originalStart) {
        const originalStart = new Date(content.allDay ? `${content.originalStart}T00:00:00.000Z` : content.originalStart).toISOString();
        const master = mailbox.items.get(seriesRemoteId);
        const instance = master ? mailbox.instancesOf(master).find((candidate) => candidate.item.originalStart === originalStart) : undefined;
        if (!instance) return `${seriesRemoteId}#${content.originalStart}`;
        // Deleting one occurrence in Outlook leaves a deleted occurrence, nothing else.
        if (content.status === "cancelled") {
          mailbox.remove(instance.item.id);
          return instance.item.id;
        }
        const exception = mailbox.materialize(seriesRemoteId, originalStart);
        if (!exception) return instance.item.id;
        const { recurrence: _none, type: _type, ...fields } = personFields(content);
        Object.assign(exception, fields);
        mailbox.touch(exception);
        return exception.id;
      }
      return mailbox.add(personFields(content)).id;
    },
    async userEdit(remoteId, change) {
      const current = (await live()).find((item) => item.remoteId === remoteId);
      const stored = mailbox.items.get(remoteId);
      if (!current || !stored) return;
      const { type: _type, ...fields } = personFields({ ...current.content, ...change });
      Object.assign(stored, stored.type === "exception" ? { ...fields, recurrence: null } : fields);
      if (stored.type !== "exception") stored.type = stored.recurrence ? "seriesMaster" : "singleInstance";
      mailbox.touch(stored);
    },
    async userDelete(remoteId) {
      mailbox.remove(remoteId);
    },
    live,
    expireCursors: async () => mailbox.expireDeltaTokens(),
    close: () => fake.close(),
  };
}
