import { getDb } from "@/lib/db/client";
import type { SyncAccount } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { REMOTE_NAMES } from "@/lib/sync-accounts/remote-names";
import { listWritable } from "@/lib/sync-accounts/calendar-choice";
import { ensureWatchChannel } from "@/lib/sync-accounts/google-push";
import { ensureSubscription } from "@/lib/sync-accounts/graph-push";
import { AuthorizationError, RemoteUnavailableError, type WritableCalendar } from "@/lib/sync/provider";
import { remoteFor } from "@/lib/sync/run-account";

/** What becomes of the copies this account made in the calendar it leaves. */
export type OldCopies = "leave" | "remove";

async function ownAccount(ownerId: string, accountId: string): Promise<SyncAccount> {
  const db = await getDb();
  const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId } });
  if (!account || account.provider === "ATOLLON") throw new AppError("not_found", "This sync account no longer exists.");
  return account;
}

/** The calendars the account may write to, the default one first. */
export async function writableCalendars(ownerId: string, accountId: string): Promise<WritableCalendar[]> {
  const account = await ownAccount(ownerId, accountId);
  return listWritable(await remoteFor(ownerId, account), REMOTE_NAMES[account.provider]);
}

/**
 * Points the account at another of its calendars. The account starts over against it: its pairs
 * and cursors go, so the next run lists the new calendar whole and sends Atollon's events there —
 * Atollon's events are never duplicated, as nothing is imported twice from a calendar it holds no
 * pairs for. The copies made in the old calendar are left there or removed first (`oldCopies`);
 * events that came from the old calendar stay in Atollon as Atollon's own.
 */
export async function chooseRemoteCalendar(ownerId: string, accountId: string, calendarId: string, oldCopies: OldCopies): Promise<WritableCalendar> {
  const account = await ownAccount(ownerId, accountId);
  const remoteName = REMOTE_NAMES[account.provider];
  const calendars = await listWritable(await remoteFor(ownerId, account), remoteName);
  const chosen = calendars.find((calendar) => calendar.id === calendarId);
  if (!chosen) throw new AppError("invalid_input", `This ${remoteName} account cannot write to that calendar.`);
  const current = account.remoteCalendarId ?? calendars.find((calendar) => calendar.primary)?.id ?? null;
  const db = await getDb();
  const now = new Date();
  // The account is held like a run holds it, so no run syncs the old calendar meanwhile.
  const held = await db.syncAccount.updateMany({
    where: { id: accountId, ownerId, OR: [{ runLeaseUntil: null }, { runLeaseUntil: { lt: now } }] },
    data: { runLeaseUntil: new Date(now.getTime() + 10 * 60_000) },
  });
  if (held.count === 0) throw new AppError("conflict", "A sync of this account is running; try again when it has finished.");
  try {
    if (chosen.id !== current && oldCopies === "remove") await removeCopies(ownerId, account);
    await db.$transaction([
      ...(chosen.id !== current ? [db.syncPair.deleteMany({ where: { accountId } })] : []),
      db.syncAccount.update({
        where: { id: accountId },
        data: {
          remoteCalendarId: chosen.primary ? null : chosen.id,
          remoteCalendarName: chosen.name,
          ...(chosen.id !== current ? { remoteCursor: null, localSeq: 0, rulesKey: null, nextSyncAt: now } : {}),
        },
      }),
    ]);
  } finally {
    await db.syncAccount.update({ where: { id: accountId }, data: { runLeaseUntil: null } });
  }
  if (chosen.id !== current) await followWithPush(account);
  return chosen;
}

/** Push notifications watch the calendar synced: a new channel or subscription on the new one replaces the old. */
async function followWithPush(account: SyncAccount): Promise<void> {
  if (account.provider === "GOOGLE") await ensureWatchChannel(account.id, { replace: true });
  if (account.provider === "OFFICE365_GRAPH") await ensureSubscription(account.id, { replace: true });
}

/**
 * Deletes from the account's current calendar the copies of Atollon's events it made there. Each
 * removed copy's pair goes with it, so that if this stops halfway the account, still on that
 * calendar, sends those events there again instead of taking the removals for deletions to copy.
 */
async function removeCopies(ownerId: string, account: SyncAccount): Promise<void> {
  const db = await getDb();
  const remote = await remoteFor(ownerId, account);
  const batchSize = remote.writeBatchSize ?? 50;
  // Exceptions go with their series; a pair whose origin is not known may be an event of that calendar's own.
  const pairs = await db.syncPair.findMany({ where: { accountId: account.id, origin: "local", remoteId: { not: null }, event: { seriesId: null } }, select: { eventId: true, remoteId: true, remoteVersion: true } });
  for (let start = 0; start < pairs.length; start += batchSize) {
    const batch = pairs.slice(start, start + batchSize);
    let results;
    try {
      results = await remote.delete(batch.map((pair) => ({ remoteId: pair.remoteId as string, versionToken: pair.remoteVersion ?? "" })));
    } catch (error) {
      if (error instanceof AuthorizationError || error instanceof RemoteUnavailableError) throw new AppError("invalid_input", `${error.message} The account still syncs its current calendar.`);
      throw error;
    }
    const removed = batch.filter((_pair, index) => results[index]?.ok || results[index]?.kind === "not-found").map((pair) => pair.eventId);
    // From the start of Atollon's changes: the next run sends again every event that lost its copy.
    await db.$transaction([
      db.syncPair.deleteMany({ where: { accountId: account.id, OR: [{ eventId: { in: removed } }, { event: { seriesId: { in: removed } } }] } }),
      db.syncAccount.update({ where: { id: account.id }, data: { localSeq: 0 } }),
    ]);
    // Changed there by a person since (a stale version): that copy stays theirs.
    const failed = results.filter((result) => !result.ok && result.kind !== "not-found" && result.kind !== "conflict");
    if (failed.length > 0) throw new AppError("invalid_input", `${REMOTE_NAMES[account.provider]} did not remove ${failed.length} of the copies from the old calendar; the account still syncs it. Try again later.`);
  }
}
