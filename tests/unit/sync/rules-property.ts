// The engine's promise under sync rules, as a property: random rules per account and random rule
// changes between runs, random edits of origins and of their copies, time moving the window, with
// failures, expired cursors and crashes. A final clean run must leave each side holding exactly
// what the rules say — each origin where a person left it, untouched by any rule, direction or
// transformed copy, and on the other side exactly the copy the rules make of it, once — with
// nothing resurrected, and a second run idle. Any remote with a harness can be put through it.
import fc from "fast-check";
import { expect } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { contentHash } from "@/lib/sync/content-hash";
import { runSync, type SyncReport } from "@/lib/sync/engine";
import { rulesContextFor } from "@/lib/sync/rules/account";
import { copyFor, matches } from "@/lib/sync/rules/evaluate";
import { rulesKey } from "@/lib/sync/rules/lens";
import { COPY_MODES, DEFAULT_RULES, DIRECTIONS, type SyncRules } from "@/lib/sync/rules/schema";
import { Crash, MemoryStore, content } from "./memory-sides";
import { FaultyRemote, type RemoteHarness } from "./remote-harness";

type Side = "local" | "remote";
const SELF = "me@example.com";
const DAY = 86_400_000;
const START = Date.parse("2026-12-01T00:00:00.000Z");

export type RulesOp =
  | { kind: "create"; side: Side; day: number; recurring: boolean; allDay: boolean; free: boolean; private: boolean; declined: boolean; word: boolean }
  | { kind: "edit-origin"; pick: number; field: "title" | "time" | "location" | "show-as"; value: number }
  | { kind: "edit-copy"; pick: number; value: number }
  | { kind: "delete-origin"; pick: number }
  | { kind: "delete-copy"; pick: number }
  | { kind: "sync"; rules: SyncRules | null; advanceDays: number; failWrites: number; expire: boolean; crash: "local" | "remote" | null; crashAfter: number };

export const rulesArbitrary: fc.Arbitrary<SyncRules> = fc.record({
  direction: fc.constantFrom(...DIRECTIONS),
  toRemote: fc.constantFrom(...COPY_MODES),
  toAtollon: fc.constantFrom(...COPY_MODES),
  busyText: fc.constantFrom("Busy", "Out of office"),
  skipAllDay: fc.boolean(),
  skipFree: fc.boolean(),
  skipDeclined: fc.boolean(),
  skipPrivate: fc.boolean(),
  titleWords: fc.constantFrom([], ["holiday"]),
  pastDays: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
  futureDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
});

const side = fc.constantFrom<Side>("local", "remote");
export const rulesOpArbitrary: fc.Arbitrary<RulesOp> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      side,
      day: fc.integer({ min: -60, max: 90 }),
      recurring: fc.boolean(),
      allDay: fc.boolean(),
      free: fc.boolean(),
      private: fc.boolean(),
      declined: fc.boolean(),
      word: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("edit-origin" as const),
      pick: fc.nat(),
      field: fc.constantFrom("title" as const, "time" as const, "location" as const, "show-as" as const),
      value: fc.integer({ min: -40, max: 40 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("edit-copy" as const), pick: fc.nat(), value: fc.nat({ max: 50 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete-origin" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete-copy" as const), pick: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("sync" as const),
      rules: fc.option(rulesArbitrary, { nil: null, freq: 2 }),
      advanceDays: fc.constantFrom(0, 0, 1, 7, 20),
      failWrites: fc.nat({ max: 2 }),
      expire: fc.boolean(),
      crash: fc.option(fc.constantFrom("local" as const, "remote" as const), { nil: null, freq: 3 }),
      crashAfter: fc.nat({ max: 6 }),
    }),
  },
);

interface Origin {
  side: Side;
  id: string;
  /** What the person last made of it: the origin must hold exactly this. */
  content: EventContent;
  deleted: boolean;
}

const shiftDays = (value: string, allDay: boolean, days: number) =>
  allDay ? new Date(Date.parse(`${value}T00:00:00.000Z`) + days * DAY).toISOString().slice(0, 10) : new Date(Date.parse(value) + days * DAY).toISOString();

class RulesWorld {
  readonly store = new MemoryStore("latest");
  readonly remote: FaultyRemote;
  rules: SyncRules = DEFAULT_RULES;
  now = new Date(START);
  private lastKey: string | null = null;
  private nextUid = 1;
  readonly origins: Origin[] = [];
  /** A copy was changed or deleted by a person since the last complete run: the rules stay until it is undone. */
  private copyTouched = false;

  constructor(readonly harness: RemoteHarness) {
    this.remote = new FaultyRemote(harness.remote);
  }

  private mirrorFor(origin: Side): boolean {
    return origin === "local"
      ? this.rules.direction === "to-remote" || this.rules.toRemote !== "everything"
      : this.rules.direction === "to-atollon" || this.rules.toAtollon !== "everything";
  }

  /** The copy of an origin, as the account's pairs know it. */
  private async copyOf(origin: Origin): Promise<{ side: Side; id: string } | null> {
    const pair = origin.side === "local" ? this.store.pairs.get(origin.id) : [...this.store.pairs.values()].find((candidate) => candidate.remoteId === origin.id);
    if (!pair?.remoteId) return null;
    if (origin.side === "local") return (await this.harness.live()).some((item) => item.remoteId === pair.remoteId) ? { side: "remote", id: pair.remoteId } : null;
    return this.store.events.get(pair.localId)?.deletedAt === null ? { side: "local", id: pair.localId } : null;
  }

  /** An item as the remote holds it: a server may normalise what a person wrote (Exchange does). */
  private async heldRemotely(remoteId: string): Promise<EventContent> {
    const item = (await this.harness.live()).find((candidate) => candidate.remoteId === remoteId);
    if (!item) throw new Error(`The remote does not hold ${remoteId}.`);
    return item.content;
  }

  private live(): Origin[] {
    return this.origins.filter((origin) => !origin.deleted);
  }

  async apply(op: Exclude<RulesOp, { kind: "sync" }>): Promise<void> {
    if (op.kind === "create") {
      const uid = `uid-${this.nextUid++}`;
      const day = new Date(this.now.getTime() + op.day * DAY).toISOString().slice(0, 10);
      const body = content({
        title: op.word ? `${uid} Holiday` : uid,
        description: uid,
        location: "Room 1",
        rrule: op.recurring ? "FREQ=WEEKLY;COUNT=5" : null,
        transparency: op.free ? "transparent" : "opaque",
        visibility: op.private ? "private" : "default",
        attendees: op.declined ? [{ email: SELF, name: null, response: "declined", optional: false }] : [],
        reminders: [10],
        ...(op.allDay ? { allDay: true, start: day, end: shiftDays(day, true, 1), timeZone: null } : { start: `${day}T09:00:00.000Z`, end: `${day}T10:00:00.000Z` }),
      });
      const id = op.side === "local" ? this.store.userCreate(body) : await this.harness.userCreate(body, null);
      this.origins.push({ side: op.side, id, content: op.side === "local" ? body : await this.heldRemotely(id), deleted: false });
      return;
    }
    const origin = this.live()[op.pick % Math.max(this.live().length, 1)];
    if (!origin) return;
    if (op.kind === "edit-origin") {
      const body = origin.content;
      const change: Partial<EventContent> =
        op.field === "title"
          ? { title: op.value % 3 === 0 ? `${body.description} Holiday` : `${body.description} v${op.value}` }
          : op.field === "time"
            ? { start: shiftDays(body.start, body.allDay, op.value), end: shiftDays(body.end, body.allDay, op.value) }
            : op.field === "location"
              ? { location: `Room ${op.value}` }
              : { transparency: body.transparency === "opaque" ? "transparent" : "opaque" };
      if (origin.side === "local") this.store.userEdit(origin.id, change);
      else await this.harness.userEdit(origin.id, change);
      origin.content = origin.side === "local" ? { ...body, ...change } : await this.heldRemotely(origin.id);
      return;
    }
    if (op.kind === "delete-origin") {
      origin.deleted = true;
      if (origin.side === "local") this.store.userDelete(origin.id);
      else await this.harness.userDelete(origin.id);
      return;
    }
    // A person touches a copy only where it is a mirror: a copy that is not one is an event of both
    // sides, which the plain convergence property covers.
    if (!this.mirrorFor(origin.side)) return;
    const copy = await this.copyOf(origin);
    if (!copy) return;
    this.copyTouched = true;
    if (op.kind === "edit-copy") {
      const change = { title: `edited copy ${op.value}`, location: `Copy room ${op.value}` };
      if (copy.side === "local") this.store.userEdit(copy.id, change);
      else await this.harness.userEdit(copy.id, change);
    } else if (copy.side === "local") this.store.userDelete(copy.id);
    else await this.harness.userDelete(copy.id);
  }

  async sync(op: Extract<RulesOp, { kind: "sync" }> | null): Promise<SyncReport | null> {
    if (op) {
      if (op.rules && !this.copyTouched) this.rules = op.rules;
      this.now = new Date(this.now.getTime() + op.advanceDays * DAY);
      this.remote.failNextItems(op.failWrites);
      if (op.expire) await this.harness.expireCursors();
      if (op.crash === "remote") this.remote.crashAfterWrites(op.crashAfter % 3);
      if (op.crash === "local") this.store.crashBeforeWrite.arm(op.crashAfter);
    }
    let report: SyncReport | null = null;
    try {
      const rules = rulesContextFor({ rules: this.rules, rulesKey: this.lastKey, login: SELF }, null, this.now);
      report = await runSync({ store: this.store, remote: this.remote, deletions: "apply", writeBatchSize: 4, localPageSize: 3, rules });
      if (report.outcome === "complete") {
        this.lastKey = rulesKey(this.rules, this.now);
        this.copyTouched = false;
      }
    } catch (error) {
      if (!(error instanceof Crash)) throw error;
    } finally {
      this.remote.reset();
      this.store.crashBeforeWrite.disarm();
    }
    return report;
  }

  /** The copy the rules say the other side holds of this origin, or null. */
  expectedCopy(origin: Origin): EventContent | null {
    const allowed = origin.side === "local" ? this.rules.direction !== "to-atollon" : this.rules.direction !== "to-remote";
    if (!allowed || !matches(origin.content, this.rules, this.now, [SELF])) return null;
    return copyFor(origin.content, origin.side === "local" ? this.rules.toRemote : this.rules.toAtollon, this.rules.busyText);
  }

  async check(): Promise<void> {
    const localLive = new Map(this.store.live().map((event) => [event.id, event.content]));
    const remoteLive = new Map((await this.harness.live()).map((item) => [item.remoteId, item.content]));
    const expected = { local: 0, remote: 0 };
    for (const origin of this.origins) {
      const own = origin.side === "local" ? localLive : remoteLive;
      if (origin.deleted) {
        expect(own.has(origin.id), `${origin.content.description} came back`).toBe(false);
        continue;
      }
      expected[origin.side] += 1;
      expect(own.get(origin.id), `origin ${origin.content.description} (${origin.side}) was changed`).toEqual(origin.content);
      const copy = await this.copyOf(origin);
      const want = this.expectedCopy(origin);
      if (want === null) {
        expect(copy, `${origin.content.description} (${origin.side}) is copied against the rules`).toBeNull();
        continue;
      }
      const other: Side = origin.side === "local" ? "remote" : "local";
      expected[other] += 1;
      expect(copy, `${origin.content.description} (${origin.side}) has no copy`).not.toBeNull();
      const held = (other === "local" ? localLive : remoteLive).get(copy?.id ?? "");
      expect(held && contentHash(held), `copy of ${origin.content.description} (${origin.side})`).toBe(contentHash(want));
    }
    // Anything else on a side would be a duplicate, a stray copy or a transformed copy taken for an event of its own.
    expect(localLive.size, "events in Atollon").toBe(expected.local);
    expect(remoteLive.size, "items in the remote calendar").toBe(expected.remote);
  }
}

/** Runs the property with a fresh remote (from `makeHarness`) for every case. */
export async function checkRulesConvergence(makeHarness: () => Promise<RemoteHarness>, options: { numRuns: number; maxOps?: number; examples?: RulesOp[][] }): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(rulesOpArbitrary, { minLength: 1, maxLength: options.maxOps ?? 30 }), async (ops) => {
      const harness = await makeHarness();
      try {
        const world = new RulesWorld(harness);
        for (const op of ops) {
          if (op.kind === "sync") await world.sync(op);
          else await world.apply(op);
        }
        const final = await world.sync(null);
        expect(final?.failures).toEqual([]);
        expect(final?.outcome).toBe("complete");
        await world.check();
        const again = await world.sync(null);
        expect(again).toMatchObject({ outcome: "complete", pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
      } finally {
        await harness.close?.();
      }
    }),
    { numRuns: options.numRuns, examples: (options.examples ?? []).map((ops) => [ops] as [RulesOp[]]) },
  );
}
