// The engine's central promise as a property: random edits on both sides between random runs, with
// injected failures and crashes; a final clean run leaves both sides holding the same events, with
// no duplicate and nothing resurrected that a person deleted (unless the other side changed it
// meanwhile: then the change wins, by design). Any remote with a harness can be put through it.
import fc from "fast-check";
import { expect } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { contentHash } from "@/lib/sync/content-hash";
import { runSync, type SyncReport } from "@/lib/sync/engine";
import type { ConflictPolicy } from "@/lib/sync/types";
import { Crash, MemoryStore, content } from "./memory-sides";
import { FaultyRemote, type RemoteHarness } from "./remote-harness";

type Side = "local" | "remote";

export type Op =
  | { kind: "create"; side: Side; recurring: boolean; allDay: boolean }
  | { kind: "exception"; side: Side; pick: number; cancel: boolean }
  | { kind: "edit"; side: Side; pick: number; field: "title" | "time" | "rrule" | "attendees"; value: number }
  | { kind: "delete"; side: Side; pick: number }
  /** People edit the same synced event on both sides: the same field (a conflict) or different fields (merged). */
  | { kind: "clash"; pick: number; sameField: boolean; value: number }
  /** A person on the conflicts page: settles an open conflict, or undoes a settled one. */
  | { kind: "settle"; pick: number; choice: "local" | "remote" | "both" | "undo" }
  | { kind: "sync"; crashSide: Side | "listing" | null; crashAfter: number; failWrites: number; expire: boolean; editDuring?: boolean };

const side = fc.constantFrom<Side>("local", "remote");
export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("create" as const), side, recurring: fc.boolean(), allDay: fc.boolean() }) },
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
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("clash" as const), pick: fc.nat(), sameField: fc.boolean(), value: fc.nat({ max: 50 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("settle" as const), pick: fc.nat(), choice: fc.constantFrom("local" as const, "remote" as const, "both" as const, "undo" as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("sync" as const),
      crashSide: fc.option(fc.constantFrom<Side | "listing">("local", "remote", "listing"), { nil: null }),
      crashAfter: fc.nat({ max: 12 }),
      failWrites: fc.nat({ max: 3 }),
      expire: fc.boolean(),
      // A person edits in the remote the item the run is about to update or delete (a 412 then).
      editDuring: fc.boolean(),
    }),
  },
);

const uidOf = (body: EventContent) => body.description;
const DAY = 86_400_000;

function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY).toISOString().slice(0, 10);
}

function shifted(body: EventContent, steps: number): Partial<EventContent> {
  if (body.allDay) return { start: plusDays(body.start, steps % 5), end: plusDays(body.end, steps % 5) };
  const by = steps * 900_000;
  return { start: new Date(Date.parse(body.start) + by).toISOString(), end: new Date(Date.parse(body.end) + by).toISOString() };
}

class World {
  readonly store: MemoryStore;
  /** Uids "Keep both" made more events of (each side holds all of them), with how many "Keep both" there were. */
  readonly forked = new Map<string, number>();
  readonly remote: FaultyRemote;
  private nextUid = 1;
  private lastTick = 0;
  /** Sides that edited a uid since the last complete run. */
  private readonly pendingEdits = new Map<string, Set<Side>>();
  /** Deleted by a person with no competing change on the other side: must not come back. */
  readonly mustBeGone = new Set<string>();

  constructor(
    readonly harness: RemoteHarness,
    private readonly options: ConvergenceOptions = {},
  ) {
    this.store = new MemoryStore(options.policy ?? "latest");
    this.remote = new FaultyRemote(harness.remote);
    this.store.clock = () => new Date((this.lastTick = Math.max(Date.now(), this.lastTick + 1)));
  }

  private async liveOn(s: Side): Promise<{ id: string; body: EventContent; isException: boolean }[]> {
    if (s === "local") return this.store.live().map((e) => ({ id: e.id, body: e.content, isException: e.seriesId !== null }));
    return (await this.harness.live()).map((i) => ({ id: i.remoteId, body: i.content, isException: i.seriesRemoteId !== null }));
  }

  /** What a person deleted in the remote since the last complete run. */
  private readonly remotelyDeleted = new Set<string>();
  /** Series with an occurrence a person deleted in the remote since the last complete run. */
  private readonly occurrenceDeletedRemotely = new Set<string>();

  private settled(): void {
    this.pendingEdits.clear();
    this.remotelyDeleted.clear();
    this.occurrenceDeletedRemotely.clear();
  }

  /** Under seriesChangesDoNotMeetOccurrenceDeletions: whether this remote occurrence deletion must not happen now. */
  private seriesChangedLocally(seriesUid: string | null): boolean {
    return Boolean(this.options.seriesChangesDoNotMeetOccurrenceDeletions && seriesUid && this.pendingEdits.get(seriesUid)?.has("local"));
  }

  /** Exception uids by the uid of their series. */
  private readonly exceptionUids = new Map<string, string[]>();

  seriesUidOf(uid: string): string | null {
    for (const [series, exceptions] of this.exceptionUids) if (exceptions.includes(uid)) return series;
    return null;
  }

  private edited(uid: string, s: Side): void {
    const sides = this.pendingEdits.get(uid) ?? new Set<Side>();
    sides.add(s);
    this.pendingEdits.set(uid, sides);
    // A series that a change brings back brings back the occurrences deleted with it.
    for (const revived of [uid, ...(this.exceptionUids.get(uid) ?? [])]) this.mustBeGone.delete(revived);
  }

  private deleted(uid: string, s: Side): void {
    const other: Side = s === "local" ? "remote" : "local";
    // A held event's other side has a change not synced yet: it wins over the deletion.
    if (!this.pendingEdits.get(uid)?.has(other) && !this.heldUids().has(uid)) this.mustBeGone.add(uid);
  }

  /**
   * Uids of the events an open conflict holds ("Ask me"), on both sides: the two versions of one
   * occurrence that each side changed on its own are two uids in one conflict.
   */
  heldUids(): Set<string> {
    const uids = new Set<string>();
    for (const pair of this.store.pairs.values()) {
      const event = this.store.events.get(pair.localId);
      if (!pair.held || !event) continue;
      uids.add(uidOf(event.content));
      for (const conflict of this.store.conflicts) if (conflict.eventId === pair.localId && conflict.status === "open") uids.add(uidOf(conflict.theirs));
    }
    // The occurrences of a held series are part of it.
    for (const [series, exceptions] of this.exceptionUids) if (uids.has(series)) for (const uid of exceptions) uids.add(uid);
    return uids;
  }

  private async clash(o: Extract<Op, { kind: "clash" }>): Promise<void> {
    const remoteItems = new Map((await this.harness.live()).map((item) => [item.remoteId, item]));
    const synced = this.store.live().filter((event) => {
      const remoteId = this.store.pairs.get(event.id)?.remoteId;
      return remoteId && remoteItems.has(remoteId);
    });
    const chosen = synced[o.pick % Math.max(synced.length, 1)];
    if (!chosen) return;
    const uid = uidOf(chosen.content);
    this.store.userEdit(chosen.id, { title: `${uid} a${o.value}` });
    await this.harness.userEdit(this.store.pairs.get(chosen.id)?.remoteId as string, o.sameField ? { title: `${uid} b${o.value}` } : { location: `Room ${o.value}` });
    this.edited(uid, "local");
    this.edited(uid, "remote");
  }

  /** What a person does on the conflicts page; the next run carries it out. */
  settle(o: Extract<Op, { kind: "settle" }>): void {
    const alive = (eventId: string) => this.store.events.get(eventId)?.deletedAt === null;
    const candidates =
      o.choice === "undo"
        ? this.store.conflicts.filter((c) => c.status === "settled" && c.choice !== null && alive(c.eventId))
        : this.store.conflicts.filter((c) => c.status === "open" && this.store.pairs.get(c.eventId)?.held);
    const chosen = candidates[o.pick % Math.max(candidates.length, 1)];
    if (!chosen) return;
    const event = this.store.events.get(chosen.eventId);
    if (!event) return;
    const uid = uidOf(event.content);
    if (o.choice === "undo") this.store.undo(chosen.id);
    else {
      // "Keep both" is offered for events of their own, not for one occurrence of a series.
      const choice = o.choice === "both" && event.seriesId !== null ? "local" : o.choice;
      this.store.choose(chosen.id, choice);
      if (choice === "both") this.forked.set(uid, (this.forked.get(uid) ?? 0) + 1);
    }
    if (chosen.choice === "both" && !this.forked.has(uid)) this.forked.set(uid, 0);
    this.edited(uid, "local");
    this.edited(uid, "remote");
  }

  private async create(s: Side, body: EventContent, series: string | null): Promise<void> {
    if (s === "local") this.store.userCreate(body, series);
    else await this.harness.userCreate(body, series);
  }

  async apply(o: Exclude<Op, { kind: "sync" }>): Promise<void> {
    if (o.kind === "settle") return this.settle(o);
    if (o.kind === "clash") return this.clash(o);
    if (o.kind === "create") {
      const uid = `uid-${this.nextUid++}`;
      const rrule = o.recurring ? "FREQ=WEEKLY;COUNT=10" : null;
      const body = o.allDay
        ? content({ description: uid, title: uid, rrule, allDay: true, start: "2026-12-01", end: "2026-12-02", timeZone: null })
        : content({ description: uid, title: uid, rrule });
      await this.create(o.side, body, null);
      this.edited(uid, o.side);
      return;
    }
    const candidates = await this.liveOn(o.side);
    if (o.kind === "exception") {
      const series = candidates.filter((c) => !c.isException && c.body.rrule !== null);
      const chosen = series[o.pick % Math.max(series.length, 1)];
      if (!chosen) return;
      const week = (o.pick % 9) + 1;
      const originalStart = chosen.body.allDay ? plusDays(chosen.body.start, week * 7) : new Date(Date.parse(chosen.body.start) + week * 7 * DAY).toISOString();
      if (candidates.some((c) => c.isException && c.body.originalStart === originalStart)) return;
      if (this.options.deletedOccurrencesStayDeleted && (await this.occurrenceDeleted(uidOf(chosen.body), originalStart))) return;
      // Nor is an occurrence deleted in the remote while Atollon has an exception of it not synced yet.
      if (this.options.deletedOccurrencesStayDeleted && o.cancel && o.side === "remote" && (await this.liveOn("local")).some((c) => c.isException && c.body.originalStart === originalStart)) return;
      if (o.cancel && o.side === "remote" && this.seriesChangedLocally(uidOf(chosen.body))) return;
      if (o.cancel && o.side === "remote") this.occurrenceDeletedRemotely.add(uidOf(chosen.body));
      const uid = `uid-${this.nextUid++}`;
      const occurrence = { ...chosen.body, start: originalStart, end: chosen.body.allDay ? plusDays(originalStart, 1) : new Date(Date.parse(originalStart) + 3_600_000).toISOString() };
      const body = content({ ...occurrence, rrule: null, description: uid, title: `${uid} moved`, originalStart, status: o.cancel ? "cancelled" : "confirmed", ...shifted(occurrence, 4) });
      await this.create(o.side, body, chosen.id);
      if (o.cancel && o.side === "remote" && this.options.deletingAnOccurrenceChangesTheSeries) this.edited(uidOf(chosen.body), o.side);
      this.exceptionUids.set(uidOf(chosen.body), [...(this.exceptionUids.get(uidOf(chosen.body)) ?? []), uid]);
      this.edited(uid, o.side);
      return;
    }
    const chosen = candidates[o.pick % Math.max(candidates.length, 1)];
    if (!chosen) return;
    const uid = uidOf(chosen.body);
    // Under this option a deletion of an occurrence in the remote and a change of it in Atollon never meet (see ConvergenceOptions).
    const guarded = chosen.isException && this.options.deletedOccurrencesStayDeleted;
    if (guarded && o.kind === "edit" && o.side === "local" && this.remotelyDeleted.has(uid)) return;
    if (o.kind === "delete") {
      if (guarded && o.side === "remote" && this.pendingEdits.get(uid)?.has("local")) return;
      if (chosen.isException && o.side === "remote") {
        if (this.seriesChangedLocally(this.seriesUidOf(uid))) return;
        const seriesUid = this.seriesUidOf(uid);
        if (seriesUid) this.occurrenceDeletedRemotely.add(seriesUid);
      }
      if (o.side === "remote") this.remotelyDeleted.add(uid);
      // A series takes its exceptions with it.
      const exceptions = chosen.isException ? [] : await this.exceptionsOf(o.side, chosen.id);
      // Deleting one occurrence in the calendar cancels it (the UI's "delete this event").
      if (o.side === "local" && chosen.isException) this.store.userEdit(chosen.id, { status: "cancelled" });
      else if (o.side === "local") this.store.userDelete(chosen.id);
      else await this.harness.userDelete(chosen.id);
      const seriesUid = this.seriesUidOf(uid);
      if (chosen.isException && seriesUid && o.side === "remote" && this.options.deletingAnOccurrenceChangesTheSeries) this.edited(seriesUid, o.side);
      // A copy whose create's answer a crash lost is known to no pair: when the next listing is a full
      // one (an expired cursor), nothing reports its deletion and the event is created again. Only a
      // service that lists deleted items by our tag could tell; none of these do.
      const lostCopy = o.side === "remote" && ![...this.store.pairs.values()].some((pair) => pair.remoteId === chosen.id) && this.store.live().some((event) => uidOf(event.content) === uid);
      if (!lostCopy) for (const deletedUid of [uid, ...exceptions]) this.deleted(deletedUid, o.side);
      return;
    }
    const isSeries = chosen.body.rrule !== null;
    if (o.side === "local" && !chosen.isException && this.options.seriesChangesDoNotMeetOccurrenceDeletions && this.occurrenceDeletedRemotely.has(uid)) return;
    const change: Partial<EventContent> =
      o.field === "title"
        ? { title: `${uid} v${o.value}` }
        : o.field === "time"
          ? // Moving a series would orphan its exceptions' original starts: move single events only.
            isSeries
            ? { location: `Room ${o.value}` }
            : shifted(chosen.body, o.value)
          : o.field === "rrule"
            ? isSeries
              ? { rrule: `FREQ=WEEKLY;COUNT=${10 + o.value}` }
              : { location: `Room ${o.value}` }
            : { attendees: [{ email: `p${o.value}@example.com`, name: null, response: "needsAction", optional: false }] };
    if (o.side === "local") this.store.userEdit(chosen.id, change);
    else await this.harness.userEdit(chosen.id, change);
    this.edited(uid, o.side);
  }

  /** Whether either side has excluded or cancelled this occurrence of the series with this uid. */
  private async occurrenceDeleted(seriesUid: string, originalStart: string): Promise<boolean> {
    const sides = await Promise.all((["local", "remote"] as const).map((s) => this.liveOn(s)));
    return sides.some((items) => {
      const series = items.find((item) => !item.isException && uidOf(item.body) === seriesUid);
      const exceptions = items.filter((item) => item.isException && item.body.originalStart === originalStart && item.body.status === "cancelled");
      return (series?.body.exdates.includes(originalStart) ?? false) || exceptions.length > 0;
    });
  }

  private async exceptionsOf(s: Side, seriesId: string): Promise<string[]> {
    if (s === "local") return this.store.live().filter((e) => e.seriesId === seriesId).map((e) => uidOf(e.content));
    return (await this.harness.live()).filter((i) => i.seriesRemoteId === seriesId).map((i) => uidOf(i.content));
  }

  async sync(o: Extract<Op, { kind: "sync" }> | null): Promise<SyncReport | null> {
    if (o) {
      this.remote.failNextItems(o.failWrites);
      if (o.expire) await this.harness.expireCursors();
      if (o.crashSide === "remote") this.remote.crashAfterWrites(o.crashAfter % 3);
      if (o.crashSide === "local") this.store.crashBeforeWrite.arm(o.crashAfter);
      if (o.crashSide === "listing") this.remote.crashAfterPages(o.crashAfter % 4);
      if (o.editDuring) {
        this.remote.editBeforeNextWrite(async (remoteId) => {
          const item = (await this.harness.live()).find((candidate) => candidate.remoteId === remoteId);
          if (!item) return;
          await this.harness.userEdit(remoteId, { location: `Changed during run ${this.nextUid}` });
          this.edited(uidOf(item.content), "remote");
        });
      }
    }
    let report: SyncReport | null = null;
    try {
      report = await runSync({ store: this.store, remote: this.remote, deletions: "apply", writeBatchSize: 4, localPageSize: 3 });
      if (report.outcome === "complete") this.settled();
    } catch (error) {
      if (!(error instanceof Crash)) throw error;
    } finally {
      this.remote.reset();
      this.store.crashBeforeWrite.disarm();
    }
    return report;
  }

  /** Each side as uid → (content hash, uid of its series) of every event with that uid. */
  async snapshot(s: Side): Promise<{ byUid: Map<string, string[]>; count: number }> {
    let entries: (readonly [string, string])[];
    if (s === "local") {
      entries = this.store.live().map((e) => {
        const series = e.seriesId ? this.store.events.get(e.seriesId) : null;
        return [uidOf(e.content), `${contentHash(e.content)} series:${series ? uidOf(series.content) : "-"}`] as const;
      });
    } else {
      const live = await this.harness.live();
      const byId = new Map(live.map((i) => [i.remoteId, i]));
      entries = live.map((i) => {
        const series = i.seriesRemoteId ? byId.get(i.seriesRemoteId) : null;
        return [uidOf(i.content), `${contentHash(i.content)} series:${series ? uidOf(series.content) : "-"}`] as const;
      });
    }
    const byUid = new Map<string, string[]>();
    for (const [uid, value] of entries) byUid.set(uid, [...(byUid.get(uid) ?? []), value].sort());
    return { byUid, count: entries.length };
  }
}

export interface ConvergenceOptions {
  /**
   * The remote cannot bring a deleted occurrence back (EWS: an occurrence in DeletedOccurrences has
   * no item to modify any more), so "a change wins over a deletion" cannot hold for occurrences: a
   * person never makes an exception of an occurrence either side has excluded or cancelled, nor
   * deletes an occurrence in the remote that has a pending change in Atollon, or the reverse. The
   * provider refuses such writes for good, with a reason.
   */
  deletedOccurrencesStayDeleted?: boolean;
  /**
   * Deleting one occurrence in the remote changes its series (EWS: it becomes a DeletedOccurrence,
   * an EXDATE of the master), so it counts as a change of the series when the other side deletes it.
   */
  deletingAnOccurrenceChangesTheSeries?: boolean;
  /**
   * Deleting an occurrence in the remote and changing its series in Atollon never meet between two
   * complete runs. When Atollon's change of the series wins that conflict, the remote still cannot
   * bring the occurrence back (see deletedOccurrencesStayDeleted): the deletion reaches Atollon one
   * run later, so the run after the final one would not be idle.
   */
  seriesChangesDoNotMeetOccurrenceDeletions?: boolean;
  /** The account's conflict policy; under "ask" conflicts stay open until a settle op (default: most recent wins). */
  policy?: ConflictPolicy;
}

/** Runs the property with a fresh remote (from `makeHarness`) for every case. */
export async function checkConvergence(
  makeHarness: () => Promise<RemoteHarness>,
  options: { numRuns: number; minOps?: number; maxOps?: number; examples?: Op[][] } & ConvergenceOptions,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(opArbitrary, { minLength: options.minOps ?? 1, maxLength: options.maxOps ?? 40 }), async (ops) => {
      const harness = await makeHarness();
      try {
        const world = new World(harness, options);
        for (const o of ops) {
          if (o.kind === "sync") await world.sync(o);
          else await world.apply(o);
        }
        const final = await world.sync(null);
        expect(final?.failures).toEqual([]);
        expect(final?.outcome).toBe("complete");

        const local = await world.snapshot("local");
        const remote = await world.snapshot("remote");
        for (const side of [local, remote]) {
          // "Keep both" makes exactly two events of one, on every side; nothing else doubles.
          for (const [uid, events] of side.byUid) expect(events.length, `duplicates of ${uid}`).toBe(world.forked.has(uid) ? events.length : 1);
          for (const [uid, copies] of world.forked) expect(side.byUid.get(uid)?.length ?? 0, `copies of ${uid}`).toBeLessThanOrEqual(1 + copies);
        }
        // Open conflicts hold their events apart, and only those: every held pair has its open conflict.
        const held = world.heldUids();
        for (const pair of world.store.pairs.values()) {
          if (pair.held) expect(world.store.conflicts.some((c) => c.eventId === pair.localId && c.status === "open"), `held ${pair.localId} without an open conflict`).toBe(true);
        }
        const without = (byUid: Map<string, string[]>) => Object.fromEntries([...byUid].filter(([uid]) => !held.has(uid)));
        expect(without(local.byUid)).toEqual(without(remote.byUid));
        // A deleted occurrence may live on as a cancelled one (that is how Google records it): not shown.
        const visible = new Set(world.store.live().filter((e) => e.content.status !== "cancelled").map((e) => uidOf(e.content)));
        for (const uid of [...world.mustBeGone].filter((gone) => !world.forked.has(gone) && !held.has(gone))) {
          // An occurrence deleted with its series comes back when a change revives the series.
          if (world.seriesUidOf(uid) && visible.has(world.seriesUidOf(uid) as string)) continue;
          expect(visible.has(uid), `${uid} came back`).toBe(false);
        }

        // A second run finds nothing to do: nothing echoes back and forth.
        const again = await world.sync(null);
        expect(again).toMatchObject({ outcome: "complete", pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
      } finally {
        await harness.close?.();
      }
    }),
    { numRuns: options.numRuns, examples: (options.examples ?? []).map((ops) => [ops] as [Op[]]) },
  );
}
