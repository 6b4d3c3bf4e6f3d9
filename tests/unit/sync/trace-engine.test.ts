import { describe, expect, it } from "vitest";
import { runSync } from "@/lib/sync/engine";
import { MemoryRemote, MemoryStore, content } from "./memory-sides";
import { FaultyRemote } from "./remote-harness";

function account() {
  const remote = new MemoryRemote();
  remote.pageSize = 250;
  return { store: new MemoryStore(), remote };
}

const entriesOf = (store: MemoryStore, eventId: string) => store.trace.filter((entry) => entry.eventId === eventId).map(({ action, side }) => `${action} ${side}`);

describe("the events' sync trace", () => {
  it("records what each run did to an event, here and there", async () => {
    const side = account();
    const mine = side.store.userCreate(content({ title: "Planning" }));
    await runSync(side);
    const pair = side.store.pairs.get(mine);
    side.remote.userEdit(pair?.remoteId as string, { title: "Planning (moved)" });
    await runSync(side);
    side.store.userEdit(mine, { title: "Planning, final" });
    await runSync(side);
    side.store.userDelete(mine);
    await runSync(side);
    expect(entriesOf(side.store, mine)).toEqual(["created there", "updated here", "updated there", "deleted there"]);

    const theirs = side.remote.userCreate(content({ title: "Dentist" }));
    await runSync(side);
    const imported = [...side.store.pairs.values()].find((candidate) => candidate.remoteId === theirs)?.localId as string;
    side.remote.userDelete(theirs);
    await runSync(side);
    expect(entriesOf(side.store, imported)).toEqual(["created here", "deleted here"]);
  });

  it("records what carrying out a conflict's settlement wrote here, and its Undo", async () => {
    const side = { store: new MemoryStore("ask"), remote: new MemoryRemote() };
    const id = side.store.userCreate(content({ title: "Lunch" }));
    await runSync(side);
    side.store.userEdit(id, { title: "Lunch here" });
    side.remote.userEdit(side.store.pairs.get(id)?.remoteId as string, { title: "Lunch there" });
    await runSync(side);
    const conflict = side.store.conflicts.find((candidate) => candidate.status === "open")?.id as string;
    side.store.choose(conflict, "remote");
    await runSync(side);
    side.store.undo(conflict);
    await runSync(side);
    // Theirs written here; Undo puts Atollon's back here, and the push takes it there.
    expect(entriesOf(side.store, id)).toEqual(["created there", "updated here", "updated here", "updated there"]);
  });

  it("writes nothing to the trace in a run that changes nothing", async () => {
    const side = account();
    for (let i = 0; i < 5; i += 1) side.store.userCreate(content({ title: `Event ${i}` }));
    side.remote.userCreate(content({ title: "Theirs" }));
    await runSync(side);
    const recorded = side.store.trace.length;
    expect(await runSync(side)).toMatchObject({ outcome: "complete", requests: 1 });
    expect(side.store.trace).toHaveLength(recorded);
  });

  it("keeps what the server refused for good, with its reason, and tries the event again only once it changed", async () => {
    const side = account();
    const id = side.store.userCreate(content({ title: "Board meeting" }));
    const faulty = new FaultyRemote(side.remote);
    faulty.rejectNextItems(1, "The event has too many attendees.");
    const refused = await runSync({ store: side.store, remote: faulty });
    expect(refused).toMatchObject({ outcome: "partial", pushed: { created: 0 } });
    expect(side.store.rejections.get(id)).toEqual({ eventId: id, version: 1, message: "The event has too many attendees." });
    expect(entriesOf(side.store, id)).toEqual([]);

    // Not sent again while it is as the server refused it; the cursor moved past it.
    expect(await runSync({ store: side.store, remote: faulty })).toMatchObject({ outcome: "complete", requests: 1, pushed: { created: 0 } });
    expect(side.store.rejections.has(id)).toBe(true);

    side.store.userEdit(id, { title: "Board meeting (short list)" });
    expect(await runSync({ store: side.store, remote: faulty })).toMatchObject({ outcome: "complete", pushed: { created: 1 } });
    expect(side.store.rejections.has(id)).toBe(false);
    expect(entriesOf(side.store, id)).toEqual(["created there"]);
  });

  it("records a refused update too, and clears it once a later version is taken", async () => {
    const side = account();
    const id = side.store.userCreate(content({ title: "Standup" }));
    await runSync(side);
    side.store.userEdit(id, { title: "Standup with a very long title" });
    const faulty = new FaultyRemote(side.remote);
    faulty.rejectNextItems(1, "Subject is too long.");
    expect(await runSync({ store: side.store, remote: faulty })).toMatchObject({ outcome: "partial", pushed: { updated: 0 } });
    expect(side.store.rejections.get(id)).toMatchObject({ version: 2, message: "Subject is too long." });
    side.store.userEdit(id, { title: "Standup, short" });
    expect(await runSync({ store: side.store, remote: faulty })).toMatchObject({ outcome: "complete", pushed: { updated: 1 } });
    expect(side.store.rejections.has(id)).toBe(false);
  });

  it("does not record a failure for now as refused: the next run retries it", async () => {
    const side = account();
    const id = side.store.userCreate(content({ title: "Lunch" }));
    const faulty = new FaultyRemote(side.remote);
    faulty.failNextItems(1);
    expect(await runSync({ store: side.store, remote: faulty })).toMatchObject({ outcome: "partial" });
    expect(side.store.rejections.has(id)).toBe(false);
    expect(await runSync({ store: side.store, remote: faulty })).toMatchObject({ outcome: "complete", pushed: { created: 1 } });
  });
});
