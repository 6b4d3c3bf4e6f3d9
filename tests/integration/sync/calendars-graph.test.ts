import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { createEvent } from "@/lib/calendar/events";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { grantAtollonAccount, listAccounts } from "@/lib/sync-accounts/accounts";
import { createMicrosoftAccount, microsoftFlowCalendars } from "@/lib/sync-accounts/microsoft";
import { openFlow, recordReceived } from "@/lib/sync-accounts/oauth-flows";
import { chooseRemoteCalendar, writableCalendars } from "@/lib/sync-accounts/remote-calendars";
import { syncAccount } from "@/lib/sync/run-account";
import { FAKE_MICROSOFT_CLIENT } from "../../fakes/graph/identity";
import { startFakeGraph, type FakeGraph } from "../../fakes/graph/server";
import { eventContent } from "../../helpers/event-content";
import { createTestUser } from "../../helpers/users";

// Which calendar an Office.com account signed in with Microsoft syncs: the default calendar or
// another it can edit (/me/calendars), chosen at Create and changed later, against the Graph fake.

let graph: FakeGraph;

beforeAll(async () => {
  await getDb();
  graph = await startFakeGraph();
  const env = { ...graph.env(), MICROSOFT_CLIENT_ID: FAKE_MICROSOFT_CLIENT.clientId, MICROSOFT_CLIENT_SECRET: FAKE_MICROSOFT_CLIENT.clientSecret };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await graph.close();
});

const DAY = 86_400_000;
const inDays = (title: string, days: number): EventContent => {
  const start = new Date(Date.now() + days * DAY);
  start.setUTCHours(9, 0, 0, 0);
  return eventContent({ title, start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() });
};
const titlesInAtollon = async (ownerId: string) => (await (await getDb()).event.findMany({ where: { ownerId, deletedAt: null } })).map((event) => event.title).sort();

async function mailbox() {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  const login = `${user.id.slice(0, 8)}@contoso.test`;
  const outlook = graph.graph.mailboxOf(login);
  const team = outlook.addCalendar("Team");
  const projects = outlook.addCalendar("Projects");
  const colleague = outlook.addCalendar("Lee's calendar", { canEdit: false });
  const subjectsIn = (calendarId: string) => outlook.itemsIn(calendarId).map((item) => item.subject).sort();
  const add = (calendarId: string, subject: string, days: number) => {
    const { start, end } = inDays(subject, days);
    return outlook.add({ calendarId, subject, start, end, timeZone: "UTC" });
  };
  return { user, login, outlook, team, projects, colleague, subjectsIn, add };
}

describe("the calendar an Office.com account syncs over Microsoft Graph", () => {
  it("offers the calendars it can edit once the token is received, and Create syncs only the one chosen", async () => {
    const { user, login, outlook, team, colleague, subjectsIn, add } = await mailbox();
    await openFlow(user.id, "OFFICE365_GRAPH", login, null);
    const db = await getDb();
    const flow = await db.oAuthFlow.findFirstOrThrow({ where: { ownerId: user.id, provider: "OFFICE365_GRAPH" } });
    expect(await microsoftFlowCalendars(user.id, flow.id)).toBeNull();
    await recordReceived(flow.id, graph.identity.grantRefreshToken(login), login);
    expect(await microsoftFlowCalendars(user.id, flow.id)).toEqual([
      { id: outlook.defaultCalendarId, name: "Calendar", primary: true },
      { id: team.id, name: "Team", primary: false },
      { id: expect.any(String), name: "Projects", primary: false },
    ]);
    await expect(createMicrosoftAccount(user.id, flow.id, async () => undefined, colleague.id)).rejects.toThrow(/cannot write to that calendar/);
    expect(await db.syncAccount.count({ where: { ownerId: user.id, provider: "OFFICE365_GRAPH" } })).toBe(0);

    const accountId = await createMicrosoftAccount(user.id, flow.id, async () => undefined, team.id);
    expect((await listAccounts(user.id)).find((account) => account.id === accountId)).toMatchObject({ remoteCalendarName: "Team", choosesCalendar: true });
    add(team.id, "Team lunch", 3);
    add(outlook.defaultCalendarId, "Dentist", 4);
    await createEvent(user.id, inDays("Planning", 2));

    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).outcome).toBe("complete");
    expect(subjectsIn(team.id)).toEqual(["Planning", "Team lunch"]);
    expect(subjectsIn(outlook.defaultCalendarId)).toEqual(["Dentist"]);
    expect(await titlesInAtollon(user.id)).toEqual(["Planning", "Team lunch"]);

    // Changes on both sides follow the chosen calendar: a rename there, a deletion here.
    const lunch = outlook.itemsIn(team.id).find((item) => item.subject === "Team lunch");
    if (!lunch) throw new Error("Team lunch is missing");
    lunch.subject = "Team lunch (moved)";
    outlook.touch(lunch);
    await db.event.updateMany({ where: { ownerId: user.id, title: "Planning" }, data: { deletedAt: new Date() } });
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).outcome).toBe("complete");
    expect(await titlesInAtollon(user.id)).toEqual(["Team lunch (moved)"]);
    expect(subjectsIn(outlook.defaultCalendarId)).toEqual(["Dentist"]);
    expect(graph.graph.mail).toEqual([]);
  });

  it("moves to another calendar leaving the copies, then to the default one removing them, never duplicating in Atollon", async () => {
    const { user, login, outlook, team, projects, subjectsIn, add } = await mailbox();
    const db = await getDb();
    const accountId = (await db.syncAccount.create({ data: { ownerId: user.id, provider: "OFFICE365_GRAPH", login, secret: encryptSecret(graph.identity.grantRefreshToken(login)), remoteCalendarId: team.id, remoteCalendarName: "Team" } })).id;
    add(team.id, "Team lunch", 3);
    add(projects.id, "Kick-off", 5);
    add(outlook.defaultCalendarId, "Dentist", 4);
    await createEvent(user.id, inDays("Planning", 2));
    await syncAccount(user.id, accountId, { trigger: "manual" });
    expect((await writableCalendars(user.id, accountId)).map((calendar) => calendar.name)).toEqual(["Calendar", "Team", "Projects"]);

    await chooseRemoteCalendar(user.id, accountId, projects.id, "leave");
    expect(subjectsIn(team.id)).toEqual(["Planning", "Team lunch"]);
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).outcome).toBe("complete");
    expect(subjectsIn(projects.id)).toEqual(["Kick-off", "Planning", "Team lunch"]);
    expect(subjectsIn(team.id)).toEqual(["Planning", "Team lunch"]);
    expect(await titlesInAtollon(user.id)).toEqual(["Kick-off", "Planning", "Team lunch"]);

    await chooseRemoteCalendar(user.id, accountId, outlook.defaultCalendarId, "remove");
    expect(subjectsIn(projects.id)).toEqual(["Kick-off"]);
    expect(await titlesInAtollon(user.id)).toEqual(["Kick-off", "Planning", "Team lunch"]);
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).outcome).toBe("complete");
    expect(subjectsIn(outlook.defaultCalendarId)).toEqual(["Dentist", "Kick-off", "Planning", "Team lunch"]);
    expect(await titlesInAtollon(user.id)).toEqual(["Dentist", "Kick-off", "Planning", "Team lunch"]);
    expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ remoteCalendarId: null, remoteCalendarName: "Calendar" });
    expect(subjectsIn(team.id)).toEqual(["Planning", "Team lunch"]);
    expect(graph.graph.mail).toEqual([]);
  });

  it("a removal that stops halfway keeps the account on its calendar, and the next run puts back the copy removed instead of deleting its event", async () => {
    const { user, login, outlook, team, projects, subjectsIn } = await mailbox();
    const db = await getDb();
    const accountId = (await db.syncAccount.create({ data: { ownerId: user.id, provider: "OFFICE365_GRAPH", login, secret: encryptSecret(graph.identity.grantRefreshToken(login)), remoteCalendarId: team.id, remoteCalendarName: "Team" } })).id;
    await createEvent(user.id, inDays("Planning", 2));
    await createEvent(user.id, inDays("Review", 3));
    await syncAccount(user.id, accountId, { trigger: "manual" });
    const review = outlook.itemsIn(team.id).find((item) => item.subject === "Review");
    if (!review) throw new Error("Review was not copied");
    // Graph keeps failing the deletion of one copy: that copy stays, the other goes.
    graph.graph.faults.push({ path: `/me/events/${review.id}`, status: 503, count: 10 });

    await expect(chooseRemoteCalendar(user.id, accountId, projects.id, "remove")).rejects.toThrow(/did not remove 1 of the copies from the old calendar; the account still syncs it/);
    graph.graph.faults.length = 0;
    expect(subjectsIn(team.id)).toEqual(["Review"]);
    expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ remoteCalendarId: team.id, runLeaseUntil: null });

    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).outcome).toBe("complete");
    expect(await titlesInAtollon(user.id)).toEqual(["Planning", "Review"]);
    expect(subjectsIn(team.id)).toEqual(["Planning", "Review"]);
    expect(subjectsIn(projects.id)).toEqual([]);
  });
});
