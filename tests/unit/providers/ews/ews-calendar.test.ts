import { XhrApi } from "@ewsjs/xhr";
import { ExchangeService, ExchangeVersion, FolderId, PropertySet, SyncFolderItemsScope, Uri, WebCredentials, WellKnownFolderName } from "ews-javascript-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { openEwsCalendar, type EwsCalendar } from "@/lib/providers/ews/ews-calendar";
import { AuthorizationError, CursorExpiredError, RemoteUnavailableError, type ChangePage, type RemoteItem } from "@/lib/sync/provider";
import { startFakeEws, type FakeEws } from "@/tests/fakes/ews/server";

const env = { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" };
let fake: FakeEws;
let waits: number[];

function content(overrides: Partial<EventContent> = {}): EventContent {
  return {
    title: "Planning",
    description: "Agenda",
    location: "Room 1",
    allDay: false,
    start: "2026-12-01T09:00:00.000Z",
    end: "2026-12-01T10:00:00.000Z",
    timeZone: "Europe/Prague",
    rrule: null,
    exdates: [],
    rdates: [],
    status: "confirmed",
    transparency: "opaque",
    visibility: "default",
    reminders: [15],
    attendees: [],
    organizer: null,
    originalStart: null,
    ...overrides,
  };
}

async function open(options: { password?: string; retryBudgetMs?: number } = {}): Promise<EwsCalendar> {
  return openEwsCalendar({
    serverUrl: fake.ewsUrl,
    login: "CONTOSO\\alice",
    password: options.password ?? "secret",
    env,
    retryBudgetMs: options.retryBudgetMs ?? 10_000,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
}

async function pages(calendar: EwsCalendar, cursor: string | null): Promise<ChangePage[]> {
  const result: ChangePage[] = [];
  for await (const page of calendar.listChanges(cursor)) result.push(page);
  return result;
}

const created = (results: Awaited<ReturnType<EwsCalendar["create"]>>) =>
  results.map((result) => {
    if (!result.ok) throw new Error(result.message);
    return result;
  });

beforeEach(async () => {
  fake = await startFakeEws();
  waits = [];
});
afterEach(async () => {
  await fake.close();
});

describe("EwsCalendar against the fake", () => {
  it("creates in batches of 100 and lists everything with SyncFolderItems pages of 512 and GetItem batches", async () => {
    const calendar = await open();
    const requests = Array.from({ length: 600 }, (_, index) => ({ localId: `local-${index}`, content: content({ title: `Event ${index}` }), seriesRemoteId: null }));
    const results = created(await calendar.create(requests));
    expect(results).toHaveLength(600);
    expect(fake.count("CreateItem")).toBe(6);
    const listed = await pages(calendar, null);
    expect(fake.count("SyncFolderItems")).toBe(2);
    // 512 + 88 changes, read as 6 full GetItem batches: the 12 left over from the first page wait for the second.
    expect(fake.count("GetItem")).toBe(6);
    const items = listed.flatMap((page) => page.items);
    expect(items).toHaveLength(600);
    expect(listed[0]?.nextCursor).toBeUndefined();
    expect(listed.at(-1)?.nextCursor).toBeTruthy();
    expect(new Set(items.map((item) => item.localTag)).size).toBe(600);
    expect(calendar.requestCount).toBe(6 + 2 + 6);
  });

  it("gives a page the SyncState a listing can resume from once every change it covers has been handed over", async () => {
    const calendar = await open();
    const requests = Array.from({ length: 1100 }, (_, index) => ({ localId: `local-${index}`, content: content({ title: `Event ${index}` }), seriesRemoteId: null }));
    created(await calendar.create(requests));
    const listed = await pages(calendar, null);
    // SyncFolderItems returns 512 + 512 + 76 changes; GetItem reads whole batches of 100, so 12 ids of
    // the first call are still unread after the first page: its SyncState is no cursor yet.
    expect(listed.map((page) => page.items.length)).toEqual([500, 500, 100]);
    expect(listed[0]?.pageCursor).toBeUndefined();
    const resumeAt = listed[1]?.pageCursor;
    expect(resumeAt).toBeTruthy();
    expect(listed[2]?.pageCursor).toBeUndefined();

    const rest = (await pages(calendar, resumeAt ?? null)).flatMap((page) => page.items);
    const handedOver = listed.slice(0, 2).flatMap((page) => page.items);
    expect(new Set([...handedOver, ...rest].map((item) => item.localTag)).size).toBe(1100);
    // The second and third calls' changes, not the first's again.
    expect(rest).toHaveLength(588);
  });

  it("lists only changes after the cursor, deletions with null content, and a quiet mailbox in one request", async () => {
    const calendar = await open();
    const [first, second] = created(await calendar.create([
      { localId: "a", content: content({ title: "A" }), seriesRemoteId: null },
      { localId: "b", content: content({ title: "B" }), seriesRemoteId: null },
    ]));
    const cursor = (await pages(calendar, null)).at(-1)?.nextCursor ?? null;
    const item = fake.mailbox.items.get(first?.remoteId ?? "");
    if (!item) throw new Error("missing");
    item.subject = "A, edited in Outlook";
    fake.mailbox.touch(item);
    fake.mailbox.remove(second?.remoteId ?? "");
    const changes = await pages(calendar, cursor);
    const items = changes.flatMap((page) => page.items);
    expect(items.map((entry) => [entry.remoteId, entry.content?.title ?? null])).toEqual([
      [first?.remoteId, "A, edited in Outlook"],
      [second?.remoteId, null],
    ]);
    const before = calendar.requestCount;
    const quiet = await pages(calendar, changes.at(-1)?.nextCursor ?? null);
    expect(quiet.flatMap((page) => page.items)).toEqual([]);
    expect(calendar.requestCount - before).toBe(1);
  });

  it("throws CursorExpiredError when the sync state is no longer valid", async () => {
    const calendar = await open();
    const cursor = (await pages(calendar, null)).at(-1)?.nextCursor ?? null;
    fake.mailbox.expireSyncStates();
    await expect(pages(calendar, cursor)).rejects.toBeInstanceOf(CursorExpiredError);
  });

  it("updates with the ChangeKey, reports a stale one as a conflict and a missing item as not-found", async () => {
    const calendar = await open();
    const [a, b] = created(await calendar.create([
      { localId: "a", content: content(), seriesRemoteId: null },
      { localId: "b", content: content(), seriesRemoteId: null },
    ]));
    const stored = fake.mailbox.items.get(b?.remoteId ?? "");
    if (!stored || !a || !b) throw new Error("missing");
    fake.mailbox.touch(stored);
    const results = await calendar.update([
      { remoteId: a.remoteId, versionToken: a.versionToken, localId: "a", content: content({ title: "New" }), previous: null, seriesRemoteId: null },
      { remoteId: b.remoteId, versionToken: b.versionToken, localId: "b", content: content({ title: "Lost" }), previous: null, seriesRemoteId: null },
      { remoteId: "AAMkADgone", versionToken: "x", localId: "c", content: content(), previous: null, seriesRemoteId: null },
    ]);
    expect(fake.count("UpdateItem")).toBe(1);
    expect(results[0]).toMatchObject({ ok: true, remoteId: a.remoteId });
    expect(results[0]?.ok && results[0].versionToken).not.toBe(a.versionToken);
    expect(results[1]).toMatchObject({ ok: false, kind: "conflict" });
    expect(results[2]).toMatchObject({ ok: false, kind: "not-found" });
    expect(fake.mailbox.items.get(a.remoteId)?.subject).toBe("New");
    expect(fake.mailbox.items.get(b.remoteId)?.subject).toBe("Planning");
  });

  it("accepts an UpdateItem answer without ConflictResults (messages.xsd lets the server leave it out)", async () => {
    const calendar = await open();
    fake.mailbox.omitConflictResults = true;
    const [made] = created(await calendar.create([{ localId: "a", content: content(), seriesRemoteId: null }]));
    if (!made) throw new Error("missing");
    const [result] = await calendar.update([{ remoteId: made.remoteId, versionToken: made.versionToken, localId: "a", content: content({ title: "Edited in Atollon" }), previous: content(), seriesRemoteId: null }]);
    expect(result).toMatchObject({ ok: true, remoteId: made.remoteId, versionToken: fake.mailbox.items.get(made.remoteId)?.changeKey });
    expect(fake.mailbox.items.get(made.remoteId)?.subject).toBe("Edited in Atollon");
  });

  it("reports a change Exchange received between the bind and the UpdateItem (ErrorIrresolvableConflict) as a conflict, and keeps that change", async () => {
    const calendar = await open();
    const [made] = created(await calendar.create([{ localId: "a", content: content(), seriesRemoteId: null }]));
    if (!made) throw new Error("missing");
    fake.beforeNext("UpdateItem", () => {
      const item = fake.mailbox.items.get(made.remoteId);
      if (!item) throw new Error("missing");
      item.subject = "Edited in Outlook meanwhile";
      fake.mailbox.touch(item);
    });
    const [result] = await calendar.update([{ remoteId: made.remoteId, versionToken: made.versionToken, localId: "a", content: content({ title: "Edited in Atollon" }), previous: null, seriesRemoteId: null }]);
    expect(fake.count("GetItem")).toBe(1);
    expect(result).toMatchObject({ ok: false, kind: "conflict", message: expect.stringContaining("ErrorIrresolvableConflict") });
    expect(fake.mailbox.items.get(made.remoteId)?.subject).toBe("Edited in Outlook meanwhile");
  });

  it("reads items again by id — an exception through its master, in one GetItem round — and says which are gone", async () => {
    const calendar = await open();
    const weekly = content({ title: "Standup", rrule: "FREQ=WEEKLY;COUNT=5" });
    const [series] = created(await calendar.create([{ localId: "s", content: weekly, seriesRemoteId: null }]));
    if (!series) throw new Error("missing");
    const moved = content({ ...weekly, rrule: null, title: "Standup, moved", originalStart: weekly.start });
    const [exception] = created(await calendar.create([{ localId: "e", content: moved, seriesRemoteId: series.remoteId }]));
    if (!exception) throw new Error("missing");
    const reads = fake.count("GetItem");

    const [again, master, gone] = await calendar.read([exception.remoteId, series.remoteId, "AAMkADgone"]);
    expect(again).toMatchObject({ remoteId: exception.remoteId, seriesRemoteId: series.remoteId, content: { title: "Standup, moved", originalStart: weekly.start } });
    expect(master).toMatchObject({ remoteId: series.remoteId, seriesRemoteId: null, content: { title: "Standup", rrule: "FREQ=WEEKLY;COUNT=5" } });
    expect(gone).toBe("absent");
    // The master and the unknown id in one GetItem, then the exception's own details.
    expect(fake.count("GetItem") - reads).toBe(2);
  });

  it("deletes in one batch without cancellations and reports a missing item", async () => {
    const calendar = await open();
    const made = created(await calendar.create([{ localId: "a", content: content(), seriesRemoteId: null }]));
    const results = await calendar.delete([
      { remoteId: made[0]?.remoteId ?? "", versionToken: made[0]?.versionToken ?? "" },
      { remoteId: "AAMkADgone", versionToken: "" },
    ]);
    expect(results.map((result) => (result.ok ? "ok" : result.kind))).toEqual(["ok", "not-found"]);
    expect(fake.count("DeleteItem")).toBe(1);
    expect(fake.requestLog.find((entry) => entry.operation === "DeleteItem")?.body).toContain('SendMeetingCancellations="SendToNone"');
    expect(fake.requestLog.find((entry) => entry.operation === "CreateItem")?.body).toContain('SendMeetingInvitations="SendToNone"');
  });

  it("finds items by their local tag", async () => {
    const calendar = await open();
    created(await calendar.create(["x", "y", "z"].map((localId) => ({ localId, content: content({ title: localId }), seriesRemoteId: null }))));
    const found = await calendar.findByLocalTag(["y", "z", "missing"]);
    expect(found.map((item) => item.localTag).sort()).toEqual(["y", "z"]);
    expect(await calendar.findByLocalTag([])).toEqual([]);
  });

  it("waits the back-off ErrorServerBusy asks for, then succeeds", async () => {
    const calendar = await open();
    fake.throttle(2, 1_500);
    await pages(calendar, null);
    expect(waits).toEqual([1_500, 1_500]);
    expect(calendar.requestCount).toBe(3);
  });

  it("retries other transient faults with growing waits and gives up when the budget is spent", async () => {
    const calendar = await open({ retryBudgetMs: 2_000 });
    fake.failWith(10, 503);
    await expect(pages(calendar, null)).rejects.toBeInstanceOf(RemoteUnavailableError);
    expect(waits).toEqual([500, 1_000]);
  });

  it("treats an HTTP 500 that carries no SOAP fault as unavailable instead of handing it to the library", async () => {
    const calendar = await open({ retryBudgetMs: 600 });
    fake.failWith(10, 500);
    await expect(pages(calendar, null)).rejects.toBeInstanceOf(RemoteUnavailableError);
    expect(waits).toEqual([500]);
  });

  it("gives up at once when the back-off asked for exceeds the budget", async () => {
    const calendar = await open({ retryBudgetMs: 2_000 });
    fake.throttle(1, 300_000);
    await expect(pages(calendar, null)).rejects.toBeInstanceOf(RemoteUnavailableError);
  });

  it("reads again, after its BackOffMilliseconds, an item Exchange answered ErrorServerBusy inside a 200 answer; the rest of the batch is read once", async () => {
    const calendar = await open();
    const items = ["One", "Two", "Three"].map((subject) => fake.mailbox.add({ subject }));
    fake.mailbox.busyReads.set(items[1]?.id ?? "", { times: 2, backOffMs: 1_500 });
    const listed = (await pages(calendar, null)).flatMap((page) => page.items).map((entry) => entry.content?.title);
    expect(listed.sort()).toEqual(["One", "Three", "Two"]);
    expect(waits).toEqual([1_500, 1_500]);
    expect(fake.count("GetItem")).toBe(3);
  });

  it("ends the listing as unavailable when an item stays busy beyond the retry budget", async () => {
    const calendar = await open({ retryBudgetMs: 2_000 });
    const item = fake.mailbox.add({ subject: "Busy" });
    fake.mailbox.busyReads.set(item.id, { times: 5, backOffMs: 1_500 });
    await expect(pages(calendar, null)).rejects.toBeInstanceOf(RemoteUnavailableError);
    expect(waits).toEqual([1_500]);
  });

  it("ends the listing as unavailable when an item cannot be read, rather than reporting it gone", async () => {
    const calendar = await open();
    const item = fake.mailbox.add({ subject: "Busy" });
    fake.mailbox.readErrors.set(item.id, "ErrorServerBusy");
    await expect(pages(calendar, null)).rejects.toBeInstanceOf(RemoteUnavailableError);
    fake.mailbox.readErrors.delete(item.id);
    expect((await pages(calendar, null)).flatMap((page) => page.items).map((entry) => entry.content?.title)).toEqual(["Busy"]);
  });

  it("refuses a redirect to another host at once, saying where it led, and never follows it", async () => {
    const elsewhere = await startFakeEws();
    try {
      const calendar = await open();
      fake.redirectTo(elsewhere.ewsUrl);
      const error = await pages(calendar, null).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RemoteUnavailableError);
      expect((error as Error).message).toBe(`Exchange redirected the request to ${elsewhere.ewsUrl} (HTTP 302); redirects are not followed. Enter the EWS address itself in the account's Server field.`);
      expect(waits).toEqual([]);
      expect(elsewhere.requestLog).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it("ends a call whose answer is over the size cap without retrying it", async () => {
    const calendar = await openEwsCalendar({ serverUrl: fake.ewsUrl, login: "CONTOSO\\alice", password: "secret", env, maxBytes: 100_000, sleep: async (ms) => void waits.push(ms) });
    fake.padAnswers(200_000);
    const error = await pages(calendar, null).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemoteUnavailableError);
    expect((error as Error).message).toContain("larger than the 98 KB allowed");
    expect(calendar.requestCount).toBe(1);
    fake.padAnswers(0);
    expect(await pages(calendar, null)).toHaveLength(1);
  });

  it("reports a refused password as AuthorizationError password-rejected", async () => {
    const calendar = await open({ password: "wrong" });
    const error = await pages(calendar, null).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthorizationError);
    expect((error as AuthorizationError).reason).toBe("password-rejected");
  });

  it("round-trips all-day events, time zones, attendees, reminders and privacy exactly", async () => {
    const calendar = await open();
    const events = [
      content({ allDay: true, start: "2026-12-24", end: "2026-12-27", timeZone: null, reminders: [] }),
      content({ timeZone: "America/New_York", visibility: "private", transparency: "transparent" }),
      content({ timeZone: "Asia/Kolkata", status: "tentative", reminders: [60] }),
      content({
        attendees: [
          { email: "bob@contoso.test", name: "Bob", response: "accepted", optional: false },
          { email: "carol@contoso.test", name: null, response: "needsAction", optional: true },
        ],
      }),
    ];
    created(await calendar.create(events.map((event, index) => ({ localId: `e${index}`, content: event, seriesRemoteId: null }))));
    const listed = (await pages(calendar, null)).flatMap((page) => page.items);
    const byTag = new Map(listed.map((item: RemoteItem) => [item.localTag, item.content]));
    events.forEach((event, index) => {
      expect(byTag.get(`e${index}`)).toEqual(event);
    });
    expect([...fake.mailbox.items.values()].map((item) => item.startTimeZone).sort()).toEqual(["Central Europe Standard Time", "Eastern Standard Time", "India Standard Time", "UTC"]);
  });

  it("maps a zone an Outlook user picked to an IANA zone", async () => {
    const calendar = await open();
    fake.mailbox.add({ subject: "From Outlook", start: "2026-12-01T09:00:00Z", end: "2026-12-01T10:00:00Z", startTimeZone: "Tokyo Standard Time" });
    const [item] = (await pages(calendar, null)).flatMap((page) => page.items);
    expect(item?.content).toMatchObject({ title: "From Outlook", timeZone: "Asia/Tokyo", reminders: [15] });
    expect(item?.localTag).toBeNull();
  });

  it.each([
    ["markup and quotes", `Q&A <draft> "quoted" 'single' ]]> &amp;`],
    ["emoji and right-to-left text", "Party 🎉👩‍👩‍👧 שלום עולם مرحبا \u202Bembedded\u202C"],
    ["whitespace and line breaks", "  leading\ttab\nline two\r\nline three  "],
  ])("round-trips text with %s exactly", async (_label, value) => {
    const calendar = await open();
    const event = content({ title: value, description: value, location: value, attendees: [{ email: "x@contoso.test", name: value, response: "needsAction", optional: false }] });
    created(await calendar.create([{ localId: value, content: event, seriesRemoteId: null }]));
    const [item] = (await pages(calendar, null)).flatMap((page) => page.items);
    expect(item?.localTag).toBe(value);
    expect(item?.content).toMatchObject({ title: value, description: value, location: value, attendees: [{ name: value }] });
  });

  it("drops the control characters XML cannot carry and keeps the rest, in every text field", async () => {
    const calendar = await open();
    const dirty = "bell\u0007 null\u0000 ok\u001F";
    const event = content({ title: dirty, description: dirty, location: dirty, attendees: [{ email: "x@contoso.test", name: dirty, response: "needsAction", optional: false }] });
    created(await calendar.create([{ localId: `id${dirty}`, content: event, seriesRemoteId: null }]));
    const [item] = (await pages(calendar, null)).flatMap((page) => page.items);
    expect(item?.content).toMatchObject({ title: "bell null ok", description: "bell null ok", location: "bell null ok", attendees: [{ name: "bell null ok" }] });
    // The id travels as a JSON string, whose escapes carry even these characters.
    expect(item?.localTag).toBe(`id${dirty}`);
  });
});

describe("NTLM", () => {
  it("syncs through NTLM when the server offers no Basic, counting each call once", async () => {
    const ntlm = await startFakeEws({ authSchemes: ["NTLM"] });
    try {
      const calendar = await openEwsCalendar({ serverUrl: ntlm.ewsUrl, login: "CONTOSO\\alice", password: "secret", env, authentication: "ntlm" });
      created(await calendar.create([{ localId: "n", content: content({ title: "Over NTLM" }), seriesRemoteId: null }]));
      const items = (await pages(calendar, null)).flatMap((page) => page.items);
      expect(items.map((item) => item.content?.title)).toEqual(["Over NTLM"]);
      expect(calendar.requestCount).toBe(3);
      const refused = await openEwsCalendar({ serverUrl: ntlm.ewsUrl, login: "CONTOSO\\alice", password: "wrong", env });
      await expect(pages(refused, null)).rejects.toBeInstanceOf(AuthorizationError);
    } finally {
      await ntlm.close();
    }
  });
});

describe("the fake", () => {
  it("answers the NTLM handshake of @ewsjs/xhr's own client: a GET with Type 1, then the POST with Type 3", async () => {
    const ntlm = await startFakeEws({ authSchemes: ["NTLM"] });
    try {
      const service = new ExchangeService(ExchangeVersion.Exchange2013_SP1);
      service.Url = new Uri(ntlm.ewsUrl);
      service.Credentials = new WebCredentials("CONTOSO\\alice", "secret");
      service.XHRApi = new XhrApi({ rejectUnauthorized: true }).useNtlmAuthentication("CONTOSO\\alice", "secret");
      const changes = await service.SyncFolderItems(new FolderId(WellKnownFolderName.Calendar), PropertySet.IdOnly, [], 512, SyncFolderItemsScope.NormalItems, "");
      expect(changes.SyncState).toBeTruthy();
      expect(ntlm.requestLog.map((entry) => entry.method)).toEqual(["GET", "POST"]);
    } finally {
      await ntlm.close();
    }
  });

  it("refuses a request that is not well-formed XML with a SOAP fault, as Exchange does", async () => {
    const response = await fetch(fake.ewsUrl, {
      method: "POST",
      headers: { "Content-Type": "text/xml; charset=utf-8", Authorization: `Basic ${Buffer.from("CONTOSO\\alice:secret").toString("base64")}` },
      body: `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:CreateItem xmlns:m="x"><t:Subject>A & B</t:Subject></m:CreateItem></soap:Body></soap:Envelope>`,
    });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("ErrorSchemaValidation");
    expect(fake.mailbox.items.size).toBe(0);
  });
});

describe("the fake's CalendarView", () => {
  const findInView = (startDate: string, endDate: string) =>
    fetch(fake.ewsUrl, {
      method: "POST",
      headers: { "Content-Type": "text/xml; charset=utf-8", Authorization: `Basic ${Buffer.from("CONTOSO\\alice:secret").toString("base64")}` },
      body: `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header><soap:Body><m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:CalendarView StartDate="${startDate}" EndDate="${endDate}"/><m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem></soap:Body></soap:Envelope>`,
    }).then((response) => response.text());

  it("returns the items that overlap the range and refuses a range over two years", async () => {
    fake.mailbox.add({ subject: "Inside", start: "2026-12-01T09:00:00Z", end: "2026-12-01T10:00:00Z" });
    fake.mailbox.add({ subject: "Outside", start: "2027-03-01T09:00:00Z", end: "2027-03-01T10:00:00Z" });
    const inView = await findInView("2026-11-30T00:00:00Z", "2026-12-31T00:00:00Z");
    expect(inView).toContain("<t:Subject>Inside</t:Subject>");
    expect(inView).not.toContain("Outside");
    expect(inView).toContain('TotalItemsInView="1"');
    expect(await findInView("2026-01-01T00:00:00Z", "2029-01-01T00:00:00Z")).toContain("ErrorCalendarViewRangeTooBig");
  });
});

describe("Exchange versions", () => {
  const servers = {
    Exchange2007_SP1: { major: 8, minor: 1, build: 240, revision: 6, name: "Exchange2007_SP1" },
    Exchange2010_SP2: { major: 14, minor: 2, build: 247, revision: 5, name: "Exchange2010_SP2" },
  };

  it.each(Object.entries(servers))("creates, lists, updates and deletes a time-zoned event at %s", async (name, version) => {
    const server = await startFakeEws({ version });
    try {
      const calendar = await openEwsCalendar({ serverUrl: server.ewsUrl, login: "CONTOSO\\alice", password: "secret", env, version: name });
      const event = content({ timeZone: "America/New_York", start: "2026-12-01T14:00:00.000Z", end: "2026-12-01T15:30:00.000Z" });
      const [made] = created(await calendar.create([{ localId: "tz", content: event, seriesRemoteId: null }]));
      if (!made) throw new Error("not created");
      const first = await pages(calendar, null);
      expect(first.flatMap((page) => page.items).map((item) => item.content)).toEqual([event]);
      expect(server.mailbox.items.get(made.remoteId)).toMatchObject({ startTimeZone: "Eastern Standard Time", endTimeZone: "Eastern Standard Time" });

      const moved = { ...event, title: "Moved to Tokyo", timeZone: "Asia/Tokyo", start: "2026-12-02T01:00:00.000Z", end: "2026-12-02T02:00:00.000Z" };
      const [updated] = await calendar.update([{ remoteId: made.remoteId, versionToken: made.versionToken, localId: "tz", content: moved, previous: null, seriesRemoteId: null }]);
      expect(updated).toMatchObject({ ok: true, remoteId: made.remoteId });
      const second = await pages(calendar, first.at(-1)?.nextCursor ?? null);
      expect(second.flatMap((page) => page.items).map((item) => item.content)).toEqual([moved]);

      const [deleted] = await calendar.delete([{ remoteId: made.remoteId, versionToken: updated?.ok ? updated.versionToken : "" }]);
      expect(deleted).toMatchObject({ ok: true });
      const third = await pages(calendar, second.at(-1)?.nextCursor ?? null);
      expect(third.flatMap((page) => page.items).map((item) => [item.remoteId, item.content])).toEqual([[made.remoteId, null]]);
      // The server validated every request against the schema of the version it named.
      expect(server.requestLog.filter((entry) => entry.operation && !entry.body.includes(`Version="${name}"`))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it.each(Object.entries(servers))("creates a weekly series and reads it back unchanged at %s", async (name, version) => {
    const server = await startFakeEws({ version });
    try {
      const calendar = await openEwsCalendar({ serverUrl: server.ewsUrl, login: "CONTOSO\\alice", password: "secret", env, version: name });
      const series = content({ title: "Standup", timeZone: "Europe/Prague", start: "2026-12-07T08:00:00.000Z", end: "2026-12-07T08:15:00.000Z", rrule: "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10" });
      const [made] = created(await calendar.create([{ localId: "weekly", content: series, seriesRemoteId: null }]));
      if (!made) throw new Error("not created");
      expect((await pages(calendar, null)).flatMap((page) => page.items).map((item) => item.content)).toEqual([series]);
    } finally {
      await server.close();
    }
  });

  it("refuses, like Exchange, elements the requested version's schema lacks and versions newer than the server", async () => {
    const server = await startFakeEws({ version: servers.Exchange2007_SP1 });
    const soap = (version: string, item: string) =>
      fetch(server.ewsUrl, {
        method: "POST",
        headers: { "Content-Type": "text/xml; charset=utf-8", Authorization: `Basic ${Buffer.from("CONTOSO\\alice:secret").toString("base64")}` },
        body: `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="${version}"/></soap:Header><soap:Body><m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>x</t:Subject><t:Start>2026-12-01T09:00:00Z</t:Start><t:End>2026-12-01T10:00:00Z</t:End>${item}</t:CalendarItem></m:Items></m:CreateItem></soap:Body></soap:Envelope>`,
      }).then(async (response) => ({ status: response.status, body: await response.text() }));
    try {
      expect(await soap("Exchange2007_SP1", `<t:EndTimeZone Id="UTC"/>`)).toMatchObject({ status: 500, body: expect.stringContaining("ErrorSchemaValidation") });
      expect(await soap("Exchange2010", "")).toMatchObject({ status: 500, body: expect.stringContaining("ErrorInvalidServerVersion") });
      expect(server.mailbox.items.size).toBe(0);
      expect(await soap("Exchange2007_SP1", `<t:MeetingTimeZone TimeZoneName="Tokyo Standard Time"/>`)).toMatchObject({ status: 200 });
      expect([...server.mailbox.items.values()].map((item) => item.startTimeZone)).toEqual(["Tokyo Standard Time"]);
    } finally {
      await server.close();
    }
  });
});
