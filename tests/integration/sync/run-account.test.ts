import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { createEvent, currentEventSeq, getEvents, listRange, updateEvent } from "@/lib/calendar/events";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { accountStatus, grantAtollonAccount, setConflictPolicy } from "@/lib/sync-accounts/accounts";
import { syncAccount } from "@/lib/sync/run-account";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { eventContent } from "../../helpers/event-content";
import { createTestUser } from "../../helpers/users";

let google: FakeGoogle;

beforeAll(async () => {
  // The file's database is created and migrated here, within the hook's time, not the first test's.
  await getDb();
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
  Object.assign(process.env, google.env());
  vi.spyOn(console, "info").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await google.close();
});

const timed = (title: string, day: number, extra: Partial<EventContent> = {}): EventContent =>
  eventContent({ title, start: new Date(Date.UTC(2026, 11, day, 8)).toISOString(), end: new Date(Date.UTC(2026, 11, day, 9)).toISOString(), ...extra });

async function connected() {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  return { user, ...(await addGoogle(user.id, "first")) };
}

async function addGoogle(ownerId: string, label: string) {
  const email = `${label}-${ownerId.slice(0, 8)}@gmail.com`;
  const { refreshToken } = google.oauth.grant(email);
  const db = await getDb();
  const account = await db.syncAccount.create({ data: { ownerId, provider: "GOOGLE", login: email, secret: encryptSecret(refreshToken) } });
  return { email, accountId: account.id };
}

const IDLE = /^From Google: 0 created, 0 updated, 0 deleted; to Google: 0 created, 0 updated, 0 deleted \(1 request\)\.$/;

const december = [new Date("2026-12-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z")] as const;
const liveRemote = (email: string) => google.calendar.events(email).filter((event) => event.status !== "cancelled");

describe("syncing an account", () => {
  it("copies events both ways, records the run, and then costs one request with no event writes", async () => {
    const { user, email, accountId } = await connected();
    await createEvent(user.id, timed("Written here", 7));
    google.calendar.userInsert(email, { summary: "Written in Google", start: { dateTime: "2026-12-08T10:00:00.000Z", timeZone: "UTC" }, end: { dateTime: "2026-12-08T11:00:00.000Z", timeZone: "UTC" } });

    const first = await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(first.outcome).toBe("complete");
    expect(first.summary).toMatch(/^From Google: 1 created, 0 updated, 0 deleted; to Google: 1 created, 0 updated, 0 deleted/);
    expect((await listRange(user.id, ...december)).map((item) => item.title).sort()).toEqual(["Written here", "Written in Google"]);
    expect(liveRemote(email).map((event) => event.summary).sort()).toEqual(["Written here", "Written in Google"]);
    expect(liveRemote(email).every((event) => event.extendedProperties?.private || event.summary === "Written in Google")).toBe(true);

    const db = await getDb();
    const account = await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(account).toMatchObject({ state: "ACTIVE", lastRunSummary: first.summary, runLeaseUntil: null });
    expect(account.lastSuccessfulSyncAt).not.toBeNull();
    expect(await db.syncRun.findMany({ where: { accountId } })).toMatchObject([{ outcome: "COMPLETE", pulledCreated: 1, pushedCreated: 1, trigger: "manual" }]);

    const seq = await currentEventSeq(user.id);
    const requestsBefore = google.calendar.log.length;
    const refreshesBefore = google.oauth.tokenRefreshes;
    const idle = await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(idle.summary).toMatch(/\(1 request\)\.$/);
    expect(google.calendar.log.length - requestsBefore).toBe(1);
    // The access token of the first run still lives: nothing asked of Google's token endpoint either.
    expect(google.oauth.tokenRefreshes - refreshesBefore).toBe(0);
    expect(await currentEventSeq(user.id)).toBe(seq);
  });

  it("carries later edits on either side and never emails anyone", async () => {
    const { user, email, accountId } = await connected();
    const event = await createEvent(user.id, timed("Planning", 9, { attendees: [{ email: "guest@example.com", name: "Guest", response: "needsAction", optional: false }] }));
    await syncAccount(user.id, accountId, { trigger: "manual" });
    await updateEvent(user.id, event.id, { ...event.content, title: "Planning (moved)" });
    await syncAccount(user.id, accountId, { trigger: "manual" });
    const [remote] = liveRemote(email);
    expect(remote?.summary).toBe("Planning (moved)");
    google.calendar.userPatch(email, remote?.id as string, { location: "Room 7" });
    await syncAccount(user.id, accountId, { trigger: "manual" });
    expect((await listRange(user.id, ...december))[0]).toMatchObject({ title: "Planning (moved)", location: "Room 7" });
    expect(google.calendar.log.filter((entry) => entry.batch).every((entry) => entry.sendUpdates === "none")).toBe(true);
  });

  it("pauses when most events vanish remotely, then restores them when the user chooses", async () => {
    const { user, email, accountId } = await connected();
    for (let day = 1; day <= 24; day += 1) await createEvent(user.id, timed(`Event ${day}`, day));
    await syncAccount(user.id, accountId, { trigger: "manual" });
    for (const event of liveRemote(email).slice(0, 20)) google.calendar.userDelete(email, event.id);

    const paused = await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(paused).toMatchObject({ outcome: "paused" });
    expect(paused.summary).toContain("Paused: 20 events would be deleted");
    const db = await getDb();
    expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "PAUSED" });
    expect(await listRange(user.id, ...december)).toHaveLength(24);
    await expect(syncAccount(user.id, accountId, { trigger: "manual" })).rejects.toThrow("Paused: 20 events would be deleted");

    expect(await syncAccount(user.id, accountId, { trigger: "manual", deletions: "restore" })).toMatchObject({ outcome: "complete" });
    expect(liveRemote(email)).toHaveLength(24);
    expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "ACTIVE" });
  });

  it("applies the held deletions when the user chooses", async () => {
    const { user, email, accountId } = await connected();
    for (let day = 1; day <= 24; day += 1) await createEvent(user.id, timed(`Event ${day}`, day));
    await syncAccount(user.id, accountId, { trigger: "manual" });
    for (const event of liveRemote(email).slice(0, 20)) google.calendar.userDelete(email, event.id);
    await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(await syncAccount(user.id, accountId, { trigger: "manual", deletions: "apply" })).toMatchObject({ outcome: "complete" });
    expect(await listRange(user.id, ...december)).toHaveLength(4);
  });

  it("carries changes from one Google account through Atollon to another, and never echoes them back", async () => {
    const { user, email: first, accountId: firstId } = await connected();
    const { email: second, accountId: secondId } = await addGoogle(user.id, "second");
    const sync = async (accountId: string) => (await syncAccount(user.id, accountId, { trigger: "manual" })).summary;
    google.calendar.userInsert(first, { summary: "Board meeting", start: { dateTime: "2026-12-10T09:00:00.000Z", timeZone: "Europe/Prague" }, end: { dateTime: "2026-12-10T10:00:00.000Z", timeZone: "Europe/Prague" } });

    expect(await sync(firstId)).toMatch(/^From Google: 1 created/);
    expect(await sync(secondId)).toMatch(/to Google: 1 created/);
    expect(liveRemote(second).map((event) => event.summary)).toEqual(["Board meeting"]);
    expect(await sync(firstId)).toMatch(IDLE);
    expect(liveRemote(first)).toHaveLength(1);

    const [copy] = liveRemote(second);
    google.calendar.userPatch(second, copy?.id as string, { summary: "Board meeting (moved)", location: "Room 2" });
    expect(await sync(secondId)).toMatch(/^From Google: 0 created, 1 updated/);
    expect(await sync(firstId)).toMatch(/to Google: 0 created, 1 updated/);
    expect(await sync(secondId)).toMatch(IDLE);
    expect(liveRemote(first)[0]).toMatchObject({ summary: "Board meeting (moved)", location: "Room 2" });

    google.calendar.userDelete(first, liveRemote(first)[0]?.id as string);
    expect(await sync(firstId)).toMatch(/^From Google: 0 created, 0 updated, 1 deleted/);
    expect(await sync(secondId)).toMatch(/to Google: 0 created, 0 updated, 1 deleted/);
    expect(liveRemote(second)).toHaveLength(0);
    expect(await listRange(user.id, ...december)).toHaveLength(0);
    expect(await sync(firstId)).toMatch(IDLE);
    expect(await sync(secondId)).toMatch(IDLE);
  });

  it("settles an event changed on both sides by the account's conflict policy", async () => {
    const { user, email, accountId } = await connected();
    const other = await createTestUser();
    await expect(setConflictPolicy(other.id, accountId, "REMOTE")).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === "not_found");
    await createEvent(user.id, timed("Review", 10));
    await syncAccount(user.id, accountId, { trigger: "manual" });
    const editBoth = async (first: "local" | "remote", label: string) => {
      const edits = {
        local: async () => {
          const [event] = await listRange(user.id, ...december);
          const stored = (await getEvents(user.id, [event?.eventId as string]))[0];
          await updateEvent(user.id, stored?.id as string, { ...(stored?.content as EventContent), title: `Review (Atollon ${label})` });
        },
        remote: async () => {
          google.calendar.userPatch(email, liveRemote(email)[0]?.id as string, { summary: `Review (Google ${label})` });
        },
      };
      await edits[first]();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await edits[first === "local" ? "remote" : "local"]();
    };
    const titles = async () => ({ atollon: (await listRange(user.id, ...december))[0]?.title, google: liveRemote(email)[0]?.summary });

    await editBoth("local", "1");
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toContain("1 conflict settled");
    expect(await titles()).toEqual({ atollon: "Review (Google 1)", google: "Review (Google 1)" });

    await setConflictPolicy(user.id, accountId, "LOCAL");
    await editBoth("local", "2");
    await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(await titles()).toEqual({ atollon: "Review (Atollon 2)", google: "Review (Atollon 2)" });

    await setConflictPolicy(user.id, accountId, "REMOTE");
    await editBoth("remote", "3");
    await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(await titles()).toEqual({ atollon: "Review (Google 3)", google: "Review (Google 3)" });
  });

  it("shows a running sync's counts so far to its owner only", async () => {
    const { user, accountId } = await connected();
    const other = await createTestUser();
    for (let index = 0; index < 120; index += 1) await createEvent(user.id, timed(`Item ${index}`, 1 + (index % 28)));
    google.calendar.setDelay(600);
    const seen: number[] = [];
    let done = false;
    const running = syncAccount(user.id, accountId, { trigger: "manual" }).finally(() => (done = true));
    try {
      while (!done) {
        const status = await accountStatus(user.id, accountId);
        if (status.running) seen.push(status.running.sent);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await running;
    } finally {
      google.calendar.setDelay(0);
    }
    expect(seen.some((sent) => sent > 0 && sent < 120)).toBe(true);
    expect(await accountStatus(user.id, accountId)).toMatchObject({ state: "ACTIVE", running: null, lastRunSummary: expect.stringContaining("to Google: 120 created") });
    await expect(accountStatus(other.id, accountId)).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === "not_found");
  });

  it("holds the account for as long as its run lasts, renewing the lease, so a second run cannot start beside it", async () => {
    const { user, accountId } = await connected();
    for (let index = 0; index < 60; index += 1) await createEvent(user.id, timed(`Item ${index}`, 1 + (index % 28)));
    process.env.SYNC_RUN_LEASE_SECONDS = "1";
    google.calendar.setDelay(700);
    try {
      const running = syncAccount(user.id, accountId, { trigger: "manual" });
      // Well past the first lease's end: only a renewed lease still holds the account.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await expect(syncAccount(user.id, accountId, { trigger: "scheduled" })).rejects.toThrow("A sync of this account is already running.");
      expect((await running).outcome).toBe("complete");
    } finally {
      delete process.env.SYNC_RUN_LEASE_SECONDS;
      google.calendar.setDelay(0);
    }
    const db = await getDb();
    expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "ACTIVE", runLeaseUntil: null });
    expect(await db.syncRun.count({ where: { accountId } })).toBe(1);
  });

  it("stops at Authorization needed when Google refuses the token, and refuses other users", async () => {
    const { user, email, accountId } = await connected();
    const other = await createTestUser();
    await expect(syncAccount(other.id, accountId, { trigger: "manual" })).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === "not_found");
    google.oauth.revokeGrantsOf(email);
    await expect(syncAccount(user.id, accountId, { trigger: "manual" })).rejects.toThrow("Authorization needed");
    const db = await getDb();
    expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "AUTHORIZATION_NEEDED", runLeaseUntil: null });
    expect(await db.syncRun.findFirst({ where: { accountId }, orderBy: { startedAt: "desc" } })).toMatchObject({ outcome: "FAILED" });
  });
});
