import { describe, expect, it } from "vitest";
import { createEvent } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { claimDueAccounts } from "@/lib/jobs/due-accounts";
import { EmbeddedScheduler } from "@/lib/jobs/embedded-scheduler";
import { requestAccountSync, requestSyncAfterEdit } from "@/lib/jobs/request";
import { checkHealth } from "@/lib/server/health";
import { eventContent } from "../../helpers/event-content";
import { fakeGoogleForFile, userWithGoogle } from "./google-accounts";

const fakeGoogle = fakeGoogleForFile({ SYNC_INTERVAL_MINUTES: "5", SYNC_AFTER_EDIT_SECONDS: "5" });

const minutes = (from: Date, count: number) => new Date(from.getTime() + count * 60_000);

describe("due accounts", () => {
  it("claims each due account once, oldest first, and none that is paused, waiting for a person, or running", async () => {
    const db = await getDb();
    const now = new Date();
    const { accountIds: [due, paused, unauthorized, rejected, running, crashed, later] } = await userWithGoogle(fakeGoogle(), 7) as { accountIds: string[] };
    const outdated = await userWithGoogle(fakeGoogle());
    await db.user.update({ where: { id: outdated.user.id }, data: { passwordVersion: { increment: 1 } } });
    await db.syncAccount.update({ where: { id: due as string }, data: { nextSyncAt: minutes(now, -2) } });
    await db.syncAccount.update({ where: { id: paused as string }, data: { state: "PAUSED", nextSyncAt: minutes(now, -1) } });
    await db.syncAccount.update({ where: { id: unauthorized as string }, data: { state: "AUTHORIZATION_NEEDED", nextSyncAt: minutes(now, -1) } });
    await db.syncAccount.update({ where: { id: rejected as string }, data: { state: "PASSWORD_REJECTED", nextSyncAt: minutes(now, -1) } });
    await db.syncAccount.update({ where: { id: running as string }, data: { state: "SYNCING", runLeaseUntil: minutes(now, 10), nextSyncAt: minutes(now, -1) } });
    // A process died mid-run: its lease ran out, so the account is due again.
    await db.syncAccount.update({ where: { id: crashed as string }, data: { state: "SYNCING", runLeaseUntil: minutes(now, -1), nextSyncAt: minutes(now, -1) } });
    await db.syncAccount.update({ where: { id: later as string }, data: { nextSyncAt: minutes(now, 3) } });
    await db.syncAccount.update({ where: { id: outdated.accountIds[0] as string }, data: { nextSyncAt: minutes(now, -1) } });

    expect((await claimDueAccounts(1, now)).map((account) => account.accountId)).toEqual([due]);
    expect((await claimDueAccounts(10, now)).map((account) => account.accountId)).toEqual([crashed]);
    expect(await claimDueAccounts(10, now)).toEqual([]);
    const claimed = await db.syncAccount.findUniqueOrThrow({ where: { id: due as string } });
    expect(claimed.nextSyncAt.getTime()).toBe(minutes(now, 5).getTime());
    expect((await claimDueAccounts(10, minutes(now, 4))).map((account) => account.accountId)).toEqual([later]);
  });
});

describe("the embedded scheduler", () => {
  it("syncs a due account on its tick, records the tick for the health check, and waits an interval before the next run", async () => {
    const db = await getDb();
    const { user, accountIds: [accountId] } = await userWithGoogle(fakeGoogle());
    await createEvent(user.id, eventContent({ title: "Written here" }));
    const scheduler = new EmbeddedScheduler({ tickMs: 60_000 });
    const before = new Date();

    expect(await scheduler.tick()).toBeGreaterThanOrEqual(1);
    await scheduler.idle();
    expect(await db.syncRun.findMany({ where: { accountId } })).toMatchObject([{ outcome: "COMPLETE", trigger: "schedule", pushedCreated: 1 }]);
    const account = await db.syncAccount.findUniqueOrThrow({ where: { id: accountId as string } });
    expect(account.nextSyncAt.getTime()).toBeGreaterThanOrEqual(minutes(before, 5).getTime());

    expect(await scheduler.tick()).toBe(0);
    const health = await checkHealth();
    expect(health).toMatchObject({ ok: true, database: { reachable: true }, scheduler: { mode: "embedded", late: false } });
    expect(await checkHealth(minutes(new Date(), 10))).toMatchObject({ ok: false, scheduler: { late: true } });
  });

  it("turns a burst of edits into one run a few seconds after the last edit, and a push notification into a run now", async () => {
    const db = await getDb();
    const { user, accountIds: [accountId] } = await userWithGoogle(fakeGoogle());
    const scheduler = new EmbeddedScheduler({ tickMs: 60_000 });
    await scheduler.tick();
    await scheduler.idle();
    const runs = () => db.syncRun.count({ where: { accountId } });
    expect(await runs()).toBe(1);

    for (let edit = 0; edit < 5; edit += 1) {
      await createEvent(user.id, eventContent({ title: `Edit ${edit}` }));
      await requestSyncAfterEdit(user.id);
    }
    const { nextSyncAt } = await db.syncAccount.findUniqueOrThrow({ where: { id: accountId as string } });
    expect(nextSyncAt.getTime() - Date.now()).toBeGreaterThan(3_000);
    expect(nextSyncAt.getTime() - Date.now()).toBeLessThanOrEqual(5_000);
    expect(await scheduler.tick()).toBe(0);

    await db.syncAccount.update({ where: { id: accountId as string }, data: { nextSyncAt: new Date(Date.now() - 1) } });
    expect(await scheduler.tick()).toBe(1);
    await scheduler.idle();
    expect(await runs()).toBe(2);
    expect(await db.syncRun.findFirst({ where: { accountId }, orderBy: { startedAt: "desc" } })).toMatchObject({ trigger: "edit", pushedCreated: 5 });
    expect(fakeGoogle().calendar.events(`g0-${user.id.slice(0, 8)}@gmail.com`).map((event) => event.summary).sort()).toEqual(["Edit 0", "Edit 1", "Edit 2", "Edit 3", "Edit 4"]);

    await requestAccountSync(accountId as string);
    expect(await scheduler.tick()).toBe(1);
    await scheduler.idle();
    expect(await runs()).toBe(3);
    expect(await db.syncRun.findFirst({ where: { accountId }, orderBy: { startedAt: "desc" } })).toMatchObject({ trigger: "push" });
  });
});
