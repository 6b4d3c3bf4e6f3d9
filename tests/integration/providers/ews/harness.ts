import type { EventContent } from "@/lib/calendar/event-content";
import { windowsZone } from "@/lib/providers/ews/appointment";
import { openEwsCalendar, type EwsCalendar } from "@/lib/providers/ews/ews-calendar";
import { parseExceptionId } from "@/lib/providers/ews/occurrences";
import { patternOf } from "@/lib/providers/ews/recurrence";
import type { ChangePage } from "@/lib/sync/provider";
import { ewsInstant, occurrenceId, type FakeAttendee, type FakeFields, type FakeItem } from "../../../fakes/ews/mailbox";
import { DAYS, MONTHS, type FakeRecurrence } from "../../../fakes/ews/recurrence";
import { startFakeEws, type FakeEws } from "../../../fakes/ews/server";
import type { RemoteHarness, RemoteSnapshotItem } from "../../../unit/sync/remote-harness";

const env = { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" };
const RESPONSE: Record<string, string> = { needsAction: "Unknown", accepted: "Accept", declined: "Decline", tentative: "Tentative" };
const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Day", "Weekday", "WeekendDay"];

/** The rule as Outlook would store it when a person sets the same repetition. */
function recurrenceOf(content: EventContent): FakeRecurrence | null {
  if (!content.rrule) return null;
  const p = patternOf(content);
  const range = p.count !== null ? { kind: "Numbered" as const, startDate: p.startDate, count: p.count } : p.endDate !== null ? { kind: "EndDate" as const, startDate: p.startDate, endDate: p.endDate } : { kind: "NoEnd" as const, startDate: p.startDate };
  const month = (value: number) => MONTHS[value - 1] ?? "January";
  const day = (value: number) => DAY_NAMES[value] ?? "Monday";
  const pattern =
    p.kind === "Daily"
      ? { kind: p.kind, interval: p.interval }
      : p.kind === "Weekly"
        ? { kind: p.kind, interval: p.interval, daysOfWeek: p.days.map(day), firstDayOfWeek: DAYS[(p.firstDay + 6) % 7] ?? "Monday" }
        : p.kind === "AbsoluteMonthly"
          ? { kind: p.kind, interval: p.interval, dayOfMonth: p.dayOfMonth }
          : p.kind === "RelativeMonthly"
            ? { kind: p.kind, interval: p.interval, dayOfWeek: day(p.day), index: p.index }
            : p.kind === "AbsoluteYearly"
              ? { kind: p.kind, dayOfMonth: p.dayOfMonth, month: month(p.month) }
              : { kind: p.kind, dayOfWeek: day(p.day), index: p.index, month: month(p.month) };
  return { pattern, range };
}

/** What a person typing the event into Outlook leaves in the mailbox (none of this app's properties). */
function personFields(content: EventContent): Partial<FakeFields> {
  const instant = (value: string) => ewsInstant(content.allDay ? `${value}T00:00:00.000Z` : value);
  const attendees = (optional: boolean): FakeAttendee[] => content.attendees.filter((a) => a.optional === optional).map((a) => ({ name: a.name, email: a.email, response: RESPONSE[a.response] ?? "Unknown" }));
  const zone = content.allDay ? "UTC" : windowsZone(content.timeZone);
  return {
    subject: content.title,
    body: content.description,
    location: content.location,
    start: instant(content.start),
    end: instant(content.end),
    isAllDay: content.allDay,
    startTimeZone: zone,
    endTimeZone: zone,
    freeBusy: content.transparency === "transparent" ? "Free" : content.status === "tentative" ? "Tentative" : "Busy",
    sensitivity: content.visibility === "private" ? "Private" : content.visibility === "confidential" ? "Confidential" : "Normal",
    reminderIsSet: content.reminders === null || content.reminders.length > 0,
    reminderMinutes: content.reminders?.[0] ?? 15,
    required: attendees(false),
    optional: attendees(true),
  };
}

/**
 * A fresh Exchange mailbox on its own fake server, the real provider in front of it, and hands to
 * use it as a person in Outlook would: edits go straight into the mailbox, with no tag of ours.
 */
export async function ewsHarness(): Promise<RemoteHarness & { remote: EwsCalendar; fake: FakeEws }> {
  const fake = await startFakeEws();
  const open = () => openEwsCalendar({ serverUrl: fake.ewsUrl, login: "CONTOSO\\alice", password: "secret", env, retryBudgetMs: 0 });
  const remote = await open();
  // Looking at the mailbox goes through a second provider, so it costs the one under test nothing.
  const observer = await open();
  const mailbox = fake.mailbox;

  const live = async (): Promise<RemoteSnapshotItem[]> => {
    const pages: ChangePage[] = [];
    for await (const page of observer.listChanges(null)) pages.push(page);
    return pages.flatMap((page) => page.items).flatMap((item) => (item.content ? [{ remoteId: item.remoteId, seriesRemoteId: item.seriesRemoteId, content: item.content }] : []));
  };

  /** The master and original start (mailbox form) behind an exception id, when the occurrence still exists. */
  const occurrence = (remoteId: string): { master: FakeItem; start: string } | null => {
    const named = parseExceptionId(remoteId);
    const master = named ? mailbox.items.get(named.masterId) : undefined;
    if (!named || !master) return null;
    const start = ewsInstant(/^\d{4}-\d{2}-\d{2}$/.test(named.originalStart) ? `${named.originalStart}T00:00:00.000Z` : named.originalStart);
    return mailbox.occurrences(master).includes(start) && !master.deleted.has(start) ? { master, start } : null;
  };

  const editOccurrence = (master: FakeItem, start: string, fields: Partial<FakeFields>) => {
    const length = Date.parse(master.end) - Date.parse(master.start);
    const current = master.exceptions.get(start) ?? { ...master, extended: structuredClone(master.extended), id: occurrenceId(master.id, start), originalStart: start, start, end: ewsInstant(new Date(Date.parse(start) + length).toISOString()) };
    const exception = { ...current, ...fields, originalStart: start };
    master.exceptions.set(start, exception);
    mailbox.touchException(master, exception);
  };

  return {
    fake,
    remote,
    async userCreate(content, seriesRemoteId) {
      if (seriesRemoteId && content.originalStart) {
        const id = `${seriesRemoteId}#${content.originalStart}`;
        const target = occurrence(id);
        if (!target) return id;
        // Deleting one occurrence in Outlook leaves a deleted occurrence, nothing else.
        if (content.status === "cancelled") {
          target.master.exceptions.delete(target.start);
          target.master.deleted.add(target.start);
          mailbox.touch(target.master);
        } else editOccurrence(target.master, target.start, personFields(content));
        return id;
      }
      const item = mailbox.add({ ...personFields(content), recurrence: recurrenceOf(content) });
      mailbox.touch(item);
      return item.id;
    },
    async userEdit(remoteId, change) {
      const current = (await live()).find((item) => item.remoteId === remoteId);
      if (!current) return;
      const edited = { ...current.content, ...change };
      const target = occurrence(remoteId);
      if (target) return editOccurrence(target.master, target.start, personFields(edited));
      const item = mailbox.items.get(remoteId);
      if (!item) return;
      Object.assign(item, personFields(edited), { recurrence: recurrenceOf(edited) });
      mailbox.touch(item);
    },
    async userDelete(remoteId) {
      const target = occurrence(remoteId);
      if (target) {
        target.master.exceptions.delete(target.start);
        target.master.deleted.add(target.start);
        mailbox.touch(target.master);
        return;
      }
      mailbox.remove(remoteId);
    },
    live,
    expireCursors: async () => mailbox.expireSyncStates(),
    close: () => fake.close(),
  };
}
