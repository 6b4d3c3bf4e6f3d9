import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EventContent } from "@/lib/calendar/event-content";
import { createEvent, getEvent, listRange, updateEvent } from "@/lib/calendar/events";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import type { ConflictPolicy } from "@/lib/db/generated/client";
import { grantAtollonAccount, setConflictPolicy } from "@/lib/sync-accounts/accounts";
import { createEwsAccount } from "@/lib/sync-accounts/ews";
import { chooseSettlement, countOpenConflicts, listConflicts, undoSettlement } from "@/lib/sync/conflicts/manage";
import { syncAccount } from "@/lib/sync/run-account";
import { startFakeEws, type FakeEws } from "../../fakes/ews/server";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { FAKE_MICROSOFT_CLIENT } from "../../fakes/graph/identity";
import { startFakeGraph, type FakeGraph } from "../../fakes/graph/server";
import { eventContent } from "../../helpers/event-content";
import { createTestUser } from "../../helpers/users";

// Conflicts a person sees and settles, run whole against each provider's fake: the real engine,
// store and provider; the person's choices go through lib/sync/conflicts/manage like the page's.

let google: FakeGoogle;
let graph: FakeGraph;
const exchanges: FakeEws[] = [];

beforeAll(async () => {
  await getDb();
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [] });
  graph = await startFakeGraph();
  const microsoft = { MICROSOFT_CLIENT_ID: FAKE_MICROSOFT_CLIENT.clientId, MICROSOFT_CLIENT_SECRET: FAKE_MICROSOFT_CLIENT.clientSecret };
  for (const [name, value] of Object.entries({ ...google.env(), ...graph.env(), ...microsoft, EWS_ALLOW_HTTP: "1", EWS_ALLOWED_HOSTS: "127.0.0.1" })) vi.stubEnv(name, value);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await Promise.all([google.close(), graph.close(), ...exchanges.map((exchange) => exchange.close())]);
});

interface RemoteItemView {
  id: string;
  title: string;
  location: string;
}

/** One remote calendar of one user, as a person using it sees it. */
interface Remote {
  accountId: string;
  items(): RemoteItemView[];
  edit(id: string, change: { title?: string; location?: string }): void;
}

type Provider = "Google" | "Office.com (Graph)" | "MS Exchange";

/** The mailbox of Graph's fake or of Exchange's: both keep appointments by id with a subject and a location. */
interface OutlookMailbox<Item extends { id: string; subject: string; location: string }> {
  items: Map<string, Item>;
  touch(item: Item): void;
}

function outlook<Item extends { id: string; subject: string; location: string }>(accountId: string, mailbox: OutlookMailbox<Item>): Remote {
  return {
    accountId,
    items: () => [...mailbox.items.values()].map((item) => ({ id: item.id, title: item.subject, location: item.location })),
    edit: (id, change) => {
      const item = mailbox.items.get(id);
      if (!item) throw new Error(`no item ${id}`);
      Object.assign(item, { ...(change.title ? { subject: change.title } : {}), ...(change.location ? { location: change.location } : {}) });
      mailbox.touch(item);
    },
  };
}

async function connect(provider: Provider, userId: string): Promise<Remote> {
  const db = await getDb();
  const login = `${userId.slice(0, 8)}`;
  if (provider === "Google") {
    const email = `${login}@gmail.com`;
    const account = await db.syncAccount.create({ data: { ownerId: userId, provider: "GOOGLE", login: email, secret: encryptSecret(google.oauth.grant(email).refreshToken) } });
    return {
      accountId: account.id,
      items: () => google.calendar.events(email).filter((event) => event.status !== "cancelled").map((event) => ({ id: event.id, title: String(event.summary ?? ""), location: String(event.location ?? "") })),
      edit: (id, change) => google.calendar.userPatch(email, id, { ...(change.title ? { summary: change.title } : {}), ...(change.location ? { location: change.location } : {}) }),
    };
  }
  if (provider === "Office.com (Graph)") {
    const mailbox = `${login}@contoso.test`;
    const account = await db.syncAccount.create({ data: { ownerId: userId, provider: "OFFICE365_GRAPH", login: mailbox, secret: encryptSecret(graph.identity.grantRefreshToken(mailbox)) } });
    return outlook(account.id, graph.graph.mailboxOf(mailbox));
  }
  // One Exchange server per user: its fake keeps one mailbox.
  const exchange = await startFakeEws();
  exchanges.push(exchange);
  const { created } = (await createEwsAccount(userId, "EXCHANGE", { login: "CONTOSO\\alice", serverUrl: exchange.ewsUrl, password: "secret" })) as { created: string };
  return outlook(created, exchange.mailbox);
}

const december = [new Date("2026-12-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z")] as const;
const review = (overrides: Partial<EventContent> = {}): EventContent =>
  eventContent({ title: "Review", start: "2026-12-10T09:00:00.000Z", end: "2026-12-10T10:00:00.000Z", timeZone: "UTC", ...overrides });
const IDLE = /: 0 created, 0 updated, 0 deleted; to .*: 0 created, 0 updated, 0 deleted \(/;
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
const HERE = "Review (Atollon)";
const THERE = "Review (theirs)";

/** One event in Atollon synced to the provider once, under this policy. */
async function synced(provider: Provider, policy: ConflictPolicy) {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  const remote = await connect(provider, user.id);
  const event = await createEvent(user.id, review());
  await syncAccount(user.id, remote.accountId, { trigger: "manual" });
  await setConflictPolicy(user.id, remote.accountId, policy);
  const [item] = remote.items();
  if (!item) throw new Error("the first run did not export the event");
  const run = async () => (await syncAccount(user.id, remote.accountId, { trigger: "manual" })).summary;
  const here = async () => (await listRange(user.id, ...december)).map((occurrence) => ({ title: occurrence.title, location: occurrence.location }));
  const there = () => remote.items().map(({ title, location }) => ({ title, location }));
  const sorted = <T extends { title: string }>(list: T[]) => [...list].sort((a, b) => a.title.localeCompare(b.title));
  return { user, remote, event, item, run, here, there, sorted };
}

/** The same field changed on both sides: their edit last. */
async function clash(side: Awaited<ReturnType<typeof synced>>) {
  await updateEvent(side.user.id, side.event.id, review({ title: HERE }));
  await tick();
  side.remote.edit(side.item.id, { title: THERE });
}

/** A clash under "Ask me" that one run met: the conflict waits for the person. */
async function openConflict(provider: Provider) {
  const side = await synced(provider, "ASK");
  await clash(side);
  await side.run();
  const [conflict] = (await listConflicts(side.user.id)).open;
  if (!conflict) throw new Error("the run recorded no open conflict");
  return { side, conflict };
}

describe.each<Provider>(["Google", "Office.com (Graph)", "MS Exchange"])("conflicts with %s", (provider) => {
  it("keeps both changes when both sides changed different fields, and reports no conflict", async () => {
    const side = await synced(provider, "LATEST");
    await updateEvent(side.user.id, side.event.id, review({ location: "Room 4" }));
    await tick();
    side.remote.edit(side.item.id, { title: THERE });

    expect(await side.run()).toMatch(/From .*: 0 created, 1 updated, 0 deleted; to .*: 0 created, 1 updated, 0 deleted \(/);
    expect(await side.here()).toEqual([{ title: THERE, location: "Room 4" }]);
    expect(side.there()).toEqual([{ title: THERE, location: "Room 4" }]);
    expect(await listConflicts(side.user.id)).toEqual({ open: [], settled: [] });
    expect(await side.run()).toMatch(IDLE);
  });

  it("under “Ask me” changes neither side for as many runs as the conflict stays open, then keeps Atollon's and undoes it", async () => {
    const side = await synced(provider, "ASK");
    await clash(side);

    for (let run = 0; run < 3; run += 1) {
      expect(await side.run()).toMatch(run === 0 ? /1 conflict waiting for you/ : IDLE);
      expect(await side.here()).toEqual([{ title: HERE, location: "" }]);
      expect(side.there()).toEqual([{ title: THERE, location: "" }]);
    }
    const { open } = await listConflicts(side.user.id);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ eventId: side.event.id, status: "OPEN", fields: ["title"], winner: null, reason: "ask", atollon: { title: HERE }, theirs: { title: THERE } });
    expect(await countOpenConflicts(side.user.id)).toBe(1);

    // Settling writes nothing by itself; the next run carries it out and says so.
    await chooseSettlement(side.user.id, open[0]?.id as string, "local");
    expect(side.there()).toEqual([{ title: THERE, location: "" }]);
    expect(await countOpenConflicts(side.user.id)).toBe(0);
    expect(await side.run()).toMatch(/to .*: 0 created, 1 updated, 0 deleted; 1 conflict settled as you chose/);
    expect(await side.here()).toEqual([{ title: HERE, location: "" }]);
    expect(side.there()).toEqual([{ title: HERE, location: "" }]);
    expect(await side.run()).toMatch(IDLE);

    const { settled } = await listConflicts(side.user.id);
    expect(settled).toEqual([expect.objectContaining({ status: "SETTLED", choice: "local", canUndo: true })]);
    await undoSettlement(side.user.id, settled[0]?.id as string);
    expect(await side.run()).toMatch(/1 conflict settled as you chose/);
    expect(await side.here()).toEqual([{ title: THERE, location: "" }]);
    expect(side.there()).toEqual([{ title: THERE, location: "" }]);
    expect((await listConflicts(side.user.id)).settled).toEqual([expect.objectContaining({ status: "UNDONE", canUndo: false })]);
    expect(await side.run()).toMatch(IDLE);
  });

  it("keeps theirs when the person chooses it", async () => {
    const { side, conflict } = await openConflict(provider);
    await chooseSettlement(side.user.id, conflict.id, "remote");
    await side.run();
    expect(await side.here()).toEqual([{ title: THERE, location: "" }]);
    expect(side.there()).toEqual([{ title: THERE, location: "" }]);
    expect(await side.run()).toMatch(IDLE);
  });

  it("keeps both as two events on every side, with no echo", async () => {
    const { side, conflict } = await openConflict(provider);
    await chooseSettlement(side.user.id, conflict.id, "both");
    expect(await side.run()).toMatch(/to .*: 1 created, 1 updated, 0 deleted; 1 conflict settled as you chose/);
    const both = [
      { title: HERE, location: "" },
      { title: THERE, location: "" },
    ];
    expect(side.sorted(await side.here())).toEqual(both);
    expect(side.sorted(side.there())).toEqual(both);
    // The original keeps Atollon's version; the copy is an event of its own.
    expect((await getEvent(side.user.id, side.event.id))?.content.title).toBe(HERE);
    expect(await side.run()).toMatch(IDLE);
    expect(side.sorted(side.there())).toEqual(both);

    // Undo takes the copy away again, on every side.
    const [settled] = (await listConflicts(side.user.id)).settled;
    await undoSettlement(side.user.id, settled?.id as string);
    await side.run();
    expect(await side.here()).toEqual([{ title: HERE, location: "" }]);
    expect(side.there()).toEqual([{ title: HERE, location: "" }]);
    expect(await side.run()).toMatch(IDLE);
  });

  it("records a conflict the policy settled, with both versions, and its Undo puts the losing version back", async () => {
    const side = await synced(provider, "LATEST");
    await clash(side);
    expect(await side.run()).toMatch(/1 conflict settled/);
    expect(await side.here()).toEqual([{ title: THERE, location: "" }]);
    const { open, settled } = await listConflicts(side.user.id);
    expect(open).toEqual([]);
    expect(settled).toEqual([
      expect.objectContaining({ eventId: side.event.id, status: "SETTLED", winner: "remote", reason: "latest-remote", fields: ["title"], atollon: expect.objectContaining({ title: HERE }), theirs: expect.objectContaining({ title: THERE }), canUndo: true }),
    ]);

    await undoSettlement(side.user.id, settled[0]?.id as string);
    await side.run();
    expect(await side.here()).toEqual([{ title: HERE, location: "" }]);
    expect(side.there()).toEqual([{ title: HERE, location: "" }]);
    expect(await side.run()).toMatch(IDLE);
  });
});

describe("settling conflicts is the owner's alone", () => {
  it("refuses another user's settle and undo, and lists nothing of theirs", async () => {
    const { side, conflict } = await openConflict("Google");
    const stranger = await createTestUser();
    await expect(chooseSettlement(stranger.id, conflict.id, "local")).rejects.toMatchObject({ code: "not_found" });
    await expect(undoSettlement(stranger.id, conflict.id)).rejects.toMatchObject({ code: "not_found" });
    expect(await listConflicts(stranger.id)).toEqual({ open: [], settled: [] });
    expect(await countOpenConflicts(stranger.id)).toBe(0);
    expect((await listConflicts(side.user.id)).open).toHaveLength(1);
  });

  it("offers “Keep both” only for events of their own, and settles a conflict once", async () => {
    const { side, conflict } = await openConflict("Google");
    await chooseSettlement(side.user.id, conflict.id, "remote");
    await expect(chooseSettlement(side.user.id, conflict.id, "local")).rejects.toMatchObject({ code: "conflict" });
  });
});
