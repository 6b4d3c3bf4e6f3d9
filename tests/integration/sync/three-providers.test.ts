import { afterAll, beforeAll, describe, it, vi } from "vitest";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { grantAtollonAccount } from "@/lib/sync-accounts/accounts";
import { createEwsAccount } from "@/lib/sync-accounts/ews";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { startFakeEws, type FakeEws } from "../../fakes/ews/server";
import { journey } from "../../helpers/sync-journey";
import { createTestUser } from "../../helpers/users";

let google: FakeGoogle;
let office: FakeEws;
let exchange: FakeEws;

beforeAll(async () => {
  await getDb();
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
  office = await startFakeEws();
  exchange = await startFakeEws();
  for (const [name, value] of Object.entries({ ...google.env(), EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" })) vi.stubEnv(name, value);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await Promise.all([google.close(), office.close(), exchange.close()]);
});

describe("Google, Office.com and MS Exchange on one user", () => {
  it("carries each side's changes to the other two through Atollon, and nothing echoes back", async () => {
    const user = await createTestUser();
    await grantAtollonAccount(user.id, user.password);
    const email = `${user.id.slice(0, 8)}@gmail.com`;
    const db = await getDb();
    const googleId = (await db.syncAccount.create({ data: { ownerId: user.id, provider: "GOOGLE", login: email, secret: encryptSecret(google.oauth.grant(email).refreshToken) } })).id;
    const { created: officeId } = (await createEwsAccount(user.id, "OFFICE365", { login: "alice@contoso.test", serverUrl: office.ewsUrl, password: "secret" })) as { created: string };
    const { created: exchangeId } = (await createEwsAccount(user.id, "EXCHANGE", { login: "CONTOSO\\alice", serverUrl: exchange.ewsUrl, password: "secret" })) as { created: string };
    const calendars = journey(user.id, [googleId, officeId, exchangeId], {
      google: () => google.calendar.events(email).filter((event) => event.status !== "cancelled").map((event) => event.summary),
      office: () => [...office.mailbox.items.values()].map((item) => item.subject),
      exchange: () => [...exchange.mailbox.items.values()].map((item) => item.subject),
    });

    google.calendar.userInsert(email, { summary: "From Google", start: { dateTime: "2026-12-07T09:00:00.000Z", timeZone: "UTC" }, end: { dateTime: "2026-12-07T10:00:00.000Z", timeZone: "UTC" } });
    const fromOffice = office.mailbox.add({ subject: "From Office", start: "2026-12-08T09:00:00Z", end: "2026-12-08T10:00:00Z", startTimeZone: "UTC" });
    exchange.mailbox.add({ subject: "From Exchange", start: "2026-12-09T09:00:00Z", end: "2026-12-09T10:00:00Z", startTimeZone: "UTC" });

    await calendars.settlesOn(["From Exchange", "From Google", "From Office"]);

    fromOffice.subject = "From Office (renamed)";
    office.mailbox.touch(fromOffice);
    await calendars.settlesOn(["From Exchange", "From Google", "From Office (renamed)"]);

    office.mailbox.remove(fromOffice.id);
    await calendars.settlesOn(["From Exchange", "From Google"]);
  });
});
