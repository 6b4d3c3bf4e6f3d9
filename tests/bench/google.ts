import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { currentEventSeq, listChangedSince, updateEvent } from "@/lib/calendar/events";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { toGoogleEvent } from "@/lib/providers/google/mapping";
import { grantAtollonAccount } from "@/lib/sync-accounts/accounts";
import { syncAccount } from "@/lib/sync/run-account";
import { FAKE_CLIENT } from "../fakes/google/accounts";
import { eventContent } from "../helpers/event-content";
import { createTestUser } from "../helpers/users";
import { availableDatabases, pglite } from "./databases";
import { phasePeakRssMb, resetPeakRss, round, settledRssMb } from "./measure";
import type { BenchOptions, Suite } from "./suite";

/** One in fifty events is a weekly series, as in a working calendar. */
const SERIES_EVERY = 50;
const CHANGES = 100;
const ZONE = "Europe/Prague";
const DAY = 86_400_000;

interface Phase {
  events: number;
  requests: number;
  wallMs: number;
  eventsPerSec: number;
  peakRssMb: number;
  /** Resident memory when the run started (after a garbage collection): the peak's baseline. */
  startRssMb: number;
  /** Writes to the event tables the run made (the owner's change sequence moved by this much). */
  eventWrites: number;
  summary: string;
}

/**
 * Sync runs against Google at size: the first import, the first export, a run with nothing to do and
 * one with changes on both sides. The fake Google runs in a child process, so the peak memory is the
 * app's own; writes are not paced (the fake has no quota), which a real first export would be.
 */
export const googleSuite: Suite = {
  name: "google",
  async run({ events, log }: BenchOptions) {
    // PostgreSQL when it answers: production's database, and PGlite's WASM heap stays out of the memory figure.
    const databases = await availableDatabases(() => undefined);
    const database = databases.find((candidate) => candidate.name === "postgresql") ?? pglite;
    const fake = await startFakeGoogleProcess();
    const drop = await database.open();
    const previousEnv = { ...process.env };
    Object.assign(process.env, fake.env, { GOOGLE_WRITES_PER_MINUTE: "100000000" });
    const quiet = console.info;
    console.info = () => undefined;
    try {
      return await measure(events, fake, database.name, log);
    } finally {
      console.info = quiet;
      process.env = previousEnv;
      await drop();
      fake.process.kill("SIGTERM");
    }
  },
};

async function measure(events: number, fake: FakeGoogleProcess, databaseName: string, log: (line: string) => void) {
  const targets = { import: Math.ceil(events / 2500) + 2, export: Math.ceil(events / 50) + 2, noChange: 1 };
  log(`google · ${databaseName}, ${events} events, fake Google in its own process`);

  const importer = await connect(fake, "import");
  await fake.post(`/__control/events?email=${importer.email}`, remoteEvents(events), 2000);
  const imported = await phase(importer, fake, events);
  log(line("import", imported, `target ≤ ${targets.import} requests`));

  const exporter = await connect(fake, "export");
  await seedLocal(exporter.userId, events);
  const exported = await phase(exporter, fake, events);
  log(line("export", exported, `target ≤ ${targets.export} requests`));

  const idle = await phase(importer, fake, 0);
  log(line("noChange", idle, `target exactly ${targets.noChange} request and no event writes`));

  await changeBothSides(importer, fake);
  const changed = await phase(importer, fake, 2 * CHANGES);
  log(line("changes100", changed, `${CHANGES} changed on each side`));

  return { database: databaseName, targets, import: imported, export: exported, noChange: idle, changes100: changed };
}

function line(name: string, phase: Phase, target: string): string {
  return `google · ${name.padEnd(10)} ${phase.requests} requests (${target}), ${phase.wallMs} ms, ${phase.eventsPerSec} events/s, peak RSS ${phase.peakRssMb} MB (${phase.startRssMb} MB at start), ${phase.eventWrites} event writes — ${phase.summary}`;
}

interface Connected {
  userId: string;
  accountId: string;
  email: string;
}

async function connect(fake: FakeGoogleProcess, label: string): Promise<Connected> {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password, null);
  const email = `${label}-${user.id.slice(0, 8)}@gmail.com`;
  const { refreshToken } = (await fake.post(`/__control/grant?email=${email}`, {})) as { refreshToken: string };
  const db = await getDb();
  const account = await db.syncAccount.create({ data: { ownerId: user.id, provider: "GOOGLE", login: email, secret: encryptSecret(refreshToken) } });
  return { userId: user.id, accountId: account.id, email };
}

/** One "Sync now", measured: Calendar API requests as the fake counted them, not as the app reports them. */
async function phase(account: Connected, fake: FakeGoogleProcess, events: number): Promise<Phase> {
  const seq = await currentEventSeq(account.userId);
  const requestsBefore = await fake.calendarRequests();
  const startRssMb = settledRssMb();
  resetPeakRss();
  const started = performance.now();
  const { outcome, summary } = await syncAccount(account.userId, account.accountId, { trigger: "bench" });
  const wallMs = round(performance.now() - started, 0);
  const peak = phasePeakRssMb();
  if (outcome !== "complete") throw new Error(`The ${events}-event run ended ${outcome}: ${summary}`);
  return {
    events,
    requests: (await fake.calendarRequests()) - requestsBefore,
    wallMs,
    eventsPerSec: events === 0 ? 0 : round(events / (wallMs / 1000), 0),
    peakRssMb: peak,
    startRssMb,
    eventWrites: Number((await currentEventSeq(account.userId)) - seq),
    summary,
  };
}

function contentAt(index: number, title: string) {
  const start = Date.UTC(2026, 0, 5, 8) + (index % 700) * DAY + (index % 9) * 3_600_000;
  return eventContent({
    title: `${title} ${index}`,
    description: index % 3 === 0 ? `Agenda for meeting ${index}` : "",
    location: index % 4 === 0 ? "Room 4" : "",
    start: new Date(start).toISOString(),
    end: new Date(start + 3_600_000).toISOString(),
    timeZone: ZONE,
    rrule: index % SERIES_EVERY === 0 ? "FREQ=WEEKLY;BYDAY=MO,TH" : null,
  });
}

/** What a person had in Google before connecting: no private tag of ours. */
function remoteEvents(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const { extendedProperties: _tag, ...body } = toGoogleEvent(contentAt(index, "Google"), "");
    return body;
  });
}

/** Local events seeded in bulk (set-up, not measured), numbered in the owner's change sequence like real writes. */
async function seedLocal(ownerId: string, count: number): Promise<void> {
  const db = await getDb();
  const rows = Array.from({ length: count }, (_, index) => {
    const content = contentAt(index, "Atollon");
    return {
      ownerId,
      title: content.title,
      description: content.description,
      location: content.location,
      startAt: new Date(content.start),
      endAt: new Date(content.end),
      timeZone: content.timeZone,
      rrule: content.rrule,
      exdates: [],
      rdates: [],
      reminders: [],
      changeSeq: BigInt(index + 1),
    };
  });
  for (let start = 0; start < rows.length; start += 1000) await db.event.createMany({ data: rows.slice(start, start + 1000) });
  await db.user.update({ where: { id: ownerId }, data: { eventSeq: BigInt(count) } });
}

/** A person edits 100 events in Atollon and 100 others in Google. */
async function changeBothSides(account: Connected, fake: FakeGoogleProcess): Promise<void> {
  const local = await listChangedSince(account.userId, 0n, 2 * CHANGES);
  for (const event of local.slice(0, CHANGES)) {
    await updateEvent(account.userId, event.id, { ...event.content, title: `${event.content.title} (moved)`, location: "Room 9" }, { expectedVersion: event.version });
  }
  const { items } = (await fake.get(`/__control/events?email=${account.email}`)) as { items: { id: string; summary: string; recurringEventId?: string }[] };
  const untouched = new Set(local.slice(0, CHANGES).map((event) => event.content.title));
  const remote = items.filter((item) => !item.recurringEventId && !untouched.has(item.summary)).slice(0, CHANGES);
  await fake.post(`/__control/patch?email=${account.email}`, remote.map((item) => ({ id: item.id, change: { summary: `${item.summary} (renamed)` } })));
}

interface FakeGoogleProcess {
  process: ChildProcess;
  env: Record<string, string>;
  get(pathname: string): Promise<unknown>;
  /** Arrays longer than `chunk` are sent in pieces. */
  post(pathname: string, body: object, chunk?: number): Promise<unknown>;
  calendarRequests(): Promise<number>;
}

async function startFakeGoogleProcess(): Promise<FakeGoogleProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "../fakes/google/serve.ts")], {
    env: { ...process.env, FAKE_GOOGLE_PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (data: Buffer) => {
      output += data.toString();
      const match = /listening at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`The fake Google exited (${code}) before listening: ${output}`)));
  });
  const call = async (pathname: string, init?: RequestInit) => {
    const response = await fetch(`${url}${pathname}`, init);
    if (!response.ok) throw new Error(`Fake Google ${pathname}: ${response.status} ${await response.text()}`);
    return (await response.json()) as unknown;
  };
  const post = async (pathname: string, body: object, chunk = Number.POSITIVE_INFINITY): Promise<unknown> => {
    if (!Array.isArray(body) || body.length <= chunk) return call(pathname, { method: "POST", body: JSON.stringify(body) });
    for (let start = 0; start < body.length; start += chunk) await call(pathname, { method: "POST", body: JSON.stringify(body.slice(start, start + chunk)) });
    return {};
  };
  return {
    process: child,
    env: {
      GOOGLE_CLIENT_ID: FAKE_CLIENT.clientId,
      GOOGLE_CLIENT_SECRET: FAKE_CLIENT.clientSecret,
      GOOGLE_OAUTH_TOKEN_URL: `${url}/token`,
      GOOGLE_OAUTH_REVOKE_URL: `${url}/revoke`,
      GOOGLE_USERINFO_URL: `${url}/v1/userinfo`,
      GOOGLE_OAUTH_AUTH_URL: `${url}/o/oauth2/v2/auth`,
      GOOGLE_API_URL: `${url}/`,
    },
    get: (pathname) => call(pathname),
    post,
    calendarRequests: async () => ((await call("/__control/requests")) as { calendarApi: number }).calendarApi,
  };
}
