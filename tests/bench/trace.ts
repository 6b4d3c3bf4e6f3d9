import { createEvents, getEvents, updateEvent } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { runSync } from "@/lib/sync/engine";
import { PrismaSyncStore } from "@/lib/sync/prisma-store";
import { eventContent } from "../helpers/event-content";
import { MemoryRemote } from "../unit/sync/memory-sides";
import { interleaved, round } from "./measure";
import { countStatements } from "./scheduler";
import type { BenchOptions, Suite } from "./suite";
import { benchUser, CHANGES, onBenchDatabase } from "./sync-phase";

/** The same store without the trace: its writes carry no trace entries or refusals. */
class UntracedStore extends PrismaSyncStore {
  protected override recordsHead(): Prisma.Sql {
    return Prisma.empty;
  }
}

const CALENDAR = 2_000;

/**
 * What recording the events' trace costs a run, on the database (PostgreSQL when there is one) with
 * the in-memory remote, so that only the Atollon side's work is timed: the statements of a run with
 * nothing to do, and the time of a run with 100 changes on each side, with the trace and without it,
 * taken in turns in the same process.
 */
export const traceSuite: Suite = {
  name: "trace",
  run: ({ events, log }: BenchOptions) =>
    onBenchDatabase(async (database) => {
      const size = Math.min(events, CALENDAR);
      const userId = await benchUser();
      const db = await getDb();
      const account = await db.syncAccount.create({ data: { ownerId: userId, provider: "GOOGLE", login: `trace-${userId}@example.com` } });
      const run = await db.syncRun.create({ data: { accountId: account.id, trigger: "bench" } });
      const remote = new MemoryRemote();
      remote.pageSize = 250;
      const content = (index: number) => eventContent({ title: `Event ${index}`, start: new Date(Date.UTC(2026, 11, 1, 8) + index * 3_600_000).toISOString(), end: new Date(Date.UTC(2026, 11, 1, 9) + index * 3_600_000).toISOString() });
      const local = await createEvents(userId, Array.from({ length: size / 2 }, (_, index) => ({ content: content(index * 2), seriesId: null })));
      for (let index = 1; index < size; index += 2) remote.userCreate(content(index));
      const traced = new PrismaSyncStore(userId, account.id, { runId: run.id, source: "bench" });
      const untraced = new UntracedStore(userId, account.id, { runId: run.id, source: "bench" });
      const first = await runSync({ store: traced, remote, deletions: "apply" });
      if (first.outcome !== "complete") throw new Error(`The trace bench calendar did not sync: ${first.failures[0]?.message ?? first.outcome}`);

      // Statements of a run that finds nothing to do (PostgreSQL only: PGlite sends none over the
      // wire), after a run that settles what the first one left (the pairs its listing marks listed).
      await runSync({ store: traced, remote });
      const counter = countStatements();
      const statementsOf = async (store: PrismaSyncStore) => {
        const before = counter.count();
        await runSync({ store, remote });
        return counter.count() - before;
      };
      const idle = database === "postgresql" ? { traced: await statementsOf(traced), untraced: await statementsOf(untraced) } : null;
      counter.stop();

      let turn = 0;
      const change = async () => {
        turn += 1;
        for (const event of await getEvents(userId, local.slice(0, CHANGES).map((created) => created.id))) await updateEvent(userId, event.id, { ...event.content, location: `Room ${turn}` });
        for (const item of remote.live().filter((candidate) => candidate.localTag === null).slice(0, CHANGES)) remote.userEdit(item.remoteId, { description: `Round ${turn}` });
      };
      const [untracedMs, tracedMs] = await interleaved(() => runSync({ store: untraced, remote }), () => runSync({ store: traced, remote }), change, change);
      const ratio = round(tracedMs / untracedMs, 3);
      const idleLine = idle ? `no-change run: ${idle.traced} statements with the trace, ${idle.untraced} without` : "no-change run: statements counted on PostgreSQL only";
      log(`trace · ${database}, ${size} events · ${idleLine}; ${CHANGES} changes on each side: ${untracedMs} ms without, ${tracedMs} ms with (×${ratio}); target under ×1.10`);
      return { database, events: size, idleStatements: idle, changes100Ms: { untraced: untracedMs, traced: tracedMs }, ratio };
    }),
};
