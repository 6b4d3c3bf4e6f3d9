import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { serverEnv } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { requestAccountSync } from "@/lib/jobs/request";
import { graphConfig } from "@/lib/providers/graph/config";
import { microsoftOAuthConfig } from "@/lib/providers/graph/oauth-config";
import { createSubscription, deleteSubscription as deleteAtGraph, GraphSubscriptionError, renewSubscription, type SubscriptionTarget } from "@/lib/providers/graph/subscriptions";
import { getMicrosoftAccessToken } from "@/lib/sync-accounts/microsoft";
import { webhookAddress } from "@/lib/sync-accounts/webhook-address";
import { graphClientState, isGraphClientState } from "@/lib/sync-accounts/webhook-guard";
import { AuthorizationError, RemoteUnavailableError } from "@/lib/sync/provider";

/**
 * Microsoft Graph change notifications for Office.com accounts signed in with Microsoft: each
 * account keeps one subscription on its events, so a change made in Outlook triggers a sync within
 * seconds instead of at the next scheduled run. Everything here is best effort — the schedule still
 * syncs every account (polling stays the fallback), so a missing subscription only costs latency
 * and never fails the caller.
 */

/**
 * Graph allows Outlook event subscriptions at most 10,080 minutes; asking for a little less keeps a
 * request valid even when this server's clock runs ahead of Graph's.
 */
export const SUBSCRIPTION_MINUTES = 10_000;
/** A subscription this close to its end is renewed, leaving the scheduler a day of ticks to do it. */
const RENEW_WITHIN_MS = 24 * 60 * 60 * 1000;
const RENEWAL_PAGE_SIZE = 100;

const hashSecret = (secret: string) => createHash("sha256").update(secret).digest();

/** Where Graph should post notifications (change and lifecycle alike), or null when Graph could not reach this server. */
export function graphPushAddress(): string | null {
  return webhookAddress("/api/webhooks/microsoft", serverEnv().GRAPH_PUSH_ALLOW_HTTP === "1");
}

/** For logs: which step failed and Graph's status, never a token or clientState. */
function describeFailure(error: unknown): string {
  if (error instanceof GraphSubscriptionError || error instanceof AppError || error instanceof AuthorizationError || error instanceof RemoteUnavailableError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : "unknown failure";
}

async function deleteQuietly(accountId: string, target: SubscriptionTarget, id: string): Promise<void> {
  try {
    await deleteAtGraph({ ...target, id });
  } catch (error) {
    console.warn(`[graph-push] account ${accountId}: subscription ${id} not deleted — ${describeFailure(error)}`);
  }
}

/**
 * What to do with the account's subscription: "due" renews it when it ends within a day (creates
 * one when there is none); "renew" renews it now (Graph asked for reauthorization); "recreate"
 * creates a new one because Graph removed the old; "replace" creates a new one and deletes the old
 * (after a re-authorization the old one may have died with the old grant).
 */
type Mode = "due" | "renew" | "recreate" | "replace";

async function refresh(accountId: string, mode: Mode, now: Date): Promise<void> {
  const address = graphPushAddress();
  if (!address || !microsoftOAuthConfig()) return;
  const db = await getDb();
  const account = await db.syncAccount.findUnique({ where: { id: accountId }, select: { ownerId: true, provider: true, graphSubscription: true, remoteCalendarId: true } });
  if (account?.provider !== "OFFICE365_GRAPH") return;
  const old = account.graphSubscription;
  if (old && mode === "due" && old.expiresAt.getTime() > now.getTime() + RENEW_WITHIN_MS) return;

  const target: SubscriptionTarget = { graphUrl: graphConfig().graphUrl, accessToken: await getMicrosoftAccessToken(account.ownerId, accountId) };
  const expiresAt = new Date(now.getTime() + SUBSCRIPTION_MINUTES * 60_000);
  if (old && (mode === "due" || mode === "renew")) {
    try {
      const renewed = await renewSubscription({ ...target, id: old.id, expiresAt });
      await db.graphSubscription.updateMany({ where: { id: old.id, accountId }, data: { expiresAt: renewed.expiresAt } });
      return;
    } catch (error) {
      // Graph no longer has it (it expired, or was removed): a new one takes its place below.
      if (!(error instanceof GraphSubscriptionError && error.status === 404)) throw error;
    }
  }
  const oldAliveAtGraph = old !== null && mode === "replace";

  const clientState = graphClientState();
  const created = await createSubscription({ ...target, notificationUrl: address, lifecycleNotificationUrl: address, clientState, expiresAt, calendarId: account.remoteCalendarId });
  const row = { id: created.id, clientStateHash: hashSecret(clientState).toString("hex"), expiresAt: created.expiresAt, createdAt: new Date() };
  let stored: boolean;
  try {
    // Compare-and-swap on the subscription we read: a concurrent renewal (or a removal) wins, and
    // the subscription created here is surplus.
    stored = old
      ? (await db.graphSubscription.updateMany({ where: { id: old.id, accountId }, data: row })).count === 1
      : (await db.graphSubscription.createManyAndReturn({ data: [{ ...row, accountId }], skipDuplicates: true })).length === 1;
  } catch (error) {
    await deleteQuietly(accountId, target, created.id);
    throw error;
  }
  if (!stored) await deleteQuietly(accountId, target, created.id);
  else if (old && oldAliveAtGraph) await deleteQuietly(accountId, target, old.id);
}

async function refreshQuietly(accountId: string, mode: Mode, now: Date): Promise<void> {
  try {
    await refresh(accountId, mode, now);
  } catch (error) {
    const renewing = error instanceof GraphSubscriptionError ? error.step === "renew" : mode === "renew";
    console.warn(`[graph-push] account ${accountId}: subscription not ${renewing ? "renewed" : "registered"} — ${describeFailure(error)}`);
  }
}

/**
 * Subscribes (for 10,000 minutes) when the account has no subscription or its subscription ends
 * within 24 hours (renewing it by PATCH; a new one when Graph no longer has it). `replace` creates a
 * new one even when the old is live, and deletes the old: used after a re-authorization.
 */
export async function ensureSubscription(accountId: string, options: { now?: Date; replace?: boolean } = {}): Promise<void> {
  await refreshQuietly(accountId, options.replace ? "replace" : "due", options.now ?? new Date());
}

/**
 * For the schedulers: renews every subscription that ends within 24 hours, one page of the expiry
 * index at a time. Accounts waiting for a new Microsoft sign-in are left alone until it comes.
 * Returns how many subscriptions were due.
 */
export async function renewExpiringSubscriptions(now: Date = new Date()): Promise<number> {
  const db = await getDb();
  const horizon = new Date(now.getTime() + RENEW_WITHIN_MS);
  let due = 0;
  let after: string | undefined;
  for (;;) {
    const page = await db.graphSubscription.findMany({
      where: { expiresAt: { lt: horizon }, account: { state: { not: "AUTHORIZATION_NEEDED" } }, ...(after ? { accountId: { gt: after } } : {}) },
      orderBy: { accountId: "asc" },
      take: RENEWAL_PAGE_SIZE,
      select: { accountId: true },
    });
    for (const { accountId } of page) await refreshQuietly(accountId, "due", now);
    due += page.length;
    after = page.at(-1)?.accountId;
    if (page.length < RENEWAL_PAGE_SIZE) return due;
  }
}

/** Deletes the account's subscription at Graph and forgets it (before the account or its grant goes). */
export async function deleteSubscription(accountId: string): Promise<void> {
  try {
    const db = await getDb();
    const subscription = await db.graphSubscription.findUnique({ where: { accountId }, include: { account: { select: { ownerId: true } } } });
    if (!subscription) return;
    try {
      if (microsoftOAuthConfig()) {
        const accessToken = await getMicrosoftAccessToken(subscription.account.ownerId, accountId);
        await deleteQuietly(accountId, { graphUrl: graphConfig().graphUrl, accessToken }, subscription.id);
      }
    } finally {
      await db.graphSubscription.deleteMany({ where: { id: subscription.id } });
    }
  } catch (error) {
    console.warn(`[graph-push] account ${accountId}: subscription not deleted — ${describeFailure(error)}`);
  }
}

/**
 * For each notification, the account it is for when it names a live subscription of ours and
 * carries its clientState; otherwise null. One query for the whole delivery (Graph sends many at once).
 */
async function verifyGraphNotifications(notifications: { subscriptionId: string; clientState?: string }[]): Promise<(string | null)[]> {
  const ids = [...new Set(notifications.filter((notification) => notification.clientState).map((notification) => notification.subscriptionId))];
  const db = await getDb();
  const subscriptions = new Map(
    ids.length === 0
      ? []
      : (await db.graphSubscription.findMany({ where: { id: { in: ids }, expiresAt: { gt: new Date() } }, select: { id: true, accountId: true, clientStateHash: true } })).map((subscription) => [subscription.id, subscription]),
  );
  return notifications.map(({ subscriptionId, clientState }) => {
    const subscription = subscriptions.get(subscriptionId);
    if (!subscription || !clientState) return null;
    const expected = Buffer.from(subscription.clientStateHash, "hex");
    const actual = hashSecret(clientState);
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? subscription.accountId : null;
  });
}

/**
 * One notification of Graph's changeNotificationCollection: a change notification carries
 * changeType, a lifecycle notification lifecycleEvent (never both). Unknown fields are ignored.
 */
const notificationSchema = z.object({
  subscriptionId: z.string().min(1).max(200),
  clientState: z.string().max(255).optional(),
  changeType: z.string().max(100).optional(),
  lifecycleEvent: z.string().max(100).optional(),
});

export const graphNotificationsSchema = z.object({ value: z.array(z.unknown()).max(1000) });

export type GraphNotification = z.infer<typeof notificationSchema>;

/**
 * The entries of a delivery that carry a clientState this app signed: the rest cannot belong to any
 * subscription of ours and are dropped here, without a query.
 */
export function signedNotifications(entries: unknown[]): GraphNotification[] {
  return entries.flatMap((entry) => {
    const parsed = notificationSchema.safeParse(entry);
    return parsed.success && parsed.data.clientState && isGraphClientState(parsed.data.clientState) ? [parsed.data] : [];
  });
}

/** Lifecycle work (Graph calls that re-validate this webhook) runs after the answer; tracked so a shutdown or a test can wait for it. */
const lifecycleWork = new Set<Promise<void>>();

function afterAnswer(work: () => Promise<void>): void {
  const running = work().finally(() => lifecycleWork.delete(running));
  lifecycleWork.add(running);
}

/** Resolves when every lifecycle action started so far has finished. */
export async function graphLifecycleSettled(): Promise<void> {
  while (lifecycleWork.size > 0) await Promise.all([...lifecycleWork]);
}

/**
 * Handles one delivery's notifications: entries that do not name a live subscription of ours with
 * its clientState are ignored. A change, a `missed` event (Graph dropped some notifications) or a
 * `subscriptionRemoved` event brings the account's sync forward, once per account; Graph asking
 * for reauthorization renews the subscription, and a removed subscription is created anew — both
 * after the answer, since Graph wants it within seconds and creating one makes Graph call us back.
 * Returns how many entries were ours.
 */
export async function receiveGraphNotifications(notifications: GraphNotification[]): Promise<number> {
  const toSync = new Set<string>();
  let accepted = 0;
  const accounts = await verifyGraphNotifications(notifications);
  for (const [index, notification] of notifications.entries()) {
    const accountId = accounts[index];
    if (!accountId) continue;
    accepted += 1;
    if (notification.changeType !== undefined || notification.lifecycleEvent === "missed") toSync.add(accountId);
    if (notification.lifecycleEvent === "reauthorizationRequired") afterAnswer(() => refreshQuietly(accountId, "renew", new Date()));
    if (notification.lifecycleEvent === "subscriptionRemoved") {
      // Changes made since Graph removed it were never announced.
      toSync.add(accountId);
      afterAnswer(() => refreshQuietly(accountId, "recreate", new Date()));
    }
  }
  for (const accountId of toSync) await requestAccountSync(accountId);
  return accepted;
}
