import type { EventContent } from "@/lib/calendar/event-content";
import { contentHash } from "@/lib/sync/content-hash";
import type { Decision } from "@/lib/sync/decide";
import type { RemoteItem } from "@/lib/sync/provider";
import { copyFor, inWindow, matches } from "@/lib/sync/rules/evaluate";
import { isDefaultRules, type SyncRules } from "@/lib/sync/rules/schema";
import type { LocalEvent, Pair, PairOrigin } from "@/lib/sync/types";

/**
 * The rules as a lens between the engine and the two sides of one account. The engine decides
 * what it sees through the lens, so every guarantee of the decision table holds for what the rules
 * say each side should hold:
 * - an origin event the rules leave out is seen as absent by the other side: its copy is removed
 *   there, the origin is never touched;
 * - an origin event is seen as the copy the mode makes of it, so a pair hashes the copy's form and a
 *   change of the origin updates the copy;
 * - a copy on a side the account only writes to (one-way, or a transformed copy: a mirror) never
 *   flows back: its edits are overwritten from the origin, its deletion makes it again.
 */

export interface RulesContext {
  rules: SyncRules;
  now: Date;
  /** The person's own addresses, lower case (to tell their answer to an invitation). */
  self: string[];
  /**
   * Why this run looks at every event again: the rules changed (every copy is compared with what
   * the new rules make of its origin), or the window moved; null: neither.
   */
  reevaluate: "rules" | "window" | null;
}

export interface Seen {
  local: LocalEvent | null;
  remote: RemoteItem | "absent" | null;
  pair: Pair | null;
  origin: PairOrigin | null;
  /** The copy on this side is to go: its origin (on the other side) is left out by the rules. */
  removeCopy: "local" | "remote" | null;
  /** The side holding a mirror: what happens to it there is undone from the origin. */
  mirror: "local" | "remote" | null;
}

const isLive = (remote: RemoteItem | "absent" | null): remote is RemoteItem & { content: EventContent } => remote !== null && remote !== "absent" && remote.content !== null;

/**
 * Which side an event was first made on, for this account: recorded on the pair; for a pair
 * recorded before origins were kept, told by the remote item's tag (only this app's copies carry
 * one); null when not known yet — the pair then syncs as it did before rules existed.
 */
function originOf(local: LocalEvent | null, remote: RemoteItem | "absent" | null, pair: Pair | null): PairOrigin | null {
  if (pair?.origin) return pair.origin;
  if (isLive(remote)) return remote.localTag !== null ? "local" : pair || local === null ? "remote" : "local";
  return pair ? null : "local";
}

/**
 * What one account sees of an event's two sides. `seriesContent`: for an exception, its series'
 * content in Atollon — an exception is copied exactly when its series is.
 */
export function see(
  context: RulesContext | null,
  local: LocalEvent | null,
  remote: RemoteItem | "absent" | null,
  lastPair: Pair | null,
  seriesContent: EventContent | null = null,
): Seen {
  const plain: Seen = { local, remote, pair: lastPair, origin: lastPair?.origin ?? null, removeCopy: null, mirror: null };
  if (context === null) return plain;
  const { rules, now, self } = context;
  const origin = originOf(local, remote, lastPair);
  if (origin === null) return plain;
  let pair = lastPair && lastPair.origin !== origin ? { ...lastPair, origin } : lastPair;
  const seen: Seen = { ...plain, pair, origin };

  if (origin === "local") {
    const liveLocal = local !== null && local.deletedAt === null;
    if (liveLocal && (rules.direction === "to-atollon" || !matches(seriesContent ?? local.content, rules, now, self))) return { ...seen, removeCopy: "remote" };
    const copy = local && liveLocal ? { ...local, content: copyFor(local.content, rules.toRemote, rules.busyText) } : local;
    if (context.reevaluate === "rules" && pair && copy && liveLocal && contentHash(copy.content) !== pair.localHash) pair = { ...pair, localVersion: -1 };
    return { ...seen, local: copy, pair, mirror: rules.direction === "to-remote" || rules.toRemote !== "everything" ? "remote" : null };
  }

  if (isLive(remote)) {
    if (rules.direction === "to-remote" || (remote.seriesRemoteId === null && !matches(remote.content, rules, now, self))) return { ...seen, removeCopy: "local" };
  } else if (remote === null && local !== null && local.deletedAt === null && local.seriesId === null) {
    // Not listed this run: its copy here still holds its times, which is all a window asks.
    if (rules.direction === "to-remote" || !inWindow(local.content, rules, now)) return { ...seen, removeCopy: "local" };
  }
  const copy = isLive(remote) ? { ...remote, content: copyFor(remote.content, rules.toAtollon, rules.busyText) } : remote;
  if (context.reevaluate === "rules" && pair && isLive(copy) && contentHash(copy.content) !== pair.remoteHash) pair = { ...pair, remoteVersion: null };
  return { ...seen, remote: copy, pair, mirror: rules.direction === "to-atollon" || rules.toAtollon !== "everything" ? "local" : null };
}

/**
 * The decision for a pair with a mirror: the origin's side always wins, without a conflict — a
 * change to the mirror is overwritten, a deletion of it undone, and the origin's deletion removes
 * the mirror. Both sides changed is no conflict either: nothing of the mirror's is merged into the
 * origin, and nothing waits for a person. `restoresMirror`: the decision undoes something done to
 * the mirror (for the run history).
 */
export function steer(seen: Seen, decision: Decision): Decision & { restoresMirror: boolean } {
  const type = decision.action.type;
  const to = (next: Decision["action"]["type"], restoresMirror = false) => ({ action: { type: next } as Decision["action"], conflict: false, restoresMirror });
  if (seen.mirror === "remote") {
    if (type === "pull-update" || type === "merge" || type === "hold") return to("push-update", true);
    if (type === "pull-delete") return to("push-create", true);
    if (type === "pull-restore") return to("push-delete");
    if (type === "pull-create") return to("none");
  }
  if (seen.mirror === "local") {
    if (type === "push-update" || type === "merge" || type === "hold") return to("pull-update", true);
    if (type === "push-delete") return to(seen.local === null ? "pull-create" : "pull-restore", true);
    if (type === "push-create") return to("pull-delete");
  }
  return { ...decision, restoresMirror: false };
}

/**
 * The remote item as last synced, for undoing a change to a mirror in Atollon when this run did not
 * list the item: null when the pair does not keep what was synced (recorded before it did).
 */
export function lastSynced(pair: Pair | null, seriesRemoteId: string | null): RemoteItem | null {
  if (pair?.remoteId == null || pair.base === null) return null;
  return { remoteId: pair.remoteId, versionToken: pair.remoteVersion ?? "", localTag: null, seriesRemoteId, content: pair.base, updatedAt: null };
}

/**
 * What a run compares with the account's last evaluated rules: the rules themselves and, when the
 * window is bounded, the day it is at (it moves daily, not every run).
 */
export function rulesKey(rules: SyncRules, now: Date): string | null {
  if (isDefaultRules(rules)) return null;
  const day = rules.pastDays !== null || rules.futureDays !== null ? now.toISOString().slice(0, 10) : "";
  return `${contentHashOfRules(rules)}@${day}`;
}

const contentHashOfRules = (rules: SyncRules) => JSON.stringify(rules);

/** Why a run with these rules must look at everything again, given the key of the last complete run. */
export function reevaluation(lastKey: string | null, rules: SyncRules, now: Date): RulesContext["reevaluate"] {
  const key = rulesKey(rules, now);
  if (key === lastKey) return null;
  const rulesPart = (value: string | null) => (value === null ? null : value.slice(0, value.lastIndexOf("@")));
  return rulesPart(key) === rulesPart(lastKey) ? "window" : "rules";
}
