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

describe("events.import", () => {
  it("imports an event under its iCalUID with the fields insert honours, and refuses one without iCalUID or times", async () => {
    const { api } = newUser();
    const { data } = await api.events.import({
      calendarId: "primary",
      requestBody: { iCalUID: "board-1@atollon.example", summary: "Board", start: timed("2026-12-03T09:00:00Z"), end: timed("2026-12-03T10:00:00Z"), recurrence: ["RRULE:FREQ=WEEKLY;COUNT=2"], extendedProperties: { private: { atollonEventId: "e1" } } },
    });
    expect(data).toMatchObject({ iCalUID: "board-1@atollon.example", summary: "Board", status: "confirmed", recurrence: ["RRULE:FREQ=WEEKLY;COUNT=2"], extendedProperties: { private: { atollonEventId: "e1" } } });
    expect((await api.events.get({ calendarId: "primary", eventId: data.id ?? "" })).data.summary).toBe("Board");
    expect((await api.events.instances({ calendarId: "primary", eventId: data.id ?? "" })).data.items).toHaveLength(2);

    expect(await refusal(api.events.import({ calendarId: "primary", requestBody: { start: timed("2026-12-03T09:00:00Z"), end: timed("2026-12-03T10:00:00Z") } }))).toMatchObject({ status: 400, reason: "required" });
    expect(await refusal(api.events.import({ calendarId: "primary", requestBody: { iCalUID: "no-times@x" } }))).toMatchObject({ status: 400, reason: "required" });
    expect(await refusal(api.events.import({ calendarId: "primary", requestBody: { iCalUID: "bad-rule@x", start: timed("2026-12-03T09:00:00Z"), end: timed("2026-12-03T10:00:00Z"), recurrence: ["RRULE:COUNT=2"] } }))).toMatchObject({ status: 400 });
  });

  it("updates the event that already has the iCalUID instead of adding a second, and reports it as one change", async () => {
    const { api } = newUser();
    const body = { iCalUID: "trip@atollon.example", start: { date: "2026-12-24" }, end: { date: "2026-12-27" } };
    const { data: first } = await api.events.import({ calendarId: "primary", requestBody: { ...body, summary: "Trip" } });
    const listed = await api.events.list({ calendarId: "primary" });
    const syncToken = listed.data.nextSyncToken ?? "";
    const { data: again } = await api.events.import({ calendarId: "primary", requestBody: { ...body, summary: "Trip (longer)", end: { date: "2026-12-28" } } });
    expect(again.id).toBe(first.id);
    expect(again.etag).not.toBe(first.etag);
    const { data: byUid } = await api.events.list({ calendarId: "primary", iCalUID: "trip@atollon.example" });
    expect(byUid.items?.map((item) => [item.id, item.summary, item.end?.date])).toEqual([[first.id, "Trip (longer)", "2026-12-28"]]);
    const { data: changes } = await api.events.list({ calendarId: "primary", syncToken });
    expect(changes.items?.map((item) => item.id)).toEqual([first.id]);
  });

  it("can be set to refuse a second import of an iCalUID with 409 duplicate", async () => {
    const { api } = newUser();
    const body = { iCalUID: "once@atollon.example", start: timed("2026-12-03T09:00:00Z"), end: timed("2026-12-03T10:00:00Z") };
    await api.events.import({ calendarId: "primary", requestBody: body });
    fake.calendar.setImportExisting("reject");
    try {
      expect(await refusal(api.events.import({ calendarId: "primary", requestBody: body }))).toMatchObject({ status: 409, reason: "duplicate" });
    } finally {
      fake.calendar.setImportExisting("update");
    }
  });
});

describe("events.list filters", () => {
  it("filters by privateExtendedProperty and sharedExtendedProperty, every constraint ANDed and each kind matching only its own scope", async () => {
    const { api } = newUser();
    const insert = (summary: string, extendedProperties: calendar_v3.Schema$Event["extendedProperties"]) =>
      api.events.insert({ calendarId: "primary", requestBody: { summary, start: timed("2026-12-01T09:00:00Z"), end: timed("2026-12-01T10:00:00Z"), extendedProperties } });
    await insert("both", { private: { tag: "a", kind: "x=y" }, shared: { team: "ops" } });
    await insert("private only", { private: { tag: "a" } });
    await insert("shared tag", { shared: { tag: "a", team: "ops" } });
    const titles = async (params: Partial<calendar_v3.Params$Resource$Events$List>) => ((await api.events.list({ calendarId: "primary", ...params })).data.items ?? []).map((item) => item.summary).sort();

    expect(await titles({ privateExtendedProperty: ["tag=a"] })).toEqual(["both", "private only"]);
    expect(await titles({ sharedExtendedProperty: ["tag=a"] })).toEqual(["shared tag"]);
    expect(await titles({ privateExtendedProperty: ["tag=a"], sharedExtendedProperty: ["team=ops"] })).toEqual(["both"]);
    expect(await titles({ privateExtendedProperty: ["tag=a", "kind=x=y"] })).toEqual(["both"]);
    expect(await titles({ sharedExtendedProperty: ["team=ops", "tag=b"] })).toEqual([]);

    const token = (await api.events.list({ calendarId: "primary" })).data.nextSyncToken ?? "";
    expect(await refusal(api.events.list({ calendarId: "primary", syncToken: token, sharedExtendedProperty: ["team=ops"] }))).toMatchObject({ status: 400 });
  });

  it("without showDeleted lists cancelled instances of a recurring event but no deleted event or series; with singleEvents=true not even those", async () => {
    const { api } = newUser();
    const series = (await api.events.insert({ calendarId: "primary", requestBody: { summary: "Series", start: timed("2026-12-01T09:00:00Z"), end: timed("2026-12-01T10:00:00Z"), recurrence: ["RRULE:FREQ=DAILY;COUNT=3"] } })).data;
    const gone = (await api.events.insert({ calendarId: "primary", requestBody: { summary: "Gone", start: timed("2026-12-01T09:00:00Z"), end: timed("2026-12-01T10:00:00Z") } })).data;
    const doomed = (await api.events.insert({ calendarId: "primary", requestBody: { summary: "Doomed series", start: timed("2026-12-01T09:00:00Z"), end: timed("2026-12-01T10:00:00Z"), recurrence: ["RRULE:FREQ=DAILY;COUNT=3"] } })).data;
    await api.events.delete({ calendarId: "primary", eventId: `${series.id}_20261202T090000Z` });
    await api.events.delete({ calendarId: "primary", eventId: gone.id ?? "" });
    await api.events.delete({ calendarId: "primary", eventId: doomed.id ?? "" });

    const { data } = await api.events.list({ calendarId: "primary" });
    const shown = (data.items ?? []).map((item) => [item.id, item.status]);
    expect(shown).toContainEqual([series.id, "confirmed"]);
    expect(shown).toContainEqual([`${series.id}_20261202T090000Z`, "cancelled"]);
    expect(shown.map(([id]) => id)).not.toContain(gone.id);
    expect(shown.map(([id]) => id)).not.toContain(doomed.id);

    const single = await api.events.list({ calendarId: "primary", singleEvents: true });
    expect((single.data.items ?? []).filter((item) => item.status === "cancelled")).toEqual([]);
    const all = await api.events.list({ calendarId: "primary", showDeleted: true });
    expect((all.data.items ?? []).map((item) => item.id)).toEqual(expect.arrayContaining([gone.id, doomed.id, `${series.id}_20261202T090000Z`]));
  });
});

interface BatchAnswer {
  status: number;
  retryAfter: string | null;
  body: { id?: string; error?: { code: number; errors: { domain: string; reason: string }[] } } | null;
}

/** Sends calls through the batch endpoint (googleapis has none) and splits the multipart answer. */
async function batch(user: User, calls: { method: string; path: string; body?: unknown }[]): Promise<{ status: number; answers: BatchAnswer[] }> {
  const boundary = `test_${randomBytes(6).toString("hex")}`;
  const parts = calls.map((call, index) =>
    [`--${boundary}`, "Content-Type: application/http", `Content-ID: <item-${index + 1}>`, "", `${call.method} ${call.path} HTTP/1.1`, ...(call.body === undefined ? [""] : ["Content-Type: application/json", "", JSON.stringify(call.body)]), ""].join("\r\n"),
  );
  const response = await fetch(`${fake.url}/batch/calendar/v3`, {
    method: "POST",
    headers: { authorization: `Bearer ${user.token}`, "content-type": `multipart/mixed; boundary=${boundary}` },
    body: `${parts.join("")}--${boundary}--\r\n`,
  });
  const text = await response.text();
  const outer = /boundary=([^;]+)/.exec(response.headers.get("content-type") ?? "")?.[1] ?? "";
  const answers = text
    .split(`--${outer}`)
    .slice(1, -1)
    .map((part) => {
      const [, http = ""] = part.split(/\r\n\r\n(?=HTTP\/1\.1)/);
      const [head = "", ...payload] = http.split("\r\n\r\n");
      const json = payload.join("\r\n\r\n").trim();
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), retryAfter: /^retry-after:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? null, body: json ? (JSON.parse(json) as BatchAnswer["body"]) : null };
    });
  return { status: response.status, answers };
}

const insertCall = (summary: string) => ({ method: "POST", path: "/calendar/v3/calendars/primary/events?sendUpdates=none", body: { summary, start: timed("2026-12-01T09:00:00Z"), end: timed("2026-12-01T10:00:00Z") } });

describe("per-user quota", () => {
  let clock = 0;
  const now = () => clock;

  it("refuses calls over the per-minute quota with 403 userRateLimitExceeded in Google's error shape, per user, on a sliding minute", async () => {
    const ada = newUser();
    const alan = newUser();
    clock = 1_000_000;
    fake.calendar.setQuota({ perMinute: 3, now });
    try {
      for (let i = 0; i < 3; i += 1) await ada.api.events.list({ calendarId: "primary" });
      const refused = await refusal(ada.api.events.list({ calendarId: "primary" }));
      expect(refused.body).toEqual({ error: { errors: [{ domain: "usageLimits", reason: "userRateLimitExceeded", message: "User Rate Limit Exceeded" }], code: 403, message: "User Rate Limit Exceeded" } });
      expect(refused.status).toBe(403);
      // Another user has a quota of their own.
      expect((await alan.api.events.list({ calendarId: "primary" })).status).toBe(200);
      clock += 59_999;
      expect((await refusal(ada.api.events.list({ calendarId: "primary" }))).status).toBe(403);
      clock += 2;
      expect((await ada.api.events.list({ calendarId: "primary" })).status).toBe(200);
    } finally {
      fake.calendar.setQuota(null);
    }
  });

  it("counts every inner call of a batch and refuses those over quota inside the multipart answer", async () => {
    const user = newUser();
    clock = 2_000_000;
    fake.calendar.setQuota({ perMinute: 5, now });
    try {
      const before = fake.calendar.log.length;
      const { status, answers } = await batch(user, Array.from({ length: 7 }, (_, i) => insertCall(`E${i}`)));
      expect(status).toBe(200);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 403, 403]);
      expect(answers[6]?.body?.error?.errors[0]).toMatchObject({ domain: "usageLimits", reason: "userRateLimitExceeded" });
      expect(fake.calendar.events(user.email)).toHaveLength(5);
      expect(fake.calendar.log.length - before).toBe(1);
      expect(fake.calendar.log.at(-1)?.batch).toHaveLength(7);
      expect((await refusal(user.api.events.list({ calendarId: "primary" }))).status).toBe(403);
    } finally {
      fake.calendar.setQuota(null);
    }
  });

  it("can answer 429 rateLimitExceeded with Retry-After instead", async () => {
    const user = newUser();
    clock = 3_000_000;
    fake.calendar.setQuota({ perMinute: 0, status: 429, reason: "rateLimitExceeded", retryAfterSeconds: 30, now });
    try {
      expect(await refusal(user.api.events.list({ calendarId: "primary" }))).toMatchObject({ status: 429, reason: "rateLimitExceeded", domain: "usageLimits" });
      const { answers } = await batch(user, [insertCall("x")]);
      expect(answers[0]).toMatchObject({ status: 429, retryAfter: "30" });
    } finally {
      fake.calendar.setQuota(null);
    }
  });
});

describe("faults on single calls of a batch", () => {
  it("fails the chosen inner calls, by position or by predicate, with Retry-After, and lets the rest through", async () => {
    const user = newUser();
    fake.calendar.injectBatchFaults(
      { target: 1, status: 503, reason: "backendError" },
      { target: (call) => (call.body as { summary?: string } | undefined)?.summary === "E3", status: 403, reason: "rateLimitExceeded", retryAfterSeconds: 7 },
    );
    const { status, answers } = await batch(user, [0, 1, 2, 3].map((i) => insertCall(`E${i}`)));
    expect(status).toBe(200);
    expect(answers.map((answer) => [answer.status, answer.retryAfter])).toEqual([
      [200, null],
      [503, null],
      [200, null],
      [403, "7"],
    ]);
    expect(answers[3]?.body?.error?.errors[0]).toMatchObject({ domain: "usageLimits", reason: "rateLimitExceeded" });
    expect(answers[1]?.body?.error?.errors[0]).toMatchObject({ reason: "backendError" });
    // Failed calls changed nothing; a fault is used once, so the same calls go through next time.
    expect(fake.calendar.events(user.email).map((event) => event.summary).sort()).toEqual(["E0", "E2"]);
    const retry = await batch(user, [insertCall("E1"), insertCall("E3")]);
    expect(retry.answers.map((answer) => answer.status)).toEqual([200, 200]);
  });

  it("keeps a predicate fault for as many calls as `times` says", async () => {
    const user = newUser();
    fake.calendar.injectBatchFaults({ target: (call) => call.method === "POST", status: 500, reason: "backendError", times: 2 });
    const { answers } = await batch(user, [insertCall("a"), insertCall("b"), insertCall("c")]);
    expect(answers.map((answer) => answer.status)).toEqual([500, 500, 200]);
  });
});

describe("request log", () => {
  it("logs import and instances calls like every other request", async () => {
    const { api } = newUser();
    const before = fake.calendar.log.length;
    const { data } = await api.events.import({ calendarId: "primary", requestBody: { iCalUID: "log@x", start: { date: "2026-12-01" }, end: { date: "2026-12-02" }, recurrence: ["RRULE:FREQ=DAILY;COUNT=2"] } });
    await api.events.instances({ calendarId: "primary", eventId: data.id ?? "" });
    expect(fake.calendar.log.slice(before).map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      "POST /calendar/v3/calendars/primary/events/import",
      `GET /calendar/v3/calendars/primary/events/${data.id}/instances`,
    ]);
  });
});

describe("sync tokens", () => {
  it("accepts the token of a calendar that was empty, and refuses every earlier token once they are expired", async () => {
    const { api, email } = newUser();
    const first = await api.events.list({ calendarId: "primary", showDeleted: true });
    expect(first.data.items).toEqual([]);
    await api.events.insert({ calendarId: "primary", requestBody: { summary: "Later", start: timed("2026-12-01T09:00:00Z"), end: timed("2026-12-01T10:00:00Z") } });
    const next = await api.events.list({ calendarId: "primary", showDeleted: true, syncToken: first.data.nextSyncToken as string });
    expect(next.data.items?.map((item) => item.summary)).toEqual(["Later"]);

    fake.calendar.expireSyncTokens(email);
    expect((await refusal(api.events.list({ calendarId: "primary", syncToken: next.data.nextSyncToken as string }))).status).toBe(410);
    expect((await refusal(api.events.list({ calendarId: "primary", syncToken: first.data.nextSyncToken as string }))).status).toBe(410);
  });
});
