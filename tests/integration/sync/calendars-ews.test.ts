import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { createEvent } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { grantAtollonAccount, listAccounts } from "@/lib/sync-accounts/accounts";
import { createEwsAccount } from "@/lib/sync-accounts/ews";
import { chooseRemoteCalendar, writableCalendars } from "@/lib/sync-accounts/remote-calendars";
import { syncAccount } from "@/lib/sync/run-account";
import { CALENDAR_FOLDER_ID } from "../../fakes/ews/mailbox";
import { startFakeEws, type FakeEws } from "../../fakes/ews/server";
import { eventContent } from "../../helpers/event-content";
import { createTestUser } from "../../helpers/users";

// Which calendar an Exchange account syncs: the calendar folder or one of the calendar folders below
// it, chosen at Create and changed later, through the real ews-javascript-api against the fake.

const LOGIN = "CONTOSO\\alice";
let exchange: FakeEws;

beforeAll(async () => {
  await getDb();
  for (const [name, value] of Object.entries({ EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" })) vi.stubEnv(name, value);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
});

afterEach(async () => {
  await exchange.close();
});

const DAY = 86_400_000;
const inDays = (title: string, days: number): EventContent => {
  const start = new Date(Date.now() + days * DAY);
  start.setUTCHours(9, 0, 0, 0);
  return eventContent({ title, start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() });
};
const addTo = (folder: string, subject: string, days: number) => {
  const { start, end } = inDays(subject, days);
  return exchange.mailbox.add({ folder, subject, start: start.replace(/\.\d{3}Z$/, "Z"), end: end.replace(/\.\d{3}Z$/, "Z"), startTimeZone: "UTC", endTimeZone: "UTC" });
};
const subjectsIn = (folder: string) => exchange.mailbox.itemsIn(folder).map((item) => item.subject).sort();
const titlesInAtollon = async (ownerId: string) => (await (await getDb()).event.findMany({ where: { ownerId, deletedAt: null } })).map((event) => event.title).sort();

async function mailboxWithCalendars() {
  exchange = await startFakeEws();
  const team = exchange.mailbox.addFolder("Team");
  const projects = exchange.mailbox.addFolder("Projects", { parentId: team.id });
  exchange.mailbox.addFolder("Birthdays", { folderClass: "IPF.Appointment.Birthday" });
  exchange.mailbox.addFolder("Notes", { folderClass: "IPF.StickyNote" });
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  return { user, team, projects };
}

describe("the calendar an MS Exchange account syncs", () => {
  it("lists the calendar folder and the calendars below it at Create, and syncs only the one chosen", async () => {
    const { user, team, projects } = await mailboxWithCalendars();
    const input = { login: LOGIN, serverUrl: exchange.ewsUrl, password: "secret" };
    const offered = await createEwsAccount(user.id, "EXCHANGE", input);
    expect(offered).toEqual({
      calendars: [
        { id: CALENDAR_FOLDER_ID, name: "Calendar", primary: true },
        { id: team.id, name: "Team", primary: false },
        { id: projects.id, name: "Projects", primary: false },
      ],
    });
    const db = await getDb();
    expect(await db.syncAccount.count({ where: { ownerId: user.id, provider: "EXCHANGE" } })).toBe(0);
    await expect(createEwsAccount(user.id, "EXCHANGE", { ...input, calendarId: "AAMkAGSomeoneElses" })).rejects.toThrow(/cannot write to that calendar/);

    const { created: accountId } = (await createEwsAccount(user.id, "EXCHANGE", { ...input, calendarId: team.id })) as { created: string };
    expect((await listAccounts(user.id)).find((account) => account.id === accountId)).toMatchObject({ remoteCalendarName: "Team", choosesCalendar: true });
    addTo(team.id, "Team lunch", 3);
    addTo(CALENDAR_FOLDER_ID, "Dentist", 4);
    await createEvent(user.id, inDays("Planning", 2));

    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).outcome).toBe("complete");
    expect(subjectsIn(team.id)).toEqual(["Planning", "Team lunch"]);
    expect(subjectsIn(CALENDAR_FOLDER_ID)).toEqual(["Dentist"]);
    expect(await titlesInAtollon(user.id)).toEqual(["Planning", "Team lunch"]);
    // A second run finds nothing new: the folder's own sync state.
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(/^From Exchange: 0 created, 0 updated, 0 deleted; to Exchange: 0 created, 0 updated, 0 deleted/);
    expect(exchange.mailbox.sent).toEqual([]);
  });

  it("moves to another calendar leaving the copies, then to the default one removing them, never duplicating in Atollon", async () => {
    const { user, team, projects } = await mailboxWithCalendars();
    const { created: accountId } = (await createEwsAccount(user.id, "EXCHANGE", { login: LOGIN, serverUrl: exchange.ewsUrl, password: "secret", calendarId: team.id })) as { created: string };
    addTo(team.id, "Team lunch", 3);
    addTo(projects.id, "Kick-off", 5);
    addTo(CALENDAR_FOLDER_ID, "Dentist", 4);
    await createEvent(user.id, inDays("Planning", 2));
    await syncAccount(user.id, accountId, { trigger: "manual" });
    expect((await writableCalendars(user.id, accountId)).map((calendar) => calendar.name)).toEqual(["Calendar", "Team", "Projects"]);

    // Team → Projects, leaving the copies: Team keeps what the account put there.
    await chooseRemoteCalendar(user.id, accountId, projects.id, "leave");
    expect(subjectsIn(team.id)).toEqual(["Planning", "Team lunch"]);
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).outcome).toBe("complete");
    expect(subjectsIn(projects.id)).toEqual(["Kick-off", "Planning", "Team lunch"]);
    expect(subjectsIn(team.id)).toEqual(["Planning", "Team lunch"]);
    expect(await titlesInAtollon(user.id)).toEqual(["Kick-off", "Planning", "Team lunch"]);

    // Projects → the calendar folder, removing the copies: Projects keeps its own event only.
    await chooseRemoteCalendar(user.id, accountId, CALENDAR_FOLDER_ID, "remove");
    expect(subjectsIn(projects.id)).toEqual(["Kick-off"]);
    expect(await titlesInAtollon(user.id)).toEqual(["Kick-off", "Planning", "Team lunch"]);
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).outcome).toBe("complete");
    expect(subjectsIn(CALENDAR_FOLDER_ID)).toEqual(["Dentist", "Kick-off", "Planning", "Team lunch"]);
    expect(await titlesInAtollon(user.id)).toEqual(["Dentist", "Kick-off", "Planning", "Team lunch"]);
    expect(await (await getDb()).syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ remoteCalendarId: null, remoteCalendarName: "Calendar" });
    // Nothing left behind in the folders the account left, and nothing mailed.
    expect(subjectsIn(team.id)).toEqual(["Planning", "Team lunch"]);
    expect(exchange.mailbox.sent).toEqual([]);
  });

  it("creates the account at once when the mailbox has one calendar", async () => {
    exchange = await startFakeEws();
    const user = await createTestUser();
    await grantAtollonAccount(user.id, user.password);
    const outcome = await createEwsAccount(user.id, "OFFICE365", { login: "alice@contoso.test", serverUrl: exchange.ewsUrl, password: "secret" });
    expect(outcome).toHaveProperty("created");
    expect((await listAccounts(user.id)).find((account) => account.provider === "OFFICE365")?.remoteCalendarName).toBe("Calendar");
  });

  it("creates the account on the default calendar when the server does not list its folders now", async () => {
    const { user } = await mailboxWithCalendars();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    // The connection test's GetFolder is answered, the listing's GetFolder is not.
    exchange.failWith(1, 403, 1);
    const outcome = await createEwsAccount(user.id, "EXCHANGE", { login: LOGIN, serverUrl: exchange.ewsUrl, password: "secret" });
    expect(outcome).toHaveProperty("created");
    expect(warn.mock.calls.flat().join(" ")).toMatch(/the calendars were not listed at Create/);
    expect((await listAccounts(user.id)).find((account) => account.provider === "EXCHANGE")).toMatchObject({ remoteCalendarName: null, remoteCalendarId: null });
    warn.mockRestore();
  });
});
