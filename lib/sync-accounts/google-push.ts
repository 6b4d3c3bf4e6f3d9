import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { serverEnv } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { GoogleOAuthError, googleConfig } from "@/lib/providers/google/oauth";
import { GooglePushError, stopChannel, watchCalendarEvents, type OpenedChannel } from "@/lib/providers/google/push";
import { getGoogleAccessToken } from "@/lib/sync-accounts/google";
import { webhookAddress } from "@/lib/sync-accounts/webhook-address";
import { googleChannelToken } from "@/lib/sync-accounts/webhook-guard";

/**
 * Google push notifications for Google sync accounts: each account keeps one watch channel on its
 * calendar, so a change made in Google triggers a sync within seconds instead of at the next
 * scheduled run. Everything here is best effort — the schedule still syncs every account, so a
 * missing channel only costs latency and never fails the caller.
 */

/** Google's longest lifetime for a calendar events channel. */
const CHANNEL_TTL_SECONDS = 7 * 24 * 60 * 60;
/** A channel this close to its end is replaced, leaving the scheduler a day of ticks to do it. */
const RENEW_WITHIN_MS = 24 * 60 * 60 * 1000;
const RENEWAL_PAGE_SIZE = 100;

const hashToken = (token: string) => createHash("sha256").update(token).digest();

/** Where Google should post notifications, or null when Google could not reach this server (it insists on public https). */
export function pushAddress(): string | null {
  return webhookAddress("/api/webhooks/google", serverEnv().GOOGLE_PUSH_ALLOW_HTTP === "1");
}

/** For logs: which step failed and Google's status, never a token. */
function describeFailure(error: unknown): string {
  if (error instanceof GooglePushError || error instanceof AppError || error instanceof GoogleOAuthError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : "unknown failure";
}

async function stopQuietly(accountId: string, target: { apiUrl: string; accessToken: string }, channel: { id: string; resourceId: string }): Promise<void> {
  try {
    await stopChannel({ ...target, channelId: channel.id, resourceId: channel.resourceId });
  } catch (error) {
    console.warn(`[google-push] account ${accountId}: channel ${channel.id} not stopped — ${describeFailure(error)}`);
  }
}

async function openChannelIfDue(accountId: string, now: Date, replace: boolean): Promise<void> {
  const address = pushAddress();
  const config = googleConfig();
  if (!address || !config) return;
  const db = await getDb();
  const account = await db.syncAccount.findUnique({ where: { id: accountId }, select: { ownerId: true, provider: true, watchChannel: true, remoteCalendarId: true } });
  if (account?.provider !== "GOOGLE") return;
  const old = account.watchChannel;
  if (old && !replace && old.expiresAt.getTime() > now.getTime() + RENEW_WITHIN_MS) return;

  const target = { apiUrl: config.apiUrl, accessToken: await getGoogleAccessToken(account.ownerId, accountId) };
  const channelId = randomUUID();
  const token = googleChannelToken(channelId);
  const opened: OpenedChannel = await watchCalendarEvents({ ...target, channelId, token, address, ttlSeconds: CHANNEL_TTL_SECONDS, ...(account.remoteCalendarId ? { calendarId: account.remoteCalendarId } : {}) });
  const row = { id: opened.id, resourceId: opened.resourceId, tokenHash: hashToken(token).toString("hex"), expiresAt: opened.expiresAt, createdAt: new Date() };
  let stored: boolean;
  try {
    // Compare-and-swap on the channel we read: a concurrent renewal (or a removal) wins, and the
    // channel opened here is surplus.
    stored = old
      ? (await db.googleWatchChannel.updateMany({ where: { id: old.id, accountId }, data: row })).count === 1
      : (await db.googleWatchChannel.createManyAndReturn({ data: [{ ...row, accountId }], skipDuplicates: true })).length === 1;
  } catch (error) {
    await stopQuietly(accountId, target, opened);
    throw error;
  }
  // Google expects the old channel and the new one to overlap a little; the old one goes now.
  const surplus = stored ? old : opened;
  if (surplus) await stopQuietly(accountId, target, surplus);
}

/**
 * Registers a channel (7 days) when the account has none or its channel ends within 24 hours; the
 * new channel replaces the old, which is then stopped. `replace` renews a live channel too: after a
 * re-authorization the old one may have died with the old grant.
 */
export async function ensureWatchChannel(accountId: string, options: { now?: Date; replace?: boolean } = {}): Promise<void> {
  try {
    await openChannelIfDue(accountId, options.now ?? new Date(), options.replace ?? false);
  } catch (error) {
    console.warn(`[google-push] account ${accountId}: watch channel not registered — ${describeFailure(error)}`);
  }
}

/**
 * For the scheduler: renews every channel that ends within 24 hours, one page of the expiry index
 * at a time. Accounts waiting for a new Google token are left alone until it comes. Returns how
 * many channels were due.
 */
export async function renewExpiringChannels(now: Date = new Date()): Promise<number> {
  const db = await getDb();
  const horizon = new Date(now.getTime() + RENEW_WITHIN_MS);
  let due = 0;
  let after: string | undefined;
  for (;;) {
    const page = await db.googleWatchChannel.findMany({
      where: { expiresAt: { lt: horizon }, account: { state: { not: "AUTHORIZATION_NEEDED" } }, ...(after ? { accountId: { gt: after } } : {}) },
      orderBy: { accountId: "asc" },
      take: RENEWAL_PAGE_SIZE,
      select: { accountId: true },
    });
    for (const { accountId } of page) await ensureWatchChannel(accountId, { now });
    due += page.length;
    after = page.at(-1)?.accountId;
    if (page.length < RENEWAL_PAGE_SIZE) return due;
  }
}

/** Stops the account's channel at Google and forgets it (before the account or its grant goes). */
export async function stopWatchChannel(accountId: string): Promise<void> {
  try {
    const db = await getDb();
    const channel = await db.googleWatchChannel.findUnique({ where: { accountId }, include: { account: { select: { ownerId: true } } } });
    if (!channel) return;
    const config = googleConfig();
    try {
      if (config) await stopQuietly(accountId, { apiUrl: config.apiUrl, accessToken: await getGoogleAccessToken(channel.account.ownerId, accountId) }, channel);
    } finally {
      await db.googleWatchChannel.deleteMany({ where: { id: channel.id } });
    }
  } catch (error) {
    console.warn(`[google-push] account ${accountId}: channel not stopped — ${describeFailure(error)}`);
  }
}

const channelIdSchema = z.uuid();

/** The account a notification is for, when it names a live channel of ours and carries its token; otherwise null. */
export async function verifyNotification(channelId: string | null, token: string | null): Promise<string | null> {
  const id = channelIdSchema.safeParse(channelId);
  if (!token || !id.success) return null;
  const db = await getDb();
  const channel = await db.googleWatchChannel.findUnique({ where: { id: id.data }, select: { accountId: true, tokenHash: true, expiresAt: true } });
  if (!channel || channel.expiresAt.getTime() <= Date.now()) return null;
  const expected = Buffer.from(channel.tokenHash, "hex");
  const actual = hashToken(token);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? channel.accountId : null;
}
