import { writeFile } from "node:fs/promises";
import path from "node:path";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { MULTIGET_BATCH } from "@/lib/providers/caldav/caldav-calendar";
import { newCalendar, putComponent, serializeCalendar } from "@/lib/providers/caldav/resource";
import { LOCAL_ENV, newCalDavCalendar, type CalDavPerson } from "../helpers/caldav-person";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy";
import { startRadicale, type Radicale } from "../helpers/radicale";
import type { BenchOptions, Suite } from "./suite";
import { benchUser, CHANGES, contentAt, editLocal, importBaselines, measurePhase, onBenchDatabase, phaseLine, ratios, ratiosLine, seedLocal, writesBaseline, type BenchAccount, type Phase } from "./sync-phase";

/**
 * The same runs as the other providers' suites against a real CalDAV server (Radicale, its own
 * process), each account on its own calendar. Requests are counted by a pass-through proxy in front
 * of Radicale, by method. Radicale writes every PUT to disk under one lock (about 60 PUTs a second
 * here), so the suite works with at most CALDAV_EVENTS events however many --events asks for.
 */
const CALDAV_EVENTS = 2000;

type Methods = Record<string, number>;

async function caldavPhase(account: BenchAccount, proxy: FaultProxy, events: number): Promise<Phase & { methods: Methods }> {
  const before = proxy.requests.length;
  const phase = await measurePhase(account, events, async () => proxy.requests.length);
  const methods: Methods = {};
  for (const method of proxy.requests.slice(before)) methods[method] = (methods[method] ?? 0) + 1;
  return { ...phase, methods };
}

export const caldavSuite: Suite = {
  name: "caldav",
  async run({ events: asked, log }: BenchOptions) {
    const events = Math.min(asked, CALDAV_EVENTS);
    const previousEnv = { ...process.env };
    Object.assign(process.env, LOCAL_ENV);
    const server = await startRadicale();
    const proxy = await startFaultProxy(server.url);
    try {
      return await onBenchDatabase((databaseName) => measure(events, server, proxy, databaseName, log));
    } finally {
      process.env = previousEnv;
      await proxy.close();
      await server.stop();
    }
  },
};

async function measure(events: number, server: Radicale, proxy: FaultProxy, databaseName: string, log: (line: string) => void) {
  const multigets = Math.ceil(events / MULTIGET_BATCH);
  const targets = { importRequests: 1 + multigets, exportRequests: 1 + events, afterExport: 1, noChange: 1, changes100: 1 + 1 + 1 + CHANGES };
  const methods = (phase: { methods: Methods }) => Object.entries(phase.methods).map(([name, count]) => `${count} ${name}`).join(", ");
  log(`caldav · ${databaseName}, ${events} events, Radicale in its own process`);

  const importCalendar = await newCalDavCalendar(server, "import");
  await seedRemote(server, importCalendar, events);
  const importer = await connect(server, proxy, importCalendar);
  const imported = await caldavPhase(importer, proxy, events);
  log(phaseLine("caldav", "import", imported, `${methods(imported)}; target ${targets.importRequests}: one sync-collection REPORT and one calendar-multiget REPORT per ${MULTIGET_BATCH}`));
  // After the import: the import meets the server cold and the listing alone warm, so the order never flatters the run.
  const baselines = await importBaselines(importer, events);

  const exportCalendar = await newCalDavCalendar(server, "export");
  const exporter = await connect(server, proxy, exportCalendar);
  await seedLocal(exporter.userId, events);
  const exported = await caldavPhase(exporter, proxy, events);
  log(phaseLine("caldav", "export", exported, `${methods(exported)}; target ${targets.exportRequests}: the listing, then one PUT per event (CalDAV has no batch write)`));

  // The listing reports the export's own PUTs at the ETags the engine holds: none is read again.
  const afterExport = await caldavPhase(exporter, proxy, 0);
  const writesMs = await writesBaseline(exporter);
  log(phaseLine("caldav", "afterExport", afterExport, `${methods(afterExport)}; target exactly ${targets.afterExport}: the listing, and no multiget`));

  const idle = await caldavPhase(importer, proxy, 0);
  log(phaseLine("caldav", "noChange", idle, `${methods(idle)}; target exactly ${targets.noChange} and no event writes`));

  const untouched = await editLocal(importer.userId);
  const remote = (await importCalendar.live()).filter((item) => item.content && !untouched.has(item.content.title)).slice(0, CHANGES);
  for (const item of remote) await importCalendar.edit(item.remoteId, { title: `${item.content?.title} (renamed)` });
  const changed = await caldavPhase(importer, proxy, 2 * CHANGES);
  log(phaseLine("caldav", "changes100", changed, `${methods(changed)}; target ${targets.changes100}: the listing, a multiget of the ${CHANGES} changed there, a multiget of the ${CHANGES} to update here (a PUT replaces the whole resource), ${CHANGES} PUTs`));

  const measured = ratios(imported, idle, changed, baselines, writesMs);
  log(ratiosLine("caldav", events, imported, idle, changed, measured));

  return { database: databaseName, events, targets, import: imported, export: exported, afterExport, noChange: idle, changes100: changed, baselines: measured };
}

async function connect(server: Radicale, proxy: FaultProxy, calendar: CalDavPerson): Promise<BenchAccount> {
  const userId = await benchUser();
  const db = await getDb();
  const account = await db.syncAccount.create({
    data: { ownerId: userId, provider: "CALDAV", login: server.login, serverUrl: calendar.calendarUrl.replace(server.url, proxy.url), secret: encryptSecret(server.password) },
  });
  return { userId, accountId: account.id };
}

/** What a person had in their calendar app before connecting, written straight into Radicale's storage (set-up, not measured). */
async function seedRemote(server: Radicale, calendar: CalDavPerson, count: number): Promise<void> {
  const folder = path.join(server.storage, "collection-root", ...new URL(calendar.calendarUrl).pathname.split("/").filter(Boolean));
  for (let index = 0; index < count; index += 1) {
    const resource = newCalendar();
    putComponent(resource, null, contentAt(index, "Phone"), "", `phone-${index}`);
    resource.getFirstSubcomponent("vevent")?.removeAllProperties("x-atollon-id");
    await writeFile(path.join(folder, `phone-${index}.ics`), serializeCalendar(resource));
  }
}
