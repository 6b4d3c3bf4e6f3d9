import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expandSeries } from "@/lib/calendar/recurrence";
import { openEwsCalendar, type EwsCalendar } from "@/lib/providers/ews/ews-calendar";
import type { ChangePage } from "@/lib/sync/provider";
import { startFakeEws, type FakeEws } from "@/tests/fakes/ews/server";

const env = { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" };
const EXCHANGE_2007_SP1 = { major: 8, minor: 1, build: 240, revision: 6, name: "Exchange2007_SP1" };
let fake: FakeEws;

beforeEach(async () => {
  fake = await startFakeEws({ version: EXCHANGE_2007_SP1 });
});
afterEach(async () => {
  await fake.close();
});

const open = (): Promise<EwsCalendar> => openEwsCalendar({ serverUrl: fake.ewsUrl, login: "CONTOSO\\alice", password: "secret", env, version: "Exchange2007_SP1" });

async function listAll(calendar: EwsCalendar) {
  const pages: ChangePage[] = [];
  for await (const page of calendar.listChanges(null)) pages.push(page);
  return pages.flatMap((page) => page.items);
}

/** A weekly Monday 09:00 (Berlin) series made in Outlook, across the end of summer time on 25 October 2026. */
const weekly = { pattern: { kind: "Weekly" as const, interval: 1, daysOfWeek: ["Monday"], firstDayOfWeek: "Sunday" }, range: { kind: "Numbered" as const, startDate: "2026-10-12", count: 4 } };

describe("Exchange 2007 items", () => {
  it("reads a series that carries its zone only as MeetingTimeZone in that zone: 09:00 stays 09:00 across the DST change", async () => {
    fake.mailbox.add({ subject: "Standup", start: "2026-10-12T07:00:00Z", end: "2026-10-12T07:30:00Z", startTimeZone: "W. Europe Standard Time", endTimeZone: "W. Europe Standard Time", recurrence: weekly });
    const [series] = await listAll(await open());
    expect(series?.content?.timeZone).toBe("Europe/Berlin");
    const starts = expandSeries(series?.content as NonNullable<typeof series>["content"] & object, new Date("2026-10-01T00:00:00Z"), new Date("2026-11-30T00:00:00Z")).map((occurrence) => occurrence.start);
    expect(starts).toEqual(["2026-10-12T07:00:00.000Z", "2026-10-19T07:00:00.000Z", "2026-10-26T08:00:00.000Z", "2026-11-02T08:00:00.000Z"]);
  });

  it("reads a series that carries only Exchange 2007's TimeZone string in that zone, across the DST change", async () => {
    fake.mailbox.add({
      subject: "Standup",
      start: "2026-10-12T07:00:00Z",
      end: "2026-10-12T07:30:00Z",
      startTimeZone: "W. Europe Standard Time",
      endTimeZone: "W. Europe Standard Time",
      legacyTimeZone: "(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
      recurrence: weekly,
    });
    const [series] = await listAll(await open());
    expect(series?.content?.timeZone).toBe("Europe/Berlin");
    const starts = expandSeries(series?.content as NonNullable<typeof series>["content"] & object, new Date("2026-10-01T00:00:00Z"), new Date("2026-11-30T00:00:00Z")).map((occurrence) => occurrence.start);
    expect(starts).toEqual(["2026-10-12T07:00:00.000Z", "2026-10-19T07:00:00.000Z", "2026-10-26T08:00:00.000Z", "2026-11-02T08:00:00.000Z"]);
  });
});
