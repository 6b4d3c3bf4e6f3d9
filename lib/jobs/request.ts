import { serverEnv } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { CALENDAR_CHANGED, inngest, inngestEnabled, SYNC_REQUESTED } from "@/lib/jobs/client";
import { serviceOf } from "@/lib/jobs/due-accounts";

/**
 * The calendar of this user changed: their accounts sync a few seconds after the last edit of a
 * burst. Never throws — an edit must not fail because a sync could not be asked for; the regular
 * schedule catches up.
 */
export async function requestSyncAfterEdit(ownerId: string): Promise<void> {
  try {
    if (inngestEnabled()) {
      await inngest.send({ name: CALENDAR_CHANGED, data: { ownerId } });
      return;
    }
    const db = await getDb();
    const soon = new Date(Date.now() + serverEnv().SYNC_AFTER_EDIT_SECONDS * 1000);
    // Each edit moves the run to a few seconds after it (a debounce), but never later than planned.
    await db.syncAccount.updateMany({ where: { ownerId, provider: { not: "ATOLLON" }, nextSyncAt: { gt: new Date() } }, data: { nextSyncAt: soon, nextSyncReason: "edit" } });
  } catch (error) {
    console.warn(`[jobs] a sync after an edit could not be requested: ${(error as Error).message}`);
  }
}

/** The remote calendar of this account told us it changed (a push notification): sync it now. */
export async function requestAccountSync(accountId: string): Promise<void> {
  const db = await getDb();
  const account = await db.syncAccount.findUnique({ where: { id: accountId }, select: { id: true, ownerId: true, provider: true, serverUrl: true } });
  if (!account || account.provider === "ATOLLON") return;
  if (inngestEnabled()) {
    await inngest.send({ name: SYNC_REQUESTED, data: { accountId, ownerId: account.ownerId, service: serviceOf(account), reason: "push" } });
    return;
  }
  await db.syncAccount.update({ where: { id: accountId }, data: { nextSyncAt: new Date(), nextSyncReason: "push" } });
}
