import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as googleWebhook } from "@/app/api/webhooks/google/route";
import { POST as microsoftWebhook } from "@/app/api/webhooks/microsoft/route";
import { checkHealth } from "@/lib/server/health";
import { createRateLimiter } from "@/lib/server/rate-limit";
import { googleChannelToken, WEBHOOK_LIMITS } from "@/lib/sync-accounts/webhook-guard";

// Every database access goes through getDb: counting its calls shows whether a request did any.
const database = vi.hoisted(() => ({ calls: 0 }));
vi.mock("@/lib/db/client", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/db/client")>();
  return {
    ...real,
    getDb: () => {
      database.calls += 1;
      return real.getDb();
    },
  };
});

beforeAll(async () => {
  // The file's database is created and migrated here, not inside the first test.
  const { getDb } = await import("@/lib/db/client");
  await getDb();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

const google = (headers: Record<string, string>) =>
  googleWebhook(new Request("http://localhost/api/webhooks/google", { method: "POST", headers: { "x-goog-resource-state": "exists", ...headers } }));

const microsoft = (body: string, headers: Record<string, string> = {}) =>
  microsoftWebhook(new Request("http://localhost/api/webhooks/microsoft", { method: "POST", headers: { "content-type": "application/json", ...headers }, body }));

const forgedGraphDelivery = () =>
  JSON.stringify({ value: Array.from({ length: 20 }, () => ({ subscriptionId: randomUUID(), clientState: randomBytes(32).toString("base64url"), changeType: "updated" })) });

describe("webhook floods", () => {
  it("refuses thousands of forged notifications without touching the database, while the health check answers", async () => {
    vi.stubEnv("SYNC_SCHEDULER", "off");
    expect((await checkHealth()).ok).toBe(true);
    const before = database.calls;
    const flood = Promise.all(
      Array.from({ length: 2_000 }, (_, index) =>
        index % 2 === 0 ? google({ "x-goog-channel-id": randomUUID(), "x-goog-channel-token": randomBytes(32).toString("base64url") }).then((answer) => answer.status) : microsoft(forgedGraphDelivery()).then((answer) => answer.status),
      ),
    );
    const health = await checkHealth();
    const statuses = await flood;
    expect(health.ok).toBe(true);
    expect(new Set(statuses.filter((_, index) => index % 2 === 0))).toEqual(new Set([404]));
    expect(new Set(statuses.filter((_, index) => index % 2 === 1))).toEqual(new Set([202]));
    // Only the health check itself used the database.
    expect(database.calls - before).toBe(1);
  });

  it("looks up a notification only when its token is one this app signed", async () => {
    const before = database.calls;
    const channelId = randomUUID();
    expect((await google({ "x-goog-channel-id": channelId, "x-goog-channel-token": googleChannelToken(channelId) })).status).toBe(404);
    expect(database.calls - before).toBe(1);
  });

  it("limits each source when the proxy names it: a flood from one address gets 429 early", async () => {
    vi.stubEnv("TRUST_PROXY", "1");
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-02T09:00:00Z") });
    const from = (address: string) => ({ "x-forwarded-for": address, "x-goog-channel-id": randomUUID(), "x-goog-channel-token": "forged" });
    const statuses: number[] = [];
    for (let request = 0; request < WEBHOOK_LIMITS.perSourcePerMinute + 50; request += 1) statuses.push((await google(from("198.51.100.99"))).status);
    expect(statuses.filter((status) => status === 404)).toHaveLength(WEBHOOK_LIMITS.perSourcePerMinute);
    expect(statuses.filter((status) => status === 429)).toHaveLength(50);
    // Another source is not held up by that one.
    expect((await google(from("198.51.100.100"))).status).toBe(404);
  });

  it("reads no body beyond the bound", async () => {
    const before = database.calls;
    const huge = JSON.stringify({ value: [{ subscriptionId: "x", clientState: "y".repeat(WEBHOOK_LIMITS.maxBodyBytes) }] });
    expect((await microsoft(huge)).status).toBe(413);
    expect((await microsoft("{}", { "content-length": String(WEBHOOK_LIMITS.maxBodyBytes + 1) })).status).toBe(413);
    expect(database.calls).toBe(before);
  });
});

describe("rate limiter", () => {
  it("admits a burst up to its capacity, then refills at its rate", () => {
    const limiter = createRateLimiter({ perMinute: 60, capacity: 2 });
    expect([limiter.take("a", 0), limiter.take("a", 0), limiter.take("a", 0)]).toEqual([true, true, false]);
    expect(limiter.take("b", 0)).toBe(true);
    expect(limiter.take("a", 999)).toBe(false);
    expect(limiter.take("a", 1_000)).toBe(true);
  });

  it("keeps at most maxKeys sources, forgetting the longest idle", () => {
    const limiter = createRateLimiter({ perMinute: 60, capacity: 1, maxKeys: 2 });
    expect(limiter.take("a", 0)).toBe(true);
    expect(limiter.take("b", 0)).toBe(true);
    expect(limiter.take("c", 0)).toBe(true);
    // "a" was pushed out, so it starts again with a full bucket.
    expect(limiter.take("a", 0)).toBe(true);
    expect(limiter.take("c", 0)).toBe(false);
  });
});
