import { beforeAll, describe, expect, it } from "vitest";
import { createEvent, getEvent, listRange } from "@/lib/calendar/events";
import { moveEvent, shiftWeekdays } from "@/lib/calendar/move-event";
import { getDb } from "@/lib/db/client";
import { eventContent } from "../../helpers/event-content";
import { createTestUser } from "../../helpers/users";

beforeAll(async () => {
  // The file's database is created and migrated here, within the hook's time.
  await getDb();
});

const week = [new Date("2026-12-07T00:00:00Z"), new Date("2026-12-21T00:00:00Z")] as const;
const single = (eventId: string) => ({ eventId, seriesId: null, originalStart: null });

describe("moving and resizing events on the grid", () => {
  it("moves an event by whole minutes and resizes it by its end, refusing an end before the start", async () => {
    const user = await createTestUser();
    const event = await createEvent(user.id, eventContent({ start: "2026-12-08T09:00:00.000Z", end: "2026-12-08T10:00:00.000Z" }));
    await moveEvent(user.id, { target: single(event.id), scope: "all", startDeltaMinutes: 24 * 60 + 30, endDeltaMinutes: 24 * 60 + 30 });
    expect((await getEvent(user.id, event.id))?.content).toMatchObject({ start: "2026-12-09T09:30:00.000Z", end: "2026-12-09T10:30:00.000Z" });
    await moveEvent(user.id, { target: single(event.id), scope: "all", startDeltaMinutes: 0, endDeltaMinutes: 45 });
    expect((await getEvent(user.id, event.id))?.content).toMatchObject({ start: "2026-12-09T09:30:00.000Z", end: "2026-12-09T11:15:00.000Z" });
    await expect(moveEvent(user.id, { target: single(event.id), scope: "all", startDeltaMinutes: 0, endDeltaMinutes: -120 })).rejects.toThrow("An event has to end after it starts.");
    const stranger = await createTestUser();
    await expect(moveEvent(stranger.id, { target: single(event.id), scope: "all", startDeltaMinutes: 15, endDeltaMinutes: 15 })).rejects.toThrow(/no longer exists/);
  });

  it("moves one occurrence of a series alone, or the whole series to another weekday", async () => {
    const user = await createTestUser();
    const series = await createEvent(user.id, eventContent({ title: "Standup", start: "2026-12-07T08:00:00.000Z", end: "2026-12-07T08:15:00.000Z", rrule: "FREQ=WEEKLY;BYDAY=MO,WE" }));
    const wednesday = { eventId: series.id, seriesId: series.id, originalStart: "2026-12-09T08:00:00.000Z" };
    await moveEvent(user.id, { target: wednesday, scope: "this", startDeltaMinutes: 60, endDeltaMinutes: 90 });
    let items = await listRange(user.id, ...week);
    expect(items.map((item) => item.start)).toEqual(["2026-12-07T08:00:00.000Z", "2026-12-09T09:00:00.000Z", "2026-12-14T08:00:00.000Z", "2026-12-16T08:00:00.000Z"]);
    expect(items[1]?.end).toBe("2026-12-09T09:45:00.000Z");

    // Monday's occurrence dragged to Tuesday for all: the series repeats on Tuesdays and Thursdays.
    await moveEvent(user.id, { target: { eventId: series.id, seriesId: series.id, originalStart: "2026-12-07T08:00:00.000Z" }, scope: "all", startDeltaMinutes: 24 * 60, endDeltaMinutes: 24 * 60 });
    expect((await getEvent(user.id, series.id))?.content.rrule).toBe("FREQ=WEEKLY;BYDAY=TU,TH");
    items = await listRange(user.id, ...week);
    expect(items.filter((item) => item.start.endsWith("T08:00:00.000Z")).map((item) => item.start.slice(0, 10))).toEqual(["2026-12-08", "2026-12-10", "2026-12-15", "2026-12-17"]);
  });

  it("shifts only plain weekly days of a rule", () => {
    expect(shiftWeekdays("FREQ=WEEKLY;BYDAY=SU,MO;COUNT=4", 1)).toBe("FREQ=WEEKLY;BYDAY=MO,TU;COUNT=4");
    expect(shiftWeekdays("FREQ=WEEKLY;BYDAY=MO", -1)).toBe("FREQ=WEEKLY;BYDAY=SU");
    expect(shiftWeekdays("FREQ=MONTHLY;BYDAY=2TU", 1)).toBe("FREQ=MONTHLY;BYDAY=2TU");
    expect(shiftWeekdays("FREQ=DAILY", 3)).toBe("FREQ=DAILY");
  });
});
