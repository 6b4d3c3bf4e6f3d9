import { describe, expect, it } from "vitest";
import { runSync, type SyncReport } from "@/lib/sync/engine";
import { rulesContextFor } from "@/lib/sync/rules/account";
import { rulesKey } from "@/lib/sync/rules/lens";
import { DEFAULT_RULES, type SyncRules } from "@/lib/sync/rules/schema";
import { MemoryCalendar, MemoryRemote, MemoryStore, content } from "./memory-sides";

const DAY = 86_400_000;

/** One sync account with its rules, run the way run-account runs it (the key of the last complete run kept). */
class Account {
  readonly remote = new MemoryRemote();
  readonly store: MemoryStore;
  rules: SyncRules = DEFAULT_RULES;
  now = new Date("2026-12-01T08:00:00.000Z");
  private key: string | null = null;

  constructor(calendar = new MemoryCalendar()) {
    this.store = new MemoryStore("latest", calendar);
    this.remote.pageSize = 50;
  }

  async sync(): Promise<SyncReport> {
    const report = await runSync({ store: this.store, remote: this.remote, deletions: "apply", rules: rulesContextFor({ rules: this.rules, rulesKey: this.key, login: "me@example.com" }, null, this.now) });
    if (report.outcome === "complete") this.key = rulesKey(this.rules, this.now);
    return report;
  }

  remoteTitles(): string[] {
    return this.remote.live().map((item) => item.content?.title ?? "").sort();
  }
}

const on = (day: number, title: string, extra: Parameters<typeof content>[0] = {}) => {
  const start = new Date(Date.parse("2026-12-01T09:00:00.000Z") + day * DAY);
  return content({ title, description: `${title} notes`, location: "HQ", start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString(), ...extra });
};

const titles = (store: MemoryStore) => store.live().map((event) => event.content.title).sort();

describe("sync rules in the engine", () => {
  it("sends busy blocks to the remote calendar, restores an edited copy and makes a deleted one again, never touching the original", async () => {
    const account = new Account();
    account.rules = { ...DEFAULT_RULES, toRemote: "busy" };
    const id = account.store.userCreate(on(1, "Board meeting", { attendees: [{ email: "a@example.com", name: null, response: "accepted", optional: false }] }));
    expect(await account.sync()).toMatchObject({ outcome: "complete", pushed: { created: 1 } });
    const [copy] = account.remote.live();
    expect(copy?.content).toMatchObject({ title: "Busy", description: "", location: "", attendees: [], start: on(1, "").start });

    account.remote.userEdit(copy?.remoteId as string, { title: "Hijacked", location: "Nowhere" });
    expect(await account.sync()).toMatchObject({ outcome: "complete", restoredCopies: 1, conflicts: 0, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { updated: 1 } });
    expect(account.remoteTitles()).toEqual(["Busy"]);
    expect(account.store.events.get(id)?.content.title).toBe("Board meeting");
    expect(account.store.events.get(id)?.content.location).toBe("HQ");

    account.remote.userDelete(copy?.remoteId as string);
    expect(await account.sync()).toMatchObject({ outcome: "complete", restoredCopies: 1, pulled: { deleted: 0 }, pushed: { created: 1 } });
    expect(account.store.events.get(id)?.deletedAt).toBeNull();
    expect(account.remoteTitles()).toEqual(["Busy"]);

    // The original's edits keep updating its copy; its deletion removes it.
    account.store.userEdit(id, { start: on(2, "").start, end: on(2, "").end, title: "Board (moved)" });
    await account.sync();
    expect(account.remote.live()[0]?.content).toMatchObject({ title: "Busy", start: on(2, "").start });
    account.store.userDelete(id);
    expect(await account.sync()).toMatchObject({ pushed: { deleted: 1 } });
    expect(account.remote.live()).toEqual([]);
  });

  it("one way into Atollon: exports nothing, imports everything, and a copy edited in Atollon is restored from the remote", async () => {
    const account = new Account();
    account.rules = { ...DEFAULT_RULES, direction: "to-atollon" };
    const mine = account.store.userCreate(on(1, "Mine"));
    const theirs = account.remote.userCreate(on(2, "Theirs"));
    expect(await account.sync()).toMatchObject({ pulled: { created: 1 }, pushed: { created: 0 } });
    expect(account.remoteTitles()).toEqual(["Theirs"]);
    const copy = account.store.live().find((event) => event.content.title === "Theirs");
    account.store.userEdit(copy?.id as string, { title: "Changed here" });
    account.store.userEdit(mine, { title: "Mine, edited" });
    expect(await account.sync()).toMatchObject({ restoredCopies: 1, pulled: { updated: 1 }, pushed: { created: 0, updated: 0 } });
    expect(titles(account.store)).toEqual(["Mine, edited", "Theirs"]);
    expect(account.remote.items.get(theirs)?.content?.title).toBe("Theirs");
    account.store.userDelete(copy?.id as string);
    expect(await account.sync()).toMatchObject({ restoredCopies: 1, pushed: { deleted: 0 } });
    expect(titles(account.store)).toEqual(["Mine, edited", "Theirs"]);
  });

  it("one way to the remote: a remote item is never imported, a copy changed there is overwritten", async () => {
    const account = new Account();
    account.rules = { ...DEFAULT_RULES, direction: "to-remote" };
    account.store.userCreate(on(1, "Mine"));
    account.remote.userCreate(on(2, "Theirs"));
    await account.sync();
    expect(titles(account.store)).toEqual(["Mine"]);
    const copy = account.remote.live().find((item) => item.content?.title === "Mine");
    account.remote.userEdit(copy?.remoteId as string, { title: "Changed there" });
    expect(await account.sync()).toMatchObject({ restoredCopies: 1, pulled: { created: 0, updated: 0 } });
    expect(account.remoteTitles()).toEqual(["Mine", "Theirs"]);
  });

  it("a filter added later removes the copies it now leaves out, from the side they were copied to only", async () => {
    const account = new Account();
    const holiday = account.store.userCreate(on(1, "Public holiday", { allDay: true, start: "2026-12-02", end: "2026-12-03", timeZone: null }));
    account.store.userCreate(on(1, "Standup"));
    const privateRemote = account.remote.userCreate(on(3, "Doctor", { visibility: "private" }));
    await account.sync();
    expect(account.remoteTitles()).toEqual(["Doctor", "Public holiday", "Standup"]);

    account.rules = { ...DEFAULT_RULES, skipAllDay: true, skipPrivate: true };
    expect(await account.sync()).toMatchObject({ outcome: "complete", pushed: { deleted: 1 }, pulled: { deleted: 1 } });
    expect(account.remoteTitles()).toEqual(["Doctor", "Standup"]);
    expect(titles(account.store)).toEqual(["Public holiday", "Standup"]);
    expect(account.store.events.get(holiday)?.deletedAt).toBeNull();
    expect(account.remote.items.get(privateRemote)?.content?.title).toBe("Doctor");

    // An event that starts matching is copied.
    account.store.userEdit(holiday, { allDay: false, start: on(1, "").start, end: on(1, "").end, timeZone: "UTC" });
    account.remote.userEdit(privateRemote, { visibility: "default" });
    expect(await account.sync()).toMatchObject({ pushed: { created: 1 }, pulled: { created: 1 } });
    expect(account.remoteTitles()).toEqual(["Doctor", "Public holiday", "Standup"]);
    expect(titles(account.store)).toEqual(["Doctor", "Public holiday", "Standup"]);
  });

  it("a window: the first sync moves only what is inside it, and the window moving forward brings in and lets go without a full resync of writes", async () => {
    const account = new Account();
    account.rules = { ...DEFAULT_RULES, pastDays: 0, futureDays: 30 };
    account.store.userCreate(on(-10, "Last week's"));
    account.store.userCreate(on(5, "Soon"));
    account.store.userCreate(on(40, "Later"));
    account.remote.userCreate(on(45, "Their later"));
    account.remote.userCreate(on(3, "Their soon"));
    // A weekly series that began long before the window is inside it.
    account.remote.userCreate(on(-200, "Weekly", { rrule: "FREQ=WEEKLY", timeZone: "UTC" }));
    expect(await account.sync()).toMatchObject({ pushed: { created: 1 }, pulled: { created: 2 } });
    expect(account.remoteTitles()).toEqual(["Soon", "Their later", "Their soon", "Weekly"]);
    expect(titles(account.store)).toEqual(["Last week's", "Later", "Soon", "Their soon", "Weekly"]);
    expect(await account.sync()).toMatchObject({ pushed: { created: 0, updated: 0, deleted: 0 }, pulled: { created: 0, updated: 0, deleted: 0 } });

    // Twenty days on: "Later" and "Their later" enter the window, "Soon" and "Their soon" leave it.
    account.now = new Date(account.now.getTime() + 20 * DAY);
    expect(await account.sync()).toMatchObject({ outcome: "complete", pushed: { created: 1, deleted: 1 }, pulled: { created: 1, deleted: 1 } });
    expect(account.remoteTitles()).toEqual(["Later", "Their later", "Their soon", "Weekly"]);
    expect(titles(account.store)).toEqual(["Last week's", "Later", "Soon", "Their later", "Weekly"]);
    expect(await account.sync()).toMatchObject({ pushed: { created: 0, updated: 0, deleted: 0 }, pulled: { created: 0, updated: 0, deleted: 0 } });
  });

  it("learns which side an existing pair started on from the remote item's tag, so new rules never overwrite an original", async () => {
    const account = new Account();
    account.store.userCreate(on(1, "Mine", { description: "my notes" }));
    account.remote.userCreate(on(2, "Theirs", { description: "their notes" }));
    await account.sync();
    // Pairs recorded before origins were kept.
    for (const [id, pair] of account.store.pairs) account.store.pairs.set(id, { ...pair, origin: null });
    account.rules = { ...DEFAULT_RULES, toRemote: "busy", toAtollon: "title-times" };
    await account.sync();
    expect(account.remoteTitles()).toEqual(["Busy", "Theirs"]);
    expect(account.remote.live().find((item) => item.content?.title === "Theirs")?.content?.description).toBe("their notes");
    expect(account.store.live().map((event) => [event.content.title, event.content.description]).sort()).toEqual([
      ["Mine", "my notes"],
      ["Theirs", ""],
    ]);
    expect([...account.store.pairs.values()].map((pair) => pair.origin).sort()).toEqual(["local", "remote"]);
  });

  it("hub: an event from Google reaches Exchange through Atollon under Exchange's own rules, and a busy copy never comes back as an event", async () => {
    const calendar = new MemoryCalendar();
    const google = new Account(calendar);
    const exchange = new Account(calendar);
    google.rules = { ...DEFAULT_RULES, toAtollon: "title-times", toRemote: "busy" };
    exchange.rules = { ...DEFAULT_RULES, toRemote: "busy", busyText: "Blocked", skipAllDay: true };
    google.remote.userCreate(on(1, "Dinner", { description: "with friends" }));
    google.remote.userCreate(on(2, "Trip", { allDay: true, start: "2026-12-03", end: "2026-12-04", timeZone: null }));
    exchange.remote.userCreate(on(3, "Review", { description: "quarterly" }));
    for (let round = 0; round < 2; round += 1) {
      await google.sync();
      await exchange.sync();
    }
    expect(titles(google.store)).toEqual(["Dinner", "Review", "Trip"]);
    expect(google.store.live().find((event) => event.content.title === "Dinner")?.content.description).toBe("");
    expect(exchange.remoteTitles()).toEqual(["Blocked", "Review"]);
    expect(google.remoteTitles()).toEqual(["Busy", "Dinner", "Trip"]);
    // Nothing echoes: both accounts are idle.
    for (const account of [google, exchange]) {
      expect(await account.sync()).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
    }
  });
});
