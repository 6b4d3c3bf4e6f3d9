import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { createEvent } from "@/lib/calendar/events";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { grantAtollonAccount, listAccounts } from "@/lib/sync-accounts/accounts";
import { createGoogleAccount, flowCalendars } from "@/lib/sync-accounts/google";
import { openFlow, recordReceived } from "@/lib/sync-accounts/oauth-flows";
import { chooseRemoteCalendar, writableCalendars } from "@/lib/sync-accounts/remote-calendars";
import { copiesRemovedBy, saveSyncRules } from "@/lib/sync-accounts/rules";
import { DEFAULT_RULES } from "@/lib/sync/rules/schema";
import { syncAccount } from "@/lib/sync/run-account";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { eventContent } from "../../helpers/event-content";
import { createTestUser } from "../../helpers/users";

let google: FakeGoogle;

beforeAll(async () => {
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

const DAY = 86_400_000;
const inDays = (title: string, days: number, extra: Partial<EventContent> = {}): EventContent => {
  const start = new Date(Date.now() + days * DAY);
  start.setUTCHours(9, 0, 0, 0);
  return eventContent({ title, description: `${title} agenda`, location: "Room 4", start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString(), ...extra });
};

async function connected() {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  const email = `rules-${user.id.slice(0, 8)}@gmail.com`;
  const { refreshToken } = google.oauth.grant(email);
  const db = await getDb();
  const account = await db.syncAccount.create({ data: { ownerId: user.id, provider: "GOOGLE", login: email, secret: encryptSecret(refreshToken) } });
  return { user, email, accountId: account.id };
}

const titlesInAtollon = async (ownerId: string) => (await (await getDb()).event.findMany({ where: { ownerId, deletedAt: null } })).map((event) => event.title).sort();
const live = (calendar: string) => google.calendar.events(calendar).filter((event) => event.status !== "cancelled");

describe("sync rules and the chosen calendar, against the fake Google", () => {
  it("lists the calendars the account can write, syncs the chosen one, and moves to another without duplicating anything", async () => {
    const { user, email, accountId } = await connected();
    const team = `team-${user.id.slice(0, 8)}@group.calendar.google.com`;
    const shared = `shared-${user.id.slice(0, 8)}@group.calendar.google.com`;
    google.calendar.addCalendar(team, "Team", { [email]: "writer" });
    google.calendar.addCalendar(shared, "Read only", { [email]: "reader" });
    expect(await writableCalendars(user.id, accountId)).toEqual([
      { id: email, name: email, primary: true },
      { id: team, name: "Team", primary: false },
    ]);
    await expect(chooseRemoteCalendar(user.id, accountId, shared, "leave")).rejects.toThrow(/cannot write to that calendar/);

    await chooseRemoteCalendar(user.id, accountId, team, "leave");
    await createEvent(user.id, inDays("Planning", 2));
    google.calendar.userInsert(team, { summary: "Team lunch", start: { dateTime: inDays("", 3).start, timeZone: "UTC" }, end: { dateTime: inDays("", 3).end, timeZone: "UTC" } });
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).outcome).toBe("complete");
    expect(live(team).map((event) => event.summary).sort()).toEqual(["Planning", "Team lunch"]);
    expect(live(email)).toEqual([]);
    expect((await listAccounts(user.id)).find((account) => account.id === accountId)?.remoteCalendarName).toBe("Team");

    // Back to the default calendar, removing the copies made in Team: Team keeps its own event only.
    await chooseRemoteCalendar(user.id, accountId, email, "remove");
    expect(live(team).map((event) => event.summary)).toEqual(["Team lunch"]);
    await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(live(email).map((event) => event.summary).sort()).toEqual(["Planning", "Team lunch"]);
    expect(await titlesInAtollon(user.id)).toEqual(["Planning", "Team lunch"]);
  });

  it("offers the writable calendars once the token is received, and Create syncs the one chosen", async () => {
    const user = await createTestUser();
    await grantAtollonAccount(user.id, user.password);
    const email = `create-${user.id.slice(0, 8)}@gmail.com`;
    const team = `crew-${user.id.slice(0, 8)}@group.calendar.google.com`;
    google.calendar.addCalendar(team, "Crew", { [email]: "owner" });
    await openFlow(user.id, "GOOGLE", email, null);
    const db = await getDb();
    const flow = await db.oAuthFlow.findFirstOrThrow({ where: { ownerId: user.id, provider: "GOOGLE" } });
    expect(await flowCalendars(user.id, flow.id)).toBeNull();
    await recordReceived(flow.id, google.oauth.grant(email).refreshToken, email);
    expect((await flowCalendars(user.id, flow.id))?.map((calendar) => calendar.name)).toEqual([email, "Crew"]);
    await expect(createGoogleAccount(user.id, flow.id, async () => undefined, "someone-else@group.calendar.google.com")).rejects.toThrow(/cannot write to that calendar/);
    expect(await db.syncAccount.count({ where: { ownerId: user.id, provider: "GOOGLE" } })).toBe(0);

    const accountId = await createGoogleAccount(user.id, flow.id, async () => undefined, team);
    expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ remoteCalendarId: team, remoteCalendarName: "Crew" });
    await createEvent(user.id, inDays("Standup", 1));
    await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(live(team).map((event) => event.summary)).toEqual(["Standup"]);
    expect(live(email)).toEqual([]);
  });

  it("sends busy blocks for the next 30 days only, restores a copy edited in Google, and asks before rules remove copies", async () => {
    const { user, email, accountId } = await connected();
    await createEvent(user.id, inDays("Board", 3, { attendees: [{ email: "ceo@example.com", name: null, response: "accepted", optional: false }] }));
    await createEvent(user.id, inDays("Offsite", 45));
    await createEvent(user.id, inDays("Holiday", 5));
    await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(live(email)).toHaveLength(3);

    const rules = { ...DEFAULT_RULES, toRemote: "busy" as const, pastDays: 0, futureDays: 30, titleWords: ["holiday"] };
    // Offsite (outside the window) and Holiday (a skipped word) would go.
    expect(await copiesRemovedBy(user.id, accountId, rules)).toBe(2);
    expect(await saveSyncRules(user.id, accountId, rules, null)).toEqual({ saved: false, removals: 2 });
    expect(await saveSyncRules(user.id, accountId, rules, 2)).toEqual({ saved: true, removals: 2 });
    expect((await listAccounts(user.id)).find((account) => account.id === accountId)?.rulesSummary).toBe('Both ways · "Busy" only to Google · not "holiday" · next 30 days');

    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).outcome).toBe("complete");
    const [copy, ...others] = live(email);
    expect(others).toEqual([]);
    expect(copy).toMatchObject({ summary: "Busy" });
    expect(copy?.description ?? "").toBe("");
    expect(copy?.location ?? "").toBe("");
    expect(copy?.attendees ?? []).toEqual([]);

    google.calendar.userPatch(email, copy?.id as string, { summary: "Taken over", location: "Elsewhere" });
    const restored = await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(restored.summary).toMatch(/1 copy changed in Google or Atollon restored from the original/);
    expect(live(email).map((event) => [event.summary, event.location ?? ""])).toEqual([["Busy", ""]]);
    expect(await titlesInAtollon(user.id)).toEqual(["Board", "Holiday", "Offsite"]);
    // And then idle.
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(/^From Google: 0 created, 0 updated, 0 deleted; to Google: 0 created, 0 updated, 0 deleted/);
  });
});
