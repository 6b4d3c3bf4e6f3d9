import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { CALENDAR_CHANGED, SYNC_REQUESTED } from "@/lib/jobs/client";
import { scheduleSyncs, syncAccountJob, syncAfterEdit } from "@/lib/jobs/functions";
import { grantAtollonAccount } from "@/lib/sync-accounts/accounts";
import { createEwsAccount } from "@/lib/sync-accounts/ews";
import { startFakeEws } from "../../fakes/ews/server";
import { createTestUser } from "../../helpers/users";
import { fakeGoogleForFile, userWithGoogle } from "./google-accounts";

const fakeGoogle = fakeGoogleForFile();

/** Makes every account not yet synced wait, so each test decides what is due. */
async function nothingDue() {
  const db = await getDb();
  await db.syncAccount.updateMany({ data: { nextSyncAt: new Date(Date.now() + 3_600_000) } });
}

/** Inngest's server delivers what a function sends; here the send step is answered as it would answer it. */
const sent = (id: string) => ({ id, handler: () => ({ ids: ["sent"] }) });

const syncEvent = (account: { accountId: string; ownerId: string }) => ({ name: SYNC_REQUESTED, data: { ...account, service: "google", reason: "schedule" } });

describe("the schedule function", () => {
  it("sends one sync event per due account and none for a paused one", async () => {
    const db = await getDb();
    const first = await userWithGoogle(fakeGoogle(), 2);
    const second = await userWithGoogle(fakeGoogle());
    const paused = await userWithGoogle(fakeGoogle());
    await nothingDue();
    const due = [...first.accountIds, ...second.accountIds];
    await db.syncAccount.updateMany({ where: { id: { in: [...due, ...paused.accountIds] } }, data: { nextSyncAt: new Date(Date.now() - 1000) } });
    await db.syncAccount.updateMany({ where: { id: { in: paused.accountIds } }, data: { state: "PAUSED" } });

    const { result, ctx } = await new InngestTestEngine({ function: scheduleSyncs, steps: [sent("request-syncs-0")] }).execute();
    expect(result).toEqual({ claimed: 3, renewedChannels: 0, renewedSubscriptions: 0, purged: 0, prunedTrace: 0 });
    expect(ctx.step.sendEvent).toHaveBeenCalledTimes(1);
    const [[id, events]] = ctx.step.sendEvent.mock.calls as unknown as [[string, { name: string; data: { accountId: string; reason: string } }[]]];
    expect(id).toBe("request-syncs-0");
    expect(events.map((event) => event.data.accountId).sort()).toEqual([...due].sort());
    expect(events.every((event) => event.name === SYNC_REQUESTED && event.data.reason === "schedule")).toBe(true);
    expect((await db.schedulerTick.findUniqueOrThrow({ where: { name: "inngest" } })).claimed).toBe(3);
  });

  it("retried after a later step failed, reuses the accounts its first attempt claimed instead of claiming again", async () => {
    const db = await getDb();
    const earlier = await userWithGoogle(fakeGoogle());
    const waiting = await userWithGoogle(fakeGoogle());
    await nothingDue();
    await db.syncAccount.updateMany({ where: { id: { in: waiting.accountIds } }, data: { nextSyncAt: new Date(Date.now() - 1000) } });
    const memoized = [{ accountId: earlier.accountIds[0] as string, ownerId: earlier.user.id, service: "google", reason: "schedule" }];

    const { result, ctx } = await new InngestTestEngine({ function: scheduleSyncs, steps: [{ id: "claim-due-accounts-0", handler: () => memoized }, sent("request-syncs-0")] }).execute();
    expect(result).toEqual({ claimed: 1, renewedChannels: 0, renewedSubscriptions: 0, purged: 0, prunedTrace: 0 });
    expect(ctx.step.sendEvent).toHaveBeenCalledWith("request-syncs-0", [expect.objectContaining({ data: expect.objectContaining({ accountId: earlier.accountIds[0] }) })]);
    // The claim did not run again: the account that became due since is still waiting for the next tick.
    const still = await db.syncAccount.findUniqueOrThrow({ where: { id: waiting.accountIds[0] as string } });
    expect(still.nextSyncAt.getTime()).toBeLessThan(Date.now());
  });
});

describe("the sync function", () => {
  it("syncs the account of the event, and stops retrying on an authorization failure after marking the account", async () => {
    const db = await getDb();
    const { user, accountIds: [accountId], emails: [email] } = await userWithGoogle(fakeGoogle());
    const { result } = await new InngestTestEngine({ function: syncAccountJob }).execute({ events: [syncEvent({ accountId: accountId as string, ownerId: user.id })] });
    expect(result).toMatchObject({ status: "synced", outcome: "complete" });

    fakeGoogle().oauth.revokeGrantsOf(email as string);
    const { error } = await new InngestTestEngine({ function: syncAccountJob }).execute({ events: [syncEvent({ accountId: accountId as string, ownerId: user.id })] });
    expect(error).toMatchObject({ name: "NonRetriableError" });
    expect(String((error as { message?: string }).message)).toMatch(/Receive Google token|authoriz/i);
    expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId as string } })).toMatchObject({ state: "AUTHORIZATION_NEEDED" });
    expect(await db.syncRun.findMany({ where: { accountId }, orderBy: { startedAt: "asc" } })).toMatchObject([{ outcome: "COMPLETE" }, { outcome: "FAILED" }]);
  });

  it("lets Inngest retry a run that failed because Google was unavailable", async () => {
    const { user, accountIds: [accountId] } = await userWithGoogle(fakeGoogle());
    fakeGoogle().calendar.injectFaults(...Array.from({ length: 12 }, () => ({ status: 503, reason: "backendError" })));
    const { error } = await new InngestTestEngine({ function: syncAccountJob }).execute({ events: [syncEvent({ accountId: accountId as string, ownerId: user.id })] });
    fakeGoogle().calendar.injectFaults();
    expect(error).toBeDefined();
    expect(error).not.toMatchObject({ name: "NonRetriableError" });
  }, 60_000);

  it("retried after Exchange became unavailable mid-listing, goes on from the page the failed attempt saved", async () => {
    const exchange = await startFakeEws();
    try {
      Object.assign(process.env, { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" });
      const user = await createTestUser();
      await grantAtollonAccount(user.id, user.password);
      const { created: accountId } = (await createEwsAccount(user.id, "EXCHANGE", { login: "CONTOSO\\alice", serverUrl: exchange.ewsUrl, password: "secret" })) as { created: string };
      for (let i = 0; i < 1100; i += 1) exchange.mailbox.add({ subject: `Shift ${i}`, start: "2026-12-08T09:00:00Z", end: "2026-12-08T10:00:00Z", startTimeZone: "UTC" });
      const event = { name: SYNC_REQUESTED, data: { accountId, ownerId: user.id, service: "ews:127.0.0.1", reason: "schedule" } };

      // SyncFolderItems answers 512 + 512 + 76 changes, GetItem reads them 100 at a time: the
      // third SyncFolderItems (the 13th call) finds the server busy for longer than a run waits,
      // after two pages were applied.
      const listingCalls = exchange.count("SyncFolderItems");
      exchange.throttle(1, 120_000, 12);
      const { error } = await new InngestTestEngine({ function: syncAccountJob }).execute({ events: [event] });
      expect(error).toBeDefined();
      expect(error).not.toMatchObject({ name: "NonRetriableError" });
      expect(exchange.count("SyncFolderItems") - listingCalls).toBe(2);

      const before = exchange.count("SyncFolderItems");
      const { result } = await new InngestTestEngine({ function: syncAccountJob }).execute({ events: [event] });
      expect(result).toMatchObject({ status: "synced", outcome: "complete" });
      // The retry starts at the second call's SyncState: two calls, not three from the start.
      expect(exchange.count("SyncFolderItems") - before).toBe(2);
      const db = await getDb();
      expect(await db.event.count({ where: { ownerId: user.id, deletedAt: null } })).toBe(1100);
      expect(await db.syncRun.findMany({ where: { accountId }, orderBy: { startedAt: "asc" }, select: { outcome: true } })).toEqual([{ outcome: "FAILED" }, { outcome: "COMPLETE" }]);
    } finally {
      await exchange.close();
    }
  }, 60_000);

  it("sends the continuation for the time the service gave when a run stopped because requests were limited", async () => {
    const continueAt = new Date(Date.now() + 45_000).toISOString();
    const data = { accountId: "00000000-0000-4000-8000-000000000001", ownerId: "00000000-0000-4000-8000-000000000002" };
    const limited = { status: "synced", outcome: "partial", summary: "…", continueAt };
    const { result, ctx } = await new InngestTestEngine({ function: syncAccountJob, steps: [{ id: "sync", handler: () => limited }, sent("continue-sync")] }).execute({ events: [syncEvent(data)] });
    expect(result).toEqual(limited);
    expect(ctx.step.sendEvent).toHaveBeenCalledWith("continue-sync", { name: SYNC_REQUESTED, data: { ...data, service: "google", reason: "continue" }, ts: Date.parse(continueAt) });

    const done = { status: "synced", outcome: "complete", summary: "…", continueAt: null };
    const quiet = await new InngestTestEngine({ function: syncAccountJob, steps: [{ id: "sync", handler: () => done }] }).execute({ events: [syncEvent(data)] });
    expect(quiet.ctx.step.sendEvent).not.toHaveBeenCalled();
  });

  it("runs one at a time per account, throttled per remote service, with retries", () => {
    expect(syncAccountJob.opts).toMatchObject({ concurrency: [{ key: "event.data.accountId", limit: 1 }], throttle: { key: "event.data.service" }, retries: 4 });
  });
});

describe("the sync-after-edit function", () => {
  it("is debounced per user and asks for one sync of each of the user's accounts that may run", async () => {
    expect(syncAfterEdit.opts.debounce).toMatchObject({ key: "event.data.ownerId", period: "5s" });
    const db = await getDb();
    const { user, accountIds } = await userWithGoogle(fakeGoogle(), 3);
    await db.syncAccount.update({ where: { id: accountIds[2] as string }, data: { state: "AUTHORIZATION_NEEDED" } });
    const { result, ctx } = await new InngestTestEngine({ function: syncAfterEdit, steps: [sent("request-syncs")] }).execute({ events: [{ name: CALENDAR_CHANGED, data: { ownerId: user.id } }] });
    expect(result).toEqual({ requested: 2 });
    const [[, events]] = ctx.step.sendEvent.mock.calls as unknown as [[string, { data: { accountId: string; reason: string } }[]]];
    expect(events.map((event) => event.data.accountId).sort()).toEqual(accountIds.slice(0, 2).sort());
    expect(events.every((event) => event.data.reason === "edit")).toBe(true);
  });
});
