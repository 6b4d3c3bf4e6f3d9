import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { CalDavCalendar } from "@/lib/providers/caldav/caldav-calendar";
import { eventContent } from "../../../helpers/event-content";
import { LOCAL_ENV, newCalDavCalendar, type CalDavPerson } from "../../../helpers/caldav-person";
import { startRadicale, type Radicale } from "../../../helpers/radicale";

let server: Radicale;
beforeAll(async () => {
  server = await startRadicale();
});
afterAll(() => server?.stop());

async function fresh(): Promise<{ person: CalDavPerson; remote: CalDavCalendar }> {
  const person = await newCalDavCalendar(server);
  return { person, remote: new CalDavCalendar({ calendarUrl: person.calendarUrl, login: server.login, password: server.password, env: LOCAL_ENV, retryBudgetMs: 0 }) };
}

const TEXT = `Tom & Jerry <b>"quoted" 'single'</b> 😀🎉 שלום עולם, مرحبا; a\\b ${"long words ".repeat(20)}`;

const CASES: Record<string, EventContent> = {
  "a timed event in Prague": eventContent({ title: "Plain" }),
  "every field": eventContent({
    title: TEXT.slice(0, 200),
    description: `${TEXT}\nsecond line\n\nfourth line after an empty one\r\nand a CRLF`.replace(/\r\n/g, "\n"),
    location: "Room <1> & \"2\", floor; 3",
    status: "tentative",
    transparency: "transparent",
    visibility: "confidential",
    reminders: [0, 15, 1440],
    attendees: [
      { email: "ann@example.com", name: "Ann O'Neil, PhD", response: "accepted", optional: false },
      { email: "bob@example.com", name: null, response: "tentative", optional: true },
      { email: "cyd@example.com", name: "Cyd", response: "declined", optional: false },
      { email: "dee@example.com", name: "Dee", response: "needsAction", optional: false },
    ],
    organizer: { email: "org@example.com", name: "Organiser" },
  }),
  "no reminders at all": eventContent({ reminders: [], visibility: "private", status: "cancelled" }),
  "a public event in UTC": eventContent({ timeZone: "UTC", visibility: "public" }),
  "an all-day event across the March DST change": eventContent({ allDay: true, start: "2026-03-28", end: "2026-03-31", timeZone: null }),
  "an all-day weekly series across the DST change": eventContent({ allDay: true, start: "2026-03-20", end: "2026-03-21", timeZone: null, rrule: "FREQ=WEEKLY;COUNT=4", exdates: ["2026-03-27"], rdates: ["2026-04-20"] }),
  "a series whose rule is written in an unusual order": eventContent({ rrule: "COUNT=10;INTERVAL=2;FREQ=WEEKLY;BYDAY=TU,TH;WKST=SU", start: "2026-03-24T08:00:00.000Z", end: "2026-03-24T09:00:00.000Z", timeZone: "America/New_York", exdates: ["2026-04-07T08:00:00.000Z"] }),
  "a zero-length event in Tokyo": eventContent({ timeZone: "Asia/Tokyo", end: "2026-12-01T09:00:00.000Z" }),
};

describe("CalDAV round trip through Radicale", () => {
  it("reads back every field exactly as written, tagged with the local id", async () => {
    const { person, remote } = await fresh();
    const entries = Object.entries(CASES);
    const results = await remote.create(entries.map(([name, content], index) => ({ localId: `local-${index}-${name.length}`, content, seriesRemoteId: null })));
    expect(results.every((result) => result.ok)).toBe(true);
    const live = await person.live();
    for (const [index, [name, content]] of entries.entries()) {
      const result = results[index];
      const item = live.find((candidate) => result?.ok && candidate.remoteId === result.remoteId);
      expect(item?.content, name).toEqual(content);
      expect(item?.localTag, name).toBe(`local-${index}-${name.length}`);
    }
  });

  it("folds long lines at 75 octets without splitting a character, and never asks the server to invite anyone", async () => {
    const { person, remote } = await fresh();
    const [result] = await remote.create([{ localId: "fold", content: CASES["every field"] as EventContent, seriesRemoteId: null }]);
    if (!result?.ok) throw new Error("create failed");
    const raw = await person.raw(result.remoteId);
    for (const line of raw.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(raw).toContain("SCHEDULE-AGENT=CLIENT");
    const attendees = raw.replace(/\r\n /g, "").split("\r\n").filter((line) => /^(ATTENDEE|ORGANIZER)/.test(line));
    expect(attendees).toHaveLength(5);
    for (const line of attendees) expect(line).toMatch(/SCHEDULE-AGENT=CLIENT/);
    expect(raw).toMatch(/BEGIN:VTIMEZONE\r\nTZID:Europe\/Prague/);
  });

  it("keeps a weekly series with a moved and a cancelled occurrence in one resource", async () => {
    const { person, remote } = await fresh();
    const series = eventContent({ title: "Weekly", rrule: "FREQ=WEEKLY;COUNT=6", start: "2026-10-19T07:00:00.000Z", end: "2026-10-19T08:00:00.000Z" });
    const [created] = await remote.create([{ localId: "series", content: series, seriesRemoteId: null }]);
    if (!created?.ok) throw new Error("create failed");
    // The third occurrence (after the October DST change: 09:00 Prague is 08:00 UTC) moves an hour later; the fourth is cancelled.
    const moved = eventContent({ title: "Weekly (moved)", start: "2026-11-02T09:00:00.000Z", end: "2026-11-02T10:00:00.000Z", originalStart: "2026-11-02T08:00:00.000Z" });
    const cancelled = eventContent({ title: "Weekly", start: "2026-11-09T08:00:00.000Z", end: "2026-11-09T09:00:00.000Z", originalStart: "2026-11-09T08:00:00.000Z", status: "cancelled" });
    const exceptions = await remote.create([
      { localId: "moved", content: moved, seriesRemoteId: created.remoteId },
      { localId: "cancelled", content: cancelled, seriesRemoteId: created.remoteId },
    ]);
    expect(exceptions.map((result) => result.ok && result.remoteId)).toEqual([`${created.remoteId}#2026-11-02T08:00:00.000Z`, `${created.remoteId}#2026-11-09T08:00:00.000Z`]);
    const live = await person.live();
    expect(live.map((item) => [item.remoteId, item.seriesRemoteId, item.localTag, item.content])).toEqual([
      [created.remoteId, null, "series", series],
      [`${created.remoteId}#2026-11-02T08:00:00.000Z`, created.remoteId, "moved", moved],
      [`${created.remoteId}#2026-11-09T08:00:00.000Z`, created.remoteId, "cancelled", cancelled],
    ]);
    const raw = (await person.raw(created.remoteId)).replace(/\r\n /g, "");
    expect(raw.match(/^RECURRENCE-ID;TZID=Europe\/Prague:/gm)).toHaveLength(2);
    expect(raw).toMatch(/^RRULE:FREQ=WEEKLY;COUNT=6$/m);
  });
});
