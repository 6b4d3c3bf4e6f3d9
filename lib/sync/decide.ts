import type { EventContent } from "@/lib/calendar/event-content";
import type { RemoteItem } from "@/lib/sync/provider";
import { changedFields, contentHash, type ContentField } from "@/lib/sync/content-hash";
import { mergeThreeWay } from "@/lib/sync/merge";
import type { ConflictPolicy, LocalEvent, Pair } from "@/lib/sync/types";

/**
 * The decision table: what to do with one local event / remote item, given what was last synced
 * between them. Pure, so every row is tested on its own and the engine only carries actions out.
 */

/**
 * Why a side won a conflict: the most recent change, or the account's policy ("Atollon wins",
 * "remote wins"); "ask" when no side won and the event waits for a person.
 */
export type ConflictReason = "latest-local" | "latest-remote" | "policy-local" | "policy-remote" | "ask";

/** Fields both sides changed to different values since the last sync, and how they were settled. */
export interface Conflicting {
  fields: ContentField[];
  /** null: held for a person to settle ("Ask me"). */
  winner: "local" | "remote" | null;
  reason: ConflictReason;
}

export type Action =
  | { type: "none" }
  /** Both sides agree, only the bookkeeping moves on (new version tokens, or a freshly matched pair). */
  | { type: "record" }
  | { type: "push-create" }
  | { type: "push-update"; conflicting?: Conflicting }
  | { type: "push-delete" }
  | { type: "pull-create" }
  | { type: "pull-update"; conflicting?: Conflicting }
  /** Both sides changed: each gets the merged content (every change of both, conflicts settled by the policy). */
  | { type: "merge"; content: EventContent; conflicting?: Conflicting }
  /** Nothing is written on either side: an open conflict waits for a person. */
  | { type: "hold"; conflicting?: Conflicting }
  /** Their version of a held event was deleted: the event is let go of, and created there again. */
  | { type: "release" }
  | { type: "pull-delete" }
  /** The local tombstone comes back to life with the remote's newer content. */
  | { type: "pull-restore" }
  | { type: "forget" };

export interface Decision {
  action: Action;
  /** Both sides changed since the last sync and one change was discarded by the policy. */
  conflict: boolean;
}

/**
 * `remote`: the item from this run's listing, or `"absent"` when a full listing proves it gone, or
 * `null` when this run learnt nothing about it (an incremental listing that did not mention it).
 */
export interface DecisionInput {
  local: LocalEvent | null;
  remote: RemoteItem | "absent" | null;
  pair: Pair | null;
  policy: ConflictPolicy;
}

type SideState = "unchanged" | "changed" | "gone";

function localState(local: LocalEvent | null, pair: Pair): SideState {
  if (local === null || local.deletedAt !== null) return "gone";
  if (local.version === pair.localVersion) return "unchanged";
  return contentHash(local.content) === pair.localHash ? "unchanged" : "changed";
}

function remoteState(remote: RemoteItem | "absent" | null, pair: Pair): SideState {
  if (remote === null) return "unchanged";
  if (remote === "absent" || remote.content === null) return "gone";
  // Our own writes come back in the next listing with the token we recorded: not a change (no echo).
  if (pair.remoteVersion !== null && remote.versionToken === pair.remoteVersion) return "unchanged";
  return contentHash(remote.content) === pair.remoteHash ? "unchanged" : "changed";
}

type LiveRemote = RemoteItem & { content: EventContent };

const isLive = (remote: RemoteItem | "absent" | null): remote is LiveRemote =>
  remote !== null && remote !== "absent" && remote.content !== null;

const decided = (type: Action["type"], conflict = false): Decision => ({ action: { type } as Action, conflict });

function localWinsByTime(local: LocalEvent, remote: LiveRemote): boolean {
  if (remote.updatedAt === null) return true;
  return local.updatedAt.getTime() >= Date.parse(remote.updatedAt);
}

/**
 * An update whose answer was never recorded (the run died): if the remote now holds exactly what
 * was sent, the change is our own write, not a person's edit that could win a conflict. Returns the
 * pair as it stands once that is known. The engine carries out its decision on this pair, so the
 * knowledge is kept when the next write records its own `sentHash` over the old one.
 */
export function recogniseOwnWrite(pair: Pair | null, remote: RemoteItem | "absent" | null): Pair | null {
  if (!pair?.sentHash || !isLive(remote) || contentHash(remote.content) !== pair.sentHash) return pair;
  // What was sent is now the content last synced: a later update is compared with it, not with what came before.
  return { ...pair, localVersion: -1, localHash: pair.sentHash, remoteVersion: remote.versionToken, remoteHash: pair.sentHash, sentHash: null, base: remote.content };
}

export function decide({ local, remote, pair: lastSynced, policy }: DecisionInput): Decision {
  const remoteItem = isLive(remote) ? remote : null;
  const pair = recogniseOwnWrite(lastSynced, remote);

  if (pair === null) {
    const localAlive = local !== null && local.deletedAt === null;
    if (remoteItem === null) return localAlive ? decided("push-create") : decided("none");
    if (local === null) return decided("pull-create");
    // A remote item matched to a local event with no history between them (adopted by tag or by
    // content): equal content is simply recorded, different content is a conflict with no base.
    return decide({
      local,
      remote,
      pair: {
        localId: local.id,
        remoteId: remoteItem.remoteId,
        localVersion: -1,
        localHash: "",
        remoteVersion: null,
        // A tombstoned local whose copy we made remotely: the remote copy is just ours, delete it.
        remoteHash: local.deletedAt !== null ? contentHash(remoteItem.content) : "",
        sentHash: null,
        listed: false,
        base: null,
      },
      policy,
    });
  }

  const ls = localState(local, pair);
  const rs = remoteState(remote, pair);
  // A deletion here is one more change of Atollon's version, for the person to settle; a deletion
  // remotely ends the wait: the change here wins over it, as ever, and nothing is left to settle.
  if (pair.held && local !== null) return rs === "gone" ? decided(ls === "gone" ? "forget" : "release") : holdAgain(local, remoteItem, pair);

  if (ls === "unchanged" && rs === "unchanged") {
    const tokensMoved = remoteItem !== null && remoteItem.versionToken !== pair.remoteVersion;
    const localMoved = local !== null && local.version !== pair.localVersion;
    return decided(tokensMoved || localMoved ? "record" : "none");
  }
  if (ls === "changed" && rs === "unchanged") return decided("push-update");
  if (ls === "unchanged" && rs === "changed") return decided("pull-update");
  if (ls === "gone" && rs === "gone") return decided("forget");
  if (ls === "gone" && rs === "unchanged") return decided("push-delete");
  if (ls === "unchanged" && rs === "gone") return decided("pull-delete");

  if (ls === "changed" && rs === "changed") {
    if (local === null || remoteItem === null) throw new Error("unreachable: both sides changed means both exist");
    if (contentHash(local.content) === contentHash(remoteItem.content)) return decided("record");
    return decideBothChanged(local, remoteItem, pair, policy);
  }
  // Deleted on one side, changed on the other: the change wins unless the policy favours the deleter.
  if (ls === "changed" && rs === "gone") {
    return policy === "remote" ? decided("pull-delete", true) : decided("push-create", true);
  }
  if (policy === "local") return decided("push-delete", true);
  // A row that is gone entirely (not even a tombstone) cannot be restored: it is created anew.
  return decided(local === null ? "pull-create" : "pull-restore", true);
}

function conflictReason(policy: ConflictPolicy, localWins: boolean): ConflictReason {
  if (policy === "ask") return "ask";
  if (policy === "latest") return localWins ? "latest-local" : "latest-remote";
  return localWins ? "policy-local" : "policy-remote";
}

/**
 * Both sides changed to different content. Against the content last synced, changes to different
 * fields are all kept and nothing conflicts; only fields both changed differently are settled by
 * the policy (or, under "Ask me", hold the event). Without a base (an adopted item) every differing
 * field conflicts and the winner's whole event is taken, as before the base was kept.
 */
function decideBothChanged(local: LocalEvent, remote: LiveRemote, pair: Pair, policy: ConflictPolicy): Decision {
  const localWins = policy === "local" || (policy !== "remote" && localWinsByTime(local, remote));
  const prefer = localWins ? "local" : "remote";
  const { merged, conflicts } =
    pair.base === null
      ? { merged: localWins ? local.content : remote.content, conflicts: [...changedFields(local.content, remote.content)] }
      : mergeThreeWay(pair.base, local.content, remote.content, prefer);
  const conflicting: Conflicting | undefined =
    conflicts.length === 0 ? undefined : { fields: conflicts, winner: policy === "ask" ? null : prefer, reason: conflictReason(policy, localWins) };
  // Nothing is discarded while the conflict waits for a person: not counted as settled.
  if (conflicting?.winner === null) return { action: { type: "hold", conflicting }, conflict: false };
  const hash = contentHash(merged);
  const extra = conflicting ? { conflicting } : {};
  const action: Action =
    hash === contentHash(local.content)
      ? { type: "push-update", ...extra }
      : hash === contentHash(remote.content)
        ? { type: "pull-update", ...extra }
        : { type: "merge", content: merged, ...extra };
  return { action, conflict: conflicting !== undefined };
}

/**
 * An event an open conflict holds: nothing is written, but when their version changed again the
 * open conflict is brought up to date with it — settling must write over what the remote holds now.
 */
function holdAgain(local: LocalEvent, remote: LiveRemote | null, pair: Pair): Decision {
  if (remote === null || remote.versionToken === pair.remoteVersion) return decided("hold");
  const fields = pair.base === null ? [...changedFields(local.content, remote.content)] : mergeThreeWay(pair.base, local.content, remote.content, "local").conflicts;
  return { action: { type: "hold", conflicting: { fields, winner: null, reason: "ask" } }, conflict: false };
}
