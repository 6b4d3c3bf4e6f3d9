import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { createEvent, updateEvent } from "@/lib/calendar/events";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { grantAtollonAccount, setConflictPolicy } from "@/lib/sync-accounts/accounts";
import { countRejectedEvents, listRejectedEvents } from "@/lib/sync/rejections";
import { DEFAULT_RULES } from "@/lib/sync/rules/schema";
import { syncAccount } from "@/lib/sync/run-account";
import { getEventTrace } from "@/lib/sync/trace";
import { pruneTrace } from "@/lib/sync/trace-prune";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { eventContent } from "../../helpers/event-content";
import { createTestUser } from "../../helpers/users";

// The event's sync trace, run whole against the Google fake: the real engine, store and provider
// write it; lib/sync/trace reads it as the event dialog does.

let google: FakeGoogle;

beforeAll(async () => {
  await getDb();
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
  for (const [name, value] of Object.entries(google.env())) vi.stubEnv(name, value);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await google.close();
});

const meeting = (overrides: Partial<EventContent> = {}): EventContent =>
  eventContent({ title: "Planning", start: "2026-12-10T09:00:00.000Z", end: "2026-12-10T10:00:00.000Z", timeZone: "UTC", ...overrides });
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A user with two Google calendars, work and home. */
async function twoCalendars() {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  const db = await getDb();
  const connect = async (name: string) => {
    const email = `${user.id.slice(0, 8)}-${name}@gmail.com`;
    const account = await db.syncAccount.create({ data: { ownerId: user.id, provider: "GOOGLE", login: email, secret: encryptSecret(google.oauth.grant(email).refreshToken) } });
    return { id: account.id, email, run: () => syncAccount(user.id, account.id, { trigger: "manual" }) };
  };
  const work = await connect("work");
  const home = await connect("home");
  const stateIn = async (eventId: string, accountId: string) => (await getEventTrace({ ownerId: user.id, eventId })).accounts.find((account) => account.accountId === accountId)?.state;
  return { user, work, home, stateIn };
}

describe("an event's sync trace", () => {
  it("shows an event waiting until an account's run takes it, then synced there, with what the run did", async () => {
    const { user, work, home, stateIn } = await twoCalendars();
    const event = await createEvent(user.id, meeting());
    expect(await stateIn(event.id, work.id)).toEqual({ kind: "waiting", copied: false, paused: null });

    await work.run();
    const trace = await getEventTrace({ ownerId: user.id, eventId: event.id });
    expect(trace.copiedFrom).toBeNull();
    expect(trace.accounts.map((account) => [account.login, account.state.kind])).toEqual([
      [work.email, "synced"],
      [home.email, "waiting"],
    ]);
    expect(trace.accounts[0]?.state).toMatchObject({ kind: "synced", original: false, at: expect.any(Date) });
    expect(trace.entries).toEqual([expect.objectContaining({ accountId: work.id, action: "created", side: "there", trigger: "manual" })]);

    // Changed here: waiting again until the run takes the change there.
    await updateEvent(user.id, event.id, meeting({ title: "Planning (moved)" }));
    expect(await stateIn(event.id, work.id)).toEqual({ kind: "waiting", copied: true, paused: null });
    await work.run();
    expect(await stateIn(event.id, work.id)).toMatchObject({ kind: "synced" });
    expect((await getEventTrace({ ownerId: user.id, eventId: event.id })).entries.map((entry) => `${entry.action} ${entry.side}`)).toEqual(["updated there", "created there"]);
  });

  it("names the rule that leaves an event out of an account", async () => {
    const { user, home, stateIn } = await twoCalendars();
    const db = await getDb();
    await db.syncAccount.update({ where: { id: home.id }, data: { rules: { ...DEFAULT_RULES, skipAllDay: true, titleWords: ["doctor"] } } });
    const doctor = await createEvent(user.id, meeting({ title: "Doctor's appointment" }));
    const holiday = await createEvent(user.id, meeting({ title: "Holiday", allDay: true, start: "2026-12-24", end: "2026-12-27", timeZone: null }));
    await home.run();
    expect(await stateIn(doctor.id, home.id)).toEqual({ kind: "excluded", rule: 'No events whose title contains "doctor"' });
    expect(await stateIn(holiday.id, home.id)).toEqual({ kind: "excluded", rule: "No all-day events" });
    await db.syncAccount.update({ where: { id: home.id }, data: { rules: { ...DEFAULT_RULES, direction: "to-atollon" } } });
    expect(await stateIn(doctor.id, home.id)).toEqual({ kind: "excluded", rule: "Only from Google" });
  });

  it("shows what the server refused for good, with its reason, on the event and the account, until the event changes and is taken", async () => {
    const { user, work, stateIn } = await twoCalendars();
    const event = await createEvent(user.id, meeting({ title: "Board meeting" }));
    google.calendar.injectBatchFaults({ target: (call) => call.method === "POST", status: 400, reason: "invalid" });
    expect(await work.run()).toMatchObject({ outcome: "partial", summary: expect.stringMatching(/; 1 event refused by Google \(/) });
    const refused = await stateIn(event.id, work.id);
    expect(refused).toMatchObject({ kind: "rejected", message: expect.stringMatching(/^Google rejected this event/) });
    expect(await countRejectedEvents(user.id)).toEqual(new Map([[work.id, 1]]));
    expect(await listRejectedEvents(user.id, work.id)).toEqual([expect.objectContaining({ eventId: event.id, title: "Board meeting", message: expect.stringMatching(/^Google rejected/) })]);

    // Not tried again while unchanged.
    expect((await work.run()).outcome).toBe("complete");
    expect(google.calendar.events(work.email)).toHaveLength(0);
    expect(await stateIn(event.id, work.id)).toMatchObject({ kind: "rejected" });

    await updateEvent(user.id, event.id, meeting({ title: "Board meeting (short)" }));
    expect(await stateIn(event.id, work.id)).toEqual({ kind: "waiting", copied: false, paused: null });
    expect(await countRejectedEvents(user.id)).toEqual(new Map());
    await work.run();
    expect(await stateIn(event.id, work.id)).toMatchObject({ kind: "synced" });
    expect(await (await getDb()).syncRejection.count({ where: { eventId: event.id } })).toBe(0);
  });

  it("links an event held by an open conflict to it", async () => {
    const { user, work, stateIn } = await twoCalendars();
    const event = await createEvent(user.id, meeting());
    await work.run();
    await setConflictPolicy(user.id, work.id, "ASK");
    const [item] = google.calendar.events(work.email);
    await updateEvent(user.id, event.id, meeting({ title: "Planning (Atollon)" }));
    await tick();
    google.calendar.userPatch(work.email, item?.id as string, { summary: "Planning (theirs)" });
    await work.run();
    const conflict = await (await getDb()).syncConflict.findFirstOrThrow({ where: { eventId: event.id, status: "OPEN" } });
    expect(await stateIn(event.id, work.id)).toEqual({ kind: "conflict", conflictId: conflict.id });
  });

  it("tells an event copied from another account's calendar, and carries it to the others", async () => {
    const { user, work, home, stateIn } = await twoCalendars();
    google.calendar.userInsert(home.email, { summary: "School play", start: { dateTime: "2026-12-11T17:00:00Z" }, end: { dateTime: "2026-12-11T18:00:00Z" } } as never);
    await home.run();
    const db = await getDb();
    const event = await db.event.findFirstOrThrow({ where: { ownerId: user.id, title: "School play" } });
    const trace = await getEventTrace({ ownerId: user.id, eventId: event.id });
    expect(trace.copiedFrom).toEqual({ accountId: home.id, provider: "GOOGLE", login: home.email });
    expect(await stateIn(event.id, home.id)).toMatchObject({ kind: "synced", original: true });
    expect(trace.entries).toEqual([expect.objectContaining({ accountId: home.id, action: "created", side: "here" })]);
    expect(await stateIn(event.id, work.id)).toEqual({ kind: "waiting", copied: false, paused: null });
    await work.run();
    expect(await stateIn(event.id, work.id)).toMatchObject({ kind: "synced", original: false });
  });

  it("is its owner's alone", async () => {
    const { user } = await twoCalendars();
    const stranger = await createTestUser();
    const event = await createEvent(user.id, meeting());
    await expect(getEventTrace({ ownerId: stranger.id, eventId: event.id })).rejects.toMatchObject({ code: "not_found" });
    expect(await listRejectedEvents(stranger.id, (await twoCalendars()).work.id)).toEqual([]);
  });

  it("forgets trace entries older than the kept days", async () => {
    const { user, work } = await twoCalendars();
    const event = await createEvent(user.id, meeting());
    await work.run();
    const db = await getDb();
    const now = new Date();
    await db.syncTraceEntry.updateMany({ where: { eventId: event.id }, data: { at: new Date(now.getTime() - 91 * 86_400_000) } });
    await updateEvent(user.id, event.id, meeting({ title: "Planning (moved)" }));
    await work.run();
    expect(await pruneTrace({ now })).toBe(1);
    expect((await getEventTrace({ ownerId: user.id, eventId: event.id })).entries.map((entry) => entry.action)).toEqual(["updated"]);
  });
});
