import type { EventContent } from "@/lib/calendar/event-content";
import { runSync, type SyncReport } from "@/lib/sync/engine";
import { rulesContextFor } from "@/lib/sync/rules/account";
import { matches } from "@/lib/sync/rules/evaluate";
import { rulesKey, type RulesContext } from "@/lib/sync/rules/lens";
import { DEFAULT_RULES, type SyncRules } from "@/lib/sync/rules/schema";
import { eventContent } from "../helpers/event-content";
import { MemoryRemote, MemoryStore } from "../unit/sync/memory-sides";
import { interleaved, round } from "./measure";
import type { BenchOptions, Suite } from "./suite";

/**
 * Sync rules at size, on the engine with the in-memory sides (the rules live in the engine, the same
 * for every service): a first sync of a calendar of N events under a 30-day window, and what rule
 * evaluation adds to a run with nothing to do and to one with 100 changes on each side, as ratios
 * measured in the same process, each the median of several runs.
 */
export const rulesSuite: Suite = {
  name: "rules",
  async run({ events, log }: BenchOptions) {
    const now = new Date("2026-12-01T08:00:00.000Z");
    const window: SyncRules = { ...DEFAULT_RULES, pastDays: 0, futureDays: 30 };
    const spread = (index: number) => eventContent({ title: `Event ${index}`, description: `Agenda ${index}`, start: at(now, index, events), end: at(now, index, events, 3_600_000) });

    // First import under the window: one listing, and only what is inside the window comes in.
    const importer = account();
    for (let index = 0; index < events; index += 1) importer.remote.userCreate(spread(index));
    const expectedIn = countIn(events, spread, window, now);
    const imported = await runSync({ store: importer.store, remote: importer.remote, rules: context(window, null, now) });
    const listingRequests = Math.ceil(events / importer.remote.pageSize);
    log(`rules · first import of ${events} events, 30-day window: ${imported.pulled.created} imported (${expectedIn} inside the window), ${imported.requests} requests (listing the calendar once: ${listingRequests})`);

    // First export under the window: one listing of an empty calendar, then creates in batches of 50.
    const exporter = account();
    for (let index = 0; index < events; index += 1) exporter.store.userCreate(spread(index));
    const exported = await runSync({ store: exporter.store, remote: exporter.remote, rules: context(window, null, now) });
    log(`rules · first export of ${events} events, 30-day window: ${exported.pushed.created} exported (${expectedIn} inside the window), ${exported.requests} requests (1 listing + ${Math.ceil(expectedIn / 50)} batches of 50)`);

    // The cost of evaluating rules: one calendar, synced in turns without rules and with rules that
    // keep everything (so both kinds of run do the same work apart from the evaluation).
    const keepAll: SyncRules = { ...DEFAULT_RULES, skipDeclined: true, titleWords: ["never-in-a-title"], pastDays: 3650, futureDays: 3650 };
    const side = await synced(events, spread, keepAll, now);
    const runPlain = () => runSync({ store: side.store, remote: side.remote });
    const runRuled = () => runSync({ store: side.store, remote: side.remote, rules: context(keepAll, rulesKey(keepAll, now), now) });
    const [idlePlain, idleRuled] = await interleaved(runPlain, runRuled);
    const [changedPlain, changedRuled] = await interleaved(runPlain, runRuled, () => change(side, 100), () => change(side, 100));
    const ratios = { noChange: round(idleRuled / idlePlain, 3), changes100: round(changedRuled / changedPlain, 3) };
    log(`rules · no-change run: ${idlePlain} ms without rules, ${idleRuled} ms with (×${ratios.noChange}); 100 changes on each side: ${changedPlain} ms without, ${changedRuled} ms with (×${ratios.changes100}); target under ×1.05`);
    return {
      firstImport: { events, insideWindow: expectedIn, imported: imported.pulled.created, requests: imported.requests, listingRequests },
      firstExport: { events, insideWindow: expectedIn, exported: exported.pushed.created, requests: exported.requests },
      noChangeMs: { plain: idlePlain, rules: idleRuled },
      changes100Ms: { plain: changedPlain, rules: changedRuled },
      ratios,
    };
  },
};

const DAY = 86_400_000;

/** Events spread evenly over two years around `now`. */
function at(now: Date, index: number, events: number, offset = 0): string {
  return new Date(now.getTime() - 365 * DAY + Math.floor((index * 730 * DAY) / events / 3_600_000) * 3_600_000 + offset).toISOString();
}

function account() {
  const remote = new MemoryRemote();
  remote.pageSize = 250;
  return { store: new MemoryStore("latest"), remote };
}

function context(rules: SyncRules, lastKey: string | null, now: Date): RulesContext | undefined {
  return rulesContextFor({ rules, rulesKey: lastKey, login: "me@example.com" }, null, now);
}

function countIn(events: number, spread: (index: number) => EventContent, rules: SyncRules, now: Date): number {
  let count = 0;
  for (let index = 0; index < events; index += 1) if (matches(spread(index), rules, now)) count += 1;
  return count;
}

/** An account holding the calendar on both sides, half from each. */
async function synced(events: number, spread: (index: number) => EventContent, rules: SyncRules | null, now: Date) {
  const side = account();
  for (let index = 0; index < events; index += 1) {
    if (index % 2 === 0) side.store.userCreate(spread(index));
    else side.remote.userCreate(spread(index));
  }
  const report: SyncReport = await runSync({ store: side.store, remote: side.remote, deletions: "apply", ...(rules ? { rules: context(rules, null, now) } : {}) });
  if (report.outcome !== "complete") throw new Error(`The bench calendar did not sync: ${report.failures[0]?.message ?? report.outcome}`);
  return side;
}

let changeRound = 0;
/** Changes `count` events on each side. */
function change(side: ReturnType<typeof account>, count: number): void {
  changeRound += 1;
  for (const event of side.store.live().slice(0, count)) side.store.userEdit(event.id, { location: `Room ${changeRound}` });
  for (const item of side.remote.live().slice(-count)) side.remote.userEdit(item.remoteId, { title: `${item.content?.title ?? ""} ${changeRound}` });
}
