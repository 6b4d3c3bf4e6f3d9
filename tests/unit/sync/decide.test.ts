import { describe, expect, it } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { contentHash } from "@/lib/sync/content-hash";
import { decide, type Decision } from "@/lib/sync/decide";
import type { RemoteItem } from "@/lib/sync/provider";
import type { ConflictPolicy, LocalEvent, Pair } from "@/lib/sync/types";
import { content } from "./memory-sides";

const base = content({ title: "Standup" });
const edited = content({ title: "Standup (moved)" });
const remoteEdit = content({ title: "Standup — room 4" });
const moved = { ...base, start: "2026-12-01T10:00:00.000Z", end: "2026-12-01T10:30:00.000Z" };
const located = { ...base, location: "Room 4" };

function local(body: EventContent, options: { version?: number; deleted?: boolean; updatedAt?: string } = {}): LocalEvent {
  return {
    id: "l1",
    seriesId: null,
    version: options.version ?? 1,
    changeSeq: 1n,
    updatedAt: new Date(options.updatedAt ?? "2026-11-20T10:00:00.000Z"),
    deletedAt: options.deleted ? new Date("2026-11-20T10:00:00.000Z") : null,
    content: body,
  };
}

function remote(body: EventContent | null, options: { token?: string; tag?: string | null; updatedAt?: string } = {}): RemoteItem {
  return {
    remoteId: "r1",
    versionToken: options.token ?? "v1",
    localTag: options.tag ?? null,
    seriesRemoteId: null,
    content: body,
    updatedAt: options.updatedAt ?? "2026-11-20T09:00:00.000Z",
  };
}

const synced: Pair = { localId: "l1", remoteId: "r1", localVersion: 1, localHash: contentHash(base), remoteVersion: "v1", remoteHash: contentHash(base), sentHash: null, listed: true, base };

const run = (input: { local: LocalEvent | null; remote: RemoteItem | "absent" | null; pair: Pair | null; policy?: ConflictPolicy }): Decision =>
  decide({ policy: "latest", ...input });

describe("decision table", () => {
  it.each<[string, Parameters<typeof run>[0], Decision]>([
    ["new local event → create remotely", { local: local(base), remote: null, pair: null }, { action: { type: "push-create" }, conflict: false }],
    ["new remote item → create locally", { local: null, remote: remote(base), pair: null }, { action: { type: "pull-create" }, conflict: false }],
    ["deleted remote item never seen → nothing", { local: null, remote: remote(null), pair: null }, { action: { type: "none" }, conflict: false }],
    ["local tombstone never synced → nothing", { local: local(base, { deleted: true }), remote: null, pair: null }, { action: { type: "none" }, conflict: false }],
    ["unchanged on both sides → nothing", { local: local(base), remote: null, pair: synced }, { action: { type: "none" }, conflict: false }],
    ["our own write listed back (same token) → nothing", { local: local(base), remote: remote(base), pair: synced }, { action: { type: "none" }, conflict: false }],
    ["same content, new token → only bookkeeping", { local: local(base), remote: remote(base, { token: "v2" }), pair: synced }, { action: { type: "record" }, conflict: false }],
    ["changed locally → update remotely", { local: local(edited, { version: 2 }), remote: null, pair: synced }, { action: { type: "push-update" }, conflict: false }],
    ["changed remotely → update locally", { local: local(base), remote: remote(remoteEdit, { token: "v2" }), pair: synced }, { action: { type: "pull-update" }, conflict: false }],
    ["new local version, same content → only bookkeeping", { local: local(base, { version: 2 }), remote: null, pair: synced }, { action: { type: "record" }, conflict: false }],
    ["both changed identically → only bookkeeping", { local: local(edited, { version: 2 }), remote: remote(edited, { token: "v2" }), pair: synced }, { action: { type: "record" }, conflict: false }],
    [
      "both changed, local later, latest wins → local",
      { local: local(edited, { version: 2, updatedAt: "2026-11-20T11:00:00.000Z" }), remote: remote(remoteEdit, { token: "v2" }), pair: synced },
      { action: { type: "push-update", conflicting: { fields: ["title"], winner: "local", reason: "latest-local" } }, conflict: true },
    ],
    [
      "both changed, remote later, latest wins → remote",
      { local: local(edited, { version: 2, updatedAt: "2026-11-20T08:00:00.000Z" }), remote: remote(remoteEdit, { token: "v2" }), pair: synced },
      { action: { type: "pull-update", conflicting: { fields: ["title"], winner: "remote", reason: "latest-remote" } }, conflict: true },
    ],
    [
      "both changed, Atollon wins",
      { local: local(edited, { version: 2, updatedAt: "2026-11-20T08:00:00.000Z" }), remote: remote(remoteEdit, { token: "v2" }), pair: synced, policy: "local" },
      { action: { type: "push-update", conflicting: { fields: ["title"], winner: "local", reason: "policy-local" } }, conflict: true },
    ],
    [
      "both changed, remote wins",
      { local: local(edited, { version: 2, updatedAt: "2026-11-20T11:00:00.000Z" }), remote: remote(remoteEdit, { token: "v2" }), pair: synced, policy: "remote" },
      { action: { type: "pull-update", conflicting: { fields: ["title"], winner: "remote", reason: "policy-remote" } }, conflict: true },
    ],
    [
      "field-level merge: different fields changed → both kept, no conflict",
      { local: local(edited, { version: 2, updatedAt: "2026-11-20T11:00:00.000Z" }), remote: remote(moved, { token: "v2" }), pair: synced },
      { action: { type: "merge", content: { ...moved, title: edited.title } }, conflict: false },
    ],
    [
      "field-level merge: different fields changed, remote wins the policy → still both kept",
      { local: local(located, { version: 2 }), remote: remote(moved, { token: "v2" }), pair: synced, policy: "remote" },
      { action: { type: "merge", content: { ...moved, location: "Room 4" } }, conflict: false },
    ],
    [
      "field-level merge: same field, same value, plus a remote change → the remote's content, no conflict",
      { local: local(edited, { version: 2 }), remote: remote({ ...moved, title: edited.title }, { token: "v2" }), pair: synced },
      { action: { type: "pull-update" }, conflict: false },
    ],
    [
      "field-level merge: same field, different values → that field conflicts, the other changes are kept",
      { local: local({ ...edited, location: "Room 4" }, { version: 2, updatedAt: "2026-11-20T11:00:00.000Z" }), remote: remote({ ...moved, title: remoteEdit.title }, { token: "v2" }), pair: synced },
      {
        action: { type: "merge", content: { ...moved, title: edited.title, location: "Room 4" }, conflicting: { fields: ["title"], winner: "local", reason: "latest-local" } },
        conflict: true,
      },
    ],
    [
      "field-level merge: a time moved on both sides differently → the time conflicts as one",
      { local: local({ ...base, end: "2026-12-01T11:00:00.000Z" }, { version: 2, updatedAt: "2026-11-20T08:00:00.000Z" }), remote: remote(moved, { token: "v2" }), pair: synced },
      { action: { type: "pull-update", conflicting: { fields: ["start", "end"], winner: "remote", reason: "latest-remote" } }, conflict: true },
    ],
    [
      "Ask me: same field, different values → held, nothing written, conflict reported",
      { local: local(edited, { version: 2, updatedAt: "2026-11-20T11:00:00.000Z" }), remote: remote(remoteEdit, { token: "v2" }), pair: synced, policy: "ask" },
      { action: { type: "hold", conflicting: { fields: ["title"], winner: null, reason: "ask" } }, conflict: false },
    ],
    [
      "Ask me: different fields → merged, no conflict to ask about",
      { local: local(edited, { version: 2 }), remote: remote(moved, { token: "v2" }), pair: synced, policy: "ask" },
      { action: { type: "merge", content: { ...moved, title: edited.title } }, conflict: false },
    ],
    [
      "Ask me: an open conflict holds the event whatever changes meanwhile",
      { local: local(located, { version: 3 }), remote: null, pair: { ...synced, held: true }, policy: "ask" },
      { action: { type: "hold" }, conflict: false },
    ],
    [
      "Ask me: their version changed again while held → still held, the open conflict takes their new version",
      { local: local(edited, { version: 3 }), remote: remote({ ...remoteEdit, location: "Room 4" }, { token: "v3" }), pair: { ...synced, held: true }, policy: "ask" },
      { action: { type: "hold", conflicting: { fields: ["title"], winner: null, reason: "ask" } }, conflict: false },
    ],
    [
      "Ask me: their deletion releases a held event (the change here wins, created there again)",
      { local: local(edited, { version: 3 }), remote: remote(null, { token: "v3" }), pair: { ...synced, held: true }, policy: "ask" },
      { action: { type: "release" }, conflict: false },
    ],
    [
      "Ask me: a deletion here is one more change of Atollon's version → still held",
      { local: local(edited, { version: 3, deleted: true }), remote: null, pair: { ...synced, held: true }, policy: "ask" },
      { action: { type: "hold" }, conflict: false },
    ],
    [
      "Ask me: deleted on both sides while held → forget the pair",
      { local: local(edited, { version: 3, deleted: true }), remote: remote(null, { token: "v3" }), pair: { ...synced, held: true }, policy: "ask" },
      { action: { type: "forget" }, conflict: false },
    ],
    [
      "no base known (adopted item) → every differing field conflicts, the winner's whole event",
      { local: local({ ...edited, location: "Room 4" }, { version: 2, updatedAt: "2026-11-20T11:00:00.000Z" }), remote: remote(moved, { token: "v2" }), pair: { ...synced, base: null } },
      { action: { type: "push-update", conflicting: { fields: ["title", "location", "start", "end"], winner: "local", reason: "latest-local" } }, conflict: true },
    ],
    ["deleted locally → delete remotely", { local: local(base, { version: 2, deleted: true }), remote: null, pair: synced }, { action: { type: "push-delete" }, conflict: false }],
    ["deleted remotely → delete locally", { local: local(base), remote: remote(null, { token: "v2" }), pair: synced }, { action: { type: "pull-delete" }, conflict: false }],
    ["absent from a full listing → delete locally", { local: local(base), remote: "absent", pair: synced }, { action: { type: "pull-delete" }, conflict: false }],
    ["deleted on both sides → forget the pair", { local: local(base, { deleted: true }), remote: remote(null), pair: synced }, { action: { type: "forget" }, conflict: false }],
    [
      "deleted locally, changed remotely → the change wins, restored here",
      { local: local(base, { version: 2, deleted: true }), remote: remote(remoteEdit, { token: "v2" }), pair: synced },
      { action: { type: "pull-restore" }, conflict: true },
    ],
    [
      "deleted locally, changed remotely, Atollon wins → deleted remotely",
      { local: local(base, { version: 2, deleted: true }), remote: remote(remoteEdit, { token: "v2" }), pair: synced, policy: "local" },
      { action: { type: "push-delete" }, conflict: true },
    ],
    [
      "deleted remotely, changed locally → the change wins, created again remotely",
      { local: local(edited, { version: 2 }), remote: remote(null, { token: "v2" }), pair: synced },
      { action: { type: "push-create" }, conflict: true },
    ],
    [
      "deleted remotely, changed locally, remote wins → deleted here",
      { local: local(edited, { version: 2 }), remote: remote(null, { token: "v2" }), pair: synced, policy: "remote" },
      { action: { type: "pull-delete" }, conflict: true },
    ],
    [
      "tagged copy of an unpaired local event with equal content → adopted",
      { local: local(base), remote: remote(base, { tag: "l1" }), pair: null },
      { action: { type: "record" }, conflict: false },
    ],
    [
      "tagged copy of an event deleted here since → deleted remotely",
      { local: local(base, { deleted: true }), remote: remote(base, { tag: "l1" }), pair: null },
      { action: { type: "push-delete" }, conflict: false },
    ],
    [
      "our own update whose answer was lost, since deleted here → deleted remotely, not restored",
      { local: local(edited, { version: 3, deleted: true }), remote: remote(edited, { token: "v2" }), pair: { ...synced, sentHash: contentHash(edited) } },
      { action: { type: "push-delete" }, conflict: false },
    ],
    [
      "our own update whose answer was lost → only bookkeeping",
      { local: local(edited, { version: 2 }), remote: remote(edited, { token: "v2" }), pair: { ...synced, sentHash: contentHash(edited) } },
      { action: { type: "record" }, conflict: false },
    ],
  ])("%s", (_name, input, expected) => {
    expect(run(input)).toEqual(expected);
  });

  it("ignores the order of attendees, reminders and excluded dates", () => {
    const a = content({
      reminders: [10, 30],
      exdates: ["2026-12-08T09:00:00.000Z", "2026-12-15T09:00:00.000Z"],
      attendees: [
        { email: "a@example.com", name: null, response: "accepted", optional: false },
        { email: "b@example.com", name: "B", response: "declined", optional: true },
      ],
    });
    const b = { ...a, reminders: [30, 10], exdates: [...a.exdates].reverse(), attendees: [...a.attendees].reverse() };
    expect(contentHash(b)).toBe(contentHash(a));
    expect(contentHash({ ...a, reminders: [10] })).not.toBe(contentHash(a));
  });
});
