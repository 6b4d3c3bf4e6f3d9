import { createEvent, currentEventSeq, listChangedSince, listRange } from "@/lib/calendar/events";
import { startOfWeek } from "@/lib/calendar/formats";
import { rangeOf } from "@/lib/calendar/view-layout";
import { getDb } from "@/lib/db/client";
import { eventContent } from "../helpers/event-content";
import { createTestUser } from "../helpers/users";
import { availableDatabases } from "./databases";
import { median, peakRssMb, round } from "./measure";
import type { BenchOptions, Suite } from "./suite";

const SERIES = 500;
const ZONE = "Europe/Prague";
const DAY = 86_400_000;
const WEEKDAYS = ["MO", "TU,TH", "WE", "FR", "MO,WE,FR"];

/** The calendar's hot queries with a big calendar: the week view and the sync engine's changed-since. */
export const calendarSuite: Suite = {
  name: "calendar",
  async run({ events, log }: BenchOptions) {
    const results: Record<string, unknown> = {};
    for (const database of await availableDatabases(log)) {
      const drop = await database.open();
      try {
        results[database.name] = await measure(events, log, database.name);
      } finally {
        await drop();
      }
    }
    return results;
  },
};

/** Seeds `count` events, the last SERIES of them never-ending weekly series starting at `seriesStart(i)`. */
async function seed(ownerId: string, count: number, seriesStart: (index: number) => number): Promise<number> {
  const db = await getDb();
  const singles = Math.max(count - SERIES, 0);
  const year = Date.UTC(2026, 0, 5, 8);
  // Seeding goes around the domain (one multi-row insert per chunk): it is set-up, not what is measured.
  const rows = Array.from({ length: singles + SERIES }, (_, index) => {
    const recurring = index >= singles;
    const start = new Date(recurring ? seriesStart(index - singles) : year + (index % 365) * DAY + (index % 10) * 3_600_000);
    return {
      ownerId,
      title: `${recurring ? "Series" : "Event"} ${index}`,
      startAt: start,
      endAt: new Date(start.getTime() + 3_600_000),
      timeZone: ZONE,
      rrule: recurring ? `FREQ=WEEKLY;BYDAY=${WEEKDAYS[index % WEEKDAYS.length]}` : null,
      exdates: [],
      rdates: [],
      reminders: [],
      changeSeq: BigInt(index + 1),
    };
  });
  for (let start = 0; start < rows.length; start += 1000) await db.event.createMany({ data: rows.slice(start, start + 1000) });
  await db.user.update({ where: { id: ownerId }, data: { eventSeq: BigInt(rows.length) } });
  return rows.length;
}

/** The rows a view reads, as one plain indexed range query without recurrence: what the view is measured against. */
async function baseRecords(ownerId: string, from: Date, to: Date): Promise<number> {
  const db = await getDb();
  const slackFrom = new Date(from.getTime() - DAY);
  const slackTo = new Date(to.getTime() + DAY);
  const rows = await db.event.findMany({
    where: {
      ownerId,
      deletedAt: null,
      seriesId: null,
      startAt: { lt: slackTo },
      OR: [{ rrule: null, endAt: { gte: slackFrom } }, { rrule: { not: null }, OR: [{ recurrenceEndsAt: null }, { recurrenceEndsAt: { gt: slackFrom } }] }],
    },
  });
  return rows.length;
}

async function measure(events: number, log: (line: string) => void, name: string) {
  // The view shows the week of Wed 10 June 2026; "recent" series began the week before, "old" ones ten years earlier.
  const seriesSlot = (index: number) => (index % 5) * DAY + (index % 10) * 3_600_000;
  const recentUser = await createTestUser();
  const oldUser = await createTestUser();
  const seedStarted = performance.now();
  const seeded = await seed(recentUser.id, events, (index) => Date.UTC(2026, 5, 1, 7) + seriesSlot(index));
  await seed(oldUser.id, events, (index) => Date.UTC(2016, 5, 6, 7) + seriesSlot(index));
  const seedMs = round(performance.now() - seedStarted, 0);
  const user = recentUser;
  const year = Date.UTC(2026, 0, 5, 8);

  const writes = 200;
  const writeStarted = performance.now();
  for (let i = 0; i < writes; i += 1) {
    await createEvent(
      user.id,
      eventContent({ title: `Written ${i}`, start: new Date(year + i * 3_600_000).toISOString(), end: new Date(year + i * 3_600_000 + 1_800_000).toISOString(), timeZone: ZONE }),
    );
  }
  const writeMs = performance.now() - writeStarted;

  const { from, to } = rangeOf(startOfWeek("2026-06-10", 1), 7, ZONE);
  const shown = (await listRange(user.id, from, to)).length;
  const shownOld = (await listRange(oldUser.id, from, to)).length;
  const baseRows = await baseRecords(user.id, from, to);
  const rangeQueryMs = await median(20, () => baseRecords(user.id, from, to));
  const weekViewMs = await median(20, () => listRange(user.id, from, to));
  const oldWeekViewMs = await median(20, () => listRange(oldUser.id, from, to));
  const monthRange = rangeOf(startOfWeek("2026-06-01", 1), 42, ZONE);
  const monthRangeQueryMs = await median(10, () => baseRecords(user.id, monthRange.from, monthRange.to));
  const monthViewMs = await median(10, () => listRange(user.id, monthRange.from, monthRange.to));
  const oldMonthViewMs = await median(10, () => listRange(oldUser.id, monthRange.from, monthRange.to));
  const latest = await currentEventSeq(user.id);
  const changedSinceMs = await median(50, () => listChangedSince(user.id, latest - 100n, 500));
  const noChangeMs = await median(50, () => listChangedSince(user.id, latest, 500));
  const fullPageMs = await median(10, () => listChangedSince(user.id, 0n, 500));

  const figures = {
    events: seeded + writes,
    recurringSeries: SERIES,
    seedMs,
    createEventsPerSec: round(writes / (writeMs / 1000), 0),
    weekView: {
      items: shown,
      itemsWithOldSeries: shownOld,
      medianMs: weekViewMs,
      oldSeriesMedianMs: oldWeekViewMs,
      baseRows,
      rangeQueryMs,
      ratio: round(weekViewMs / rangeQueryMs),
      oldSeriesRatio: round(oldWeekViewMs / rangeQueryMs),
    },
    monthView: { medianMs: monthViewMs, oldSeriesMedianMs: oldMonthViewMs, rangeQueryMs: monthRangeQueryMs, ratio: round(monthViewMs / monthRangeQueryMs) },
    changedSince: { last100Ms: changedSinceMs, noChangesMs: noChangeMs, firstPageOf500Ms: fullPageMs },
    peakRssMb: peakRssMb(),
  };
  log(
    `calendar · ${name.padEnd(10)} ${figures.events} events, ${SERIES} never-ending weekly series: week view ${weekViewMs} ms (${shown} items; series begun 10 years ago: ${oldWeekViewMs} ms, ${shownOld} items) ` +
      `vs plain range query of its ${baseRows} rows ${rangeQueryMs} ms → ×${figures.weekView.ratio} (old series ×${figures.weekView.oldSeriesRatio}, target ≤ 3); ` +
      `month view ${monthViewMs} ms (old series ${oldMonthViewMs} ms) vs range query ${monthRangeQueryMs} ms → ×${figures.monthView.ratio}; ` +
      `changed-since 100 ${changedSinceMs} ms / none ${noChangeMs} ms / first 500 ${fullPageMs} ms, createEvent ${figures.createEventsPerSec}/s, peak RSS ${figures.peakRssMb} MB`,
  );
  return figures;
}
