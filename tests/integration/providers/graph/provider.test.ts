import { afterEach, describe, expect, it } from "vitest";
import { GraphCalendar } from "@/lib/providers/graph/calendar";
import { graphConfig } from "@/lib/providers/graph/config";
import { runSync } from "@/lib/sync/engine";
import { AuthorizationError, CursorExpiredError, type ChangePage, type RemoteItem } from "@/lib/sync/provider";
import { startFakeGraph, type FakeGraph } from "../../../fakes/graph/server";
import { eventContent } from "../../../helpers/event-content";
import { MemoryStore } from "../../../unit/sync/memory-sides";

const fakes: FakeGraph[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(options: Partial<ConstructorParameters<typeof GraphCalendar>[0]> = {}) {
  const fake = await startFakeGraph();
  fakes.push(fake);
  const email = "adele@contoso.test";
  const waits: number[] = [];
  const remote = new GraphCalendar({
    graphUrl: `${fake.url}/v1.0`,
    accessToken: async () => fake.identity.mintAccessToken(email),
    retry: { attempts: 3, baseMs: 1, maxMs: 60_000 },
    sleep: async (ms) => void waits.push(ms),
    pageSize: 50,
    ...options,
  });
  return { fake, email, remote, waits, mailbox: fake.graph.mailboxOf(email) };
}

async function list(remote: GraphCalendar, cursor: string | null): Promise<{ items: RemoteItem[]; cursor: string }> {
  const pages: ChangePage[] = [];
  for await (const page of remote.listChanges(cursor)) pages.push(page);
  return { items: pages.flatMap((page) => page.items), cursor: pages.at(-1)?.nextCursor ?? "" };
}

const outlookEvent = (subject: string, start: string, extra: object = {}) => ({ subject, start, end: new Date(Date.parse(start) + 3_600_000).toISOString(), timeZone: "W. Europe Standard Time", ...extra });

describe("GraphCalendar against the fake Graph", () => {
  it("round-trips what it writes, attendees included, without Graph mailing anyone", async () => {
    const { fake, remote } = await setup();
    const content = eventContent({
      title: "Planning",
      description: "Agenda",
      location: "Room 1",
      timeZone: "America/New_York",
      visibility: "public",
      reminders: [30, 10],
      attendees: [{ email: "guest@example.com", name: "Guest", response: "accepted", optional: true }],
      organizer: { email: "boss@example.com", name: null },
    });
    const allDay = eventContent({ title: "Holiday", allDay: true, start: "2026-12-24", end: "2026-12-27", timeZone: null, transparency: "transparent" });
    const series = eventContent({ title: "Weekly", rrule: "FREQ=WEEKLY;BYDAY=TU;COUNT=5", start: "2026-12-01T09:00:00.000Z", end: "2026-12-01T09:30:00.000Z" });
    const results = await remote.create([
      { localId: "l1", content, seriesRemoteId: null },
      { localId: "l2", content: allDay, seriesRemoteId: null },
      { localId: "l3", content: series, seriesRemoteId: null },
    ]);
    expect(results.every((result) => result.ok)).toBe(true);
    const { items } = await list(remote, null);
    const byTag = new Map(items.map((item) => [item.localTag, item]));
    expect(byTag.get("l1")?.content).toEqual(content);
    expect(byTag.get("l2")?.content).toEqual(allDay);
    expect(byTag.get("l3")?.content).toEqual(series);
    expect(fake.graph.mail).toEqual([]);
  });

  it("reads an event made in Outlook with a Windows zone as its IANA zone, and a change made there wins over the remembered copy", async () => {
    const { fake, email, remote, mailbox } = await setup();
    fake.graph.userAdd(email, outlookEvent("Made in Outlook", "2026-12-02T08:00:00.000Z"));
    const { items } = await list(remote, null);
    expect(items.map((item) => item.content && [item.content.title, item.content.timeZone, item.content.start])).toEqual([["Made in Outlook", "Europe/Berlin", "2026-12-02T08:00:00.000Z"]]);
    const [created] = await remote.create([{ localId: "l1", content: eventContent({ title: "Ours", reminders: [5, 60] }), seriesRemoteId: null }]);
    const item = mailbox.items.get((created as { remoteId: string }).remoteId);
    if (!item) throw new Error("not created");
    item.subject = "Renamed in Outlook";
    mailbox.touch(item);
    const reread = (await list(remote, null)).items.find((candidate) => candidate.localTag === "l1");
    expect([reread?.content?.title, reread?.content?.reminders]).toEqual(["Renamed in Outlook", [5, 60]]);
  });

  it("reads times right when Graph answers in another zone than the one asked for", async () => {
    const pacific = 'outlook.timezone="Pacific Standard Time"';
    // Stands in for a server that ignores Prefer: outlook.timezone="UTC", in plain calls and in batches.
    const otherZone: typeof fetch = (input, init) => {
      const headers = { ...(init?.headers as Record<string, string>), prefer: pacific };
      const body = typeof init?.body === "string" && init.body.includes('"requests"') ? JSON.stringify({ requests: (JSON.parse(init.body) as { requests: { headers?: Record<string, string> }[] }).requests.map((request) => ({ ...request, headers: { ...request.headers, prefer: pacific } })) }) : init?.body;
      return fetch(input, { ...init, headers, ...(body !== undefined ? { body } : {}) });
    };
    const { fake, email, remote } = await setup({ fetch: otherZone });
    fake.graph.userAdd(email, outlookEvent("Timed", "2026-12-02T08:00:00.000Z"));
    fake.graph.userAdd(email, { subject: "All day", isAllDay: true, start: "2026-12-23T23:00:00.000Z", end: "2026-12-24T23:00:00.000Z", timeZone: "W. Europe Standard Time" });
    const { items } = await list(remote, null);
    expect(items.map((item) => item.content && [item.content.title, item.content.start, item.content.end]).sort()).toEqual([
      ["All day", "2026-12-24", "2026-12-25"],
      ["Timed", "2026-12-02T08:00:00.000Z", "2026-12-02T09:00:00.000Z"],
    ]);
  });

  it("turns occurrences into nothing, exceptions into exceptions, deleted occurrences into EXDATEs and cancelled ones back into cancelled exceptions", async () => {
    const { remote, mailbox } = await setup();
    const series = eventContent({ title: "Daily", rrule: "FREQ=DAILY;COUNT=5" });
    const [made] = await remote.create([{ localId: "s", content: series, seriesRemoteId: null }]);
    const seriesId = (made as { remoteId: string }).remoteId;
    const moved = eventContent({ title: "Moved", originalStart: "2026-12-02T09:00:00.000Z", start: "2026-12-02T11:00:00.000Z", end: "2026-12-02T12:00:00.000Z" });
    const cancelled = eventContent({ title: "Daily", status: "cancelled", originalStart: "2026-12-03T09:00:00.000Z", start: "2026-12-03T09:00:00.000Z", end: "2026-12-03T10:00:00.000Z" });
    const written = await remote.create([
      { localId: "e1", content: moved, seriesRemoteId: seriesId },
      { localId: "e2", content: cancelled, seriesRemoteId: seriesId },
    ]);
    expect(written.map((result) => result.ok)).toEqual([true, true]);
    // Deleted by a person in Outlook: an EXDATE, not a cancelled exception.
    const master = mailbox.items.get(seriesId);
    if (!master) throw new Error("no master");
    const fourth = mailbox.instancesOf(master).find((instance) => instance.item.originalStart === "2026-12-04T09:00:00.000Z");
    mailbox.remove(fourth?.item.id ?? "");
    const { items } = await list(remote, null);
    expect(items.filter((item) => item.content).map((item) => [item.localTag, item.seriesRemoteId === seriesId, item.content?.title, item.content?.status, item.content?.exdates])).toEqual(
      expect.arrayContaining([
        ["s", false, "Daily", "confirmed", ["2026-12-04T09:00:00.000Z"]],
        ["e1", true, "Moved", "confirmed", []],
        ["e2", true, "Daily", "cancelled", []],
      ]),
    );
    expect(items.filter((item) => item.content)).toHaveLength(3);
  });

  it("reads a series' instances to their last page, so occurrences beyond the first page are not taken for deleted", async () => {
    const { remote, mailbox } = await setup({ pageSize: 3 });
    const [made] = await remote.create([{ localId: "s", content: eventContent({ title: "Daily", rrule: "FREQ=DAILY;COUNT=10" }), seriesRemoteId: null }]);
    const master = mailbox.items.get((made as { remoteId: string }).remoteId);
    if (!master) throw new Error("no master");
    mailbox.remove(mailbox.instancesOf(master)[7]?.item.id ?? "");
    const { items } = await list(remote, null);
    expect(items.find((item) => item.localTag === "s")?.content?.exdates).toEqual(["2026-12-08T09:00:00.000Z"]);
  });

  it("reports a series deleted in Outlook, although delta names only its occurrences", async () => {
    const { remote, mailbox } = await setup();
    const [made] = await remote.create([{ localId: "s", content: eventContent({ title: "Weekly", rrule: "FREQ=WEEKLY;COUNT=3" }), seriesRemoteId: null }]);
    const seriesId = (made as { remoteId: string }).remoteId;
    const first = await list(remote, null);
    mailbox.remove(seriesId);
    const { items } = await list(remote, first.cursor);
    expect(items.filter((item) => item.remoteId === seriesId)).toEqual([expect.objectContaining({ remoteId: seriesId, content: null })]);
  });

  it("sends 20 writes to a $batch, finds its items by local id, and answers stale etags with conflict and missing items with not-found", async () => {
    const { fake, remote } = await setup();
    const creates = Array.from({ length: 45 }, (_, index) => ({ localId: `l${index}`, content: eventContent({ title: `E${index}` }), seriesRemoteId: null }));
    const before = fake.graph.requests;
    const results = await remote.create(creates);
    expect(fake.graph.requests - before).toBe(3);
    expect(remote.writeBatchSize).toBe(20);
    // A create sent again (its answer was lost) brings back the first item, not a second one.
    const [again] = await remote.create([creates[3] as (typeof creates)[number]]);
    expect(again).toMatchObject({ ok: true, remoteId: (results[3] as { remoteId: string }).remoteId });
    expect(fake.graph.mailboxOf("adele@contoso.test").items.size).toBe(45);
    const found = await remote.findByLocalTag(["l7", "l44", "nobody"]);
    expect(found.map((item) => item.content?.title).sort()).toEqual(["E44", "E7"]);
    const first = results[0] as { remoteId: string; versionToken: string };
    const [updated] = await remote.update([{ remoteId: first.remoteId, versionToken: first.versionToken, localId: "l0", content: eventContent({ title: "E0 v2" }), previous: null, seriesRemoteId: null }]);
    expect(updated?.ok).toBe(true);
    const [stale] = await remote.update([{ remoteId: first.remoteId, versionToken: first.versionToken, localId: "l0", content: eventContent({ title: "E0 v3" }), previous: null, seriesRemoteId: null }]);
    expect(stale).toMatchObject({ ok: false, kind: "conflict" });
    const [gone] = await remote.delete([{ remoteId: "AAMkAGmissing", versionToken: "" }]);
    expect(gone).toMatchObject({ ok: false, kind: "not-found" });
  });

  it("reads a deletion made while the window rolls forward from the old delta round before starting the new one", async () => {
    let now = new Date("2026-11-26T00:00:00.000Z");
    const { fake, email, remote, mailbox } = await setup({ window: { pastDays: 30, futureDays: 60 }, now: () => now });
    const doomed = fake.graph.userAdd(email, outlookEvent("Doomed", "2026-12-20T08:00:00.000Z"));
    fake.graph.userAdd(email, outlookEvent("Kept", "2026-12-21T08:00:00.000Z"));
    const store = new MemoryStore("latest");
    await runSync({ store, remote, deletions: "apply" });
    mailbox.remove(doomed.id);
    const windowBefore = JSON.parse((await store.loadState()).remoteCursor ?? "{}").window as unknown;
    now = new Date("2027-01-10T00:00:00.000Z");
    const rolled = await runSync({ store, remote, deletions: "apply" });
    expect(JSON.parse((await store.loadState()).remoteCursor ?? "{}").window).not.toEqual(windowBefore);
    expect(rolled).toMatchObject({ fullListing: false, pulled: { created: 0, updated: 0, deleted: 1 } });
    expect(store.live().map((event) => event.content.title)).toEqual(["Kept"]);
  });

  it("reads an Outlook HTML body as its text, and keeps the HTML through a title edit made in Atollon; a body edited in Atollon replaces it", async () => {
    const { fake, email, remote, mailbox } = await setup();
    const html = '<html><head></head><body><p>Agenda: <b>budget</b> &amp; <i>hiring</i></p><p>Room 4</p></body></html>';
    const made = fake.graph.userAdd(email, outlookEvent("Made in Outlook", "2026-12-10T08:00:00.000Z", { body: html }));
    // Graph answers HTML to whoever does not ask for text.
    expect(fake.graph.render(email, made)).toMatchObject({ body: { contentType: "html", content: html } });
    const store = new MemoryStore("latest");
    await runSync({ store, remote });
    const [event] = store.live();
    expect(event?.content.description).toBe("Agenda: budget & hiring\nRoom 4");

    store.userEdit(event?.id ?? "", { title: "Renamed in Atollon" });
    expect(await runSync({ store, remote })).toMatchObject({ outcome: "complete", pushed: { updated: 1 } });
    expect([made.subject, made.body]).toEqual(["Renamed in Atollon", html]);
    expect(await runSync({ store, remote })).toMatchObject({ pulled: { created: 0, updated: 0 }, pushed: { created: 0, updated: 0 } });

    store.userEdit(event?.id ?? "", { description: "New agenda" });
    await runSync({ store, remote });
    expect(fake.graph.render(email, made)).toMatchObject({ body: { contentType: "html", content: expect.stringContaining("New agenda") } });
    expect((await list(remote, null)).items[0]?.content?.description).toBe("New agenda");
    expect(mailbox.items.size).toBe(1);
  });

  it("retries a throttled call of a batch on its own, after the Retry-After it was given, and gives up as unavailable within its budget", async () => {
    const { fake, remote, waits } = await setup();
    fake.graph.faults.push({ path: "/me/events", status: 429, count: 1, retryAfterSeconds: 2 });
    const results = await remote.create([1, 2, 3].map((n) => ({ localId: `l${n}`, content: eventContent({ title: `T${n}` }), seriesRemoteId: null })));
    expect(results.every((result) => result.ok)).toBe(true);
    // Graph's Retry-After, counted from the answer (a millisecond may have passed since).
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(1_900);
    expect(waits[0]).toBeLessThanOrEqual(2_000);
    expect([...fake.graph.mailboxOf("adele@contoso.test").items.values()].map((item) => item.subject).sort()).toEqual(["T1", "T2", "T3"]);
    fake.graph.faults.push({ path: "/me/events", status: 503, count: 10 });
    const [failed] = await remote.create([{ localId: "l9", content: eventContent(), seriesRemoteId: null }]);
    expect(failed).toMatchObject({ ok: false, kind: "unavailable" });
  });

  it("renews a refused access token once, then reports that authorization is needed", async () => {
    const fake = await startFakeGraph();
    fakes.push(fake);
    let asked = 0;
    const renewing = new GraphCalendar({
      graphUrl: `${fake.url}/v1.0`,
      accessToken: async (renew) => {
        asked += 1;
        return renew ? fake.identity.mintAccessToken("adele@contoso.test") : "expired";
      },
    });
    await list(renewing, null);
    expect(asked).toBe(2);
    const refused = new GraphCalendar({ graphUrl: `${fake.url}/v1.0`, accessToken: async () => "revoked" });
    await expect(list(refused, null)).rejects.toBeInstanceOf(AuthorizationError);
  });

  it("lists nothing new in exactly one request, and refuses an expired delta token with CursorExpiredError", async () => {
    const { fake, email, remote, mailbox } = await setup();
    for (let day = 1; day <= 9; day += 1) fake.graph.userAdd(email, outlookEvent(`E${day}`, `2026-12-0${day}T08:00:00.000Z`));
    const first = await list(remote, null);
    expect(first.items).toHaveLength(9);
    const before = remote.requestCount;
    const idle = await list(remote, first.cursor);
    expect(idle.items).toEqual([]);
    expect(remote.requestCount - before).toBe(1);
    mailbox.expireDeltaTokens();
    await expect(list(remote, idle.cursor)).rejects.toBeInstanceOf(CursorExpiredError);
  });

  it("keeps events outside the window: edits there arrive, a move out of the window is no deletion, and a window move imports nothing twice", async () => {
    let now = new Date("2026-11-26T00:00:00.000Z");
    const { fake, email, remote, mailbox } = await setup({ window: { pastDays: 30, futureDays: 60 }, now: () => now });
    const far = fake.graph.userAdd(email, outlookEvent("Far future", "2028-06-01T08:00:00.000Z"));
    const near = fake.graph.userAdd(email, outlookEvent("Near", "2026-12-10T08:00:00.000Z"));
    const store = new MemoryStore("latest");
    await runSync({ store, remote, deletions: "apply" });
    expect(store.live().map((event) => event.content.title).sort()).toEqual(["Far future", "Near"]);

    far.subject = "Far future, renamed";
    mailbox.touch(far);
    near.start = "2029-01-01T08:00:00.000Z";
    near.end = "2029-01-01T09:00:00.000Z";
    mailbox.touch(near);
    const moved = await runSync({ store, remote, deletions: "apply" });
    expect(moved).toMatchObject({ pulled: { created: 0, updated: 2, deleted: 0 } });
    expect(store.live().map((event) => [event.content.title, event.content.start]).sort()).toEqual([
      ["Far future, renamed", "2028-06-01T08:00:00.000Z"],
      ["Near", "2029-01-01T08:00:00.000Z"],
    ]);

    const windowOf = async () => (JSON.parse((await store.loadState()).remoteCursor ?? "{}") as { window: { start: string; end: string } }).window;
    const before = await windowOf();
    now = new Date("2027-03-01T00:00:00.000Z");
    const rolled = await runSync({ store, remote, deletions: "apply" });
    expect(rolled).toMatchObject({ outcome: "complete", fullListing: false, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
    const after = await windowOf();
    expect(after.start > before.start && after.end > before.end).toBe(true);
    // "Near" was imported when it was in the window; it has left it since, and stays.
    expect(Date.parse(after.start)).toBeGreaterThan(Date.parse("2026-12-10T08:00:00.000Z"));
    expect(store.live()).toHaveLength(2);
  });

  it("paces calls under the mailbox's ten-minute budget: a burst of a tenth, then the steady rate", async () => {
    // 600 calls in ten minutes: a burst of 60, then one a second.
    const { remote, waits, fake } = await setup({ requestsPerTenMinutes: 600 });
    const results = await remote.create(Array.from({ length: 100 }, (_, n) => ({ localId: `l${n}`, content: eventContent({ title: `T${n}` }), seriesRemoteId: null })));
    expect(results.every((result) => result.ok)).toBe(true);
    // Five batches of 20: three fit the burst; the fourth and fifth wait for 20 calls' worth each.
    expect(waits).toHaveLength(2);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(39_000);
    expect(fake.graph.mailboxOf("adele@contoso.test").items.size).toBe(100);
  });

  it("reads its configuration from the environment, with Microsoft's defaults", () => {
    expect(graphConfig({})).toEqual({ graphUrl: "https://graph.microsoft.com/v1.0", window: { pastDays: 365, futureDays: 730 }, requestsPerTenMinutes: 10_000 });
    expect(graphConfig({ MICROSOFT_GRAPH_URL: "http://127.0.0.1:9/v1.0/", GRAPH_SYNC_PAST_DAYS: "30", GRAPH_SYNC_FUTURE_DAYS: "90", GRAPH_REQUESTS_PER_10_MINUTES: "600" })).toEqual({
      graphUrl: "http://127.0.0.1:9/v1.0",
      window: { pastDays: 30, futureDays: 90 },
      requestsPerTenMinutes: 600,
    });
    expect(() => graphConfig({ GRAPH_SYNC_PAST_DAYS: "0" })).toThrow();
  });
});
