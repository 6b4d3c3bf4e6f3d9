import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GoogleCalendar } from "@/lib/providers/google/calendar";
import { runSync } from "@/lib/sync/engine";
import { FAKE_CLIENT } from "../../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../../fakes/google/server";
import { content, MemoryStore } from "../../../unit/sync/memory-sides";
import { googleHarness } from "./harness";

// A first export into a Google calendar whose per-user quota is far below the configured pace (60
// calls a sliding minute against 600), refused calls counted against it, each refusal answered 403
// userRateLimitExceeded with Retry-After 2 s. Time is virtual: the provider's waits move the clock
// the fake's quota slides on.

let google: FakeGoogle;

beforeAll(async () => {
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
});

afterEach(() => {
  google.calendar.setQuota(null);
});

afterAll(async () => {
  await google.close();
});

function virtualClock() {
  let now = Date.parse("2026-12-02T09:00:00.000Z");
  const waits: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
    advance: (ms: number) => void (now += ms),
    waited: () => waits.reduce((sum, ms) => sum + ms, 0),
  };
}

function exportOf(count: number, clock: ReturnType<typeof virtualClock>, waitLimits = { eachMs: 60_000, totalMs: 120_000 }) {
  const store = new MemoryStore("latest");
  for (let index = 0; index < count; index += 1) store.userCreate(content({ title: `Event ${index}` }));
  google.calendar.setQuota({ perMinute: 60, retryAfterSeconds: 2, countRefused: true, now: clock.now });
  const harness = googleHarness(google, { writesPerMinute: 600, sleep: clock.sleep, now: clock.now, waitLimits });
  return { store, harness };
}

const titles = async (harness: ReturnType<typeof googleHarness>) => (await harness.live()).map((item) => item.content.title);

describe("adaptive throttling against Google's per-user quota", () => {
  it("finishes a 100-event export in one run within the wait budget, with at most 20% of its calls refused", async () => {
    const clock = virtualClock();
    const { store, harness } = exportOf(100, clock);
    const report = await runSync({ store, remote: harness.remote });

    expect(report).toMatchObject({ outcome: "complete", pushed: { created: 100 }, failures: [], throttledUntil: null });
    const refused = google.calendar.quotaRefused;
    expect(refused).toBeGreaterThan(0);
    expect(report.calls).toBe(harness.remote.callCount);
    expect(refused / report.calls).toBeLessThanOrEqual(0.2);
    // Calls are what the quota counts: the listing and every call of every batch.
    expect(report.calls).toBe(1 + 100 + refused);
    expect(report.requests).toBeLessThan(report.calls / 4);
    expect(clock.waited()).toBeLessThanOrEqual(120_000);
    const created = await titles(harness);
    expect(created).toHaveLength(100);
    expect(new Set(created).size).toBe(100);
  });

  it("stops when the budget is spent, says when Google takes calls again, and the continuation finishes without duplicates", async () => {
    const clock = virtualClock();
    const { store, harness } = exportOf(100, clock, { eachMs: 60_000, totalMs: 10_000 });
    const first = await runSync({ store, remote: harness.remote });

    expect(first.outcome).toBe("partial");
    expect(first.throttledUntil).toBeInstanceOf(Date);
    const resumeAt = (first.throttledUntil as Date).getTime();
    // Google's window frees when the minute of the first burst has passed: seconds, not the next interval.
    expect(resumeAt - clock.now()).toBeGreaterThan(10_000);
    expect(resumeAt - clock.now()).toBeLessThanOrEqual(60_000);
    expect(clock.waited()).toBeLessThanOrEqual(10_000);
    const sent = (await titles(harness)).length;
    expect(first.pushed.created).toBe(sent);
    expect(first.failures).toHaveLength(100 - sent);
    expect(first.failures.every((failure) => /Google is limiting requests/.test(failure.message))).toBe(true);

    // The continuation: a new run (a new provider) when Google said it would take calls again.
    clock.advance(resumeAt - clock.now());
    const again = new GoogleCalendar({ apiUrl: `${google.url}/`, accessToken: async () => google.oauth.grant(harness.email).accessToken, writesPerMinute: 600, sleep: clock.sleep, now: clock.now });
    const continued = await runSync({ store, remote: again });
    expect(continued).toMatchObject({ outcome: "complete", pushed: { created: 100 - sent }, failures: [], throttledUntil: null });
    expect(new Set((await titles(harness)).filter((title) => title.startsWith("Event"))).size).toBe(100);
    expect(await titles(harness)).toHaveLength(100);
    // The whole export, both runs: at most 20% of its calls refused.
    expect(google.calendar.quotaRefused / (first.calls + continued.calls)).toBeLessThanOrEqual(0.2);
  });
});
