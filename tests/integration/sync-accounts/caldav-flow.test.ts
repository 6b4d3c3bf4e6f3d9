import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEvent, listRange } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { grantAtollonAccount } from "@/lib/sync-accounts/accounts";
import { createCalDavAccount, listCalDavCalendars, updateCalDavPassword } from "@/lib/sync-accounts/caldav";
import { checkAccountConnection } from "@/lib/sync-accounts/check-connection";
import { syncAccount } from "@/lib/sync/run-account";
import { LOCAL_ENV, newCalDavCalendar, type CalDavPerson } from "../../helpers/caldav-person";
import { eventContent } from "../../helpers/event-content";
import { startRadicale, type Radicale } from "../../helpers/radicale";
import { createTestUser } from "../../helpers/users";

let radicale: Radicale;
let work: CalDavPerson;

beforeAll(async () => {
  await getDb();
  radicale = await startRadicale();
  work = await newCalDavCalendar(radicale, "work");
  for (const [name, value] of Object.entries(LOCAL_ENV)) vi.stubEnv(name, value);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await radicale.stop();
});

async function withAtollon() {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  return user;
}

const refusal = (code: string, field?: string) => (error: unknown) =>
  error instanceof AppError && error.code === code && (field === undefined || Boolean(error.fieldErrors?.[field]));

const december = [new Date("2026-12-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z")] as const;

describe("adding a CalDAV account", () => {
  it("lists the login's calendars, refuses with the reason under the right field, and stores nothing until Create", async () => {
    const user = await withAtollon();
    const db = await getDb();
    const input = { serverUrl: radicale.url, login: radicale.login, password: radicale.password };
    expect(await listCalDavCalendars(user.id, input)).toContainEqual({ url: work.calendarUrl, name: "work" });
    await expect(listCalDavCalendars(user.id, { ...input, password: "wrong" })).rejects.toSatisfy(refusal("wrong_credentials", "password"));
    await expect(listCalDavCalendars(user.id, { ...input, serverUrl: "http://127.0.0.1:9/" })).rejects.toSatisfy(refusal("invalid_input", "serverUrl"));
    vi.stubEnv("EWS_ALLOWED_HOSTS", "");
    await expect(listCalDavCalendars(user.id, input)).rejects.toThrow(/local or private network/);
    vi.stubEnv("EWS_ALLOWED_HOSTS", "127.0.0.1");
    await expect(createCalDavAccount(user.id, { ...input, calendarUrl: `${radicale.url}/someone-else/calendar/` })).rejects.toSatisfy(refusal("invalid_input", "calendarUrl"));
    expect(await db.syncAccount.count({ where: { ownerId: user.id, provider: "CALDAV" } })).toBe(0);

    const id = await createCalDavAccount(user.id, { ...input, calendarUrl: work.calendarUrl });
    const account = await db.syncAccount.findUniqueOrThrow({ where: { id } });
    expect(account).toMatchObject({ provider: "CALDAV", login: radicale.login, serverUrl: work.calendarUrl, state: "ACTIVE" });
    expect(account.secret).not.toContain(radicale.password);
    await expect(createCalDavAccount(user.id, { ...input, calendarUrl: work.calendarUrl })).rejects.toSatisfy(refusal("conflict", "login"));
  });

  it("needs the Atollon account first", async () => {
    const user = await createTestUser();
    await expect(createCalDavAccount(user.id, { serverUrl: radicale.url, login: radicale.login, password: radicale.password, calendarUrl: work.calendarUrl })).rejects.toThrow(/Atollon account first/);
  });

  it("syncs both ways; a password changed at the server stops syncs until it is updated, and the account keeps its state", async () => {
    const user = await withAtollon();
    const calendar = await newCalDavCalendar(radicale, "family");
    const accountId = await createCalDavAccount(user.id, { serverUrl: radicale.url, login: radicale.login, password: radicale.password, calendarUrl: calendar.calendarUrl });
    await createEvent(user.id, eventContent({ title: "Written in Atollon", start: "2026-12-14T09:00:00.000Z", end: "2026-12-14T10:00:00.000Z" }));
    await calendar.create(eventContent({ title: "Written on the phone", start: "2026-12-15T09:00:00.000Z", end: "2026-12-15T10:00:00.000Z" }));

    const first = await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(first.summary).toMatch(/^From CalDAV: 1 created, 0 updated, 0 deleted; to CalDAV: 1 created, 0 updated, 0 deleted/);
    expect((await listRange(user.id, ...december)).map((item) => item.title).sort()).toEqual(["Written in Atollon", "Written on the phone"]);
    expect((await calendar.live()).map((item) => item.content?.title).sort()).toEqual(["Written in Atollon", "Written on the phone"]);
    // Nothing changed since: one request (the sync-collection REPORT).
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(/^From CalDAV: 0 created.*to CalDAV: 0 created, 0 updated, 0 deleted \(1 request\)\.$/);

    const db = await getDb();
    const cursor = (await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).remoteCursor;
    expect(cursor).toMatch(/^sync:/);
    const password = radicale.password;
    await radicale.changePassword("a new app-specific password");
    try {
      await expect(syncAccount(user.id, accountId, { trigger: "manual" })).rejects.toThrow(/Password rejected — update it/);
      expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "PASSWORD_REJECTED", runLeaseUntil: null });
      await expect(updateCalDavPassword(user.id, accountId, password)).rejects.toSatisfy(refusal("wrong_credentials", "password"));

      const other = await withAtollon();
      await expect(updateCalDavPassword(other.id, accountId, "a new app-specific password")).rejects.toSatisfy(refusal("not_found"));
      await expect(checkAccountConnection(other.id, accountId)).rejects.toSatisfy(refusal("not_found"));

      await updateCalDavPassword(user.id, accountId, "a new app-specific password");
      expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "ACTIVE", stateMessage: null, remoteCursor: cursor });
      await checkAccountConnection(user.id, accountId);
      expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(/^From CalDAV: 0 created, 0 updated, 0 deleted; to CalDAV: 0 created, 0 updated, 0 deleted/);
    } finally {
      await radicale.changePassword(password);
    }
  });
});
