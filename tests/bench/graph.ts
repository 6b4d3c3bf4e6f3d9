import { getDb } from "@/lib/db/client";
import { GraphCalendar } from "@/lib/providers/graph/calendar";
import { toGraphRecurrence } from "@/lib/providers/graph/mapping";
import { patternOf } from "@/lib/providers/ews/recurrence";
import { runSync } from "@/lib/sync/engine";
import { PrismaSyncStore } from "@/lib/sync/prisma-store";
import { summarize } from "@/lib/sync/run-account";
import type { BenchOptions, Suite } from "./suite";
import { benchUser, CHANGES, contentAt, editLocal, importBaselines, measurePhase, onBenchDatabase, phaseLine, ratios, ratiosLine, seedLocal, writesBaseline, startFakeProcess, type BenchAccount, type Phase } from "./sync-phase";

/**
 * Sync runs against Office.com over Microsoft Graph at size: the first import, the first export, a
 * run with nothing to do, one with changes on both sides — and one in which the delta window rolls
 * forward a month. The fake Graph runs in a child process. Each run goes through the engine with
 * the account's store, as run-account does, with a provider whose clock the bench moves.
 */

const PAGE_SIZE = 1000;
const DAY = 86_400_000;

type Fake = Awaited<ReturnType<typeof startFakeProcess>>;
type GraphAccount = BenchAccount & { email: string };

export const graphSuite: Suite = {
  name: "graph",
  async run({ events, log }: BenchOptions) {
    const fake = await startFakeProcess("../fakes/graph/serve.ts", { FAKE_GRAPH_PORT: "0" });
    const url = fake.urls[0] as string;
    try {
      return await onBenchDatabase((databaseName) => measure(events, url, fake, databaseName, log));
    } finally {
      fake.process.kill("SIGTERM");
    }
  },
};

async function measure(events: number, url: string, fake: Fake, databaseName: string, log: (line: string) => void) {
  const series = Math.ceil(events / 50);
  // Series masters come with /me/events; what a series costs is one read of its instances, 20 to a $batch.
  const targets = { import: Math.ceil(events / PAGE_SIZE) + 2 + Math.ceil(series / 20), export: Math.ceil(events / 20) + 2, noChange: 1 };
  const requests = async () => ((await fake.get(`${url}/__control/log`)) as { requests: number }).requests;
  const mail = async () => ((await fake.get(`${url}/__control/log`)) as { mail: unknown[] }).mail.length;
  log(`graph · ${databaseName}, ${events} events (${series} weekly series), page size ${PAGE_SIZE}, fake Graph in its own process`);

  const importer = await connect("import");
  await fake.post(`${url}/__control/events?email=${importer.email}`, remoteEvents(events), 2000);
  const imported = await measureRun(importer, url, events, requests);
  log(phaseLine("graph", "import", imported, `target ≤ ${targets.import} incl. ${Math.ceil(series / 20)} for the series; calendarView delta also lists every occurrence in the window`));
  // After the import: the import meets the server cold and the listing alone warm, so the order never flatters the run.
  const baselines = await importBaselines(importer, events, graphRemote(importer, url));

  const exporter = await connect("export");
  await seedLocal(exporter.userId, events);
  const exported = await measureRun(exporter, url, events, requests);
  log(phaseLine("graph", "export", exported, `target ≤ ${targets.export}`));
  const writesMs = await writesBaseline(exporter, graphRemote(exporter, url));

  const idle = await measureRun(importer, url, 0, requests);
  log(phaseLine("graph", "noChange", idle, `target exactly ${targets.noChange} and no event writes`));

  await changeBothSides(importer, url, fake);
  const changed = await measureRun(importer, url, 2 * CHANGES, requests);
  log(phaseLine("graph", "changes100", changed, `${CHANGES} changed on each side`));
  const measured = ratios(imported, idle, changed, baselines, writesMs);
  log(ratiosLine("graph", events, imported, idle, changed, measured));

  const rolled = await measureRun(importer, url, 0, requests, new Date(Date.now() + 31 * DAY));
  log(phaseLine("graph", "windowMove", rolled, "the window rolls a month: old delta read to its end, a new round listed as upserts, nothing imported twice"));

  const mailed = await mail();
  log(`graph · invitations Graph would have mailed: ${mailed}`);
  return { database: databaseName, targets, import: imported, export: exported, noChange: idle, changes100: changed, windowMove: rolled, invitations: mailed, baselines: measured };
}

async function connect(label: string): Promise<GraphAccount> {
  const userId = await benchUser();
  const email = `${label}-${userId.slice(0, 8)}@contoso.test`;
  const db = await getDb();
  const account = await db.syncAccount.create({ data: { ownerId: userId, provider: "OFFICE365_GRAPH", login: email } });
  return { userId, accountId: account.id, email };
}

/**
 * One run, measured as a "Sync now" is, through the engine with a provider whose clock the bench can
 * move (the window roll) and without the ten-minute budget the fake does not have (a real first
 * export of 10,000 events is paced to about ten minutes).
 */
function measureRun(account: GraphAccount, url: string, events: number, countRequests: () => Promise<number>, now?: Date): Promise<Phase> {
  const remote = graphRemote(account, url, now);
  // The token fetches go to the control endpoint: only Graph calls are counted.
  return measurePhase(account, events, countRequests, async () => {
    const report = await runSync({ store: new PrismaSyncStore(account.userId, account.accountId), remote, deletions: "apply" });
    return { outcome: report.outcome, summary: summarize(report, "Office.com"), calls: report.calls };
  });
}

function graphRemote(account: GraphAccount, url: string, now?: Date): GraphCalendar {
  return new GraphCalendar({
    graphUrl: `${url}/v1.0`,
    pageSize: PAGE_SIZE,
    requestsPerTenMinutes: Number.MAX_SAFE_INTEGER,
    accessToken: async () => {
      const response = await fetch(`${url}/__control/token?email=${encodeURIComponent(account.email)}`, { method: "POST" });
      return ((await response.json()) as { access_token: string }).access_token;
    },
    ...(now ? { now: () => now } : {}),
  });
}

/** What a person had in Outlook before connecting: no property of this app's. */
function remoteEvents(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const content = contentAt(index, "Outlook");
    return {
      subject: content.title,
      body: content.description,
      location: content.location,
      start: content.start,
      end: content.end,
      timeZone: "Central Europe Standard Time",
      ...(content.rrule ? { recurrence: toGraphRecurrence(patternOf(content), "Central Europe Standard Time") } : {}),
    };
  });
}

/** A person edits 100 events in Atollon and 100 others in Outlook. */
async function changeBothSides(account: GraphAccount, url: string, fake: Fake): Promise<void> {
  const untouched = await editLocal(account.userId);
  const { items } = (await fake.get(`${url}/__control/events?email=${account.email}`)) as { items: { id: string; subject: string; type: string }[] };
  const remote = items.filter((item) => item.type === "singleInstance" && !untouched.has(item.subject)).slice(0, CHANGES);
  await fake.post(`${url}/__control/patch?email=${account.email}`, remote.map((item) => ({ id: item.id, change: { subject: `${item.subject} (renamed)` } })));
}
