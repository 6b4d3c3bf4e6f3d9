import { describe, expect, it } from "vitest";
import { contentHash } from "@/lib/sync/content-hash";
import type { Settlement } from "@/lib/sync/conflicts/record";
import { planSettlement } from "@/lib/sync/conflicts/settle";
import type { LocalEvent, Pair } from "@/lib/sync/types";
import { content } from "./memory-sides";

// The settlement rows of the decision table: what a run writes for each choice a person makes.

const base = content({ title: "Standup" });
const atollon = content({ title: "Standup (Atollon)", location: "Room 4" });
const theirs = content({ title: "Standup (theirs)" });
const local = (overrides: Partial<LocalEvent> = {}): LocalEvent => ({ id: "l1", seriesId: null, version: 3, changeSeq: 3n, updatedAt: new Date(), deletedAt: null, content: atollon, ...overrides });
const held: Pair = { localId: "l1", remoteId: "r1", localVersion: 1, localHash: contentHash(base), remoteVersion: "v1", remoteHash: contentHash(base), sentHash: null, listed: true, base, held: true };
const settlement = (overrides: Partial<Settlement> = {}): Settlement => ({
  conflictId: "c1",
  kind: "settle",
  choice: "local",
  eventId: "l1",
  remoteId: "r1",
  remoteVersion: "v2",
  fields: ["title"],
  atollon,
  theirs,
  copyId: null,
  ...overrides,
});

describe("carrying a settlement out", () => {
  it("Keep Atollon's: the event is sent over their version (the pair knows the remote holds theirs), nothing changes here", () => {
    const plan = planSettlement(settlement(), local(), held);
    expect(plan).toMatchObject({ content: null, touch: true, copy: null, restore: false });
    expect(plan?.pair?.(local())).toMatchObject({ held: false, remoteVersion: "v2", remoteHash: contentHash(theirs), base: theirs, localVersion: -1 });
  });

  it("Keep theirs: their version is written here and recorded as synced at their version", () => {
    const plan = planSettlement(settlement({ choice: "remote" }), local(), held);
    expect(plan).toMatchObject({ content: theirs, touch: false, copy: null });
    expect(plan?.pair?.(local({ version: 4, content: theirs }))).toMatchObject({ held: false, localVersion: 4, localHash: contentHash(theirs), remoteVersion: "v2", remoteHash: contentHash(theirs) });
  });

  it("Keep both: Atollon's stays and is sent, their version becomes a new event", () => {
    const plan = planSettlement(settlement({ choice: "both" }), local(), held);
    expect(plan).toMatchObject({ content: null, touch: true, copy: theirs });
  });

  it("Keep theirs over a deletion here brings the event back; an occurrence deleted with its series stays deleted", () => {
    expect(planSettlement(settlement({ choice: "remote" }), local({ deletedAt: new Date() }), held)).toMatchObject({ content: theirs, restore: true });
    expect(planSettlement(settlement({ choice: "remote" }), local({ deletedAt: new Date(), seriesId: "s1" }), held)).toMatchObject({ content: null, touch: true, restore: false });
  });

  it("a settlement overtaken by a remote deletion (the pair no longer held) writes nothing", () => {
    expect(planSettlement(settlement(), local(), { ...held, held: false })).toBeNull();
    expect(planSettlement(settlement(), null, held)).toBeNull();
  });

  it("Undo puts the losing version's conflicting fields back over what the event holds now", () => {
    const now = local({ content: { ...atollon, location: "Room 9" } });
    expect(planSettlement(settlement({ kind: "undo", choice: "local" }), now, { ...held, held: false })).toMatchObject({ content: { ...atollon, title: theirs.title, location: "Room 9" }, pair: null });
    expect(planSettlement(settlement({ kind: "undo", choice: "remote" }), local({ content: theirs }), null)).toMatchObject({ content: { ...theirs, title: atollon.title } });
  });

  it("Undo of Keep both deletes the copy; nothing to undo once the event is deleted", () => {
    expect(planSettlement(settlement({ kind: "undo", choice: "both", copyId: "l9" }), local(), null)).toMatchObject({ deleteCopy: "l9", content: null });
    expect(planSettlement(settlement({ kind: "undo", choice: "local" }), local({ deletedAt: new Date() }), null)).toBeNull();
  });
});
