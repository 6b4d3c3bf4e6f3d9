import { beforeAll, describe, expect, it } from "vitest";
import { createEvent, deleteEvent, saveOccurrence } from "@/lib/calendar/events";
import { searchEvents } from "@/lib/calendar/search-events";
import { getDb } from "@/lib/db/client";
import { eventContent } from "../../helpers/event-content";
import { createTestUser } from "../../helpers/users";

beforeAll(async () => {
  await getDb();
});

describe("searching the calendar", () => {
  it("finds titles, locations and descriptions by any part of a word, whatever the case, only the owner's and not deleted ones", async () => {
    const user = await createTestUser();
    const other = await createTestUser();
    await createEvent(user.id, eventContent({ title: "Quarterly Planning", start: "2026-12-01T09:00:00.000Z", end: "2026-12-01T10:00:00.000Z" }));
    await createEvent(user.id, eventContent({ title: "Lunch", location: "Planetarium café", start: "2026-12-02T11:00:00.000Z", end: "2026-12-02T12:00:00.000Z" }));
    await createEvent(user.id, eventContent({ title: "Review", description: "Bring the PLANS for 2027", start: "2026-12-03T09:00:00.000Z", end: "2026-12-03T10:00:00.000Z" }));
    await createEvent(user.id, eventContent({ title: "100% done", start: "2026-12-04T09:00:00.000Z", end: "2026-12-04T10:00:00.000Z" }));
    const gone = await createEvent(user.id, eventContent({ title: "Plan B (deleted)" }));
    await deleteEvent(user.id, gone.id);
    await createEvent(other.id, eventContent({ title: "Someone else's plan" }));

    expect((await searchEvents(user.id, "plan")).map((result) => result.title)).toEqual(["Review", "Lunch", "Quarterly Planning"]);
    expect(await searchEvents(user.id, "   ")).toEqual([]);
    // The person's % is a percent sign, not "anything".
    expect((await searchEvents(user.id, "0%")).map((result) => result.title)).toEqual(["100% done"]);
    expect(await searchEvents(user.id, "%")).toHaveLength(1);
  });

  it("gives a series once, and a changed occurrence that matches as that occurrence", async () => {
    const user = await createTestUser();
    const series = await createEvent(user.id, eventContent({ title: "Standup", start: "2026-12-07T08:00:00.000Z", end: "2026-12-07T08:15:00.000Z", rrule: "FREQ=DAILY;COUNT=5" }));
    await saveOccurrence(user.id, series.id, "2026-12-08T08:00:00.000Z", eventContent({ title: "Standup with the board", start: "2026-12-08T09:00:00.000Z", end: "2026-12-08T09:30:00.000Z", originalStart: "2026-12-08T08:00:00.000Z" }), "this");
    const results = await searchEvents(user.id, "standup");
    expect(results.map((result) => [result.title, result.target.seriesId, result.target.originalStart])).toEqual([
      ["Standup with the board", series.id, "2026-12-08T08:00:00.000Z"],
      ["Standup", null, null],
    ]);
    expect(results.every((result) => result.recurring)).toBe(true);
  });

  it("is served by the trigram index", async () => {
    const db = await getDb();
    const plan = await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN SELECT "id" FROM "Event" WHERE "title" ILIKE '%plan%' OR "location" ILIKE '%plan%' OR "description" ILIKE '%plan%'`);
    });
    expect(plan.map((row) => row["QUERY PLAN"]).join("\n")).toContain("Event_title_location_description_idx");
  });
});
