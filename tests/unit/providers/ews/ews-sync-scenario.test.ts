import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openEwsCalendar } from "@/lib/providers/ews/ews-calendar";
import { runSync } from "@/lib/sync/engine";
import { startFakeEws, type FakeEws } from "@/tests/fakes/ews/server";
import { MemoryCalendar, MemoryStore, content } from "@/tests/unit/sync/memory-sides";

const env = { EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" };
let fake: FakeEws;

beforeEach(async () => {
  fake = await startFakeEws();
});
afterEach(async () => {
  await fake.close();
});

const localTitles = (store: MemoryStore) => store.live().map((event) => event.content.title).sort();
const remoteTitles = (fake: FakeEws) => [...fake.mailbox.items.values()].map((item) => item.subject).sort();

/** A weekly series in Atollon, synced with the fake through the real provider. */
async function weeklyStandup() {
  const store = new MemoryStore("latest", new MemoryCalendar());
  const remote = await openEwsCalendar({ serverUrl: fake.ewsUrl, login: "alice@contoso.test", password: "secret", env });
  const side = { store, remote, deletions: "apply" as const };
  const weekly = content({ title: "Standup", rrule: "FREQ=WEEKLY;COUNT=5", start: "2026-12-07T09:00:00.000Z", end: "2026-12-07T09:30:00.000Z" });
  return { store, side, weekly, series: store.userCreate(weekly) };
}

describe("runSync with the EWS provider against the fake", () => {
  it("converges after changes on both sides, and an idle run costs one request", async () => {
    const store = new MemoryStore("latest", new MemoryCalendar());
    const remote = await openEwsCalendar({ serverUrl: fake.ewsUrl, login: "alice@contoso.test", password: "secret", env });
    const side = { store, remote };

    const keep = store.userCreate(content({ title: "Local keep" }));
    const doomed = store.userCreate(content({ title: "Local doomed" }));
    store.userCreate(content({ title: "Local all-day", allDay: true, start: "2026-12-24", end: "2026-12-25", timeZone: null }));
    const outlookEdit = fake.mailbox.add({ subject: "Outlook edit me", start: "2026-12-02T08:00:00Z", end: "2026-12-02T09:00:00Z", startTimeZone: "W. Europe Standard Time" });
    const outlookGone = fake.mailbox.add({ subject: "Outlook doomed", start: "2026-12-03T08:00:00Z", end: "2026-12-03T09:00:00Z" });

    expect(await runSync(side)).toMatchObject({ outcome: "complete", pushed: { created: 3 }, pulled: { created: 2 } });
    expect(localTitles(store)).toEqual(remoteTitles(fake));

    store.userEdit(keep, { title: "Local keep, renamed" });
    store.userDelete(doomed);
    outlookEdit.subject = "Outlook edited";
    fake.mailbox.touch(outlookEdit);
    fake.mailbox.remove(outlookGone.id);

    expect(await runSync({ ...side, deletions: "apply" })).toMatchObject({ outcome: "complete", pushed: { updated: 1, deleted: 1 }, pulled: { updated: 1, deleted: 1 } });
    expect(localTitles(store)).toEqual(["Local all-day", "Local keep, renamed", "Outlook edited"]);
    expect(remoteTitles(fake)).toEqual(localTitles(store));
    const getItemsBefore = fake.count("GetItem");

    // SyncFolderItems reports this app's own writes of the previous run too, at the ChangeKeys the
    // engine holds: they are handed over unread, so the run after is one request, like an idle one.
    expect(await runSync(side)).toMatchObject({ outcome: "complete", requests: 1, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
    expect(fake.count("GetItem")).toBe(getItemsBefore);
    const idle = await runSync(side);
    expect(idle).toMatchObject({ outcome: "complete", requests: 1, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
  });

  it("hands a series at the ChangeKey it holds over unread, and its exceptions with it", async () => {
    const { store, side, weekly, series } = await weeklyStandup();
    await runSync(side);
    store.userEdit(series, { title: "Standup (new room)" });
    store.userCreate(content({ ...weekly, rrule: null, title: "Standup, moved", originalStart: "2026-12-14T09:00:00.000Z", start: "2026-12-14T11:00:00.000Z", end: "2026-12-14T11:30:00.000Z" }), series);
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pushed: { created: 1, updated: 1 } });

    // Our own writes come back in SyncFolderItems at the ChangeKey the engine holds: nothing is read,
    // and the exception inside the series is not taken for deleted.
    const getItems = fake.count("GetItem");
    expect(await runSync(side)).toMatchObject({ outcome: "complete", requests: 1, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
    expect(fake.count("GetItem")).toBe(getItems);
    expect(localTitles(store)).toEqual(["Standup (new room)", "Standup, moved"]);
    expect([...fake.mailbox.items.values()].flatMap((item) => [...item.exceptions.values()].map((exception) => exception.subject))).toEqual(["Standup, moved"]);
  });

  it("brings a series deleted in Outlook back with its changed and deleted occurrences when Atollon changed it meanwhile", async () => {
    const { store, side, weekly, series } = await weeklyStandup();
    store.userCreate(content({ ...weekly, rrule: null, title: "Standup, moved", originalStart: "2026-12-14T09:00:00.000Z", start: "2026-12-14T11:00:00.000Z", end: "2026-12-14T11:30:00.000Z" }), series);
    store.userCreate(content({ ...weekly, rrule: null, status: "cancelled", originalStart: "2026-12-21T09:00:00.000Z", start: "2026-12-21T09:00:00.000Z", end: "2026-12-21T09:30:00.000Z" }), series);
    await runSync(side);
    await runSync(side);
    const [master] = [...fake.mailbox.items.values()];
    expect(master?.exceptions.size).toBe(1);

    fake.mailbox.remove(master?.id as string);
    store.userEdit(series, { title: "Standup (new room)" });
    expect(await runSync(side)).toMatchObject({ outcome: "complete", failures: [], pulled: { deleted: 0 } });

    const [revived] = [...fake.mailbox.items.values()];
    expect(revived?.id).not.toBe(master?.id);
    expect(revived?.subject).toBe("Standup (new room)");
    expect([...(revived?.exceptions.values() ?? [])].map((exception) => [new Date(exception.originalStart).toISOString(), exception.subject])).toEqual([["2026-12-14T09:00:00.000Z", "Standup, moved"]]);
    expect([...(revived?.deleted ?? [])].map((start) => new Date(start).toISOString())).toEqual(["2026-12-21T09:00:00.000Z"]);
    expect(store.live().map((event) => event.content.title).sort()).toEqual(["Standup", "Standup (new room)", "Standup, moved"]);
    expect(await runSync(side)).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
  });

  it("reads an Outlook HTML body as text, and keeps it through a title edit made in Atollon; a body edited in Atollon replaces it", async () => {
    const store = new MemoryStore("latest", new MemoryCalendar());
    const remote = await openEwsCalendar({ serverUrl: fake.ewsUrl, login: "alice@contoso.test", password: "secret", env });
    const side = { store, remote };
    const html = "<html><body><p>Agenda: <b>budget</b> &amp; <i>hiring</i></p><p>Room 4</p></body></html>";
    const made = fake.mailbox.add({ subject: "Made in Outlook", body: html, bodyType: "HTML", start: "2026-12-02T08:00:00Z", end: "2026-12-02T09:00:00Z", startTimeZone: "W. Europe Standard Time", endTimeZone: "W. Europe Standard Time" });
    await runSync(side);
    const [event] = store.live();
    expect(event?.content.description).toBe("Agenda: budget & hiring\nRoom 4");

    store.userEdit(event?.id ?? "", { title: "Renamed in Atollon" });
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pushed: { updated: 1 } });
    expect([made.subject, made.bodyType, made.body]).toEqual(["Renamed in Atollon", "HTML", html]);
    expect(await runSync(side)).toMatchObject({ pulled: { created: 0, updated: 0 }, pushed: { created: 0, updated: 0 } });

    store.userEdit(event?.id ?? "", { description: "New agenda" });
    await runSync(side);
    expect([made.bodyType, made.body]).toEqual(["Text", "New agenda"]);
    expect(store.live().map((live) => live.content.description)).toEqual(["New agenda"]);
  });

  it("syncs the rest when one item cannot be read (a property it asks for is missing), reports that item on the run, and reads it at the next run", async () => {
    const store = new MemoryStore("latest", new MemoryCalendar());
    const remote = await openEwsCalendar({ serverUrl: fake.ewsUrl, login: "alice@contoso.test", password: "secret", env });
    const side = { store, remote };
    const fine = fake.mailbox.add({ subject: "Fine", start: "2026-12-02T08:00:00Z", end: "2026-12-02T09:00:00Z" });
    const damaged = fake.mailbox.add({ subject: "Damaged", start: "2026-12-03T08:00:00Z", end: "2026-12-03T09:00:00Z", missing: ["Start"] });
    fake.mailbox.add({ subject: "Also fine", start: "2026-12-04T08:00:00Z", end: "2026-12-04T09:00:00Z" });

    const first = await runSync(side);
    expect(first).toMatchObject({ outcome: "partial", pulled: { created: 2 } });
    expect(first.failures).toEqual([{ localId: null, remoteId: damaged.id, message: expect.stringContaining("could not be read") }]);
    expect(localTitles(store)).toEqual(["Also fine", "Fine"]);

    // Still unreadable: reported again, nothing else happens, nothing is taken for deleted.
    expect(await runSync(side)).toMatchObject({ outcome: "partial", pulled: { created: 0, updated: 0, deleted: 0 }, failures: [{ remoteId: damaged.id }] });
    delete damaged.missing;
    expect(await runSync(side)).toMatchObject({ outcome: "complete", pulled: { created: 1 }, failures: [] });
    expect(localTitles(store)).toEqual(["Also fine", "Damaged", "Fine"]);

    // An event already synced that cannot be read during a full listing is not taken for deleted.
    fine.missing = ["Start"];
    fake.mailbox.touch(fine);
    fake.mailbox.expireSyncStates();
    expect(await runSync({ ...side, deletions: "apply" })).toMatchObject({ outcome: "partial", fullListing: true, pulled: { deleted: 0 }, failures: [{ remoteId: fine.id, localId: expect.any(String) }] });
    expect(localTitles(store)).toEqual(["Also fine", "Damaged", "Fine"]);
  });
});
