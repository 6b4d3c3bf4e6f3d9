import { afterEach, describe, expect, it } from "vitest";
import { GraphCalendar } from "@/lib/providers/graph/calendar";
import { runSync } from "@/lib/sync/engine";
import { startFakeGraph, type FakeGraph } from "../../../fakes/graph/server";
import { content, MemoryStore } from "../../../unit/sync/memory-sides";

// A first export into an Outlook mailbox whose limit is far below the configured pace (60 requests
// in a sliding ten minutes against 10,000), requests refused while throttled counted against it,
// each refusal a 429 with Retry-After. Time is virtual: the provider's waits move the clock the
// fake's window slides on.

const fakes: FakeGraph[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const EMAIL = "adele@contoso.test";

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

async function exportOf(count: number, clock: ReturnType<typeof virtualClock>, waitLimits?: { eachMs: number; totalMs: number }) {
  const fake = await startFakeGraph();
  fakes.push(fake);
  fake.graph.setThrottle({ perWindow: 60, windowMs: 600_000, now: clock.now });
  const store = new MemoryStore("latest");
  for (let index = 0; index < count; index += 1) store.userCreate(content({ title: `Event ${index}`, start: "2026-12-10T09:00:00.000Z", end: "2026-12-10T10:00:00.000Z" }));
  const remote = () =>
    new GraphCalendar({ graphUrl: `${fake.url}/v1.0`, accessToken: async () => fake.identity.mintAccessToken(EMAIL), sleep: clock.sleep, clock: clock.now, ...(waitLimits ? { waitLimits } : {}) });
  const subjects = () => [...fake.graph.mailboxOf(EMAIL).items.values()].map((item) => item.subject);
  return { fake, store, remote, subjects };
}

describe("adaptive throttling against Outlook's mailbox limit over Graph", () => {
  it("finishes a 100-event export in one run when its budget covers the window, with at most 20% of its calls refused", async () => {
    const clock = virtualClock();
    const { fake, store, remote, subjects } = await exportOf(100, clock, { eachMs: 600_000, totalMs: 900_000 });
    const graph = remote();
    const report = await runSync({ store, remote: graph });

    expect(report).toMatchObject({ outcome: "complete", pushed: { created: 100 }, failures: [], throttledUntil: null });
    expect(fake.graph.throttled).toBeGreaterThan(0);
    expect(fake.graph.throttled / report.calls).toBeLessThanOrEqual(0.2);
    expect(report.calls).toBeGreaterThan(report.requests * 4);
    expect(clock.waited()).toBeLessThanOrEqual(900_000);
    expect(subjects()).toHaveLength(100);
    expect(new Set(subjects()).size).toBe(100);
  });

  it("with the default budget stops, says when Graph takes calls again, and the continuation finishes without duplicates", async () => {
    const clock = virtualClock();
    const { fake, store, remote, subjects } = await exportOf(100, clock);
    const first = await runSync({ store, remote: remote() });

    expect(first.outcome).toBe("partial");
    const resumeAt = (first.throttledUntil as Date).getTime();
    expect(resumeAt - clock.now()).toBeGreaterThan(120_000);
    expect(resumeAt - clock.now()).toBeLessThanOrEqual(600_000);
    expect(clock.waited()).toBeLessThanOrEqual(120_000);
    expect(first.failures).toHaveLength(100 - subjects().length);

    clock.advance(resumeAt - clock.now());
    const continued = await runSync({ store, remote: remote() });
    expect(continued).toMatchObject({ outcome: "complete", failures: [], throttledUntil: null });
    expect(subjects()).toHaveLength(100);
    expect(new Set(subjects()).size).toBe(100);
    expect(fake.graph.throttled / (first.calls + continued.calls)).toBeLessThanOrEqual(0.2);
  });
});
