import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it, vi } from "vitest";
import { createEvent, deleteEvent } from "@/lib/calendar/events";
import { listRecentlyDeleted, purgeDeletedEvents, restoreRecentlyDeleted } from "@/lib/calendar/recently-deleted";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { TAG } from "@/lib/providers/google/mapping";
import { syncAccount } from "@/lib/sync/run-account";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { eventContent } from "../../helpers/event-content";
import { lastRun, userWithGoogle } from "../../helpers/google-account";
import { createTestUser } from "../../helpers/users";

let google: FakeGoogle;

beforeAll(async () => {
  await getDb();
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
  vi.spyOn(console, "info").mockImplementation(() => undefined);
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

const DAY = 86_400_000;
const live = (email: string) => google.calendar.events(email).filter((event) => event.status !== "cancelled");

/** A second Google calendar for the same user. */
async function secondGoogle(ownerId: string) {
  const email = `second-${ownerId.slice(0, 8)}@gmail.com`;
  const db = await getDb();
  const account = await db.syncAccount.create({ data: { ownerId, provider: "GOOGLE", login: email, secret: encryptSecret(google.oauth.grant(email).refreshToken) } });
  return { email, accountId: account.id };
}

describe("Recently deleted", () => {
  it("lists what a person and what a sync deleted, saying which account and run, and restores an event to every synced calendar as the same event", async () => {
    const { user, email: first, accountId: firstAccount } = await userWithGoogle(google);
    const { email: second, accountId: secondAccount } = await secondGoogle(user.id);
    const dentist = await createEvent(user.id, eventContent({ title: "Dentist" }));
    const lunch = await createEvent(user.id, eventContent({ title: "Lunch", start: "2026-12-03T12:00:00.000Z", end: "2026-12-03T13:00:00.000Z" }));
    for (const accountId of [firstAccount, secondAccount]) await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(live(first).map((event) => event.summary).sort()).toEqual(["Dentist", "Lunch"]);

    // Dentist is deleted in the first Google calendar; the sync carries it here, then to the second.
    google.calendar.userDelete(first, live(first).find((event) => event.summary === "Dentist")?.id as string);
    await syncAccount(user.id, firstAccount, { trigger: "manual" });
    const deletingRun = await lastRun(firstAccount);
    await syncAccount(user.id, secondAccount, { trigger: "manual" });
    expect(live(second).map((event) => event.summary)).toEqual(["Lunch"]);
    // Lunch is deleted here by the person.
    await deleteEvent(user.id, lunch.id);

    const listed = await listRecentlyDeleted(user.id);
    expect(listed.map((event) => [event.title, event.deletedBy?.source ?? "person", event.deletedBy?.run?.id ?? null])).toEqual([
      ["Lunch", "person", null],
      ["Dentist", `Google ${first}`, deletingRun.id],
    ]);
    expect(listed[1]?.purgeAt.getTime()).toBe((listed[1]?.deletedAt.getTime() ?? 0) + 30 * DAY);

    await restoreRecentlyDeleted(user.id, dentist.id);
    expect((await listRecentlyDeleted(user.id)).map((event) => event.title)).toEqual(["Lunch"]);
    for (const accountId of [firstAccount, secondAccount]) {
      expect(await syncAccount(user.id, accountId, { trigger: "manual" })).toMatchObject({ outcome: "complete" });
    }
    // Back in both calendars once, tagged with the same event of ours; Lunch gone from both.
    for (const email of [first, second]) {
      const events = live(email);
      expect(events.map((event) => event.summary)).toEqual(["Dentist"]);
      expect(events[0]?.extendedProperties?.private?.[TAG]).toBe(dentist.id);
    }
    // Settled: the next runs change nothing.
    for (const accountId of [firstAccount, secondAccount]) {
      expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(/0 created, 0 updated, 0 deleted; to Google: 0 created, 0 updated, 0 deleted/);
    }
  });

  it("shows and restores only the owner's deleted events", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const secret = await createEvent(alice.id, eventContent({ title: "Alice's appointment" }));
    await deleteEvent(alice.id, secret.id);

    expect((await listRecentlyDeleted(alice.id)).map((event) => event.id)).toEqual([secret.id]);
    expect(await listRecentlyDeleted(bob.id)).toEqual([]);
    await expect(restoreRecentlyDeleted(bob.id, secret.id)).rejects.toMatchObject({ code: "not_found" });
    const db = await getDb();
    expect((await db.event.findUniqueOrThrow({ where: { id: secret.id } })).deletedAt).not.toBeNull();
  });

  it("keeps 30 days, then purges what every account has carried — never a deletion an account still has to carry", async () => {
    const { user, email, accountId } = await userWithGoogle(google);
    const carried = await createEvent(user.id, eventContent({ title: "Carried" }));
    const pending = await createEvent(user.id, eventContent({ title: "Not carried yet" }));
    await syncAccount(user.id, accountId, { trigger: "manual" });
    await deleteEvent(user.id, carried.id);
    await syncAccount(user.id, accountId, { trigger: "manual" });
    const never = await createEvent(user.id, eventContent({ title: "Never synced" }));
    expect(live(email).map((event) => event.summary)).not.toContain("Carried");
    await deleteEvent(user.id, pending.id);
    const db = await getDb();
    const created = await createEvent(user.id, eventContent({ title: "Just now" }));
    await deleteEvent(user.id, created.id);
    await db.event.updateMany({ where: { id: { in: [carried.id, pending.id] } }, data: { deletedAt: new Date(Date.now() - 31 * DAY) } });
    await deleteEvent(user.id, never.id);
    await db.event.update({ where: { id: never.id }, data: { deletedAt: new Date(Date.now() - 31 * DAY) } });

    expect((await listRecentlyDeleted(user.id)).map((event) => event.title)).toEqual(["Just now"]);
    await expect(restoreRecentlyDeleted(user.id, carried.id)).rejects.toMatchObject({ code: "not_found" });
    await purgeDeletedEvents();
    const left = await db.event.findMany({ where: { ownerId: user.id }, select: { title: true } });
    expect(left.map((event) => event.title).sort()).toEqual(["Just now", "Not carried yet"]);
  });
});
