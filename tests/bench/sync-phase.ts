import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { currentEventSeq, listChangedSince, toStoredEvent, updateEvent } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { grantAtollonAccount } from "@/lib/sync-accounts/accounts";
import { remoteFor, syncAccount } from "@/lib/sync/run-account";
import type { RemoteCalendar, UpdateRequest } from "@/lib/sync/provider";
import { eventContent } from "../helpers/event-content";
import { createTestUser } from "../helpers/users";
import { phasePeakRssMb, resetPeakRss, round, settledHeapMb, settledRssMb } from "./measure";

/** One in fifty events is a weekly series, as in a working calendar. */
export const SERIES_EVERY = 50;
export const CHANGES = 100;
const ZONE = "Europe/Prague";
const DAY = 86_400_000;

/** One "Sync now" of one account, measured: the figures every provider's suite reports per phase. */
export interface Phase {
  events: number;
  /** HTTP requests as the fake server counted them, not as the app reports them. */
  requests: number;
  /** Calls as the run recorded them (what the services' quotas count: each call inside a batch). */
  calls: number;
  wallMs: number;
  eventsPerSec: number;
  peakRssMb: number;
  /** Resident memory when the run started (after a garbage collection): the peak's baseline. */
  startRssMb: number;
  /** JavaScript heap held before and after the run (each after a full garbage collection): a run that holds nothing once done leaves it where it was. */
  heapStartMb: number;
  heapEndMb: number;
  /** Writes to the event tables the run made (the owner's change sequence moved by this much). */
  eventWrites: number;
  summary: string;
}

export interface BenchAccount {
  userId: string;
  accountId: string;
}

/** A user with the Atollon step done, ready for a remote account. */
export async function benchUser(): Promise<string> {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  return user.id;
}

/** One run ("Sync now" unless `run` says otherwise), measured: requests, wall time, memory, event writes. */
export async function measurePhase(
  account: BenchAccount,
  events: number,
  countRequests: () => Promise<number>,
  /** A run made without "Sync now" (no SyncRun is recorded) reports its calls itself. */
  run: () => Promise<{ outcome: string; summary: string; calls?: number }> = () => syncAccount(account.userId, account.accountId, { trigger: "bench" }),
): Promise<Phase> {
  const seq = await currentEventSeq(account.userId);
  const requestsBefore = await countRequests();
  const heapStartMb = settledHeapMb();
  const startRssMb = settledRssMb();
  resetPeakRss();
  const started = performance.now();
  const { outcome, summary, calls } = await run();
  const wallMs = round(performance.now() - started, 0);
  const peak = phasePeakRssMb();
  const heapEndMb = settledHeapMb();
  if (outcome !== "complete") throw new Error(`The ${events}-event run ended ${outcome}: ${summary}`);
  const db = await getDb();
  const recorded = calls !== undefined ? { calls } : await db.syncRun.findFirstOrThrow({ where: { accountId: account.accountId }, orderBy: { startedAt: "desc" }, select: { calls: true } });
  return {
    events,
    requests: (await countRequests()) - requestsBefore,
    calls: recorded.calls,
    wallMs,
    eventsPerSec: events === 0 ? 0 : round(events / (wallMs / 1000), 0),
    peakRssMb: peak,
    startRssMb,
    heapStartMb,
    heapEndMb,
    eventWrites: Number((await currentEventSeq(account.userId)) - seq),
    summary,
  };
}

export function phaseLine(suite: string, name: string, phase: Phase, target: string): string {
  return `${suite} · ${name.padEnd(10)} ${phase.requests} requests (${target}), ${phase.calls} calls, ${phase.wallMs} ms, ${phase.eventsPerSec} events/s, peak RSS ${phase.peakRssMb} MB (${phase.startRssMb} MB at start), heap ${phase.heapStartMb} → ${phase.heapEndMb} MB, ${phase.eventWrites} event writes — ${phase.summary}`;
}

export function contentAt(index: number, title: string) {
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

/** Local events seeded in bulk (set-up, not measured), numbered in the owner's change sequence like real writes. */
export async function seedLocal(ownerId: string, count: number): Promise<void> {
  const db = await getDb();
  // Raw SQL, a thousand rows at a time: Prisma's createMany held on to every batch it was given
  // (about 12 MB per thousand events), which the export phase then measured as its own memory.
  for (let start = 0; start < count; start += 1000) {
    const contents = Array.from({ length: Math.min(1000, count - start) }, (_, offset) => contentAt(start + offset, "Atollon"));
    await db.$executeRaw`
      INSERT INTO "Event" ("id", "ownerId", "title", "description", "location", "startAt", "endAt", "timeZone", "rrule", "exdates", "rdates", "reminders", "changeSeq", "updatedAt")
      SELECT gen_random_uuid(), ${ownerId}::uuid, t.title, t.description, t.location, t.starts, t.ends, t.zone, t.rrule, '{}', '{}', '{}', t.seq, now()
      FROM unnest(
        ${contents.map((content) => content.title)}::text[], ${contents.map((content) => content.description)}::text[], ${contents.map((content) => content.location)}::text[],
        ${contents.map((content) => content.start)}::timestamptz[], ${contents.map((content) => content.end)}::timestamptz[], ${contents.map((content) => content.timeZone)}::text[],
        ${contents.map((content) => content.rrule)}::text[], ${contents.map((_, offset) => String(start + offset + 1))}::bigint[]
      ) AS t(title, description, location, starts, ends, zone, rrule, seq)`;
  }
  await db.user.update({ where: { id: ownerId }, data: { eventSeq: BigInt(count) } });
}

export interface FakeProcess {
  process: ChildProcess;
  /** What the fake printed after "listening at". */
  urls: string[];
  get(url: string): Promise<unknown>;
  /** Arrays longer than `chunk` are sent in pieces. */
  post(url: string, body: object, chunk?: number): Promise<unknown>;
}

/**
 * Starts a fake server in its own process, so the bench's peak memory is the app's alone. The
 * script prints "listening at <url> [<url>…]" once it is ready.
 */
export async function startFakeProcess(script: string, env: Record<string, string>): Promise<FakeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, script)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const urls = await new Promise<string[]>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (data: Buffer) => {
      output += data.toString();
      const match = /listening at (.+)\n/.exec(output);
      if (match?.[1]) resolve(match[1].match(/https?:\/\/\S+/g) ?? []);
    });
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}) before listening: ${output}`)));
  });
  const call = async (url: string, init?: RequestInit) => {
    const response = await fetch(url, init);
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return (await response.json()) as unknown;
  };
  const post = async (url: string, body: object, chunk = Number.POSITIVE_INFINITY): Promise<unknown> => {
    if (!Array.isArray(body) || body.length <= chunk) return call(url, { method: "POST", body: JSON.stringify(body) });
    for (let start = 0; start < body.length; start += chunk) await call(url, { method: "POST", body: JSON.stringify(body.slice(start, start + chunk)) });
    return {};
  };
  return { process: child, urls, get: (url) => call(url), post };
}

/** Runs a suite on PostgreSQL when it answers (production's database; PGlite's WASM heap stays out of the memory figure). */
export async function onBenchDatabase<T>(work: (databaseName: string) => Promise<T>): Promise<T> {
  const { availableDatabases, pglite } = await import("./databases");
  const databases = await availableDatabases(() => undefined);
  const database = databases.find((candidate) => candidate.name === "postgresql") ?? pglite;
  const drop = await database.open();
  const quiet = console.info;
  console.info = () => undefined;
  try {
    return await work(database.name);
  } finally {
    console.info = quiet;
    await drop();
  }
}

/** A person edits 100 events in Atollon; returns their titles before the edit, so the remote side edits others. */
export async function editLocal(userId: string): Promise<Set<string>> {
  const local = (await listChangedSince(userId, 0n, 2 * CHANGES)).slice(0, CHANGES);
  for (const event of local) {
    await updateEvent(userId, event.id, { ...event.content, title: `${event.content.title} (moved)`, location: "Room 9" }, { expectedVersion: event.version });
  }
  return new Set(local.map((event) => event.content.title));
}

/**
 * What a run is measured against, in the same run (so a loaded machine moves both alike): the
 * database storing the same rows with one multi-row statement per 1,000 (seedLocal, for a scratch
 * user), and the remote serving the full listing alone (read through the provider, nothing applied).
 */
export async function importBaselines(account: BenchAccount, events: number, given?: RemoteCalendar): Promise<{ insertMs: number; listingMs: number }> {
  const scratch = await createTestUser();
  const insertStarted = performance.now();
  await seedLocal(scratch.id, events);
  const insertMs = round(performance.now() - insertStarted, 0);
  const remote = given ?? (await remoteOf(account));
  const listingStarted = performance.now();
  let listed = 0;
  for await (const page of remote.listChanges(null)) listed += page.items.length + (page.unchanged?.length ?? 0);
  const listingMs = round(performance.now() - listingStarted, 0);
  if (listed < events) throw new Error(`The listing reported ${listed} items of ${events}.`);
  return { insertMs, listingMs };
}

/**
 * The remote's own time for CHANGES updates, written straight through the provider in its write
 * batches (the events of an account that exported them, sent again as they are).
 */
export async function writesBaseline(account: BenchAccount, given?: RemoteCalendar): Promise<number> {
  const db = await getDb();
  const pairs = await db.syncPair.findMany({ where: { accountId: account.accountId, remoteId: { not: null }, event: { rrule: null } }, take: CHANGES, include: { event: true } });
  const remote = given ?? (await remoteOf(account));
  const requests: UpdateRequest[] = pairs.map((pair) => {
    const content = toStoredEvent(pair.event).content;
    return { remoteId: pair.remoteId as string, versionToken: pair.remoteVersion ?? "", localId: pair.eventId, content: { ...content, title: `${content.title} (again)` }, previous: content, seriesRemoteId: null };
  });
  const batch = remote.writeBatchSize ?? 50;
  const started = performance.now();
  for (let start = 0; start < requests.length; start += batch) {
    const results = await remote.update(requests.slice(start, start + batch));
    const failed = results.find((result) => !result.ok);
    if (failed && !failed.ok) throw new Error(`A baseline write failed: ${failed.message}`);
  }
  return round(performance.now() - started, 0);
}

async function remoteOf(account: BenchAccount) {
  const db = await getDb();
  return remoteFor(account.userId, await db.syncAccount.findUniqueOrThrow({ where: { id: account.accountId } }));
}

export interface Ratios {
  insertMs: number;
  listingMs: number;
  writesMs: number;
  /** import ÷ (listing + 5 × insert): target ≤ 1. */
  importRatio: number;
  /** changes100 ÷ (3 × noChange + writes): target ≤ 1. */
  changesRatio: number;
}

export function ratios(imported: Phase, idle: Phase, changed: Phase, baselines: { insertMs: number; listingMs: number }, writesMs: number): Ratios {
  return {
    ...baselines,
    writesMs,
    importRatio: round(imported.wallMs / (baselines.listingMs + 5 * baselines.insertMs)),
    changesRatio: round(changed.wallMs / (3 * idle.wallMs + writesMs)),
  };
}

export function ratiosLine(suite: string, events: number, imported: Phase, idle: Phase, changed: Phase, r: Ratios): string {
  return (
    `${suite} · targets    import ${imported.wallMs} ms vs listing alone ${r.listingMs} ms + 5 × insert of ${events} rows ${r.insertMs} ms → ${r.importRatio} (target ≤ 1); ` +
    `changes ${changed.wallMs} ms vs 3 × no-change ${idle.wallMs} ms + ${CHANGES} writes alone ${r.writesMs} ms → ${r.changesRatio} (target ≤ 1)`
  );
}
