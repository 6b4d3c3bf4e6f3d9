import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { openEwsCalendar, type EwsCalendar } from "@/lib/providers/ews/ews-calendar";
import type { ChangePage, RemoteItem, WriteResult } from "@/lib/sync/provider";
import { ewsInstant } from "@/tests/fakes/ews/mailbox";
import { startFakeEws, type FakeEws } from "@/tests/fakes/ews/server";
import { content as baseContent } from "@/tests/unit/sync/memory-sides";

const env = { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" };
let fake: FakeEws;
let calendar: EwsCalendar;

const content = (overrides: Partial<EventContent> = {}) =>
  baseContent({ title: "Standup", start: "2026-12-01T09:00:00.000Z", end: "2026-12-01T09:30:00.000Z", timeZone: "Europe/Prague", rrule: "FREQ=WEEKLY;COUNT=10", ...overrides });

async function listAll(cursor: string | null = null): Promise<{ items: RemoteItem[]; cursor: string | null }> {
  const pages: ChangePage[] = [];
  for await (const page of calendar.listChanges(cursor)) pages.push(page);
  return { items: pages.flatMap((page) => page.items), cursor: pages.at(-1)?.nextCursor ?? null };
}

function ok(result: WriteResult | undefined): { remoteId: string; versionToken: string } {
  if (!result?.ok) throw new Error(result ? result.message : "no result");
  return result;
}

beforeEach(async () => {
  fake = await startFakeEws();
  calendar = await openEwsCalendar({ serverUrl: fake.ewsUrl, login: "CONTOSO\\alice", password: "secret", env });
});
afterEach(async () => {
  await fake.close();
});

describe("recurring series", () => {
  it.each([
    ["daily every other day until a date", "FREQ=DAILY;INTERVAL=2;UNTIL=20261220T080000Z", "Daily"],
    ["weekly on two days", "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6", "Weekly"],
    ["monthly on a day of the month", "FREQ=MONTHLY;BYMONTHDAY=1", "AbsoluteMonthly"],
    ["monthly on the first Tuesday", "FREQ=MONTHLY;BYDAY=1TU;COUNT=12", "RelativeMonthly"],
    ["monthly on the last weekday", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3", "RelativeMonthly"],
    ["yearly on a date", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=1", "AbsoluteYearly"],
    ["yearly on the first Tuesday of December", "FREQ=YEARLY;BYMONTH=12;BYDAY=1TU;COUNT=5", "RelativeYearly"],
  ])("writes %s as an EWS %s pattern and reads the rule back exactly", async (_label, rrule, kind) => {
    const series = content({ rrule });
    ok((await calendar.create([{ localId: "s", content: series, seriesRemoteId: null }]))[0]);
    const [stored] = fake.mailbox.items.values();
    expect(stored?.itemType).toBe("RecurringMaster");
    expect(stored?.recurrence?.pattern.kind).toBe(kind);
    const { items } = await listAll();
    expect(items).toHaveLength(1);
    expect(items[0]?.content).toEqual(series);
  });

  it("reads a series made in Outlook: the rule, its deleted occurrences as EXDATEs and its modified ones as exceptions", async () => {
    const master = fake.mailbox.add({
      subject: "Outlook weekly",
      start: "2026-12-01T09:00:00Z",
      end: "2026-12-01T10:00:00Z",
      startTimeZone: "W. Europe Standard Time",
      endTimeZone: "W. Europe Standard Time",
      recurrence: { pattern: { kind: "Weekly", interval: 1, daysOfWeek: ["Tuesday"], firstDayOfWeek: "Monday" }, range: { kind: "Numbered", startDate: "2026-12-01", count: 5 } },
    });
    const moved = ewsInstant("2026-12-08T09:00:00Z");
    master.exceptions.set(moved, { ...master, id: "x", changeKey: "ck", originalStart: moved, start: ewsInstant("2026-12-08T11:00:00Z"), end: ewsInstant("2026-12-08T12:00:00Z"), subject: "Moved" });
    master.deleted.add(ewsInstant("2026-12-15T09:00:00Z"));
    fake.mailbox.touch(master);
    const { items } = await listAll();
    const series = items.find((item) => item.remoteId === master.id);
    expect(series?.content).toMatchObject({ rrule: "FREQ=WEEKLY;BYDAY=TU;COUNT=5", exdates: ["2026-12-15T09:00:00.000Z"], timeZone: "Europe/Berlin" });
    const exception = items.find((item) => item.seriesRemoteId === master.id && item.content !== null);
    expect(exception?.content).toMatchObject({ title: "Moved", start: "2026-12-08T11:00:00.000Z", originalStart: "2026-12-08T09:00:00.000Z", rrule: null });
    expect(exception?.localTag).toBeNull();
  });

  it("writes an exception by binding the occurrence, lists it under its series, and checks its ChangeKey", async () => {
    const series = ok((await calendar.create([{ localId: "s", content: content(), seriesRemoteId: null }]))[0]);
    const exception = content({ rrule: null, title: "Moved standup", start: "2026-12-08T10:00:00.000Z", end: "2026-12-08T10:30:00.000Z", originalStart: "2026-12-08T09:00:00.000Z" });
    const made = ok((await calendar.create([{ localId: "e", content: exception, seriesRemoteId: series.remoteId }]))[0]);
    const stored = fake.mailbox.items.get(series.remoteId);
    expect(stored?.exceptions.get("2026-12-08T09:00:00Z")?.subject).toBe("Moved standup");
    const { items } = await listAll();
    const listed = items.find((item) => item.remoteId === made.remoteId);
    expect(listed).toMatchObject({ seriesRemoteId: series.remoteId, localTag: "e", versionToken: made.versionToken, content: exception });

    const renamed = await calendar.update([{ remoteId: made.remoteId, versionToken: made.versionToken, localId: "e", content: { ...exception, title: "Renamed" }, previous: null, seriesRemoteId: series.remoteId }]);
    const again = ok(renamed[0]);
    const stale = await calendar.update([{ remoteId: made.remoteId, versionToken: made.versionToken, localId: "e", content: { ...exception, title: "Lost" }, previous: null, seriesRemoteId: series.remoteId }]);
    expect(stale[0]).toMatchObject({ ok: false, kind: "conflict" });
    expect(again.versionToken).not.toBe(made.versionToken);
    expect(fake.mailbox.items.get(series.remoteId)?.exceptions.get("2026-12-08T09:00:00Z")?.subject).toBe("Renamed");
  });

  it("writes several exceptions of one series in one batch, one occurrence per request round", async () => {
    const series = ok((await calendar.create([{ localId: "s", content: content(), seriesRemoteId: null }]))[0]);
    const moved = (week: number) => {
      const originalStart = new Date(Date.parse("2026-12-01T09:00:00.000Z") + week * 7 * 86_400_000).toISOString();
      return content({ rrule: null, title: `Week ${week}`, originalStart, start: originalStart, end: new Date(Date.parse(originalStart) + 1_800_000).toISOString() });
    };
    const results = await calendar.create([1, 2, 3].map((week) => ({ localId: `e${week}`, content: moved(week), seriesRemoteId: series.remoteId })));
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
    expect([...(fake.mailbox.items.get(series.remoteId)?.exceptions.values() ?? [])].map((exception) => exception.subject).sort()).toEqual(["Week 1", "Week 2", "Week 3"]);
  });

  it("updates a series after writing its exception with the token it had, yet still sees an edit by someone else as a conflict", async () => {
    const series = ok((await calendar.create([{ localId: "s", content: content(), seriesRemoteId: null }]))[0]);
    const exception = content({ rrule: null, title: "Moved", originalStart: "2026-12-08T09:00:00.000Z", start: "2026-12-08T10:00:00.000Z", end: "2026-12-08T10:30:00.000Z" });
    ok((await calendar.create([{ localId: "e", content: exception, seriesRemoteId: series.remoteId }]))[0]);
    // The exception changed the master's ChangeKey: that was this provider's own doing.
    const renamed = ok((await calendar.update([{ remoteId: series.remoteId, versionToken: series.versionToken, localId: "s", content: content({ title: "Renamed" }), previous: null, seriesRemoteId: null }]))[0]);
    const master = fake.mailbox.items.get(series.remoteId);
    if (!master) throw new Error("missing");
    master.subject = "Edited in Outlook";
    fake.mailbox.touch(master);
    const stale = await calendar.update([{ remoteId: series.remoteId, versionToken: renamed.versionToken, localId: "s", content: content({ title: "Lost" }), previous: null, seriesRemoteId: null }]);
    expect(stale[0]).toMatchObject({ ok: false, kind: "conflict" });
    expect(fake.mailbox.items.get(series.remoteId)?.subject).toBe("Edited in Outlook");
  });

  it("turns a cancelled exception into a deleted occurrence that reads back as the same cancelled exception", async () => {
    const series = ok((await calendar.create([{ localId: "s", content: content(), seriesRemoteId: null }]))[0]);
    const cancelled = content({ rrule: null, title: "Skipped", start: "2026-12-15T09:00:00.000Z", end: "2026-12-15T09:30:00.000Z", originalStart: "2026-12-15T09:00:00.000Z", status: "cancelled" });
    const made = ok((await calendar.create([{ localId: "c", content: cancelled, seriesRemoteId: series.remoteId }]))[0]);
    expect([...(fake.mailbox.items.get(series.remoteId)?.deleted ?? [])]).toEqual(["2026-12-15T09:00:00Z"]);
    const { items } = await listAll();
    expect(items.find((item) => item.remoteId === series.remoteId)?.content?.exdates).toEqual([]);
    expect(items.find((item) => item.remoteId === made.remoteId)).toMatchObject({ localTag: "c", versionToken: made.versionToken, content: cancelled });
  });

  it("writes EXDATEs as deleted occurrences and reports an occurrence deleted in Outlook as an EXDATE and a deletion", async () => {
    const series = content({ exdates: ["2026-12-22T09:00:00.000Z"] });
    const made = ok((await calendar.create([{ localId: "s", content: series, seriesRemoteId: null }]))[0]);
    const { items: first, cursor } = await listAll();
    expect(first.find((item) => item.remoteId === made.remoteId)?.content).toEqual(series);
    const master = fake.mailbox.items.get(made.remoteId);
    if (!master) throw new Error("missing");
    master.deleted.add("2026-12-08T09:00:00Z");
    fake.mailbox.touch(master);
    const { items } = await listAll(cursor);
    expect(items.find((item) => item.remoteId === made.remoteId)?.content?.exdates).toEqual(["2026-12-08T09:00:00.000Z", "2026-12-22T09:00:00.000Z"]);
    expect(items.filter((item) => item.seriesRemoteId === made.remoteId && item.content === null).map((item) => item.remoteId)).toContain(`${made.remoteId}#2026-12-08T09:00:00.000Z`);
  });

  it.each([
    ["BYSETPOS with several positions", { rrule: "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1,-1" }],
    ["an hourly rule", { rrule: "FREQ=HOURLY;COUNT=3" }],
    ["extra dates (RDATE)", { rdates: ["2026-12-03T09:00:00.000Z"] }],
    ["a yearly rule every other year", { rrule: "FREQ=YEARLY;INTERVAL=2" }],
    ["more than 999 occurrences", { rrule: "FREQ=DAILY;COUNT=1000" }],
  ])("refuses %s with a reason, writing nothing and failing no neighbour", async (_label, overrides) => {
    const results = await calendar.create([
      { localId: "bad", content: content(overrides), seriesRemoteId: null },
      { localId: "good", content: content({ rrule: null }), seriesRemoteId: null },
    ]);
    expect(results[0]).toMatchObject({ ok: false, kind: "rejected", message: expect.stringContaining("Exchange cannot hold this event") });
    expect(results[1]?.ok).toBe(true);
    expect(fake.mailbox.items.size).toBe(1);
  });

  it("deletes a series with its exceptions, and a single exception as a deleted occurrence", async () => {
    const series = ok((await calendar.create([{ localId: "s", content: content(), seriesRemoteId: null }]))[0]);
    const exception = ok(
      (await calendar.create([{ localId: "e", content: content({ rrule: null, title: "Moved", originalStart: "2026-12-08T09:00:00.000Z", start: "2026-12-08T10:00:00.000Z", end: "2026-12-08T10:30:00.000Z" }), seriesRemoteId: series.remoteId }]))[0],
    );
    expect((await calendar.delete([{ remoteId: exception.remoteId, versionToken: exception.versionToken }]))[0]?.ok).toBe(true);
    const master = fake.mailbox.items.get(series.remoteId);
    expect(master?.exceptions.size).toBe(0);
    expect([...(master?.deleted ?? [])]).toEqual(["2026-12-08T09:00:00Z"]);
    const { items } = await listAll();
    const current = items.find((item) => item.remoteId === series.remoteId);
    expect((await calendar.delete([{ remoteId: series.remoteId, versionToken: current?.versionToken ?? "" }]))[0]?.ok).toBe(true);
    expect(fake.mailbox.items.size).toBe(0);
  });

  it("never emails anyone: every write tells Exchange to send nothing", async () => {
    const attendees = [{ email: "bob@contoso.test", name: "Bob", response: "accepted" as const, optional: false }];
    const series = ok((await calendar.create([{ localId: "s", content: content({ attendees }), seriesRemoteId: null }]))[0]);
    const exception = ok(
      (await calendar.create([{ localId: "e", content: content({ attendees, rrule: null, originalStart: "2026-12-08T09:00:00.000Z", start: "2026-12-08T09:00:00.000Z", end: "2026-12-08T09:30:00.000Z" }), seriesRemoteId: series.remoteId }]))[0],
    );
    await calendar.delete([{ remoteId: exception.remoteId, versionToken: exception.versionToken }]);
    expect(fake.mailbox.sent).toEqual([]);
    for (const entry of fake.requestLog.filter((logged) => logged.operation && ["CreateItem", "UpdateItem", "DeleteItem"].includes(logged.operation))) {
      expect(entry.body).toMatch(/Send(MeetingInvitations|MeetingInvitationsOrCancellations|MeetingCancellations)="SendToNone"/);
    }
  });
});
