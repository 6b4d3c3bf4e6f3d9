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

async function measure(events: number, log: (line: string) => void, name: string) {
  const db = await getDb();
  const user = await createTestUser();
  const singles = Math.max(events - SERIES, 0);
  const year = Date.UTC(2026, 0, 5, 8);

  // Seeding goes around the domain (one multi-row insert per chunk): it is set-up, not what is measured.
  const seedStarted = performance.now();
  const rows = Array.from({ length: singles + SERIES }, (_, index) => {
    const recurring = index >= singles;
    const start = new Date(year + (index % 365) * 86_400_000 + (index % 10) * 3_600_000);
    return {
      ownerId: user.id,
      title: `${recurring ? "Series" : "Event"} ${index}`,
      startAt: start,
      endAt: new Date(start.getTime() + 3_600_000),
      timeZone: ZONE,
      rrule: recurring ? ["FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=DAILY;INTERVAL=3", "FREQ=MONTHLY;BYDAY=2TU"][index % 3] : null,
      exdates: [],
      rdates: [],
      reminders: [],
      changeSeq: BigInt(index + 1),
    };
  });
  for (let start = 0; start < rows.length; start += 1000) await db.event.createMany({ data: rows.slice(start, start + 1000) });
  await db.user.update({ where: { id: user.id }, data: { eventSeq: BigInt(rows.length) } });
  const seedMs = round(performance.now() - seedStarted, 0);

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
  const weekViewMs = await median(20, () => listRange(user.id, from, to));
  const monthRange = rangeOf(startOfWeek("2026-06-01", 1), 42, ZONE);
  const monthViewMs = await median(10, () => listRange(user.id, monthRange.from, monthRange.to));
  const latest = await currentEventSeq(user.id);
  const changedSinceMs = await median(50, () => listChangedSince(user.id, latest - 100n, 500));
  const noChangeMs = await median(50, () => listChangedSince(user.id, latest, 500));
  const fullPageMs = await median(10, () => listChangedSince(user.id, 0n, 500));

  const figures = {
    events: rows.length + writes,
    recurringSeries: SERIES,
    seedMs,
    createEventsPerSec: round(writes / (writeMs / 1000), 0),
    weekView: { items: shown, medianMs: weekViewMs },
    monthView: { medianMs: monthViewMs },
    changedSince: { last100Ms: changedSinceMs, noChangesMs: noChangeMs, firstPageOf500Ms: fullPageMs },
    peakRssMb: peakRssMb(),
  };
  log(
    `calendar · ${name.padEnd(10)} ${figures.events} events: week view ${weekViewMs} ms (${shown} items), month view ${monthViewMs} ms, ` +
      `changed-since 100 ${changedSinceMs} ms / none ${noChangeMs} ms / first 500 ${fullPageMs} ms, createEvent ${figures.createEventsPerSec}/s, peak RSS ${figures.peakRssMb} MB`,
  );
  return figures;
}
