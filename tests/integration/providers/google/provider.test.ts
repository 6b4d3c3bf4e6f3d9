import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { fromGoogleEvent, toGoogleEvent } from "@/lib/providers/google/mapping";
import { CursorExpiredError, RemoteUnavailableError, type ChangePage } from "@/lib/sync/provider";
import { FAKE_CLIENT } from "../../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../../fakes/google/server";
import { content } from "../../../unit/sync/memory-sides";
import { googleHarness } from "./harness";

let google: FakeGoogle;

beforeAll(async () => {
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
});

afterAll(async () => {
  await google.close();
});

async function pages(iterable: AsyncIterable<ChangePage>): Promise<ChangePage[]> {
  const out: ChangePage[] = [];
  for await (const page of iterable) out.push(page);
  return out;
}

const rich: EventContent = content({
  title: "Board meeting & <review> “quoted” 🗓",
  description: "Agenda:\n1. Budget\nمرحبا",
  location: "Room 4",
  rrule: "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10",
  exdates: ["2026-12-02T09:00:00.000Z"],
  rdates: ["2026-12-05T12:00:00.000Z"],
  status: "tentative",
  transparency: "transparent",
  visibility: "private",
  reminders: [10, 1440],
  attendees: [
    { email: "ana@example.com", name: "Ana", response: "accepted", optional: false },
    { email: "bo@example.com", name: null, response: "tentative", optional: true },
  ],
  organizer: { email: "boss@example.com", name: "The Boss" },
});

describe("Google provider against the fake Calendar API", () => {
  it("round-trips every field of an event, all-day events and time zones", async () => {
    const h = googleHarness(google);
    const allDay = content({ title: "Holiday", allDay: true, start: "2026-12-24", end: "2026-12-27", timeZone: null, reminders: [] });
    const ny = content({ title: "NY call", timeZone: "America/New_York", start: "2026-12-01T14:00:00.000Z", end: "2026-12-01T14:30:00.000Z" });
    const results = await h.remote.create([rich, allDay, ny].map((c, i) => ({ localId: `l${i}`, content: c, seriesRemoteId: null })));
    expect(results.every((r) => r.ok)).toBe(true);
    const [page] = await pages(h.remote.listChanges(null));
    const byTag = new Map(page?.items.map((item) => [item.localTag, item.content]));
    expect(byTag.get("l0")).toEqual(rich);
    expect(byTag.get("l1")).toEqual(allDay);
    expect(byTag.get("l2")).toEqual(ny);
    expect(fromGoogleEvent({ ...toGoogleEvent(rich, "x"), id: "a", etag: "e" }).content).toEqual(rich);
  });

  it("lists in pages of up to 2500, then incrementally from the sync token, with deletions", async () => {
    const h = googleHarness(google);
    for (let i = 0; i < 2600; i += 1) google.calendar.userInsert(h.email, { summary: `E${i}`, start: { dateTime: "2026-12-01T09:00:00.000Z", timeZone: "UTC" }, end: { dateTime: "2026-12-01T10:00:00.000Z", timeZone: "UTC" } });
    const before = h.remote.requestCount;
    const full = await pages(h.remote.listChanges(null));
    expect(full.map((p) => p.items.length)).toEqual([2500, 100]);
    expect(h.remote.requestCount - before).toBe(2);
    const cursor = full.at(-1)?.nextCursor as string;
    expect(full[0]?.nextCursor).toBeUndefined();

    const [first] = full[0]?.items ?? [];
    google.calendar.userDelete(h.email, first?.remoteId as string);
    const incremental = await pages(h.remote.listChanges(cursor));
    expect(incremental.flatMap((p) => p.items).map((item) => [item.remoteId, item.content])).toEqual([[first?.remoteId, null]]);
    const idle = await pages(h.remote.listChanges(incremental.at(-1)?.nextCursor as string));
    expect(idle.flatMap((p) => p.items)).toEqual([]);
  });

  it("turns an expired sync token (410) into CursorExpiredError", async () => {
    const h = googleHarness(google);
    const cursor = (await pages(h.remote.listChanges(null))).at(-1)?.nextCursor as string;
    google.calendar.expireSyncTokens(h.email);
    await expect(pages(h.remote.listChanges(cursor))).rejects.toBeInstanceOf(CursorExpiredError);
  });

  it("writes in batches with sendUpdates=none, If-Match on updates and deletes, 412 as a conflict whose item can be read again", async () => {
    const h = googleHarness(google, { batchSize: 50 });
    const before = h.remote.requestCount;
    const created = await h.remote.create(Array.from({ length: 120 }, (_, i) => ({ localId: `l${i}`, content: content({ title: `E${i}` }), seriesRemoteId: null })));
    // Batches ramp up by 5 towards 50 (a quota found full costs a small batch): 5 + 10 + … + 30 + 15.
    expect(h.remote.requestCount - before).toBe(7);
    expect(h.remote.callCount).toBe(120);
    const writes = google.calendar.log.filter((entry) => entry.batch);
    expect(writes.every((entry) => entry.sendUpdates === "none")).toBe(true);

    const [a, b] = created;
    if (!a?.ok || !b?.ok) throw new Error("create failed");
    google.calendar.userPatch(h.email, b.remoteId, { summary: "changed in Google" });
    const updated = await h.remote.update([
      { remoteId: a.remoteId, versionToken: a.versionToken, localId: "l0", content: content({ title: "E0 edited" }), previous: null, seriesRemoteId: null },
      { remoteId: b.remoteId, versionToken: b.versionToken, localId: "l1", content: content({ title: "E1 edited" }), previous: null, seriesRemoteId: null },
    ]);
    expect(updated.map((r) => (r.ok ? "ok" : r.kind))).toEqual(["ok", "conflict"]);
    const readBack = await h.remote.read([b.remoteId, "nosuchevent"]);
    expect(readBack.map((item) => (item === "absent" || item === null ? item : item.content?.title))).toEqual(["changed in Google", "absent"]);
    const deleted = await h.remote.delete([
      { remoteId: b.remoteId, versionToken: b.versionToken },
      { remoteId: "nosuchevent", versionToken: "x" },
    ]);
    expect(deleted.map((r) => (r.ok ? "ok" : r.kind))).toEqual(["conflict", "not-found"]);
  });

  it("writes exceptions at the series' instance ids, and finds items by our tag", async () => {
    const h = googleHarness(google);
    const [series] = await h.remote.create([{ localId: "s", content: content({ title: "Weekly", rrule: "FREQ=WEEKLY;COUNT=5" }), seriesRemoteId: null }]);
    if (!series?.ok) throw new Error("series failed");
    const moved = content({ title: "Moved", originalStart: "2026-12-08T09:00:00.000Z", start: "2026-12-08T11:00:00.000Z", end: "2026-12-08T12:00:00.000Z" });
    const cancelled = content({ title: "Weekly", status: "cancelled", originalStart: "2026-12-15T09:00:00.000Z", start: "2026-12-15T09:00:00.000Z", end: "2026-12-15T10:00:00.000Z" });
    const results = await h.remote.create([
      { localId: "x1", content: moved, seriesRemoteId: series.remoteId },
      { localId: "x2", content: cancelled, seriesRemoteId: series.remoteId },
    ]);
    expect(results.map((r) => (r.ok ? r.remoteId : r.kind))).toEqual([`${series.remoteId}_20261208T090000Z`, `${series.remoteId}_20261215T090000Z`]);
    const items = (await pages(h.remote.listChanges(null))).flatMap((p) => p.items);
    expect(items.filter((item) => item.seriesRemoteId === series.remoteId).map((item) => item.content)).toEqual([moved, cancelled]);
    expect((await h.remote.findByLocalTag(["x1", "nothing"])).map((item) => item.remoteId)).toEqual([`${series.remoteId}_20261208T090000Z`]);
  });

  it("waits out rate limits (honouring Retry-After), renews a refused token once, and gives up within its budget", async () => {
    const waits: number[] = [];
    const h = googleHarness(google, { retry: { attempts: 3, baseMs: 10, maxMs: 40 }, sleep: async (ms) => void waits.push(ms) });
    google.calendar.injectFaults({ status: 403, reason: "rateLimitExceeded", retryAfterSeconds: 2 }, { status: 429, reason: "rateLimitExceeded" });
    const pagesSeen = await pages(h.remote.listChanges(null));
    expect(pagesSeen).toHaveLength(1);
    expect(waits[0]).toBe(2000);
    expect(waits[1]).toBeLessThanOrEqual(20);

    google.oauth.revokeGrantsOf(h.email);
    const created = await h.remote.create([{ localId: "l", content: content(), seriesRemoteId: null }]);
    expect(created[0]?.ok).toBe(true);

    google.calendar.injectFaults({ status: 503, reason: "backendError" }, { status: 503, reason: "backendError" }, { status: 503, reason: "backendError" });
    await expect(pages(h.remote.listChanges(null))).rejects.toBeInstanceOf(RemoteUnavailableError);
  });

  it("sends the calls Google refused for now inside a batch again, after the longest Retry-After they carried", async () => {
    const waits: number[] = [];
    const h = googleHarness(google, { retry: { attempts: 3, baseMs: 10, maxMs: 40 }, sleep: async (ms) => void waits.push(ms) });
    google.calendar.injectBatchFaults({ target: 1, status: 403, reason: "userRateLimitExceeded", retryAfterSeconds: 3 }, { target: 2, status: 429, reason: "rateLimitExceeded", retryAfterSeconds: 5 });
    const requestsBefore = h.remote.requestCount;
    const results = await h.remote.create([0, 1, 2, 3].map((index) => ({ localId: `l${index}`, content: content({ title: `Item ${index}` }), seriesRemoteId: null })));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(waits).toEqual([5_000]);
    // The batch, then a single call testing Google's Retry-After, then the other refused call.
    expect(h.remote.requestCount - requestsBefore).toBe(3);
    expect((await h.live()).map((item) => item.content.title).sort()).toEqual(["Item 0", "Item 1", "Item 2", "Item 3"]);
  });

  it("ends at once, saying the sync resumes, when Google asks for a wait beyond one wait's limit or the run's budget", async () => {
    const waits: number[] = [];
    const limits = { waitLimits: { eachMs: 5_000, totalMs: 6_000 }, sleep: async (ms: number) => void waits.push(ms) };
    const tooLong = googleHarness(google, limits);
    google.calendar.injectFaults({ status: 429, reason: "rateLimitExceeded", retryAfterSeconds: 3600 });
    await expect(pages(tooLong.remote.listChanges(null))).rejects.toThrow(/asked to wait 3600 s; a sync waits at most 5 s at a time and 6 s in all.*resumes from where it stopped/);
    expect(waits).toEqual([]);
    expect(tooLong.remote.requestCount).toBe(1);

    const budget = googleHarness(google, limits);
    google.calendar.injectFaults({ status: 429, reason: "rateLimitExceeded", retryAfterSeconds: 4 }, { status: 503, reason: "backendError", retryAfterSeconds: 3 });
    await expect(pages(budget.remote.listChanges(null))).rejects.toThrow(/HTTP 503 backendError.*asked to wait 3 s/);
    expect(waits).toEqual([4_000]);
    expect(budget.remote.requestCount).toBe(2);
  });
});
