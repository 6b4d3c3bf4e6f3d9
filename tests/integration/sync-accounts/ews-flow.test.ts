import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEvent, listRange, updateEvent } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { grantAtollonAccount } from "@/lib/sync-accounts/accounts";
import { checkAccountConnection } from "@/lib/sync-accounts/check-connection";
import { createEwsAccount, updateEwsPassword } from "@/lib/sync-accounts/ews";
import { syncAccount } from "@/lib/sync/run-account";
import { startFakeEws, type FakeEws } from "../../fakes/ews/server";
import { eventContent } from "../../helpers/event-content";
import { createTestUser } from "../../helpers/users";

const users: Record<string, string> = { "CONTOSO\\alice": "secret", "alice@contoso.test": "secret" };
let exchange: FakeEws;
let notExchange: FakeEws;

beforeAll(async () => {
  // The file's database is created and migrated here, within the hook's time, not the first test's.
  await getDb();
  exchange = await startFakeEws({ users });
  notExchange = await startFakeEws({ htmlOnly: true });
  vi.stubEnv("EWS_ALLOW_HTTP", "1");
  vi.stubEnv("EWS_ALLOWED_HOSTS", "127.0.0.1");
  vi.stubEnv("EWS_AUTODISCOVER_URL", exchange.autodiscoverUrl);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await exchange.close();
  await notExchange.close();
});

async function withAtollon() {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  return user;
}

const refusal = (code: string, field?: string) => (error: unknown) =>
  error instanceof AppError && error.code === code && (field === undefined || Boolean(error.fieldErrors?.[field]));

const december = [new Date("2026-12-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z")] as const;

describe("adding Office.com and MS Exchange accounts", () => {
  it("tests the connection first, says what is wrong under the right field, and stores nothing until it works", async () => {
    const user = await withAtollon();
    const db = await getDb();
    const input = { login: "alice@contoso.test", serverUrl: exchange.ewsUrl, password: "secret" };

    await expect(createEwsAccount(user.id, "OFFICE365", { ...input, password: "wrong" })).rejects.toSatisfy(refusal("wrong_credentials", "password"));
    await expect(createEwsAccount(user.id, "OFFICE365", { ...input, serverUrl: notExchange.ewsUrl })).rejects.toSatisfy(refusal("invalid_input", "serverUrl"));
    vi.stubEnv("EWS_ALLOWED_HOSTS", "");
    await expect(createEwsAccount(user.id, "OFFICE365", input)).rejects.toThrow(/local or private network/);
    vi.stubEnv("EWS_ALLOWED_HOSTS", "127.0.0.1");
    expect(await db.syncAccount.count({ where: { ownerId: user.id, provider: "OFFICE365" } })).toBe(0);

    const { created } = (await createEwsAccount(user.id, "OFFICE365", input)) as { created: string };
    const account = await db.syncAccount.findUniqueOrThrow({ where: { id: created } });
    expect(account).toMatchObject({ provider: "OFFICE365", login: "alice@contoso.test", state: "ACTIVE", authScheme: "basic" });
    expect(account.serverVersion).toMatch(/^(Exchange|V20)/);
    expect(account.secret).not.toContain("secret");
    await expect(createEwsAccount(user.id, "OFFICE365", { ...input, login: "ALICE@contoso.test" })).rejects.toSatisfy(refusal("conflict", "login"));
  });

  it("needs the Atollon account first", async () => {
    const user = await createTestUser();
    await expect(createEwsAccount(user.id, "EXCHANGE", { login: "CONTOSO\\alice", serverUrl: exchange.ewsUrl, password: "secret" })).rejects.toThrow(/Atollon account first/);
  });

  it("proposes the server Autodiscover finds when MS Exchange's Server is left empty, then creates on confirmation", async () => {
    const user = await withAtollon();
    const proposal = await createEwsAccount(user.id, "EXCHANGE", { login: "alice@contoso.test", serverUrl: "", password: "secret" });
    expect(proposal).toEqual({ discovered: exchange.ewsUrl });
    const db = await getDb();
    expect(await db.syncAccount.count({ where: { ownerId: user.id, provider: "EXCHANGE" } })).toBe(0);
    expect(await createEwsAccount(user.id, "EXCHANGE", { login: "alice@contoso.test", serverUrl: exchange.ewsUrl, password: "secret" })).toHaveProperty("created");
  });

  it("says the password is wrong, under Password, when Autodiscover's server refuses it", async () => {
    const user = await withAtollon();
    await expect(createEwsAccount(user.id, "EXCHANGE", { login: "alice@contoso.test", serverUrl: "", password: "wrong" })).rejects.toSatisfy(refusal("wrong_credentials", "password"));
  });

  it("syncs both ways; a password changed at the server stops syncs until it is updated, and the account keeps its state", async () => {
    const user = await withAtollon();
    const { created: accountId } = (await createEwsAccount(user.id, "EXCHANGE", { login: "CONTOSO\\alice", serverUrl: exchange.ewsUrl, password: "secret" })) as { created: string };
    await createEvent(user.id, eventContent({ title: "Written in Atollon", start: "2026-12-14T09:00:00.000Z", end: "2026-12-14T10:00:00.000Z" }));
    exchange.mailbox.add({ subject: "Written in Outlook", start: "2026-12-15T09:00:00Z", end: "2026-12-15T10:00:00Z", startTimeZone: "W. Europe Standard Time" });

    const first = await syncAccount(user.id, accountId, { trigger: "manual" });
    expect(first.summary).toMatch(/^From Exchange: 1 created, 0 updated, 0 deleted; to Exchange: 1 created/);
    expect((await listRange(user.id, ...december)).map((item) => item.title).sort()).toEqual(["Written in Atollon", "Written in Outlook"]);
    expect([...exchange.mailbox.items.values()].map((item) => item.subject).sort()).toEqual(["Written in Atollon", "Written in Outlook"]);

    const db = await getDb();
    const cursor = (await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).remoteCursor;
    users["CONTOSO\\alice"] = "changed at the server";
    try {
      await expect(syncAccount(user.id, accountId, { trigger: "manual" })).rejects.toThrow(/Password rejected — update it/);
      expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "PASSWORD_REJECTED", runLeaseUntil: null });
      await expect(syncAccount(user.id, accountId, { trigger: "manual" })).rejects.toThrow(/Password rejected/);
      await expect(updateEwsPassword(user.id, accountId, "secret")).rejects.toSatisfy(refusal("wrong_credentials", "password"));

      const other = await withAtollon();
      await expect(updateEwsPassword(other.id, accountId, "changed at the server")).rejects.toSatisfy(refusal("not_found"));
      await expect(checkAccountConnection(other.id, accountId)).rejects.toSatisfy(refusal("not_found"));

      await updateEwsPassword(user.id, accountId, "changed at the server");
      expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "ACTIVE", stateMessage: null, remoteCursor: cursor });
      await checkAccountConnection(user.id, accountId);
      expect((await syncAccount(user.id, accountId, { trigger: "manual" })).summary).toMatch(/^From Exchange: 0 created, 0 updated, 0 deleted; to Exchange: 0 created, 0 updated, 0 deleted/);
    } finally {
      users["CONTOSO\\alice"] = "secret";
    }
  });

  it("a sync run refuses a server that now redirects to another host, and says so on the account", async () => {
    const user = await withAtollon();
    const moved = await startFakeEws({ users });
    try {
      const { created: accountId } = (await createEwsAccount(user.id, "EXCHANGE", { login: "CONTOSO\\alice", serverUrl: moved.ewsUrl, password: "secret" })) as { created: string };
      moved.redirectTo(exchange.ewsUrl);
      const before = exchange.requestLog.length;
      await expect(syncAccount(user.id, accountId, { trigger: "manual" })).rejects.toThrow(`Exchange redirected the request to ${exchange.ewsUrl}`);
      const db = await getDb();
      expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "ERROR", stateMessage: expect.stringContaining("redirects are not followed") });
      expect(exchange.requestLog.length).toBe(before);
    } finally {
      await moved.close();
    }
  });

  it.each([
    ["LOCAL", "Edited in Atollon"],
    ["REMOTE", "Edited in Outlook meanwhile"],
  ] as const)("an Outlook edit between the bind and the UpdateItem is a conflict the same run settles by the policy (%s)", async (policy, winner) => {
    const user = await withAtollon();
    const server = await startFakeEws({ users });
    try {
      const { created: accountId } = (await createEwsAccount(user.id, "EXCHANGE", { login: "CONTOSO\\alice", serverUrl: server.ewsUrl, password: "secret" })) as { created: string };
      const db = await getDb();
      await db.syncAccount.update({ where: { id: accountId }, data: { conflictPolicy: policy } });
      const event = await createEvent(user.id, eventContent({ title: "Planning", start: "2026-12-16T09:00:00.000Z", end: "2026-12-16T10:00:00.000Z" }));
      await syncAccount(user.id, accountId, { trigger: "manual" });
      const [item] = [...server.mailbox.items.values()];
      if (!item) throw new Error("not pushed");

      await updateEvent(user.id, event.id, eventContent({ title: "Edited in Atollon", start: "2026-12-16T09:00:00.000Z", end: "2026-12-16T10:00:00.000Z" }));
      server.beforeNext("UpdateItem", () => {
        item.subject = "Edited in Outlook meanwhile";
        server.mailbox.touch(item);
      });
      expect(await syncAccount(user.id, accountId, { trigger: "manual" })).toMatchObject({ outcome: "complete", summary: expect.stringContaining("1 conflict settled") });
      expect((await listRange(user.id, ...december)).map((entry) => entry.title)).toEqual([winner]);
      expect([...server.mailbox.items.values()].map((entry) => entry.subject)).toEqual([winner]);
      expect(await syncAccount(user.id, accountId, { trigger: "manual" })).toMatchObject({ outcome: "complete", summary: expect.stringMatching(/^From Exchange: 0 created, 0 updated, 0 deleted; to Exchange: 0 created, 0 updated, 0 deleted/) });
    } finally {
      await server.close();
    }
  });

  it("Check connection moves an account whose password the server now refuses to Password rejected", async () => {
    const user = await withAtollon();
    const { created: accountId } = (await createEwsAccount(user.id, "OFFICE365", { login: "alice@contoso.test", serverUrl: exchange.ewsUrl, password: "secret" })) as { created: string };
    users["alice@contoso.test"] = "rotated";
    try {
      await expect(checkAccountConnection(user.id, accountId)).rejects.toThrow(/Password rejected/);
      const db = await getDb();
      expect(await db.syncAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({ state: "PASSWORD_REJECTED" });
    } finally {
      users["alice@contoso.test"] = "secret";
    }
  });
});
