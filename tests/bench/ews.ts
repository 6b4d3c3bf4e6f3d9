import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import type { BenchOptions, Suite } from "./suite";
import { benchUser, CHANGES, contentAt, editLocal, importBaselines, measurePhase, onBenchDatabase, phaseLine, ratios, ratiosLine, seedLocal, writesBaseline, startFakeProcess, type BenchAccount, type FakeProcess, type Phase } from "./sync-phase";

const LOGIN = "alice@contoso.test";
const PASSWORD = "secret";

interface FakeExchange {
  process: FakeProcess;
  ewsUrl: string;
  control: string;
}

/**
 * The same four runs as the Google suite against the fake Exchange (each account its own mailbox,
 * each fake in its own process), with the EWS operations each run needed.
 */
export const ewsSuite: Suite = {
  name: "ews",
  async run({ events, log }: BenchOptions) {
    const fakes: FakeExchange[] = [];
    const previousEnv = { ...process.env };
    Object.assign(process.env, { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" });
    try {
      for (let index = 0; index < 2; index += 1) {
        const fake = await startFakeProcess("../fakes/ews/serve.ts", { FAKE_EWS_PORT: "0", FAKE_EWS_CONTROL_PORT: "0" });
        fakes.push({ process: fake, ewsUrl: fake.urls[0] as string, control: fake.urls[1] as string });
      }
      const [importFake, exportFake] = fakes as [FakeExchange, FakeExchange];
      return await onBenchDatabase((databaseName) => measure(events, importFake, exportFake, databaseName, log));
    } finally {
      process.env = previousEnv;
      for (const fake of fakes) fake.process.process.kill("SIGTERM");
    }
  },
};

type Operations = Record<string, number>;
const counters = async (fake: FakeExchange) => (await fake.process.get(`${fake.control}/requests`)) as { http: number; operations: Operations };

/** A phase plus the EWS operations it called, e.g. { SyncFolderItems: 20, GetItem: 100 }. */
async function ewsPhase(account: BenchAccount, fake: FakeExchange, events: number): Promise<Phase & { operations: Operations }> {
  const before = (await counters(fake)).operations;
  const phase = await measurePhase(account, events, async () => (await counters(fake)).http);
  const after = (await counters(fake)).operations;
  return { ...phase, operations: Object.fromEntries(Object.entries(after).map(([name, count]) => [name, count - (before[name] ?? 0)]).filter(([, count]) => Number(count) > 0)) };
}

async function measure(events: number, importFake: FakeExchange, exportFake: FakeExchange, databaseName: string, log: (line: string) => void) {
  const targets = { importSyncFolderItems: Math.ceil(events / 512), minItemsPerGetItem: 100, minItemsPerCreateItem: 100, noChange: 1 };
  const ops = (phase: { operations: Operations }) => Object.entries(phase.operations).map(([name, count]) => `${count} ${name}`).join(", ");
  log(`ews · ${databaseName}, ${events} events, fake Exchange in its own process`);

  const importer = await connect(importFake);
  await importFake.process.post(`${importFake.control}/items`, remoteItems(events), 2000);
  const imported = await ewsPhase(importer, importFake, events);
  log(phaseLine("ews", "import", imported, `${ops(imported)}; target ≤ ${targets.importSyncFolderItems} SyncFolderItems, GetItem batches of ≥ 100`));
  // After the import: the import meets the server cold and the listing alone warm, so the order never flatters the run.
  const baselines = await importBaselines(importer, events);

  const exporter = await connect(exportFake);
  await seedLocal(exporter.userId, events);
  const exported = await ewsPhase(exporter, exportFake, events);
  log(phaseLine("ews", "export", exported, `${ops(exported)}; target CreateItem batches of ≥ 100`));

  // SyncFolderItems reports the export's own creates; at the ChangeKeys the engine holds, none is read.
  const afterExport = await ewsPhase(exporter, exportFake, 0);
  log(phaseLine("ews", "afterExport", afterExport, `${ops(afterExport)}; target ≤ ${targets.importSyncFolderItems} SyncFolderItems and no GetItem`));
  const writesMs = await writesBaseline(exporter);

  const idle = await ewsPhase(importer, importFake, 0);
  log(phaseLine("ews", "noChange", idle, `${ops(idle)}; target exactly ${targets.noChange} and no event writes`));

  const untouched = await editLocal(importer.userId);
  const { items } = (await importFake.process.get(`${importFake.control}/items`)) as { items: { id: string; subject: string }[] };
  const remote = items.filter((item) => !untouched.has(item.subject)).slice(0, CHANGES);
  await importFake.process.post(`${importFake.control}/patch`, remote.map((item) => ({ id: item.id, change: { subject: `${item.subject} (renamed)` } })));
  const changed = await ewsPhase(importer, importFake, 2 * CHANGES);
  log(phaseLine("ews", "changes100", changed, `${ops(changed)}; ${CHANGES} changed on each side`));
  const measured = ratios(imported, idle, changed, baselines, writesMs);
  log(ratiosLine("ews", events, imported, idle, changed, measured));

  return { database: databaseName, targets, import: imported, export: exported, afterExport, noChange: idle, changes100: changed, baselines: measured };
}

async function connect(fake: FakeExchange): Promise<BenchAccount> {
  const userId = await benchUser();
  const db = await getDb();
  const account = await db.syncAccount.create({
    data: { ownerId: userId, provider: "EXCHANGE", login: LOGIN, serverUrl: fake.ewsUrl, authScheme: "basic", secret: encryptSecret(PASSWORD) },
  });
  return { userId, accountId: account.id };
}

/** What a person had in Outlook before connecting: single appointments (the fake stores series as masters only). */
function remoteItems(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const content = contentAt(index, "Outlook");
    return { subject: content.title, body: content.description, location: content.location, start: content.start, end: content.end, startTimeZone: "W. Europe Standard Time" };
  });
}
