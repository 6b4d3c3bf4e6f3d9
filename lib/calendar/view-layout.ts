import type { CalendarItem } from "@/lib/calendar/events";
import { startOfWeek, type WeekStart } from "@/lib/calendar/formats";
import { addDaysToDate, wallToInstant } from "@/lib/calendar/time";

/** Where things go on the week and month grids, in the viewer's time zone. Pure, so it is tested alone. */

export interface TimedBlock {
  item: CalendarItem;
  /** Minutes from the day's midnight, clipped to the day. */
  top: number;
  bottom: number;
  column: number;
  columns: number;
  /** The item started on an earlier day / ends on a later one. */
  continuesBefore: boolean;
  continuesAfter: boolean;
}

export function dayBounds(date: string, zone: string): { start: Date; end: Date } {
  const [year = 1970, month = 1, day = 1] = date.split("-").map(Number);
  const next = addDaysToDate(date, 1).split("-").map(Number);
  return {
    start: wallToInstant(zone, { year, month, day, hour: 0, minute: 0 }),
    end: wallToInstant(zone, { year: next[0] ?? year, month: next[1] ?? month, day: next[2] ?? day, hour: 0, minute: 0 }),
  };
}

/** The range a view shows, as instants: whole days in the viewer's zone. */
export function rangeOf(firstDay: string, days: number, zone: string): { from: Date; to: Date } {
  return { from: dayBounds(firstDay, zone).start, to: dayBounds(addDaysToDate(firstDay, days - 1), zone).end };
}

export function coversDate(item: CalendarItem, date: string, zone: string): boolean {
  if (item.allDay) return item.start <= date && date < item.end;
  const { start, end } = dayBounds(date, zone);
  const s = Date.parse(item.start);
  const e = Date.parse(item.end);
  return s < end.getTime() && (e > start.getTime() || (e === s && s >= start.getTime()));
}

/** Timed items of one day, placed side by side where they overlap. */
export function layoutDay(items: CalendarItem[], date: string, zone: string): TimedBlock[] {
  const { start, end } = dayBounds(date, zone);
  const dayMinutes = (end.getTime() - start.getTime()) / 60_000;
  const blocks = items
    .filter((item) => !item.allDay && coversDate(item, date, zone))
    .map((item) => {
      const s = Date.parse(item.start);
      const e = Date.parse(item.end);
      const top = Math.max(0, (s - start.getTime()) / 60_000);
      // A short or zero-length event still gets room for its title.
      const bottom = Math.max(Math.min(dayMinutes, (e - start.getTime()) / 60_000), top + 20);
      return { item, top, bottom, column: 0, columns: 1, continuesBefore: s < start.getTime(), continuesAfter: e > end.getTime() };
    })
    .sort((a, b) => a.top - b.top || b.bottom - a.bottom);

  // Clusters of transitively overlapping blocks share a column count.
  let cluster: TimedBlock[] = [];
  let clusterEnd = -1;
  const columnEnds: number[] = [];
  const close = () => {
    const count = Math.max(1, columnEnds.length);
    for (const block of cluster) block.columns = count;
    cluster = [];
    columnEnds.length = 0;
  };
  for (const block of blocks) {
    if (block.top >= clusterEnd) close();
    let column = columnEnds.findIndex((columnEnd) => columnEnd <= block.top);
    if (column === -1) {
      column = columnEnds.length;
      columnEnds.push(block.bottom);
    } else {
      columnEnds[column] = block.bottom;
    }
    block.column = column;
    cluster.push(block);
    clusterEnd = Math.max(clusterEnd, block.bottom);
  }
  close();
  return blocks;
}

/** The 6 weeks a month view shows, starting on the week's first day on or before the 1st. */
export function monthGridStart(date: string, weekStartsOn: WeekStart): string {
  return startOfWeek(`${date.slice(0, 7)}-01`, weekStartsOn);
}
