import { randomBytes } from "node:crypto";
import { google, type calendar_v3 } from "googleapis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_CLIENT } from "../../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../../fakes/google/server";

// The fake Google Calendar API held to Calendar API v3's documented behaviour, driven through the
// real googleapis client (and, for the batch endpoint the client lacks, raw multipart over fetch).

let fake: FakeGoogle;

beforeAll(async () => {
  fake = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
});

afterAll(async () => {
  await fake.close();
});

interface User {
  email: string;
  token: string;
  api: calendar_v3.Calendar;
}

/** A fresh Google account on the fake and a googleapis client signed in as it. */
function newUser(): User {
  const email = `user-${randomBytes(6).toString("hex")}@gmail.com`;
  const token = fake.oauth.grant(email).accessToken;
  const auth = new google.auth.OAuth2();
  auth.setCredentials({ access_token: token });
  // retry: false so a 429 or 5xx reaches the test instead of being retried inside gaxios.
  return { email, token, api: google.calendar({ version: "v3", rootUrl: `${fake.url}/`, auth, retry: false }) };
}

interface Refusal {
  status: number;
  reason: string | undefined;
  domain: string | undefined;
  body: unknown;
}

/** The HTTP refusal a googleapis call ended with (fails the test if the call succeeded). */
async function refusal(call: Promise<unknown>): Promise<Refusal> {
  try {
    await call;
  } catch (error) {
    const response = (error as { response?: { status: number; data: { error?: { errors?: { reason?: string; domain?: string }[] } } } }).response;
    if (!response) throw error;
    return { status: response.status, reason: response.data.error?.errors?.[0]?.reason, domain: response.data.error?.errors?.[0]?.domain, body: response.data };
  }
  throw new Error("expected the call to be refused");
}

const timed = (dateTime: string, timeZone = "UTC") => ({ dateTime, timeZone });

describe("events.instances", () => {
  it("expands a weekly series on its time zone's wall clock, with ids <seriesId>_<UTC stamp>", async () => {
    const { api } = newUser();
    // 09:00 in Prague every Thursday; summer time ends on 25 October 2026, so the UTC hour moves.
    const { data: series } = await api.events.insert({
      calendarId: "primary",
      requestBody: { summary: "Stand-up", start: timed("2026-10-15T09:00:00+02:00", "Europe/Prague"), end: timed("2026-10-15T09:30:00+02:00", "Europe/Prague"), recurrence: ["RRULE:FREQ=WEEKLY;COUNT=4"] },
    });
    const { data } = await api.events.instances({ calendarId: "primary", eventId: series.id ?? "" });
    expect(data.items?.map((item) => item.id)).toEqual(["20261015T070000Z", "20261022T070000Z", "20261029T080000Z", "20261105T080000Z"].map((stamp) => `${series.id}_${stamp}`));
    const [first] = data.items ?? [];
    expect(first).toMatchObject({ recurringEventId: series.id, summary: "Stand-up", originalStartTime: { dateTime: "2026-10-15T07:00:00.000Z", timeZone: "Europe/Prague" }, end: { dateTime: "2026-10-15T07:30:00.000Z" } });
    expect(first?.recurrence).toBeUndefined();
  });

  it("names all-day instances <seriesId>_<yyyymmdd> and leaves out EXDATEs", async () => {
    const { api } = newUser();
    const { data: series } = await api.events.insert({
      calendarId: "primary",
      requestBody: { summary: "Gym", start: { date: "2026-12-01" }, end: { date: "2026-12-02" }, recurrence: ["RRULE:FREQ=DAILY;COUNT=4", "EXDATE;VALUE=DATE:20261203"] },
    });
    const { data } = await api.events.instances({ calendarId: "primary", eventId: series.id ?? "" });
    expect(data.items?.map((item) => [item.id, item.start?.date, item.end?.date])).toEqual([
      [`${series.id}_20261201`, "2026-12-01", "2026-12-02"],
      [`${series.id}_20261202`, "2026-12-02", "2026-12-03"],
      [`${series.id}_20261204`, "2026-12-04", "2026-12-05"],
    ]);
  });

  it("applies a modified exception and hides a cancelled one unless showDeleted=true", async () => {
    const { api } = newUser();
    const { data: series } = await api.events.insert({
      calendarId: "primary",
      requestBody: { summary: "Weekly", start: timed("2026-12-01T09:00:00Z"), end: timed("2026-12-01T10:00:00Z"), recurrence: ["RRULE:FREQ=WEEKLY;COUNT=3"] },
    });
    const id = series.id ?? "";
    await api.events.patch({ calendarId: "primary", eventId: `${id}_20261208T090000Z`, requestBody: { summary: "Moved", start: timed("2026-12-08T14:00:00Z"), end: timed("2026-12-08T15:00:00Z") } });
    await api.events.delete({ calendarId: "primary", eventId: `${id}_20261215T090000Z` });

    const { data } = await api.events.instances({ calendarId: "primary", eventId: id });
    expect(data.items?.map((item) => [item.id, item.summary, item.start?.dateTime])).toEqual([
      [`${id}_20261201T090000Z`, "Weekly", "2026-12-01T09:00:00.000Z"],
      [`${id}_20261208T090000Z`, "Moved", "2026-12-08T14:00:00Z"],
    ]);
    const { data: withDeleted } = await api.events.instances({ calendarId: "primary", eventId: id, showDeleted: true });
    expect(withDeleted.items?.map((item) => [item.id, item.status])).toEqual([
      [`${id}_20261201T090000Z`, "confirmed"],
      [`${id}_20261208T090000Z`, "confirmed"],
      [`${id}_20261215T090000Z`, "cancelled"],
    ]);
  });

  it("filters by timeMin (inclusive, on the end) and timeMax (exclusive, on the start), by originalStart, and pages", async () => {
    const { api } = newUser();
    const { data: series } = await api.events.insert({
      calendarId: "primary",
      requestBody: { summary: "Daily", start: timed("2026-12-01T09:00:00Z"), end: timed("2026-12-01T10:00:00Z"), recurrence: ["RRULE:FREQ=DAILY"] },
    });
    const id = series.id ?? "";
    // timeMin equal to the 2 Dec occurrence's end keeps it; timeMax equal to the 6 Dec start drops that one.
    const window = { calendarId: "primary", eventId: id, timeMin: "2026-12-02T10:00:00Z", timeMax: "2026-12-06T09:00:00Z" };
    const { data: all } = await api.events.instances(window);
    expect(all.items?.map((item) => item.start?.dateTime?.slice(0, 10))).toEqual(["2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"]);

    const pages: string[][] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await api.events.instances({ ...window, maxResults: 3, ...(pageToken ? { pageToken } : {}) });
      pages.push((data.items ?? []).map((item) => item.id ?? ""));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(pages.map((page) => page.length)).toEqual([3, 1]);
    expect(pages.flat()).toEqual(all.items?.map((item) => item.id));

    const { data: one } = await api.events.instances({ calendarId: "primary", eventId: id, originalStart: "2026-12-10T09:00:00Z" });
    expect(one.items?.map((item) => item.id)).toEqual([`${id}_20261210T090000Z`]);

    expect(await refusal(api.events.instances({ ...window, timeMax: "2026-12-01T00:00:00Z" }))).toMatchObject({ status: 400, reason: "timeRangeEmpty" });
    expect((await refusal(api.events.instances({ ...window, timeMin: "2026-12-02T10:00:00" }))).status).toBe(400);
  });

  it("answers 404 for an unknown event and 400 for a single event", async () => {
    const { api } = newUser();
    const { data: single } = await api.events.insert({ calendarId: "primary", requestBody: { start: timed("2026-12-01T09:00:00Z"), end: timed("2026-12-01T10:00:00Z") } });
    expect((await refusal(api.events.instances({ calendarId: "primary", eventId: "nosuchevent" }))).status).toBe(404);
    expect((await refusal(api.events.instances({ calendarId: "primary", eventId: single.id ?? "" }))).status).toBe(400);
  });
});

describe("instance ids", () => {
  it("reads and writes a real occurrence by its instance id, and answers 404 for any other <series>_<stamp>", async () => {
    const { api } = newUser();
    const { data: series } = await api.events.insert({
      calendarId: "primary",
      requestBody: { summary: "Weekly", start: timed("2026-12-01T09:00:00Z"), end: timed("2026-12-01T10:00:00Z"), recurrence: ["RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE:20261208T090000Z"] },
    });
    const id = series.id ?? "";
    const { data: real } = await api.events.get({ calendarId: "primary", eventId: `${id}_20261215T090000Z` });
    expect(real).toMatchObject({ recurringEventId: id, originalStartTime: { dateTime: "2026-12-15T09:00:00.000Z" } });

    const notOccurrences = [
      `${id}_20261201T100000Z`, // the right day at the wrong time
      `${id}_20261202T090000Z`, // a day the rule skips
      `${id}_20261208T090000Z`, // excluded by EXDATE
      `${id}_20261222T090000Z`, // past COUNT
      `${id}_20261201`, // an all-day stamp on a timed series
    ];
    const body = { summary: "x", start: timed("2026-12-01T09:00:00Z"), end: timed("2026-12-01T10:00:00Z") };
    for (const eventId of notOccurrences) {
      expect((await refusal(api.events.get({ calendarId: "primary", eventId }))).status).toBe(404);
      expect((await refusal(api.events.patch({ calendarId: "primary", eventId, requestBody: { summary: "x" } }))).status).toBe(404);
      expect((await refusal(api.events.update({ calendarId: "primary", eventId, requestBody: body }))).status).toBe(404);
      expect((await refusal(api.events.delete({ calendarId: "primary", eventId }))).status).toBe(404);
    }
    const { data: updated } = await api.events.update({ calendarId: "primary", eventId: `${id}_20261215T090000Z`, requestBody: { ...body, summary: "Exception" } });
    expect(updated).toMatchObject({ id: `${id}_20261215T090000Z`, recurringEventId: id, summary: "Exception" });
  });
});
