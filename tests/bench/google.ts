import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { toGoogleEvent } from "@/lib/providers/google/mapping";
import { FAKE_CLIENT } from "../fakes/google/accounts";
import type { BenchOptions, Suite } from "./suite";
import { benchUser, CHANGES, contentAt, editLocal, importBaselines, measurePhase, onBenchDatabase, phaseLine, ratios, ratiosLine, seedLocal, startFakeProcess, writesBaseline, type BenchAccount } from "./sync-phase";

/**
 * Sync runs against Google at size: the first import, the first export, a run with nothing to do and
 * one with changes on both sides. The fake Google runs in a child process; writes are not paced
 * (the fake has no quota), which a real first export would be (GOOGLE_WRITES_PER_MINUTE).
 */
export const googleSuite: Suite = {
  name: "google",
  async run({ events, log }: BenchOptions) {
    const fake = await startFakeProcess("../fakes/google/serve.ts", { FAKE_GOOGLE_PORT: "0" });
    const url = fake.urls[0] as string;
    const previousEnv = { ...process.env };
    Object.assign(process.env, {
      GOOGLE_CLIENT_ID: FAKE_CLIENT.clientId,
      GOOGLE_CLIENT_SECRET: FAKE_CLIENT.clientSecret,
      GOOGLE_OAUTH_TOKEN_URL: `${url}/token`,
      GOOGLE_OAUTH_REVOKE_URL: `${url}/revoke`,
      GOOGLE_USERINFO_URL: `${url}/v1/userinfo`,
      GOOGLE_OAUTH_AUTH_URL: `${url}/o/oauth2/v2/auth`,
      GOOGLE_API_URL: `${url}/`,
      GOOGLE_WRITES_PER_MINUTE: "100000000",
    });
    try {
      return await onBenchDatabase((databaseName) => measure(events, url, fake, databaseName, log));
    } finally {
      process.env = previousEnv;
      fake.process.kill("SIGTERM");
    }
  },
};

type Fake = Awaited<ReturnType<typeof startFakeProcess>>;

async function measure(events: number, url: string, fake: Fake, databaseName: string, log: (line: string) => void) {
  // Export: batches of 50, after a ramp from 5 in steps of 5 (nine requests for the first 225 calls).
  const targets = { import: Math.ceil(events / 2500) + 2, export: Math.ceil(events / 50) + 7, noChange: 1 };
  const requests = async () => ((await fake.get(`${url}/__control/requests`)) as { calendarApi: number }).calendarApi;
  log(`google · ${databaseName}, ${events} events, fake Google in its own process`);

  const importer = await connect(url, fake, "import");
  await fake.post(`${url}/__control/events?email=${importer.email}`, remoteEvents(events), 2000);
  const imported = await measurePhase(importer, events, requests);
  log(phaseLine("google", "import", imported, `target ≤ ${targets.import}`));
  // After the import: the import meets the server cold and the listing alone warm, so the order never flatters the run.
  const baselines = await importBaselines(importer, events);

  const exporter = await connect(url, fake, "export");
  await seedLocal(exporter.userId, events);
  const exported = await measurePhase(exporter, events, requests);
  log(phaseLine("google", "export", exported, `target ≤ ${targets.export}`));
  const writesMs = await writesBaseline(exporter);

  const idle = await measurePhase(importer, 0, requests);
  log(phaseLine("google", "noChange", idle, `target exactly ${targets.noChange} and no event writes`));

  await changeBothSides(importer, url, fake);
  const changed = await measurePhase(importer, 2 * CHANGES, requests);
  log(phaseLine("google", "changes100", changed, `${CHANGES} changed on each side`));
  const measured = ratios(imported, idle, changed, baselines, writesMs);
  log(ratiosLine("google", events, imported, idle, changed, measured));

  return { database: databaseName, targets, import: imported, export: exported, noChange: idle, changes100: changed, baselines: measured };
}

async function connect(url: string, fake: Fake, label: string): Promise<BenchAccount & { email: string }> {
  const userId = await benchUser();
  const email = `${label}-${userId.slice(0, 8)}@gmail.com`;
  const { refreshToken } = (await fake.post(`${url}/__control/grant?email=${email}`, {})) as { refreshToken: string };
  const db = await getDb();
  const account = await db.syncAccount.create({ data: { ownerId: userId, provider: "GOOGLE", login: email, secret: encryptSecret(refreshToken) } });
  return { userId, accountId: account.id, email };
}

/** What a person had in Google before connecting: no private tag of ours. */
function remoteEvents(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const { extendedProperties: _tag, ...body } = toGoogleEvent(contentAt(index, "Google"), "");
    return body;
  });
}

/** A person edits 100 events in Atollon and 100 others in Google. */
async function changeBothSides(account: BenchAccount & { email: string }, url: string, fake: Fake): Promise<void> {
  const untouched = await editLocal(account.userId);
  const { items } = (await fake.get(`${url}/__control/events?email=${account.email}`)) as { items: { id: string; summary: string; recurringEventId?: string }[] };
  const remote = items.filter((item) => !item.recurringEventId && !untouched.has(item.summary)).slice(0, CHANGES);
  await fake.post(`${url}/__control/patch?email=${account.email}`, remote.map((item) => ({ id: item.id, change: { summary: `${item.summary} (renamed)` } })));
}
