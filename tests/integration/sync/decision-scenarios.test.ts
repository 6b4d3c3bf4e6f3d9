import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { createEvent, currentEventSeq, deleteEvent, getEvent, listRange, updateEvent } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { GoogleCalendar } from "@/lib/providers/google/calendar";
import type { ConflictPolicy } from "@/lib/db/generated/client";
import { setConflictPolicy } from "@/lib/sync-accounts/accounts";
import { syncAccount } from "@/lib/sync/run-account";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { eventContent } from "../../helpers/event-content";
import { lastRun, userWithGoogle } from "../../helpers/google-account";

// Every row of the decision table (lib/sync/decide.ts) as a whole run: the real engine, store and
// Google provider against the fake Google, one event synced once, then changed on either side.

let google: FakeGoogle;

beforeAll(async () => {
  await getDb();
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
  for (const [name, value] of Object.entries(google.env())) vi.stubEnv(name, value);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await google.close();
});

const december = [new Date("2026-12-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z")] as const;
const review = (title: string): EventContent =>
  eventContent({ title, start: "2026-12-10T09:00:00.000Z", end: "2026-12-10T10:00:00.000Z" });
const BYSTANDER = "Untouched";
/** Live Google items but the bystander. */
const liveRemote = (email: string) => google.calendar.events(email).filter((event) => event.status !== "cancelled" && event.summary !== BYSTANDER);
const IDLE = /^From Google: 0 created, 0 updated, 0 deleted; to Google: 0 created, 0 updated, 0 deleted \(1 request\)\.$/;
/** Both sides' timestamps come from the same clock; a pause makes "which edit came last" unambiguous. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

type Edit = "unchanged" | "edited" | "same edit" | "deleted";

interface Row {
  policy: ConflictPolicy;
  here: Edit;
  inGoogle: Edit;
  /** Which side is edited last (what "latest" compares). */
  last?: "here" | "in Google";
  /** The event's title on both sides after the run; null: gone from both. */
  outcome: string | null;
  pulled?: [created: number, updated: number, deleted: number];
  pushed?: [created: number, updated: number, deleted: number];
  conflicts?: number;
}

const HERE = "Review (Atollon)";
const GOOGLE = "Review (Google)";
const BOTH = "Review (both)";

const rows: [string, Row][] = [
  ["unchanged on both sides → nothing", { policy: "LATEST", here: "unchanged", inGoogle: "unchanged", outcome: "Review" }],
  ["changed here only → updated in Google", { policy: "LATEST", here: "edited", inGoogle: "unchanged", outcome: HERE, pushed: [0, 1, 0] }],
  ["changed in Google only → updated here", { policy: "LATEST", here: "unchanged", inGoogle: "edited", outcome: GOOGLE, pulled: [0, 1, 0] }],
  ["changed on both, latest, Google last → Google's", { policy: "LATEST", here: "edited", inGoogle: "edited", last: "in Google", outcome: GOOGLE, pulled: [0, 1, 0], conflicts: 1 }],
  ["changed on both, latest, Atollon last → Atollon's", { policy: "LATEST", here: "edited", inGoogle: "edited", last: "here", outcome: HERE, pushed: [0, 1, 0], conflicts: 1 }],
  ["changed on both, Atollon wins although Google was last", { policy: "LOCAL", here: "edited", inGoogle: "edited", last: "in Google", outcome: HERE, pushed: [0, 1, 0], conflicts: 1 }],
  ["changed on both, remote wins although Atollon was last", { policy: "REMOTE", here: "edited", inGoogle: "edited", last: "here", outcome: GOOGLE, pulled: [0, 1, 0], conflicts: 1 }],
  ["changed identically on both → recorded, no conflict, no write", { policy: "LATEST", here: "same edit", inGoogle: "same edit", outcome: BOTH }],
  ["deleted on both sides → forgotten", { policy: "LATEST", here: "deleted", inGoogle: "deleted", outcome: null }],
  ["deleted here, unchanged in Google → deleted in Google", { policy: "LATEST", here: "deleted", inGoogle: "unchanged", outcome: null, pushed: [0, 0, 1] }],
  ["deleted in Google, unchanged here → deleted here", { policy: "LATEST", here: "unchanged", inGoogle: "deleted", outcome: null, pulled: [0, 0, 1] }],
  ["deleted here, changed in Google, latest → restored here", { policy: "LATEST", here: "deleted", inGoogle: "edited", outcome: GOOGLE, pulled: [1, 0, 0], conflicts: 1 }],
  ["deleted here, changed in Google, Atollon wins → deleted in Google", { policy: "LOCAL", here: "deleted", inGoogle: "edited", outcome: null, pushed: [0, 0, 1], conflicts: 1 }],
  ["deleted here, changed in Google, remote wins → restored here", { policy: "REMOTE", here: "deleted", inGoogle: "edited", outcome: GOOGLE, pulled: [1, 0, 0], conflicts: 1 }],
  ["deleted in Google, changed here, latest → created again in Google", { policy: "LATEST", here: "edited", inGoogle: "deleted", outcome: HERE, pushed: [1, 0, 0], conflicts: 1 }],
  ["deleted in Google, changed here, Atollon wins → created again in Google", { policy: "LOCAL", here: "edited", inGoogle: "deleted", outcome: HERE, pushed: [1, 0, 0], conflicts: 1 }],
  ["deleted in Google, changed here, remote wins → deleted here", { policy: "REMOTE", here: "edited", inGoogle: "deleted", outcome: null, pulled: [0, 0, 1], conflicts: 1 }],
];

describe("the decision table, run against Google", () => {
  it.each(rows)("%s", async (_name, row) => {
    const { user, email, accountId } = await userWithGoogle(google);
    const event = await createEvent(user.id, review("Review"));
    // An event nobody touches: every row must leave it alone. (It also keeps the calendar from being
    // empty at the first listing: the fake refuses a sync token issued for an empty calendar.)
    google.calendar.userInsert(email, { summary: BYSTANDER, start: { dateTime: "2026-12-20T09:00:00.000Z", timeZone: "UTC" }, end: { dateTime: "2026-12-20T10:00:00.000Z", timeZone: "UTC" } });
    await syncAccount(user.id, accountId, { trigger: "manual" });
    await setConflictPolicy(user.id, accountId, row.policy);
    const [remote] = liveRemote(email);
    if (!remote) throw new Error("the first run did not export the event");

    const editHere = async () => {
      if (row.here === "deleted") await deleteEvent(user.id, event.id);
      else if (row.here !== "unchanged") await updateEvent(user.id, event.id, review(row.here === "same edit" ? BOTH : HERE));
    };
    const editInGoogle = () => {
      if (row.inGoogle === "deleted") google.calendar.userDelete(email, remote.id);
      else if (row.inGoogle !== "unchanged") google.calendar.userPatch(email, remote.id, { summary: row.inGoogle === "same edit" ? BOTH : GOOGLE });
    };
    if (row.last === "here") {
      editInGoogle();
      await tick();
      await editHere();
    } else {
      await editHere();
      await tick();
      editInGoogle();
    }

    const seqBefore = await currentEventSeq(user.id);
    const result = await syncAccount(user.id, accountId, { trigger: "manual" });
    const [pulledCreated, pulledUpdated, pulledDeleted] = row.pulled ?? [0, 0, 0];
    const [pushedCreated, pushedUpdated, pushedDeleted] = row.pushed ?? [0, 0, 0];
    const wroteToGoogle = pushedCreated + pushedUpdated + pushedDeleted > 0;
    expect(result.outcome).toBe("complete");
    expect(await lastRun(accountId)).toMatchObject({
      outcome: "COMPLETE",
      pulledCreated,
      pulledUpdated,
      pulledDeleted,
      pushedCreated,
      pushedUpdated,
      pushedDeleted,
      conflicts: row.conflicts ?? 0,
      // The listing, plus one batch when anything was written to Google.
      requests: wroteToGoogle ? 2 : 1,
      error: null,
    });
    if (pulledCreated + pulledUpdated + pulledDeleted === 0) expect(await currentEventSeq(user.id)).toBe(seqBefore);

    const here = (await listRange(user.id, ...december)).filter((item) => item.title !== BYSTANDER);
    expect(here.map((item) => item.title)).toEqual(row.outcome === null ? [] : [row.outcome]);
    expect(liveRemote(email).map((item) => item.summary)).toEqual(row.outcome === null ? [] : [row.outcome]);
    // A surviving event is the same event (restored, never imported as a second one).
    if (row.outcome !== null) expect(here[0]?.eventId).toBe(event.id);
    else expect((await getEvent(user.id, event.id))?.deletedAt).not.toBeNull();

    expect((await listRange(user.id, ...december)).filter((item) => item.title === BYSTANDER)).toHaveLength(1);
    expect(google.calendar.events(email).filter((item) => item.summary === BYSTANDER && item.status !== "cancelled")).toHaveLength(1);

    const seqSettled = await currentEventSeq(user.id);
    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(IDLE);
    expect(await lastRun(accountId)).toMatchObject({ outcome: "COMPLETE", conflicts: 0, requests: 1 });
    expect(await currentEventSeq(user.id)).toBe(seqSettled);
  });
});

/** One event in Atollon, synced to Google once (with a bystander there), under this policy. */
async function reviewSyncedUnder(policy: ConflictPolicy) {
  const { user, email, accountId } = await userWithGoogle(google);
  google.calendar.userInsert(email, { summary: BYSTANDER, start: { dateTime: "2026-12-20T09:00:00.000Z", timeZone: "UTC" }, end: { dateTime: "2026-12-20T10:00:00.000Z", timeZone: "UTC" } });
  const event = await createEvent(user.id, review("Review"));
  await syncAccount(user.id, accountId, { trigger: "manual" });
  await setConflictPolicy(user.id, accountId, policy);
  const [remote] = liveRemote(email);
  if (!remote) throw new Error("the first run did not export the event");
  return { user, email, accountId, event, remote };
}

/** A run during which a person saves the event in Google just before the run's `write` of it is sent. */
async function runWithEditBefore(write: "update" | "delete", email: string, remoteId: string, title: string, userId: string, accountId: string) {
  const send = GoogleCalendar.prototype[write] as GoogleCalendar["update"];
  // Typed as update for the spy: the call is handed on untouched, whichever of the two it is.
  const spy = vi.spyOn(GoogleCalendar.prototype, write as "update").mockImplementationOnce(function (this: GoogleCalendar, requests) {
    google.calendar.userPatch(email, remoteId, { summary: title });
    return send.call(this, requests);
  });
  try {
    expect(await syncAccount(userId, accountId, { trigger: "manual" })).toMatchObject({ outcome: "complete", summary: expect.stringContaining("1 conflict settled") });
  } finally {
    spy.mockRestore();
  }
}

describe("an edit in Google between the run's listing and its update (412)", () => {
  const MEANWHILE = "Review (Google, during the run)";

  it.each<[ConflictPolicy, string, { pulledUpdated: number; pushedUpdated: number; requests: number }]>([
    // listing, the refused update, reading the item again
    ["LATEST", MEANWHILE, { pulledUpdated: 1, pushedUpdated: 0, requests: 3 }],
    ["REMOTE", MEANWHILE, { pulledUpdated: 1, pushedUpdated: 0, requests: 3 }],
    // … and the update sent again with the new etag
    ["LOCAL", HERE, { pulledUpdated: 0, pushedUpdated: 1, requests: 4 }],
  ])("is settled in the same run as a conflict, by the policy %s", async (policy, outcome, counts) => {
    const { user, email, accountId, event, remote } = await reviewSyncedUnder(policy);
    await updateEvent(user.id, event.id, review(HERE));
    await tick();

    // A person saves the event in Google just before the run's update reaches it.
    await runWithEditBefore("update", email, remote.id, MEANWHILE, user.id, accountId);
    expect(await lastRun(accountId)).toMatchObject({ outcome: "COMPLETE", conflicts: 1, pulledCreated: 0, pulledDeleted: 0, pushedCreated: 0, pushedDeleted: 0, ...counts, error: null });
    expect((await listRange(user.id, ...december)).filter((item) => item.title !== BYSTANDER).map((item) => item.title)).toEqual([outcome]);
    expect(liveRemote(email).map((item) => item.summary)).toEqual([outcome]);

    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(IDLE);
  });
});

describe("an edit in Google between the run's listing and its deletion of the event (412)", () => {
  const MEANWHILE = "Review (Google, during the run)";

  it.each<[ConflictPolicy, string | null, { pulledCreated: number; pushedDeleted: number; requests: number }]>([
    // listing, the refused deletion, reading the item again: the change wins, the event comes back here
    ["LATEST", MEANWHILE, { pulledCreated: 1, pushedDeleted: 0, requests: 3 }],
    ["REMOTE", MEANWHILE, { pulledCreated: 1, pushedDeleted: 0, requests: 3 }],
    // … and the deletion sent again at the new etag
    ["LOCAL", null, { pulledCreated: 0, pushedDeleted: 1, requests: 4 }],
  ])("is settled in the same run as a conflict, by the policy %s", async (policy, outcome, counts) => {
    const { user, email, accountId, event, remote } = await reviewSyncedUnder(policy);
    await deleteEvent(user.id, event.id);

    // A person saves the event in Google just before the run's deletion reaches it.
    await runWithEditBefore("delete", email, remote.id, MEANWHILE, user.id, accountId);
    expect(await lastRun(accountId)).toMatchObject({ outcome: "COMPLETE", conflicts: 1, pulledUpdated: 0, pulledDeleted: 0, pushedCreated: 0, pushedUpdated: 0, ...counts, error: null });
    const here = (await listRange(user.id, ...december)).filter((item) => item.title !== BYSTANDER);
    expect(here.map((item) => item.title)).toEqual(outcome ? [outcome] : []);
    // Restored, not imported again: the same event.
    if (outcome) expect(await getEvent(user.id, event.id)).toMatchObject({ deletedAt: null, content: { title: outcome } });
    expect(liveRemote(email).map((item) => item.summary)).toEqual(outcome ? [outcome] : []);

    expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(IDLE);
  });
});
