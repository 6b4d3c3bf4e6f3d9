import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { WRITTEN_ID } from "@/lib/providers/graph/mapping";
import { grantAtollonAccount } from "@/lib/sync-accounts/accounts";
import { createEwsAccount } from "@/lib/sync-accounts/ews";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { startFakeEws, type FakeEws } from "../../fakes/ews/server";
import { FAKE_MICROSOFT_CLIENT } from "../../fakes/graph/identity";
import { startFakeGraph, type FakeGraph } from "../../fakes/graph/server";
import { journey } from "../../helpers/sync-journey";
import { createTestUser } from "../../helpers/users";

// The same journey as three-providers.test.ts, with Office.com signed in over Microsoft Graph: every
// run goes through syncAccount, the Graph one with the account's own refresh token.

let google: FakeGoogle;
let graph: FakeGraph;
let exchange: FakeEws;

beforeAll(async () => {
  await getDb();
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
  graph = await startFakeGraph();
  exchange = await startFakeEws();
  const microsoft = { MICROSOFT_CLIENT_ID: FAKE_MICROSOFT_CLIENT.clientId, MICROSOFT_CLIENT_SECRET: FAKE_MICROSOFT_CLIENT.clientSecret };
  for (const [name, value] of Object.entries({ ...google.env(), ...graph.env(), ...microsoft, EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" })) vi.stubEnv(name, value);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await Promise.all([google.close(), graph.close(), exchange.close()]);
});

describe("Google, Office.com over Microsoft Graph and MS Exchange on one user", () => {
  it("carries each side's changes to the other two through Atollon, nothing echoes back, and Graph mails nobody", async () => {
    const user = await createTestUser();
    await grantAtollonAccount(user.id, user.password);
    const email = `${user.id.slice(0, 8)}@gmail.com`;
    const mailbox = `${user.id.slice(0, 8)}@contoso.test`;
    const db = await getDb();
    const googleId = (await db.syncAccount.create({ data: { ownerId: user.id, provider: "GOOGLE", login: email, secret: encryptSecret(google.oauth.grant(email).refreshToken) } })).id;
    const graphId = (await db.syncAccount.create({ data: { ownerId: user.id, provider: "OFFICE365_GRAPH", login: mailbox, secret: encryptSecret(graph.identity.grantRefreshToken(mailbox)) } })).id;
    const { created: exchangeId } = (await createEwsAccount(user.id, "EXCHANGE", { login: "CONTOSO\\alice", serverUrl: exchange.ewsUrl, password: "secret" })) as { created: string };
    const outlook = graph.graph.mailboxOf(mailbox);
    const calendars = journey(user.id, [googleId, graphId, exchangeId], {
      google: () => google.calendar.events(email).filter((event) => event.status !== "cancelled").map((event) => event.summary),
      office: () => [...outlook.items.values()].map((item) => item.subject),
      exchange: () => [...exchange.mailbox.items.values()].map((item) => item.subject),
    });

    google.calendar.userInsert(email, {
      summary: "From Google",
      start: { dateTime: "2026-12-07T09:00:00.000Z", timeZone: "UTC" },
      end: { dateTime: "2026-12-07T10:00:00.000Z", timeZone: "UTC" },
      attendees: [{ email: "guest@example.com", responseStatus: "accepted" }],
    });
    const fromOffice = outlook.add({ subject: "From Office", start: "2026-12-08T09:00:00.000Z", end: "2026-12-08T10:00:00.000Z", timeZone: "W. Europe Standard Time" });
    exchange.mailbox.add({ subject: "From Exchange", start: "2026-12-09T09:00:00Z", end: "2026-12-09T10:00:00Z", startTimeZone: "UTC" });

    await calendars.settlesOn(["From Exchange", "From Google", "From Office"]);
    // The Google event's guest reached Outlook as data, not as an attendee Graph would invite.
    const copied = [...outlook.items.values()].find((item) => item.subject === "From Google");
    expect(copied?.attendees).toEqual([]);
    expect(copied?.extended[WRITTEN_ID]).toContain("guest@example.com");

    fromOffice.subject = "From Office (renamed)";
    outlook.touch(fromOffice);
    await calendars.settlesOn(["From Exchange", "From Google", "From Office (renamed)"]);

    outlook.remove(fromOffice.id);
    await calendars.settlesOn(["From Exchange", "From Google"]);
    // The Google event's guest came along as data: no invitation went out from Outlook.
    expect(graph.graph.mail).toEqual([]);
  });
});
