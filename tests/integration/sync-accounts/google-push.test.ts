import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/webhooks/google/route";
import { encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { grantAtollonAccount, removeAccount } from "@/lib/sync-accounts/accounts";
import { createGoogleAccount } from "@/lib/sync-accounts/google";
import { pushAddress, renewExpiringChannels } from "@/lib/sync-accounts/google-push";
import { FAKE_CLIENT } from "../../fakes/google/accounts";
import { startFakeGoogle, type FakeGoogle } from "../../fakes/google/server";
import { createTestUser } from "../../helpers/users";
import { startWebhookBridge } from "../../helpers/webhook-bridge";

// The fake Google posts its notifications to this server, which hands them to the webhook route
// exactly as Next.js would: Google → channel → route → the account's next sync.
let google: FakeGoogle;
let webhook: Awaited<ReturnType<typeof startWebhookBridge>>;
let appUrl: string;
const warnings: string[] = [];

beforeAll(async () => {
  await getDb();
  webhook = await startWebhookBridge("/api/webhooks/google", POST);
  appUrl = webhook.url;
  google = await startFakeGoogle({ ...FAKE_CLIENT, redirectUris: [], accounts: [], allowHttpPush: true });
  Object.assign(process.env, google.env(), { APP_URL: appUrl, GOOGLE_PUSH_ALLOW_HTTP: "1" });
  delete process.env.INNGEST_EVENT_KEY;
  delete process.env.INNGEST_DEV;
  vi.spyOn(console, "info").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(" ")));
});

afterAll(async () => {
  vi.restoreAllMocks();
  await google.close();
  await webhook.close();
});

afterEach(() => {
  process.env.GOOGLE_PUSH_ALLOW_HTTP = "1";
  process.env.APP_URL = appUrl;
});

const DAY_MS = 24 * 60 * 60 * 1000;
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/** A Google account created the way "Create" does it, from a flow whose token was received. */
async function createAccount() {
  const user = await createTestUser();
  await grantAtollonAccount(user.id, user.password);
  const email = `push-${user.id.slice(0, 8)}@gmail.com`;
  const { refreshToken } = google.oauth.grant(email);
  const db = await getDb();
  const flow = await db.oAuthFlow.create({
    data: {
      ownerId: user.id,
      provider: "GOOGLE",
      stateHash: randomBytes(32).toString("hex"),
      codeVerifier: encryptSecret("verifier"),
      login: email,
      expiresAt: new Date(Date.now() + 60_000),
      receivedSecret: encryptSecret(refreshToken),
      receivedLogin: email,
    },
  });
  const accountId = await createGoogleAccount(user.id, flow.id);
  await google.calendar.channels.settled();
  return { user, email, accountId, refreshToken };
}

const channelsOf = (email: string) => google.calendar.channels.list(email);

function notify(headers: Record<string, string>) {
  return POST(new Request(`${appUrl}/api/webhooks/google`, { method: "POST", headers: { "x-goog-resource-state": "exists", "x-goog-message-number": "7", ...headers } }));
}

async function postponeSync(accountId: string) {
  const db = await getDb();
  const later = new Date(Date.now() + DAY_MS);
  await db.syncAccount.update({ where: { id: accountId }, data: { nextSyncAt: later } });
  return later;
}

const nextSyncAt = async (accountId: string) => (await (await getDb()).syncAccount.findUniqueOrThrow({ where: { id: accountId } })).nextSyncAt;

describe("Google push channels", () => {
  it("registers a week-long channel when a Google account is created, keeping only the token's hash", async () => {
    const { email, accountId } = await createAccount();
    const db = await getDb();
    const row = await db.googleWatchChannel.findUniqueOrThrow({ where: { accountId } });
    const [channel, ...others] = channelsOf(email);
    expect(others).toHaveLength(0);
    expect(channel).toMatchObject({ id: row.id, resourceId: row.resourceId, live: true, address: `${appUrl}/api/webhooks/google` });
    expect(channel?.token).toMatch(/^[\w-]{43}$/);
    expect(row.tokenHash).toBe(sha256(channel?.token ?? ""));
    expect(JSON.stringify(await db.googleWatchChannel.findMany())).not.toContain(channel?.token);
    expect(Math.abs(row.expiresAt.getTime() - (Date.now() + 7 * DAY_MS))).toBeLessThan(60_000);
    expect(channel?.deliveries[0]?.state).toBe("sync");
  });

  it("refuses notifications that do not carry a live channel's token, and syncs at once on one that does", async () => {
    const { email, accountId } = await createAccount();
    const [channel] = channelsOf(email);
    const later = await postponeSync(accountId);

    const refused: Record<string, string>[] = [
      { "x-goog-channel-id": channel?.id ?? "", "x-goog-channel-token": "not-the-token" },
      { "x-goog-channel-id": channel?.id ?? "" },
      { "x-goog-channel-id": randomUUID(), "x-goog-channel-token": channel?.token ?? "" },
      { "x-goog-channel-id": "not-a-uuid", "x-goog-channel-token": channel?.token ?? "" },
    ];
    for (const headers of refused) {
      const answer = await notify(headers);
      expect(answer.status).toBe(404);
      expect(await answer.text()).toBe("");
    }
    expect(await nextSyncAt(accountId)).toEqual(later);

    google.calendar.userInsert(email, { summary: "Added in Google", start: { dateTime: "2026-12-08T10:00:00Z" }, end: { dateTime: "2026-12-08T11:00:00Z" } });
    await google.calendar.channels.settled();
    expect(channelsOf(email)[0]?.deliveries.at(-1)).toEqual({ state: "exists", status: 200 });
    expect((await nextSyncAt(accountId)).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("answers the sync message without bringing the sync forward", async () => {
    const { email, accountId } = await createAccount();
    const [channel] = channelsOf(email);
    const later = await postponeSync(accountId);
    const answer = await notify({ "x-goog-channel-id": channel?.id ?? "", "x-goog-channel-token": channel?.token ?? "", "x-goog-resource-state": "sync" });
    expect(answer.status).toBe(200);
    expect(await nextSyncAt(accountId)).toEqual(later);
  });

  it("refuses notifications on a channel that has expired", async () => {
    const { email, accountId } = await createAccount();
    const [channel] = channelsOf(email);
    const later = await postponeSync(accountId);
    const db = await getDb();
    await db.googleWatchChannel.update({ where: { accountId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await notify({ "x-goog-channel-id": channel?.id ?? "", "x-goog-channel-token": channel?.token ?? "" })).status).toBe(404);
    expect(await nextSyncAt(accountId)).toEqual(later);
  });

  it("renews a channel that ends within a day with a new one, and stops the old one at Google", async () => {
    const { email, accountId } = await createAccount();
    const db = await getDb();
    const before = await db.googleWatchChannel.findUniqueOrThrow({ where: { accountId } });

    await renewExpiringChannels(new Date());
    expect(channelsOf(email)).toHaveLength(1);
    expect((await db.googleWatchChannel.findUniqueOrThrow({ where: { accountId } })).id).toBe(before.id);

    expect(await renewExpiringChannels(new Date(Date.now() + 6.5 * DAY_MS))).toBeGreaterThanOrEqual(1);
    await google.calendar.channels.settled();
    const after = await db.googleWatchChannel.findUniqueOrThrow({ where: { accountId } });
    expect(after.id).not.toBe(before.id);
    const [old, renewed] = channelsOf(email);
    expect(old).toMatchObject({ id: before.id, live: false });
    expect(old?.stoppedAt).not.toBeNull();
    expect(renewed).toMatchObject({ id: after.id, live: true, stoppedAt: null });
    expect(after.tokenHash).toBe(sha256(renewed?.token ?? ""));
    expect((await notify({ "x-goog-channel-id": before.id, "x-goog-channel-token": old?.token ?? "" })).status).toBe(404);
    expect((await notify({ "x-goog-channel-id": after.id, "x-goog-channel-token": renewed?.token ?? "" })).status).toBe(200);
  });

  it("stops the channel at Google before revoking the token when the account is removed", async () => {
    const { user, email, accountId } = await createAccount();
    const requestsBefore = google.log.length;
    expect(await removeAccount(user.id, accountId)).toEqual({ revoked: true });
    const [channel] = channelsOf(email);
    expect(channel?.stoppedAt).not.toBeNull();
    expect(channel?.live).toBe(false);
    const calls = google.log.slice(requestsBefore);
    expect(calls.indexOf("POST /calendar/v3/channels/stop")).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf("POST /calendar/v3/channels/stop")).toBeLessThan(calls.indexOf("POST /revoke"));
    expect(await (await getDb()).googleWatchChannel.count({ where: { accountId } })).toBe(0);
  });

  it("registers no channel when Google could not reach the app (plain http without the test flag)", async () => {
    process.env.GOOGLE_PUSH_ALLOW_HTTP = "0";
    const { email, accountId } = await createAccount();
    expect(channelsOf(email)).toHaveLength(0);
    expect(await (await getDb()).googleWatchChannel.count({ where: { accountId } })).toBe(0);

    const addressFor = (url: string) => {
      process.env.APP_URL = url;
      return pushAddress();
    };
    expect(addressFor("https://calendar.example.com")).toBe("https://calendar.example.com/api/webhooks/google");
    expect(addressFor("https://calendar.example.com/")).toBe("https://calendar.example.com/api/webhooks/google");
    for (const local of ["http://calendar.example.com", "https://localhost:3000", "https://10.1.2.3", "https://192.168.1.20", "https://[::1]:3000", "https://intranet"]) {
      expect(addressFor(local)).toBeNull();
    }
  });

  it("creates the account even when Google refuses the watch, and logs why without secrets", async () => {
    google.calendar.injectFaults({ status: 500, reason: "backendError" });
    warnings.length = 0;
    const { email, accountId, refreshToken } = await createAccount();
    expect(await (await getDb()).syncAccount.findUnique({ where: { id: accountId } })).toMatchObject({ provider: "GOOGLE", login: email, state: "ACTIVE" });
    expect(channelsOf(email)).toHaveLength(0);
    expect(warnings.join("\n")).toContain(`account ${accountId}: watch channel not registered — Google events.watch failed: status 500 (backendError)`);
    expect(warnings.join("\n")).not.toContain(refreshToken);
    expect(warnings.join("\n")).not.toMatch(/ya29\.|Bearer/);
  });
});
