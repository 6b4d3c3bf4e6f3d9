import { describe, expect, it } from "vitest";
import { runSync } from "@/lib/sync/engine";
import { pausedMessage } from "@/lib/sync/deletion-guard";
import { MemoryCalendar, MemoryRemote, MemoryStore, content } from "./memory-sides";
import { FaultyRemote } from "./remote-harness";

function account(calendar = new MemoryCalendar()) {
  const remote = new MemoryRemote();
  remote.pageSize = 250;
  return { store: new MemoryStore("latest", calendar), remote };
}

async function seeded(count: number) {
  const side = account();
  for (let i = 0; i < count; i += 1) side.store.userCreate(content({ title: `Event ${i}` }));
  const first = await runSync(side);
  expect(first).toMatchObject({ outcome: "complete", pushed: { created: count } });
  return side;
}

const titles = (items: { content: { title: string } | null }[]) => items.map((item) => item.content?.title).sort();

describe("sync runs", () => {
  it("exports in batches and then costs a single request when nothing changed", async () => {
    const side = account();
    for (let i = 0; i < 120; i += 1) side.store.userCreate(content({ title: `Event ${i}` }));
    const first = await runSync({ ...side, writeBatchSize: 50 });
    // One listing + ceil(120 / 50) batched creates.
    expect(first).toMatchObject({ outcome: "complete", requests: 4, pushed: { created: 120 } });

    const seqBefore = [...side.store.events.values()].map((event) => event.changeSeq);
    const idle = await runSync(side);
    expect(idle).toMatchObject({ outcome: "complete", requests: 1, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
    expect([...side.store.events.values()].map((event) => event.changeSeq)).toEqual(seqBefore);
  });

  it("imports remote items and does not send them back", async () => {
    const side = account();
    side.remote.userCreate(content({ title: "Dentist" }));
    side.remote.userCreate(content({ title: "Flight", allDay: true, start: "2026-12-24", end: "2026-12-25", timeZone: null }));
    const report = await runSync(side);
    expect(report).toMatchObject({ outcome: "complete", pulled: { created: 2 }, pushed: { created: 0, updated: 0 } });
    expect(titles(side.store.live())).toEqual(["Dentist", "Flight"]);
    expect(side.remote.items.size).toBe(2);
  });

  it("syncs the rest when an item cannot be read, records it on the run, keeps the cursor, and never takes it for deleted", async () => {
    const side = account();
    side.remote.userCreate(content({ title: "Dentist" }));
    const damaged = side.remote.userCreate(content({ title: "Damaged" }));
    const known = side.remote.userCreate(content({ title: "Known" }));
    side.remote.unreadable.add(damaged);
    const first = await runSync(side);
    expect(first).toMatchObject({ outcome: "partial", pulled: { created: 2 }, failures: [{ localId: null, remoteId: damaged, message: "cannot be read" }] });
    expect((await side.store.loadState()).remoteCursor).toBeNull();

    // A synced item that becomes unreadable during a full listing stays.
    side.remote.unreadable.add(known);
    side.remote.expireCursors();
    const second = await runSync({ ...side, deletions: "apply" });
    expect(second).toMatchObject({ outcome: "partial", fullListing: true, pulled: { deleted: 0 } });
    expect(second.failures.map((failure) => failure.remoteId).sort()).toEqual([damaged, known].sort());
    expect(titles(side.store.live())).toEqual(["Dentist", "Known"]);

    side.remote.unreadable.clear();
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pulled: { created: 1, deleted: 0 }, failures: [] });
    expect(titles(side.store.live())).toEqual(["Damaged", "Dentist", "Known"]);
  });

  it("sees the deletion of an item the saved cursor never reported, where the remote forgets such deletions (Exchange)", async () => {
    const side = account();
    side.remote.forgetsDeletionsOfUnlisted = true;
    side.store.userCreate(content({ title: "Sent from Atollon" }));
    side.remote.userCreate(content({ title: "Made in Exchange" }));
    await runSync(side);
    // Our create came after the cursor this run saved: deleting it is invisible to a listing from there.
    side.remote.userDelete(side.remote.live().find((item) => item.content?.title === "Sent from Atollon")?.remoteId as string);
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pulled: { deleted: 1 }, requests: 1 });
    expect(titles(side.store.live())).toEqual(["Made in Exchange"]);

    // A run that pulls an item and dies before saving its cursor leaves the item unlisted as well.
    side.remote.userCreate(content({ title: "Created in Exchange" }));
    side.store.crashBeforeWrite.arm(1);
    await expect(runSync(side)).rejects.toThrow("before saving cursors");
    expect(titles(side.store.live())).toContain("Created in Exchange");
    side.remote.userDelete(side.remote.live().find((item) => item.content?.title === "Created in Exchange")?.remoteId as string);
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pulled: { deleted: 1 } });
    expect(titles(side.store.live())).toEqual(["Made in Exchange"]);

    // Once a saved cursor has reported an item, the remote reports its deletion itself; nothing else goes.
    expect(await runSync(side)).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
    expect(await side.store.unlistedPairs()).toEqual([]);
  });

  it("re-creates a series deleted remotely but changed here together with its exceptions, whether or not the remote reported them", async () => {
    for (const forgets of [false, true]) {
      const side = account();
      side.remote.forgetsDeletionsOfUnlisted = forgets;
      const weekly = content({ title: "Standup", rrule: "FREQ=WEEKLY;COUNT=5" });
      const series = side.store.userCreate(weekly);
      side.store.userCreate(content({ ...weekly, rrule: null, title: "Standup, moved", originalStart: weekly.start }), series);
      await runSync(side);
      const remoteSeries = side.remote.live().find((item) => item.seriesRemoteId === null);
      side.remote.userDelete(remoteSeries?.remoteId as string);
      side.store.userEdit(series, { title: "Standup (new room)" });

      expect(await runSync({ ...side, deletions: "apply" })).toMatchObject({ outcome: "complete", failures: [], pulled: { deleted: 0 } });
      const revived = side.remote.live().find((item) => item.seriesRemoteId === null);
      expect(revived?.remoteId).not.toBe(remoteSeries?.remoteId);
      expect(side.remote.live().filter((item) => item.seriesRemoteId === revived?.remoteId).map((item) => item.content?.title)).toEqual(["Standup, moved"]);
      expect(titles(side.store.live())).toEqual(["Standup (new room)", "Standup, moved"]);
    }
  });

  it("keeps an occurrence deleted remotely deleted when its series, deleted here, comes back changed — even reported before the series and without naming it (Graph)", async () => {
    for (const named of [true, false]) {
      const side = account();
      side.remote.deletionsNameTheirSeries = named;
      const weekly = content({ title: "Standup", rrule: "FREQ=WEEKLY;COUNT=5" });
      const series = side.store.userCreate(weekly);
      side.store.userCreate(content({ ...weekly, rrule: null, title: "Standup, moved", originalStart: weekly.start }), series);
      await runSync(side);
      const remoteSeries = side.remote.live().find((item) => item.seriesRemoteId === null)?.remoteId as string;
      side.remote.userDelete(side.remote.live().find((item) => item.seriesRemoteId === remoteSeries)?.remoteId as string);
      side.remote.userEdit(remoteSeries, { title: "Standup (new room)" });
      side.store.userDelete(series);

      expect(await runSync({ ...side, deletions: "apply" })).toMatchObject({ outcome: "complete", failures: [], pulled: { created: 1 } });
      expect(titles(side.store.live())).toEqual(["Standup (new room)"]);
      expect(titles(side.remote.live())).toEqual(["Standup (new room)"]);
      expect(await runSync(side)).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
    }
  });

  it("keeps the exceptions of a series paired while its remote deletion has failed: the series, changed remotely meanwhile, comes back without a duplicate", async () => {
    const side = account();
    const weekly = content({ title: "Standup", rrule: "FREQ=WEEKLY;COUNT=5" });
    const remoteSeries = side.remote.userCreate(weekly);
    side.remote.userCreate(content({ ...weekly, rrule: null, title: "Standup, moved", originalStart: weekly.start }), remoteSeries);
    await runSync(side);
    side.store.userDelete(side.store.live().find((event) => event.seriesId === null)?.id as string);
    const faulty = new FaultyRemote(side.remote);
    faulty.failNextItems(1);
    expect(await runSync({ store: side.store, remote: faulty })).toMatchObject({ outcome: "partial", pushed: { deleted: 0 } });
    side.remote.userEdit(remoteSeries, { title: "Standup (new room)" });

    expect(await runSync(side)).toMatchObject({ outcome: "complete", failures: [], pushed: { created: 0 } });
    expect(titles(side.remote.live())).toEqual(["Standup (new room)", "Standup, moved"]);
    expect(titles(side.store.live())).toEqual(["Standup (new room)", "Standup, moved"]);
  });

  it("restores a series deleted here when it was edited remotely just before its deletion reached the server, and then brings the occurrence that listing passed over", async () => {
    const side = account();
    const weekly = content({ title: "Standup", rrule: "FREQ=WEEKLY;COUNT=5" });
    const series = side.store.userCreate(weekly);
    await runSync(side);
    const remoteSeries = side.remote.live()[0]?.remoteId as string;
    side.store.userDelete(series);
    side.remote.userCreate(content({ ...weekly, rrule: null, title: "Standup, moved", originalStart: weekly.start }), remoteSeries);
    const faulty = new FaultyRemote(side.remote);
    faulty.editBeforeNextWrite(async (remoteId) => side.remote.userEdit(remoteId, { location: "Room 2" }));

    // The deletion meets the edit (412): read again, the edit wins and the series comes back here.
    expect(await runSync({ store: side.store, remote: faulty })).toMatchObject({ outcome: "complete", conflicts: 1, pushed: { deleted: 0 }, pulled: { created: 1 } });
    expect(titles(side.store.live())).toEqual(["Standup"]);
    // The listing had passed over the moved occurrence of a series deleted here; the next run lists it again.
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pulled: { created: 1 } });
    expect(titles(side.store.live())).toEqual(["Standup", "Standup, moved"]);
    expect(await runSync(side)).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
  });

  it("keeps knowing that an update whose answer was lost was its own, when the next update fails too: an event deleted here then stays deleted", async () => {
    const side = account();
    const id = side.store.userCreate(content({ title: "Review" }));
    await runSync(side);
    const faulty = new FaultyRemote(side.remote);
    side.store.userEdit(id, { title: "Review v2" });
    // The update reaches the server, and the process dies before recording its answer.
    faulty.crashAfterWrites(0);
    await expect(runSync({ store: side.store, remote: faulty })).rejects.toThrow("after remote update");
    faulty.reset();
    side.store.userEdit(id, { title: "Review v3" });
    faulty.failNextItems(1);
    expect(await runSync({ store: side.store, remote: faulty })).toMatchObject({ outcome: "partial" });
    side.store.userDelete(id);

    // The remote still holds v2, our own write: no change of a person's that could bring the event back.
    expect(await runSync({ ...side, deletions: "apply" })).toMatchObject({ outcome: "complete", pulled: { created: 0 }, pushed: { deleted: 1 }, conflicts: 0 });
    expect(side.store.live()).toEqual([]);
    expect(side.remote.live()).toEqual([]);
  });

  it("recovers from an expired cursor with a full listing, without duplicating anything", async () => {
    const side = await seeded(5);
    const [first] = side.remote.live();
    side.remote.userEdit(first?.remoteId as string, { title: "Renamed remotely" });
    side.remote.userCreate(content({ title: "New remotely" }));
    side.remote.expireCursors();

    const report = await runSync(side);
    expect(report).toMatchObject({ outcome: "complete", fullListing: true, pulled: { created: 1, updated: 1, deleted: 0 }, pushed: { created: 0 } });
    expect(side.store.live()).toHaveLength(6);
    expect(side.remote.live()).toHaveLength(6);
    expect(titles(side.store.live())).toEqual(titles(side.remote.live()));
  });

  it("resumes a listing where a run that died saved its page cursor, instead of reading it all again", async () => {
    const side = account();
    side.remote.pageSize = 3;
    for (let i = 0; i < 10; i += 1) side.remote.userCreate(content({ title: `Remote ${i}` }));
    const remote = new FaultyRemote(side.remote);
    remote.crashAfterPages(2);
    await expect(runSync({ store: side.store, remote })).rejects.toThrow("crash: while listing");
    expect(side.store.live()).toHaveLength(6);

    const resumed = await runSync({ store: side.store, remote });
    // Pages three and four of the first listing, not all four again.
    expect(resumed).toMatchObject({ outcome: "complete", requests: 2, pulled: { created: 4 }, pushed: { created: 0 } });
    expect(titles(side.store.live())).toEqual(titles(side.remote.live()));
    expect(await runSync(side)).toMatchObject({ requests: 1, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
  });

  it("still finds what a full listing cut short by a crash never reported: it is gone", async () => {
    const side = await seeded(3);
    // A second run lists the items the first one created: a saved cursor has reported them.
    await runSync(side);
    side.remote.pageSize = 1;
    side.remote.userDelete(side.remote.live().find((item) => item.content?.title === "Event 2")?.remoteId as string);
    side.remote.expireCursors();
    // Changed after the deletion: the relisting's first page cursor lies past the deletion, so
    // listing on from it does not report the deletion again.
    for (const item of side.remote.live()) side.remote.userEdit(item.remoteId, { location: "Room 2" });
    const remote = new FaultyRemote(side.remote);
    remote.crashAfterPages(1);
    await expect(runSync({ store: side.store, remote })).rejects.toThrow("crash: while listing");

    const resumed = await runSync({ store: side.store, remote });
    expect(resumed).toMatchObject({ outcome: "complete", pulled: { deleted: 1 } });
    expect(titles(side.store.live())).toEqual(["Event 0", "Event 1"]);
    expect(titles(side.remote.live())).toEqual(["Event 0", "Event 1"]);
  });

  it("carries a change from one account to another through the calendar, and never echoes it back", async () => {
    const calendar = new MemoryCalendar();
    const a = account(calendar);
    const b = account(calendar);
    const id = a.remote.userCreate(content({ title: "From A" }));

    expect(await runSync(a)).toMatchObject({ pulled: { created: 1 } });
    expect(await runSync(b)).toMatchObject({ pushed: { created: 1 } });
    expect(titles(b.remote.live())).toEqual(["From A"]);

    a.remote.userEdit(id, { title: "From A, edited" });
    expect(await runSync(a)).toMatchObject({ pulled: { updated: 1 }, pushed: { created: 0, updated: 0 } });
    expect(await runSync(b)).toMatchObject({ pushed: { updated: 1 }, pulled: { created: 0, updated: 0 } });
    // Nothing comes back on either account.
    for (const side of [a, b, a, b]) {
      expect(await runSync(side)).toMatchObject({ requests: 1, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
    }
    expect(a.remote.items.size).toBe(1);
    expect(titles(b.remote.live())).toEqual(["From A, edited"]);
  });

  it("writes a series before its exceptions and maps them to the remote series", async () => {
    const side = account();
    const series = side.store.userCreate(content({ title: "Weekly", rrule: "FREQ=WEEKLY;COUNT=5" }));
    side.store.userCreate(
      content({ title: "Weekly (moved)", originalStart: "2026-12-08T09:00:00.000Z", start: "2026-12-08T11:00:00.000Z", end: "2026-12-08T12:00:00.000Z" }),
      series,
    );
    side.store.userCreate(content({ title: "Weekly", status: "cancelled", originalStart: "2026-12-15T09:00:00.000Z", start: "2026-12-15T09:00:00.000Z", end: "2026-12-15T10:00:00.000Z" }), series);
    const report = await runSync({ ...side, writeBatchSize: 10 });
    expect(report).toMatchObject({ outcome: "complete", pushed: { created: 3 } });
    const remoteSeries = side.remote.live().find((item) => item.seriesRemoteId === null);
    expect(side.remote.live().filter((item) => item.seriesRemoteId === remoteSeries?.remoteId)).toHaveLength(2);
  });

  it("retries a write that failed for now, without losing it", async () => {
    const side = await seeded(3);
    const [event] = side.store.live();
    side.store.userEdit(event?.id as string, { title: "Edited" });
    const faulty = new FaultyRemote(side.remote);
    faulty.failNextItems(1);
    expect(await runSync({ store: side.store, remote: faulty })).toMatchObject({ outcome: "partial", pushed: { updated: 0 } });
    expect(await runSync({ store: side.store, remote: faulty })).toMatchObject({ outcome: "complete", pushed: { updated: 1 } });
    expect(titles(side.remote.live())).toContain("Edited");
  });

  it("carries out an undo and a newer choice for the same event in one run, each on the event as the other left it", async () => {
    const side = { store: new MemoryStore("ask"), remote: new MemoryRemote() };
    const id = side.store.userCreate(content({ title: "Lunch" }));
    await runSync(side);
    const remoteId = side.store.pairs.get(id)?.remoteId as string;
    const clash = async (here: string, there: string) => {
      side.store.userEdit(id, { title: here });
      side.remote.userEdit(remoteId, { title: there });
      expect(await runSync(side)).toMatchObject({ outcome: "complete", failures: [] });
      return side.store.conflicts.find((conflict) => conflict.status === "open")?.id as string;
    };
    const first = await clash("Lunch A", "Lunch B");
    side.store.choose(first, "local");
    await runSync(side);
    const second = await clash("Lunch C", "Lunch D");

    // Undo puts their "Lunch B" back; Keep Atollon's then sends what Atollon holds by then.
    side.store.undo(first);
    side.store.choose(second, "local");
    expect(await runSync(side)).toMatchObject({ outcome: "complete", settled: 2, failures: [] });
    expect(titles(side.store.live())).toEqual(["Lunch B"]);
    expect(titles(side.remote.live())).toEqual(["Lunch B"]);
  });
});

describe("mass-deletion guard", () => {
  it("pauses when most of a calendar disappears remotely, then applies the deletions when told to", async () => {
    const side = await seeded(30);
    for (const item of side.remote.live().slice(0, 20)) side.remote.userDelete(item.remoteId);
    const stateBefore = { ...side.store.state };

    const paused = await runSync(side);
    expect(paused).toMatchObject({ outcome: "paused", heldDeletions: { local: 20, remote: 0 }, pulled: { deleted: 0 } });
    expect(side.store.live()).toHaveLength(30);
    expect(side.store.state).toEqual(stateBefore);
    expect(pausedMessage(paused.heldDeletions ?? { local: 0, remote: 0 }, "Google")).toBe(
      "Paused: 20 events would be deleted — 20 in Atollon (deleted in Google). Apply the deletions or restore the events.",
    );
    // Asking again changes nothing until the user chooses.
    expect(await runSync(side)).toMatchObject({ outcome: "paused" });

    expect(await runSync({ ...side, deletions: "apply" })).toMatchObject({ outcome: "complete", pulled: { deleted: 20 } });
    expect(side.store.live()).toHaveLength(10);
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pulled: { deleted: 0 }, pushed: { created: 0 } });
  });

  it("restores what a remote wipe removed from the other side when the user chooses restore", async () => {
    const side = await seeded(30);
    for (const item of side.remote.live()) side.remote.userDelete(item.remoteId);

    expect(await runSync(side)).toMatchObject({ outcome: "paused", heldDeletions: { local: 30 } });
    expect(await runSync({ ...side, deletions: "restore" })).toMatchObject({ outcome: "complete", pushed: { created: 30 }, pulled: { deleted: 0 } });
    expect(side.remote.live()).toHaveLength(30);
    expect(titles(side.remote.live())).toEqual(titles(side.store.live()));
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pushed: { created: 0 }, pulled: { created: 0, deleted: 0 } });
  });

  it("takes an occurrence changed here along with its series deleted remotely, and brings both back on restore", async () => {
    for (const choice of ["apply", "restore"] as const) {
      const side = await seeded(30);
      const weekly = content({ title: "Standup", rrule: "FREQ=WEEKLY;COUNT=5" });
      const series = side.store.userCreate(weekly);
      const moved = side.store.userCreate(content({ ...weekly, rrule: null, title: "Standup, moved", originalStart: weekly.start }), series);
      await runSync(side);
      // A remote wipe, the series included, while the moved occurrence changes here.
      for (const item of side.remote.live().filter((entry) => entry.seriesRemoteId === null)) side.remote.userDelete(item.remoteId);
      side.store.userEdit(moved, { title: "Standup, moved again" });

      expect(await runSync(side)).toMatchObject({ outcome: "paused", failures: [] });
      const report = await runSync({ ...side, deletions: choice });
      expect(report).toMatchObject({ outcome: "complete", failures: [] });
      if (choice === "apply") {
        expect(side.store.live()).toEqual([]);
        expect(side.remote.live()).toEqual([]);
      } else {
        expect(titles(side.store.live())).toContain("Standup, moved again");
        expect(titles(side.remote.live())).toEqual(titles(side.store.live()));
      }
      expect(await runSync(side)).toMatchObject({ outcome: "complete", failures: [], pushed: { created: 0, updated: 0, deleted: 0 }, pulled: { created: 0, updated: 0, deleted: 0 } });
    }
  });

  it("restores a series deleted here in bulk, and then brings the occurrence added remotely meanwhile", async () => {
    const side = await seeded(11);
    const weekly = content({ title: "Standup", rrule: "FREQ=WEEKLY;COUNT=5" });
    side.store.userCreate(weekly);
    await runSync(side);
    const remoteSeries = side.remote.live().find((item) => item.content?.rrule)?.remoteId as string;
    for (const event of side.store.live()) side.store.userDelete(event.id);
    side.remote.userCreate(content({ ...weekly, rrule: null, title: "Standup, moved", originalStart: weekly.start }), remoteSeries);

    expect(await runSync(side)).toMatchObject({ outcome: "paused", heldDeletions: { local: 0, remote: 12 } });
    expect(await runSync({ ...side, deletions: "restore" })).toMatchObject({ outcome: "complete", pulled: { created: 12 } });
    // That listing passed over the moved occurrence while its series was deleted here: the next run lists it again.
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pulled: { created: 1 } });
    expect(side.store.live()).toHaveLength(13);
    expect(titles(side.store.live())).toContain("Standup, moved");
  });

  it("restores local events deleted in bulk when the user chooses restore", async () => {
    const side = await seeded(24);
    for (const event of side.store.live().slice(0, 20)) side.store.userDelete(event.id);

    expect(await runSync(side)).toMatchObject({ outcome: "paused", heldDeletions: { local: 0, remote: 20 } });
    expect(side.remote.live()).toHaveLength(24);
    expect(await runSync({ ...side, deletions: "restore" })).toMatchObject({ outcome: "complete", pushed: { deleted: 0 } });
    expect(side.store.live()).toHaveLength(24);
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pushed: { created: 0, updated: 0, deleted: 0 }, pulled: { created: 0, updated: 0 } });
  });

  it("pauses when a small calendar is wiped on either side: 3 events deleted in Google, or 3 deleted here", async () => {
    const wiped = await seeded(3);
    for (const item of wiped.remote.live()) wiped.remote.userDelete(item.remoteId);
    expect(await runSync(wiped)).toMatchObject({ outcome: "paused", heldDeletions: { local: 3, remote: 0 }, pulled: { deleted: 0 } });
    expect(wiped.store.live()).toHaveLength(3);
    expect(await runSync({ ...wiped, deletions: "restore" })).toMatchObject({ outcome: "complete", pushed: { created: 3 } });
    expect(titles(wiped.remote.live())).toEqual(["Event 0", "Event 1", "Event 2"]);

    // Nine of nine (the case), and all but a handful of a slightly larger calendar.
    const nine = await seeded(9);
    for (const event of nine.store.live()) nine.store.userDelete(event.id);
    expect(await runSync(nine)).toMatchObject({ outcome: "paused", heldDeletions: { local: 0, remote: 9 } });
    expect(nine.remote.live()).toHaveLength(9);
    const twelve = await seeded(12);
    for (const item of twelve.remote.live().slice(0, 10)) twelve.remote.userDelete(item.remoteId);
    expect(await runSync(twelve)).toMatchObject({ outcome: "paused", heldDeletions: { local: 10 } });
  });

  it("lets a person delete their only event, or both of two, without asking", async () => {
    const one = await seeded(1);
    one.store.userDelete(one.store.live()[0]?.id as string);
    expect(await runSync(one)).toMatchObject({ outcome: "complete", pushed: { deleted: 1 } });
    expect(one.remote.live()).toEqual([]);

    const two = await seeded(2);
    for (const item of two.remote.live()) two.remote.userDelete(item.remoteId);
    expect(await runSync(two)).toMatchObject({ outcome: "complete", pulled: { deleted: 2 } });
    expect(two.store.live()).toEqual([]);

    // Three of a calendar that keeps more than a handful: a tidy-up, not a wipe.
    const six = await seeded(6);
    for (const event of six.store.live().slice(0, 3)) six.store.userDelete(event.id);
    expect(await runSync(six)).toMatchObject({ outcome: "complete", pushed: { deleted: 3 } });
  });

  it("counts the exceptions a deleted series takes along as gone when judging what remains", async () => {
    const side = await seeded(2);
    const weekly = content({ title: "Standup", rrule: "FREQ=WEEKLY;COUNT=5" });
    const series = side.store.userCreate(weekly);
    for (let week = 0; week < 3; week += 1) {
      const start = new Date(Date.parse(weekly.start) + week * 7 * 86_400_000).toISOString();
      side.store.userCreate(content({ ...weekly, rrule: null, title: `Standup ${week}`, originalStart: start, start, end: new Date(Date.parse(start) + 3_600_000).toISOString() }), series);
    }
    await runSync(side);
    // Google wiped: 3 deletions of their own (2 events and the series), 3 exceptions with it; nothing remains.
    for (const item of side.remote.live().filter((entry) => entry.seriesRemoteId === null)) side.remote.userDelete(item.remoteId);
    expect(await runSync(side)).toMatchObject({ outcome: "paused", heldDeletions: { local: 3 } });
  });

  it("lets a few deletions through, and a series takes its exceptions without counting them", async () => {
    const side = await seeded(30);
    for (const event of side.store.live().slice(0, 5)) side.store.userDelete(event.id);
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pushed: { deleted: 5 } });

    const series = side.store.userCreate(content({ title: "Daily", rrule: "FREQ=DAILY;COUNT=30" }));
    for (let day = 1; day <= 12; day += 1) {
      const start = new Date(Date.UTC(2026, 11, 1 + day, 9)).toISOString();
      side.store.userCreate(content({ title: `Daily ${day}`, originalStart: start, start, end: new Date(Date.parse(start) + 3_600_000).toISOString() }), series);
    }
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pushed: { created: 13 } });
    side.store.userDelete(series);
    const requestsBefore = side.remote.requestCount;
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pushed: { deleted: 1 } });
    expect(side.remote.requestCount - requestsBefore).toBe(2);
    expect(side.remote.live()).toHaveLength(25);
  });
});
