import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createEvent, listRange } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { claimDueAccounts } from "@/lib/jobs/due-accounts";
import { runSyncJob } from "@/lib/jobs/sync-job";
import { GoogleCalendar } from "@/lib/providers/google/calendar";
import { syncAccount } from "@/lib/sync/run-account";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { eventContent } from "../../helpers/event-content";
import { lastRun, userWithGoogle } from "../../helpers/google-account";

// Rate limiting with Retry-After, through syncAccount with the default limits (a wait of 60 s at
// most, 120 s per run) unless a test says otherwise.

let google: FakeGoogle;

beforeAll(async () => {
  await getDb();
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
  vi.spyOn(console, "info").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

beforeEach(() => {
  for (const [name, value] of Object.entries(google.env())) vi.stubEnv(name, value);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  vi.restoreAllMocks();
  await google.close();
});

const december = [new Date("2026-12-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z")] as const;
const liveRemote = (email: string) => google.calendar.events(email).filter((event) => event.status !== "cancelled");

/** A user with `count` events here and one in Google, never synced. */
async function unsynced(count: number) {
  const account = await userWithGoogle(google);
  for (let index = 0; index < count; index += 1) {
    await createEvent(account.user.id, eventContent({ title: `Event ${index}`, start: `2026-12-0${1 + (index % 9)}T09:00:00.000Z`, end: `2026-12-0${1 + (index % 9)}T10:00:00.000Z` }));
  }
  google.calendar.userInsert(account.email, { summary: "From Google", start: { dateTime: "2026-12-20T09:00:00.000Z", timeZone: "UTC" }, end: { dateTime: "2026-12-20T10:00:00.000Z", timeZone: "UTC" } });
  return account;
}

describe("Retry-After from Google", () => {
  it("waits the 2 s Google asks for, then completes the run", async () => {
    const { user, email, accountId } = await unsynced(3);
    const logStart = google.calendar.log.length;
    google.calendar.injectFaults({ status: 429, reason: "rateLimitExceeded", retryAfterSeconds: 2 });

    const started = Date.now();
    expect(await syncAccount(user.id, accountId, { trigger: "manual" })).toMatchObject({ outcome: "complete" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_990);
    // The refused listing, the listing again, one batch of creates.
    expect(await lastRun(accountId)).toMatchObject({ outcome: "COMPLETE", requests: 3, pulledCreated: 1, pushedCreated: 3, error: null });
    expect(google.calendar.log.slice(logStart).map((entry) => entry.path)).toEqual(["/calendar/v3/calendars/primary/events", "/calendar/v3/calendars/primary/events", "/batch/calendar/v3"]);
    expect(liveRemote(email)).toHaveLength(4);
    expect(await listRange(user.id, ...december)).toHaveLength(4);
  });

  it("ends the run at once when Google asks for an hour, and the next run resumes without duplicates", async () => {
    const { user, email, accountId } = await unsynced(120);
    // Google starts refusing after the first batch of 50 creates went through.
    const create = GoogleCalendar.prototype.create;
    let batches = 0;
    const spy = vi.spyOn(GoogleCalendar.prototype, "create").mockImplementation(function (this: GoogleCalendar, requests) {
      batches += 1;
      if (batches === 2) google.calendar.injectFaults({ status: 429, reason: "rateLimitExceeded", retryAfterSeconds: 3600 });
      return create.call(this, requests);
    });
    const started = Date.now();
    try {
      await expect(syncAccount(user.id, accountId, { trigger: "manual" })).rejects.toThrow(/asked to wait 3600 s.*resumes from where it stopped/);
    } finally {
      spy.mockRestore();
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    const failed = await lastRun(accountId);
    // The listing, the first 50 creates (in batches ramping up: 5, 10, 15, 20), and the batch Google
    // refused: a failed run still counts what it cost.
    expect(failed).toMatchObject({ outcome: "FAILED", requests: 6, error: expect.stringMatching(/^Google is busy \(HTTP 429 rateLimitExceeded\) with a batch of writes and asked to wait 3600 s; .*The sync resumes from where it stopped at the next run\.$/) });
    const db = await getDb();
    const stopped = await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(stopped).toMatchObject({ state: "ERROR", stateMessage: failed.error, runLeaseUntil: null, nextSyncReason: "continue" });
    // Asked again when Google said, not at the next interval.
    expect(stopped.nextSyncAt.getTime() - Date.now()).toBeGreaterThan(3_500_000);
    expect(liveRemote(email)).toHaveLength(51);

    expect(await syncAccount(user.id, accountId, { trigger: "manual" })).toMatchObject({ outcome: "complete" });
    expect(await lastRun(accountId)).toMatchObject({ outcome: "COMPLETE", pushedCreated: 70, error: null });
    const titles = liveRemote(email).map((event) => event.summary);
    expect(titles).toHaveLength(121);
    expect(new Set(titles).size).toBe(121);
    expect(await listRange(user.id, ...december)).toHaveLength(121);
    expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "ACTIVE", stateMessage: null });

    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(/: 0 created, 0 updated, 0 deleted; to Google: 0 created, 0 updated, 0 deleted \(1 request\)\.$/);
  });

  it("takes its limits from the environment", async () => {
    const { user, accountId } = await unsynced(1);
    vi.stubEnv("GOOGLE_RETRY_MAX_WAIT_SECONDS", "1");
    google.calendar.injectFaults({ status: 429, reason: "rateLimitExceeded", retryAfterSeconds: 2 });
    await expect(syncAccount(user.id, accountId, { trigger: "manual" })).rejects.toThrow(/asked to wait 2 s; a sync waits at most 1 s at a time and 120 s in all/);
    expect(await lastRun(accountId)).toMatchObject({ outcome: "FAILED" });
  });
});

describe("Google limiting requests beyond the run's wait budget", () => {
  it("ends the run partial, tells the card when it continues, and the job layer continues it then, without duplicates", async () => {
    const { user, email, accountId } = await unsynced(40);
    let offset = 0;
    google.calendar.setQuota({ perMinute: 30, retryAfterSeconds: 1, countRefused: true, now: () => Date.now() + offset });
    vi.stubEnv("GOOGLE_RETRY_BUDGET_SECONDS", "3");
    try {
      const result = await syncAccount(user.id, accountId, { trigger: "manual" });
      expect(result.outcome).toBe("partial");
      const continueAt = result.continueAt as Date;
      // When Google's minute has slid past the burst: seconds away, not the next interval.
      expect(continueAt.getTime() - Date.now()).toBeGreaterThan(5_000);
      expect(continueAt.getTime() - Date.now()).toBeLessThanOrEqual(61_000);
      const db = await getDb();
      const account = await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } });
      expect(account).toMatchObject({ state: "ACTIVE", nextSyncAt: continueAt, nextSyncReason: "continue" });
      const left = 40 - liveRemote(email).filter((event) => event.summary !== "From Google").length;
      expect(left).toBeGreaterThan(0);
      expect(account.stateMessage).toMatch(new RegExp(`^Google is limiting requests; ${left} events? left, continuing on its own at the next sync\\.$`));
      const run = await lastRun(accountId);
      expect(run.outcome).toBe("PARTIAL");
      expect(run.calls).toBeGreaterThan(run.requests);
      expect(account.lastRunSummary).toMatch(new RegExp(`\\(${run.calls} calls in ${run.requests} requests\\)\\.$`));

      // Not due before that time; due then, as a continuation, which finishes the export.
      expect((await claimDueAccounts(1000, new Date(continueAt.getTime() - 1000))).map((due) => due.accountId)).not.toContain(accountId);
      offset = 61_000;
      const due = (await claimDueAccounts(1000, new Date(continueAt.getTime() + 1000))).find((candidate) => candidate.accountId === accountId);
      expect(due?.reason).toBe("continue");
      expect(await runSyncJob(due as NonNullable<typeof due>)).toMatchObject({ status: "synced", outcome: "complete", continueAt: null });
      expect(await lastRun(accountId)).toMatchObject({ trigger: "continue", outcome: "COMPLETE" });
      const titles = liveRemote(email).map((event) => event.summary);
      expect(titles).toHaveLength(41);
      expect(new Set(titles).size).toBe(41);
      expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "ACTIVE", stateMessage: null, nextSyncReason: null });
    } finally {
      google.calendar.setQuota(null);
    }
  });
});
