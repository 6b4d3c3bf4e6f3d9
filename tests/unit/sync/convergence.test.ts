import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { contentHash } from "@/lib/sync/content-hash";
import { runSync, type SyncReport } from "@/lib/sync/engine";
import { Crash, MemoryRemote, MemoryStore, content } from "./memory-sides";

// Random edits on both sides between random runs, with injected failures and crashes; a final clean
// run must leave both sides holding the same events, with no duplicate and nothing resurrected that
// a person deleted (unless the other side changed it meanwhile: then the change wins by design).

type Side = "local" | "remote";

type Op =
  | { kind: "create"; side: Side; recurring: boolean }
  | { kind: "exception"; side: Side; pick: number; cancel: boolean }
  | { kind: "edit"; side: Side; pick: number; field: "title" | "time" | "rrule" | "attendees"; value: number }
  | { kind: "delete"; side: Side; pick: number }
  | { kind: "sync"; crashSide: Side | null; crashAfter: number; failWrites: number; expire: boolean; pageSize: number };

const side = fc.constantFrom<Side>("local", "remote");
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("create" as const), side, recurring: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("exception" as const), side, pick: fc.nat(), cancel: fc.boolean() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("edit" as const),
      side,
      pick: fc.nat(),
      field: fc.constantFrom("title" as const, "time" as const, "rrule" as const, "attendees" as const),
      value: fc.nat({ max: 50 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), side, pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("sync" as const),
      crashSide: fc.option(side, { nil: null }),
      crashAfter: fc.nat({ max: 12 }),
      failWrites: fc.nat({ max: 3 }),
      expire: fc.boolean(),
      pageSize: fc.integer({ min: 1, max: 5 }),
    }),
  },
);

const uidOf = (body: EventContent) => body.description;

class World {
  readonly store = new MemoryStore("latest");
  readonly remote = new MemoryRemote();
  private nextUid = 1;
  private tick = Date.UTC(2026, 10, 1);
  /** Sides that edited a uid since the last complete run. */
  private readonly pendingEdits = new Map<string, Set<Side>>();
  /** Deleted by a person with no competing change on the other side: must not come back. */
  readonly mustBeGone = new Set<string>();

  constructor() {
    const clock = () => new Date((this.tick += 1000));
    this.store.clock = clock;
    this.remote.clock = clock;
  }

  private liveOn(s: Side, filter: (body: EventContent, isException: boolean) => boolean) {
    return s === "local"
      ? this.store.live().filter((e) => filter(e.content, e.seriesId !== null)).map((e) => ({ id: e.id, body: e.content }))
      : this.remote.live().filter((i) => filter(i.content as EventContent, i.seriesRemoteId !== null)).map((i) => ({ id: i.remoteId, body: i.content as EventContent }));
  }

  private edited(uid: string, s: Side): void {
    const sides = this.pendingEdits.get(uid) ?? new Set<Side>();
    sides.add(s);
    this.pendingEdits.set(uid, sides);
    this.mustBeGone.delete(uid);
  }

  private deleted(uid: string, s: Side): void {
    const other: Side = s === "local" ? "remote" : "local";
    if (!this.pendingEdits.get(uid)?.has(other)) this.mustBeGone.add(uid);
  }

  apply(o: Exclude<Op, { kind: "sync" }>): void {
    const target = o.side === "local" ? this.store : this.remote;
    if (o.kind === "create") {
      const uid = `uid-${this.nextUid++}`;
      target.userCreate(content({ description: uid, title: uid, rrule: o.recurring ? "FREQ=WEEKLY;COUNT=10" : null }));
      this.edited(uid, o.side);
      return;
    }
    if (o.kind === "exception") {
      const series = this.liveOn(o.side, (body, isException) => !isException && body.rrule !== null);
      const chosen = series[o.pick % Math.max(series.length, 1)];
      if (!chosen) return;
      const uid = `uid-${this.nextUid++}`;
      const week = (o.pick % 9) + 1;
      const originalStart = new Date(Date.parse(chosen.body.start) + week * 7 * 86_400_000).toISOString();
      const start = new Date(Date.parse(originalStart) + 3_600_000).toISOString();
      const end = new Date(Date.parse(start) + 3_600_000).toISOString();
      const body = content({ description: uid, title: `${uid} moved`, start, end, originalStart, status: o.cancel ? "cancelled" : "confirmed" });
      target.userCreate(body, chosen.id);
      this.edited(uid, o.side);
      return;
    }
    const candidates = this.liveOn(o.side, () => true);
    const chosen = candidates[o.pick % Math.max(candidates.length, 1)];
    if (!chosen) return;
    const uid = uidOf(chosen.body);
    if (o.kind === "delete") {
      // A series takes its exceptions with it.
      const exceptions = this.exceptionsOf(o.side, chosen.id);
      if (o.side === "local") this.store.userDelete(chosen.id);
      else this.remote.userDelete(chosen.id);
      for (const deletedUid of [uid, ...exceptions]) this.deleted(deletedUid, o.side);
      return;
    }
    const change: Partial<EventContent> =
      o.field === "title"
        ? { title: `${uid} v${o.value}` }
        : o.field === "time"
          ? { start: new Date(Date.parse(chosen.body.start) + o.value * 900_000).toISOString(), end: new Date(Date.parse(chosen.body.end) + o.value * 900_000).toISOString() }
          : o.field === "rrule"
            ? { rrule: chosen.body.originalStart === null && chosen.body.rrule !== null ? `FREQ=WEEKLY;COUNT=${o.value + 2}` : chosen.body.rrule }
            : { attendees: [{ email: `p${o.value}@example.com`, name: null, response: "needsAction", optional: false }] };
    if (o.side === "local") this.store.userEdit(chosen.id, change);
    else this.remote.userEdit(chosen.id, change);
    this.edited(uid, o.side);
  }

  private exceptionsOf(s: Side, seriesId: string): string[] {
    return s === "local"
      ? this.store.live().filter((e) => e.seriesId === seriesId).map((e) => uidOf(e.content))
      : this.remote.live().filter((i) => i.seriesRemoteId === seriesId).map((i) => uidOf(i.content as EventContent));
  }

  async sync(o: Extract<Op, { kind: "sync" }> | null): Promise<SyncReport | null> {
    if (o) {
      this.remote.pageSize = o.pageSize;
      this.remote.failWrites = o.failWrites;
      if (o.expire) this.remote.expireCursors();
      if (o.crashSide === "remote") this.remote.crashAfterWrite.arm(o.crashAfter % 3);
      if (o.crashSide === "local") this.store.crashBeforeWrite.arm(o.crashAfter);
    }
    try {
      const report = await runSync({ store: this.store, remote: this.remote, deletions: "apply", writeBatchSize: 4 });
      if (report.outcome === "complete") this.pendingEdits.clear();
      return report;
    } catch (error) {
      if (!(error instanceof Crash)) throw error;
      return null;
    } finally {
      this.remote.crashAfterWrite.disarm();
      this.store.crashBeforeWrite.disarm();
      this.remote.failWrites = 0;
    }
  }

  /** Each side as uid → (content hash, uid of its series). */
  snapshot(s: Side): { byUid: Map<string, string>; count: number } {
    const entries =
      s === "local"
        ? this.store.live().map((e) => {
            const series = e.seriesId ? this.store.events.get(e.seriesId) : null;
            return [uidOf(e.content), `${contentHash(e.content)} series:${series ? uidOf(series.content) : "-"}`] as const;
          })
        : this.remote.live().map((i) => {
            const series = i.seriesRemoteId ? this.remote.items.get(i.seriesRemoteId) : null;
            return [uidOf(i.content as EventContent), `${contentHash(i.content as EventContent)} series:${series?.content ? uidOf(series.content) : "-"}`] as const;
          });
    return { byUid: new Map(entries), count: entries.length };
  }
}

describe("sync convergence", () => {
  it("converges after random edits, failures and crashes, with no duplicates and no resurrection", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const world = new World();
        for (const o of ops) {
          if (o.kind === "sync") await world.sync(o);
          else world.apply(o);
        }
        const final = await world.sync(null);
        expect(final?.outcome).toBe("complete");

        const local = world.snapshot("local");
        const remote = world.snapshot("remote");
        expect(local.count).toBe(local.byUid.size);
        expect(remote.count).toBe(remote.byUid.size);
        expect(Object.fromEntries(local.byUid)).toEqual(Object.fromEntries(remote.byUid));
        for (const uid of world.mustBeGone) expect(local.byUid.has(uid), `${uid} came back`).toBe(false);

        // A second run finds nothing to do: nothing echoes back and forth.
        const again = await world.sync(null);
        expect(again).toMatchObject({ outcome: "complete", pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
      }),
      { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 300) },
    );
  });
});
