import { describe, expect, it } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import {
  createEvent,
  createEvents,
  currentEventSeq,
  deleteEvent,
  deleteOccurrence,
  getEvent,
  listChangedSince,
  listRange,
  restoreEvent,
  saveOccurrence,
  updateEvent,
} from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { eventContent } from "../../helpers/event-content";
import { createTestUser } from "../../helpers/users";

const timed = (overrides: Partial<EventContent> = {}): EventContent =>
  eventContent({ title: "Planning", start: "2026-12-07T08:00:00.000Z", end: "2026-12-07T09:00:00.000Z", ...overrides });

const week = [new Date("2026-12-07T00:00:00Z"), new Date("2026-12-14T00:00:00Z")] as const;

async function rejectsWith(promise: Promise<unknown>, code: AppError["code"]) {
  await expect(promise).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === code);
}

describe("events", () => {
  it("stores every field and gives it back unchanged", async () => {
    const user = await createTestUser();
    const content = timed({
      description: "Agenda: <b>Q1</b> & budget",
      location: "Room 4",
      transparency: "transparent",
      visibility: "private",
      status: "tentative",
      reminders: [10, 60],
      attendees: [{ email: "ana@example.com", name: "Ana", response: "accepted", optional: false }],
      organizer: { email: "boss@example.com", name: null },
    });
    const created = await createEvent(user.id, content);
    expect(created.version).toBe(1);
    expect((await getEvent(user.id, created.id))?.content).toEqual(content);
    const day = await createEvent(user.id, timed({ allDay: true, start: "2026-12-24", end: "2026-12-27", timeZone: null, reminders: [] }));
    expect(day.content).toMatchObject({ allDay: true, start: "2026-12-24", end: "2026-12-27", timeZone: null, reminders: [] });
  });

  it("validates input and changes nothing when it is bad", async () => {
    const user = await createTestUser();
    const seq = await currentEventSeq(user.id);
    await expect(createEvent(user.id, timed({ end: "2026-12-07T07:00:00.000Z" }))).rejects.toThrow();
    await expect(createEvent(user.id, timed({ timeZone: "Mars/Olympus" }))).rejects.toThrow();
    await rejectsWith(createEvent(user.id, timed({ rrule: "FREQ=NEVER" })), "invalid_input");
    await rejectsWith(createEvent(user.id, timed({ originalStart: "2026-12-07T08:00:00.000Z" })), "invalid_input");
    expect(await currentEventSeq(user.id)).toBe(seq);
    expect(await listRange(user.id, ...week)).toEqual([]);
  });

  it("never lets one user read, change or delete another user's events", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const event = await createEvent(owner.id, timed());
    expect(await getEvent(other.id, event.id)).toBeNull();
    await rejectsWith(updateEvent(other.id, event.id, timed({ title: "Hijacked" })), "not_found");
    await rejectsWith(deleteEvent(other.id, event.id), "not_found");
    await rejectsWith(createEvent(other.id, timed({ originalStart: event.content.start }), { seriesId: event.id }), "not_found");
    expect(await listRange(other.id, ...week)).toEqual([]);
    expect(await listChangedSince(other.id, 0n, 100)).toEqual([]);
    expect((await getEvent(owner.id, event.id))?.content.title).toBe("Planning");
  });

  it("keeps deletions as tombstones, with their series' exceptions, and can restore them", async () => {
    const user = await createTestUser();
    const series = await createEvent(user.id, timed({ rrule: "FREQ=DAILY;COUNT=5" }));
    await saveOccurrence(user.id, series.id, "2026-12-08T08:00:00.000Z", timed({ title: "Moved", start: "2026-12-08T10:00:00.000Z", end: "2026-12-08T11:00:00.000Z" }), "this");
    await deleteEvent(user.id, series.id);
    const rows = await (await getDb()).event.findMany({ where: { ownerId: user.id } });
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.deletedAt !== null)).toBe(true);
    expect(await listRange(user.id, ...week)).toEqual([]);
    await rejectsWith(updateEvent(user.id, series.id, timed()), "not_found");

    const restored = await restoreEvent(user.id, series.id);
    expect(restored.deletedAt).toBeNull();
  });

  it("refuses a write when the event changed since the caller read it", async () => {
    const user = await createTestUser();
    const event = await createEvent(user.id, timed());
    await updateEvent(user.id, event.id, timed({ title: "First" }), { expectedVersion: 1 });
    await rejectsWith(updateEvent(user.id, event.id, timed({ title: "Second" }), { expectedVersion: 1 }), "conflict");
    await rejectsWith(deleteEvent(user.id, event.id, { expectedVersion: 1 }), "conflict");
    expect((await getEvent(user.id, event.id))?.content.title).toBe("First");
  });

  it("returns exactly the events changed since a point, tombstones included, in change order", async () => {
    const user = await createTestUser();
    const a = await createEvent(user.id, timed({ title: "A" }));
    const b = await createEvent(user.id, timed({ title: "B" }));
    const c = await createEvent(user.id, timed({ title: "C" }));
    const mark = await currentEventSeq(user.id);
    expect(await listChangedSince(user.id, mark, 100)).toEqual([]);

    await updateEvent(user.id, c.id, timed({ title: "C2" }));
    await deleteEvent(user.id, a.id);
    const changed = await listChangedSince(user.id, mark, 100);
    expect(changed.map((event) => [event.id, event.deletedAt !== null])).toEqual([
      [c.id, false],
      [a.id, true],
    ]);
    expect(changed.map((event) => event.id)).not.toContain(b.id);
    // Paging: a limit and the last sequence seen walk the same list.
    const first = await listChangedSince(user.id, mark, 1);
    expect(await listChangedSince(user.id, first[0]?.changeSeq ?? 0n, 1)).toEqual([changed[1]]);
  });

  it("creates many events at once exactly as one by one: every field, a change number each in order, occurrences checked against their series", async () => {
    const user = await createTestUser();
    const series = await createEvent(user.id, timed({ title: "Standup", rrule: "FREQ=WEEKLY;BYDAY=MO,WE" }));
    const seq = await currentEventSeq(user.id);
    const rich = timed({
      title: "Rich",
      description: "Agenda: <b>Q1</b> & 'budget'",
      location: "Room \"4\"",
      transparency: "transparent",
      visibility: "private",
      status: "tentative",
      reminders: [10, 60],
      exdates: ["2026-12-14T08:00:00.000Z"],
      rrule: "FREQ=DAILY;COUNT=3",
      attendees: [{ email: "ana@example.com", name: "Ana", response: "accepted", optional: false }],
      organizer: { email: "boss@example.com", name: null },
    });
    const day = timed({ allDay: true, start: "2026-12-24", end: "2026-12-27", timeZone: null, reminders: [] });
    const moved = timed({ title: "Standup (late)", start: "2026-12-09T12:00:00.000Z", end: "2026-12-09T13:00:00.000Z", originalStart: "2026-12-09T08:00:00.000Z" });
    const entries = [
      { content: rich, seriesId: null },
      { content: day, seriesId: null },
      { content: moved, seriesId: series.id },
    ];
    const created = await createEvents(user.id, entries);
    expect(created.map((event) => event.content)).toEqual([rich, day, moved]);
    expect(created.map((event) => [event.version, event.seriesId, event.deletedAt])).toEqual([
      [1, null, null],
      [1, null, null],
      [1, series.id, null],
    ]);
    expect(created.map((event) => event.changeSeq)).toEqual([seq + 1n, seq + 2n, seq + 3n]);
    expect(await currentEventSeq(user.id)).toBe(seq + 3n);
    for (const event of created) expect(await getEvent(user.id, event.id)).toEqual(event);
    expect((await listChangedSince(user.id, seq, 10)).map((event) => event.id)).toEqual(created.map((event) => event.id));
    expect((await listRange(user.id, ...week)).map((item) => item.title)).toContain("Standup (late)");
  });

  it("creates none of many events when one is refused", async () => {
    const user = await createTestUser();
    const other = await createTestUser();
    const foreignSeries = await createEvent(other.id, timed({ rrule: "FREQ=DAILY" }));
    const seq = await currentEventSeq(user.id);
    const good = { content: timed(), seriesId: null };
    await rejectsWith(createEvents(user.id, [good, { content: timed({ rrule: "FREQ=NEVER" }), seriesId: null }]), "invalid_input");
    await rejectsWith(createEvents(user.id, [good, { content: timed({ originalStart: "2026-12-07T08:00:00.000Z" }), seriesId: null }]), "invalid_input");
    // Another user's series is no series of this user's.
    await rejectsWith(createEvents(user.id, [good, { content: timed({ originalStart: "2026-12-07T08:00:00.000Z" }), seriesId: foreignSeries.id }]), "not_found");
    expect(await currentEventSeq(user.id)).toBe(seq);
    expect(await listRange(user.id, ...week)).toEqual([]);
  });

  it("numbers concurrent writes of one user in commit order", async () => {
    const user = await createTestUser();
    const writes = await Promise.all(Array.from({ length: 8 }, (_, i) => createEvent(user.id, timed({ title: `E${i}` }))));
    const seqs = writes.map((event) => event.changeSeq).sort((x, y) => (x < y ? -1 : 1));
    expect(new Set(seqs).size).toBe(8);
    expect(await currentEventSeq(user.id)).toBe(seqs.at(-1));
  });
});

describe("occurrences of a series", () => {
  async function weekly() {
    const user = await createTestUser();
    // Mondays and Wednesdays 09:00 Prague, from 7 Dec 2026.
    const series = await createEvent(user.id, timed({ title: "Standup", rrule: "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8" }));
    return { user, series };
  }

  it("shows a series' occurrences in a week, with a moved and a cancelled one", async () => {
    const { user, series } = await weekly();
    await saveOccurrence(user.id, series.id, "2026-12-09T08:00:00.000Z", timed({ title: "Standup (late)", start: "2026-12-09T12:00:00.000Z", end: "2026-12-09T13:00:00.000Z" }), "this");
    await deleteOccurrence(user.id, series.id, "2026-12-07T08:00:00.000Z", "this");
    const items = await listRange(user.id, ...week);
    expect(items.map((item) => [item.title, item.start])).toEqual([["Standup (late)", "2026-12-09T12:00:00.000Z"]]);
    const next = await listRange(user.id, new Date("2026-12-14T00:00:00Z"), new Date("2026-12-21T00:00:00Z"));
    expect(next.map((item) => item.start)).toEqual(["2026-12-14T08:00:00.000Z", "2026-12-16T08:00:00.000Z"]);
  });

  it("edits this and following occurrences by splitting the series, keeping the count", async () => {
    const { user, series } = await weekly();
    const created = await saveOccurrence(user.id, series.id, "2026-12-14T08:00:00.000Z", timed({ title: "Standup v2", start: "2026-12-14T09:00:00.000Z", end: "2026-12-14T10:00:00.000Z", rrule: "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8" }), "following");
    expect(created.content.rrule).toBe("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6");
    const items = await listRange(user.id, new Date("2026-12-01T00:00:00Z"), new Date("2027-02-01T00:00:00Z"));
    expect(items.map((item) => `${item.title} ${item.start}`)).toEqual([
      "Standup 2026-12-07T08:00:00.000Z",
      "Standup 2026-12-09T08:00:00.000Z",
      "Standup v2 2026-12-14T09:00:00.000Z",
      "Standup v2 2026-12-16T09:00:00.000Z",
      "Standup v2 2026-12-21T09:00:00.000Z",
      "Standup v2 2026-12-23T09:00:00.000Z",
      "Standup v2 2026-12-28T09:00:00.000Z",
      "Standup v2 2026-12-30T09:00:00.000Z",
    ]);
  });

  it("edits all occurrences by moving the series, and deletes following or all", async () => {
    const { user, series } = await weekly();
    await saveOccurrence(user.id, series.id, "2026-12-09T08:00:00.000Z", timed({ title: "Daily sync", start: "2026-12-09T08:30:00.000Z", end: "2026-12-09T09:00:00.000Z", rrule: "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8" }), "all");
    expect((await listRange(user.id, ...week)).map((item) => `${item.title} ${item.start} ${item.end}`)).toEqual([
      "Daily sync 2026-12-07T08:30:00.000Z 2026-12-07T09:00:00.000Z",
      "Daily sync 2026-12-09T08:30:00.000Z 2026-12-09T09:00:00.000Z",
    ]);
    await deleteOccurrence(user.id, series.id, "2026-12-09T08:30:00.000Z", "following");
    expect((await listRange(user.id, new Date("2026-12-01T00:00:00Z"), new Date("2027-02-01T00:00:00Z"))).map((item) => item.start)).toEqual(["2026-12-07T08:30:00.000Z"]);
    await deleteOccurrence(user.id, series.id, "2026-12-07T08:30:00.000Z", "all");
    expect(await listRange(user.id, new Date("2026-12-01T00:00:00Z"), new Date("2027-02-01T00:00:00Z"))).toEqual([]);
    expect((await getEvent(user.id, series.id))?.deletedAt).not.toBeNull();
  });
});
