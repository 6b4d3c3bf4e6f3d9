import { afterAll, beforeAll, describe, it, vi } from "vitest";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { grantAtollonAccount } from "@/lib/sync-accounts/accounts";
import { createCalDavAccount } from "@/lib/sync-accounts/caldav";
import { createEwsAccount } from "@/lib/sync-accounts/ews";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { startFakeEws, type FakeEws } from "../../fakes/ews/server";
import { LOCAL_ENV, newCalDavCalendar } from "../../helpers/caldav-person";
import { eventContent } from "../../helpers/event-content";
import { startRadicale, type Radicale } from "../../helpers/radicale";
import { journey } from "../../helpers/sync-journey";
import { createTestUser } from "../../helpers/users";

let google: FakeGoogle;
let exchange: FakeEws;
let radicale: Radicale;

beforeAll(async () => {
  await getDb();
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
  exchange = await startFakeEws();
  radicale = await startRadicale();
  for (const [name, value] of Object.entries({ ...google.env(), ...LOCAL_ENV })) vi.stubEnv(name, value);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await Promise.all([google.close(), exchange.close(), radicale.stop()]);
});

describe("Google, MS Exchange and CalDAV on one user", () => {
  it("carries each side's changes to the other two through Atollon, and nothing echoes back", async () => {
    const user = await createTestUser();
    await grantAtollonAccount(user.id, user.password);
    const email = `${user.id.slice(0, 8)}@gmail.com`;
    const db = await getDb();
    const googleId = (await db.syncAccount.create({ data: { ownerId: user.id, provider: "GOOGLE", login: email, secret: encryptSecret(google.oauth.grant(email).refreshToken) } })).id;
    const { created: exchangeId } = (await createEwsAccount(user.id, "EXCHANGE", { login: "CONTOSO\\alice", serverUrl: exchange.ewsUrl, password: "secret" })) as { created: string };
    const phone = await newCalDavCalendar(radicale, "personal");
    const caldavId = await createCalDavAccount(user.id, { serverUrl: radicale.url, login: radicale.login, password: radicale.password, calendarUrl: phone.calendarUrl });
    const calendars = journey(user.id, [googleId, exchangeId, caldavId], {
      google: () => google.calendar.events(email).filter((event) => event.status !== "cancelled").map((event) => event.summary),
      exchange: () => [...exchange.mailbox.items.values()].map((item) => item.subject),
      caldav: async () => (await phone.live()).map((item) => item.content?.title),
    });

    google.calendar.userInsert(email, { summary: "From Google", start: { dateTime: "2026-12-07T09:00:00.000Z", timeZone: "UTC" }, end: { dateTime: "2026-12-07T10:00:00.000Z", timeZone: "UTC" } });
    exchange.mailbox.add({ subject: "From Exchange", start: "2026-12-09T09:00:00Z", end: "2026-12-09T10:00:00Z", startTimeZone: "UTC" });
    const fromPhone = await phone.create(eventContent({ title: "From the phone", start: "2026-12-10T09:00:00.000Z", end: "2026-12-10T10:00:00.000Z" }));

    await calendars.settlesOn(["From Exchange", "From Google", "From the phone"]);

    await phone.edit(fromPhone, { title: "From the phone (renamed)" });
    await calendars.settlesOn(["From Exchange", "From Google", "From the phone (renamed)"]);

    await phone.remove(fromPhone);
    await calendars.settlesOn(["From Exchange", "From Google"]);
  });
});
