import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/webhooks/microsoft/route";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { grantAtollonAccount, removeAccount } from "@/lib/sync-accounts/accounts";
import { graphLifecycleSettled, graphPushAddress, renewExpiringSubscriptions, SUBSCRIPTION_MINUTES } from "@/lib/sync-accounts/graph-push";
import { completeMicrosoftAuthorization, createMicrosoftAccount, startMicrosoftAuthorization } from "@/lib/sync-accounts/microsoft";
import { chooseRemoteCalendar } from "@/lib/sync-accounts/remote-calendars";
import { FAKE_MICROSOFT_CLIENT } from "../../fakes/graph/identity";
import { startFakeGraph, type FakeGraph } from "../../fakes/graph/server";
import { createTestUser } from "../../helpers/users";
import { startWebhookBridge } from "../../helpers/webhook-bridge";

// The fake Graph posts its validation requests and notifications to this server, which hands them
// to the webhook route exactly as Next.js would: Outlook → subscription → route → the account's sync.
let fake: FakeGraph;
let webhook: Awaited<ReturnType<typeof startWebhookBridge>>;
let appUrl: string;
const warnings: string[] = [];

beforeAll(async () => {
  await getDb();
  webhook = await startWebhookBridge("/api/webhooks/microsoft", POST);
  appUrl = webhook.url;
  fake = await startFakeGraph({ allowHttpPush: true, identity: { redirectUris: [`${appUrl}/api/microsoft/callback`], accounts: [] } });
  Object.assign(process.env, fake.env(), {
    APP_URL: appUrl,
    GRAPH_PUSH_ALLOW_HTTP: "1",
    MICROSOFT_CLIENT_ID: FAKE_MICROSOFT_CLIENT.clientId,
    MICROSOFT_CLIENT_SECRET: FAKE_MICROSOFT_CLIENT.clientSecret,
    MICROSOFT_TENANT: "common",
  });
  delete process.env.INNGEST_EVENT_KEY;
  delete process.env.INNGEST_DEV;
  vi.spyOn(console, "info").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(" ")));
});

afterAll(async () => {
  vi.restoreAllMocks();
  await fake.close();
  await webhook.close();
});

afterEach(() => {
  process.env.GRAPH_PUSH_ALLOW_HTTP = "1";
  process.env.APP_URL = appUrl;
});

const DAY_MS = 24 * 60 * 60 * 1000;
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const settled = async () => {
  await fake.graph.subscriptions.settled();
  await graphLifecycleSettled();
  await fake.graph.subscriptions.settled();
};

/** An Office.com (Graph) account created the way "Create" does it, from a flow whose token was received. */
async function createAccount() {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  const email = `push-${user.id.slice(0, 8)}@contoso.test`;
  const refreshToken = fake.identity.grantRefreshToken(email);
  const db = await getDb();
  const flow = await db.oAuthFlow.create({
    data: {
      ownerId: user.id,
      provider: "OFFICE365_GRAPH",
      stateHash: randomBytes(32).toString("hex"),
      codeVerifier: encryptSecret("verifier"),
      login: email,
      expiresAt: new Date(Date.now() + 60_000),
      receivedSecret: encryptSecret(refreshToken),
      receivedLogin: email,
    },
  });
  const accountId = await createMicrosoftAccount(user.id, flow.id);
  await settled();
  return { user, email, accountId, refreshToken };
}

const subscriptionsOf = (email: string) => fake.graph.subscriptions.list(email);
const rowOf = async (accountId: string) => (await getDb()).graphSubscription.findUniqueOrThrow({ where: { accountId } });

function notify(body: unknown, query = "") {
  return POST(new Request(`${appUrl}/api/webhooks/microsoft${query}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) }));
}

function changeNotification(subscriptionId: string, clientState: string | null) {
  return {
    value: [
      {
        subscriptionId,
        subscriptionExpirationDateTime: new Date(Date.now() + DAY_MS).toISOString(),
        changeType: "updated",
        resource: "Users/0/Events/AAMk",
        resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": "Users/0/Events/AAMk", id: "AAMk" },
        ...(clientState !== null ? { clientState } : {}),
        tenantId: randomUUID(),
      },
    ],
  };
}

async function postponeSync(accountId: string) {
  const db = await getDb();
  const later = new Date(Date.now() + DAY_MS);
  await db.syncAccount.update({ where: { id: accountId }, data: { nextSyncAt: later, nextSyncReason: null } });
  return later;
}

const syncOf = async (accountId: string) => (await getDb()).syncAccount.findUniqueOrThrow({ where: { id: accountId }, select: { nextSyncAt: true, nextSyncReason: true } });

async function expectSyncBroughtForward(accountId: string) {
  const sync = await syncOf(accountId);
  expect(sync.nextSyncAt.getTime()).toBeLessThanOrEqual(Date.now());
  expect(sync.nextSyncReason).toBe("push");
}

/** Makes the stored subscription end within a day, as it will after six days. */
async function nearItsEnd(accountId: string) {
  const db = await getDb();
  const soon = new Date(Date.now() + 12 * 60 * 60 * 1000);
  await db.graphSubscription.update({ where: { accountId }, data: { expiresAt: soon } });
  return soon;
}

describe("Microsoft Graph change notifications", () => {
  it("subscribes when an Office.com (Graph) account is created, keeping only the clientState's hash", async () => {
    const { email, accountId } = await createAccount();
    const row = await rowOf(accountId);
    const [subscription, ...others] = subscriptionsOf(email);
    expect(others).toHaveLength(0);
    expect(subscription).toMatchObject({
      id: row.id,
      state: "live",
      resource: "me/events",
      changeType: "created,updated,deleted",
      notificationUrl: `${appUrl}/api/webhooks/microsoft`,
      lifecycleNotificationUrl: `${appUrl}/api/webhooks/microsoft`,
    });
    expect(subscription?.clientState).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
    expect(row.clientStateHash).toBe(sha256(subscription?.clientState ?? ""));
    expect(JSON.stringify(await (await getDb()).graphSubscription.findMany())).not.toContain(subscription?.clientState);
    expect(Math.abs(row.expiresAt.getTime() - (Date.now() + SUBSCRIPTION_MINUTES * 60_000))).toBeLessThan(60_000);
    expect(row.expiresAt.getTime()).toBe(subscription?.expiration);
  });

  it("answers Graph's validation handshake with the decoded token, as text/plain, and does nothing else", async () => {
    const { email, accountId } = await createAccount();
    const [subscription] = subscriptionsOf(email);
    const later = await postponeSync(accountId);
    const token = "Validation: Testing client application reachability for subscription Request-Id: 3b3f4b5c";
    const answer = await notify(changeNotification(subscription?.id ?? "", subscription?.clientState ?? ""), `?validationToken=${encodeURIComponent(token)}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await answer.text()).toBe(token);
    expect((await syncOf(accountId)).nextSyncAt).toEqual(later);
    expect((await notify("", "?validationToken=")).status).toBe(400);
  });

  it("ignores notifications without a live subscription's clientState, and syncs at once after a change in Outlook", async () => {
    const { email, accountId } = await createAccount();
    const [subscription] = subscriptionsOf(email);
    const later = await postponeSync(accountId);

    for (const body of [
      changeNotification(subscription?.id ?? "", "not-the-client-state"),
      changeNotification(subscription?.id ?? "", null),
      changeNotification(randomUUID(), subscription?.clientState ?? ""),
      { value: [{ clientState: subscription?.clientState }] },
      { value: [] },
    ]) {
      const answer = await notify(body);
      expect(answer.status).toBe(202);
      expect(await answer.text()).toBe("");
    }
    for (const malformed of ["not json", { notifications: [] }, { value: "x" }]) expect((await notify(malformed)).status).toBe(400);
    expect(await syncOf(accountId)).toEqual({ nextSyncAt: later, nextSyncReason: null });

    fake.graph.userAdd(email, { subject: "Added in Outlook", start: "2026-12-08T10:00:00.000Z", end: "2026-12-08T11:00:00.000Z" });
    await settled();
    expect(subscriptionsOf(email)[0]?.deliveries.at(-1)).toEqual({ kind: "change", events: ["created"], status: 202 });
    await expectSyncBroughtForward(accountId);
  });

  it("ignores notifications on a subscription that has ended", async () => {
    const { email, accountId } = await createAccount();
    const [subscription] = subscriptionsOf(email);
    const later = await postponeSync(accountId);
    await (await getDb()).graphSubscription.update({ where: { accountId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await notify(changeNotification(subscription?.id ?? "", subscription?.clientState ?? ""))).status).toBe(202);
    expect((await syncOf(accountId)).nextSyncAt).toEqual(later);
  });

  it("renews a subscription that ends within a day by PATCH, keeping its id", async () => {
    const { email, accountId } = await createAccount();
    const before = await rowOf(accountId);
    const requests = fake.log.length;
    await renewExpiringSubscriptions(new Date());
    expect(fake.log.slice(requests)).not.toContain(`PATCH /v1.0/subscriptions/${before.id}`);

    await nearItsEnd(accountId);
    expect(await renewExpiringSubscriptions(new Date())).toBeGreaterThanOrEqual(1);
    expect(fake.log.slice(requests)).toContain(`PATCH /v1.0/subscriptions/${before.id}`);
    const after = await rowOf(accountId);
    expect(after.id).toBe(before.id);
    expect(after.clientStateHash).toBe(before.clientStateHash);
    expect(Math.abs(after.expiresAt.getTime() - (Date.now() + SUBSCRIPTION_MINUTES * 60_000))).toBeLessThan(60_000);
    expect(subscriptionsOf(email)).toHaveLength(1);
    expect(subscriptionsOf(email)[0]?.expiration).toBe(after.expiresAt.getTime());
  });

  it("subscribes anew when Graph no longer knows the subscription it is asked to renew", async () => {
    const { email, accountId } = await createAccount();
    const before = await rowOf(accountId);
    fake.graph.subscriptions.expire(before.id);
    await nearItsEnd(accountId);
    await renewExpiringSubscriptions(new Date());
    await settled();
    const after = await rowOf(accountId);
    expect(after.id).not.toBe(before.id);
    const [old, renewed] = subscriptionsOf(email);
    expect(old).toMatchObject({ id: before.id, state: "expired" });
    expect(renewed).toMatchObject({ id: after.id, state: "live" });
    expect(after.clientStateHash).toBe(sha256(renewed?.clientState ?? ""));
    const later = await postponeSync(accountId);
    expect((await notify(changeNotification(before.id, old?.clientState ?? ""))).status).toBe(202);
    expect((await syncOf(accountId)).nextSyncAt).toEqual(later);
    expect((await notify(changeNotification(after.id, renewed?.clientState ?? ""))).status).toBe(202);
    await expectSyncBroughtForward(accountId);
  });

  it("handles lifecycle events: reauthorizationRequired renews, subscriptionRemoved subscribes anew and syncs, missed syncs", async () => {
    const { email, accountId } = await createAccount();
    const first = await rowOf(accountId);
    const soon = await nearItsEnd(accountId);

    const requests = fake.log.length;
    expect(fake.graph.subscriptions.lifecycle(first.id, "reauthorizationRequired")).toBe(true);
    await settled();
    expect(subscriptionsOf(email)[0]?.deliveries.at(-1)).toEqual({ kind: "lifecycle", events: ["reauthorizationRequired"], status: 202 });
    expect(fake.log.slice(requests)).toContain(`PATCH /v1.0/subscriptions/${first.id}`);
    expect((await rowOf(accountId)).expiresAt.getTime()).toBeGreaterThan(soon.getTime() + DAY_MS);

    await postponeSync(accountId);
    expect(fake.graph.subscriptions.lifecycle(first.id, "missed")).toBe(true);
    await settled();
    await expectSyncBroughtForward(accountId);

    await postponeSync(accountId);
    expect(fake.graph.subscriptions.lifecycle(first.id, "subscriptionRemoved")).toBe(true);
    await settled();
    await expectSyncBroughtForward(accountId);
    const second = await rowOf(accountId);
    expect(second.id).not.toBe(first.id);
    const [removed, created] = subscriptionsOf(email);
    expect(removed).toMatchObject({ id: first.id, state: "deleted" });
    expect(created).toMatchObject({ id: second.id, state: "live" });
    expect(second.clientStateHash).toBe(sha256(created?.clientState ?? ""));
  });

  it("subscribes anew after a re-authorization, and deletes the old subscription at Graph", async () => {
    const { user, email, accountId } = await createAccount();
    const before = await rowOf(accountId);
    fake.identity.accounts.push({ email });
    // The user at Microsoft's consent page, picking the account and accepting.
    const page = await (await fetch(await startMicrosoftAuthorization(user.id, email, accountId))).text();
    const requestId = /name="request" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1] ?? "";
    const consent = await fetch(new URL(action, fake.url), { method: "POST", body: new URLSearchParams({ request: requestId, account: email, decision: "accept" }), redirect: "manual" });
    const back = new URL(consent.headers.get("location") ?? "");
    const outcome = await completeMicrosoftAuthorization(user.id, { state: back.searchParams.get("state"), code: back.searchParams.get("code"), error: null });
    expect(outcome.reauthorizedAccountId).toBe(accountId);
    await settled();
    const after = await rowOf(accountId);
    expect(after.id).not.toBe(before.id);
    const [old, renewed] = subscriptionsOf(email);
    expect(old).toMatchObject({ id: before.id, state: "deleted" });
    expect(renewed).toMatchObject({ id: after.id, state: "live" });
    expect(after.clientStateHash).toBe(sha256(renewed?.clientState ?? ""));
  });

  it("deletes the subscription at Graph when the account is removed", async () => {
    const { user, email, accountId } = await createAccount();
    const { id } = await rowOf(accountId);
    const requests = fake.log.length;
    await removeAccount(user.id, accountId);
    expect(fake.log.slice(requests)).toContain(`DELETE /v1.0/subscriptions/${id}`);
    expect(subscriptionsOf(email)[0]).toMatchObject({ id, state: "deleted" });
    expect(await (await getDb()).graphSubscription.count({ where: { accountId } })).toBe(0);
    expect(await (await getDb()).syncAccount.count({ where: { id: accountId } })).toBe(0);
  });

  it("subscribes to nothing when Graph could not reach the app (plain http without the test flag)", async () => {
    process.env.GRAPH_PUSH_ALLOW_HTTP = "0";
    const { email, accountId } = await createAccount();
    expect(subscriptionsOf(email)).toHaveLength(0);
    expect(await (await getDb()).graphSubscription.count({ where: { accountId } })).toBe(0);

    const addressFor = (url: string) => {
      process.env.APP_URL = url;
      return graphPushAddress();
    };
    expect(addressFor("https://calendar.example.com")).toBe("https://calendar.example.com/api/webhooks/microsoft");
    expect(addressFor("https://calendar.example.com/")).toBe("https://calendar.example.com/api/webhooks/microsoft");
    for (const local of ["http://calendar.example.com", "https://localhost:3000", "https://10.1.2.3", "https://192.168.1.20", "https://[::1]:3000", "https://intranet"]) {
      expect(addressFor(local)).toBeNull();
    }
  });

  it("creates the account even when Graph refuses the subscription, and logs why without secrets", async () => {
    fake.graph.faults.push({ path: "/subscriptions", status: 503, count: 1 });
    warnings.length = 0;
    const { email, accountId, refreshToken } = await createAccount();
    expect(await (await getDb()).syncAccount.findUnique({ where: { id: accountId } })).toMatchObject({ provider: "OFFICE365_GRAPH", login: email, state: "ACTIVE" });
    expect(subscriptionsOf(email)).toHaveLength(0);
    const logged = warnings.join("\n");
    expect(logged).toContain(`account ${accountId}: subscription not registered — Graph subscription create failed: status 503 (ServiceUnavailable)`);
    expect(logged).not.toContain(refreshToken);
    expect(logged).not.toMatch(/eyJ0eXAi|Bearer/);
  });

  it("moves the subscription to the calendar chosen: a change there brings the sync forward, one in the default calendar no longer does", async () => {
    const { user, email, accountId } = await createAccount();
    const outlook = fake.graph.mailboxOf(email);
    const team = outlook.addCalendar("Team");
    const [first] = subscriptionsOf(email);
    await chooseRemoteCalendar(user.id, accountId, team.id, "leave");
    await settled();
    expect(subscriptionsOf(email).filter((subscription) => subscription.state === "live").map((subscription) => subscription.resource)).toEqual([`me/calendars/${encodeURIComponent(team.id)}/events`]);
    expect(subscriptionsOf(email).find((subscription) => subscription.id === first?.id)?.state).toBe("deleted");

    await postponeSync(accountId);
    outlook.add({ subject: "In the default calendar", start: "2026-12-10T09:00:00.000Z", end: "2026-12-10T10:00:00.000Z" });
    await settled();
    expect((await syncOf(accountId)).nextSyncReason).toBeNull();
    outlook.add({ calendarId: team.id, subject: "In Team", start: "2026-12-10T09:00:00.000Z", end: "2026-12-10T10:00:00.000Z" });
    await settled();
    await expectSyncBroughtForward(accountId);
  });
});
