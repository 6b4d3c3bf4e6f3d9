import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { GoogleCalendar } from "@/lib/providers/google/calendar";
import { listWritableGoogleCalendars, type WritableCalendar } from "@/lib/providers/google/calendars";
import { googleConfig } from "@/lib/providers/google/oauth";
import { getGoogleAccessToken } from "@/lib/sync-accounts/google";
import { REMOTE_NAMES } from "@/lib/sync-accounts/remote-names";

/** What becomes of the copies this account made in the calendar it leaves. */
export type OldCopies = "leave" | "remove";

function google() {
  const config = googleConfig();
  if (!config) throw new AppError("invalid_input", "This server has not been configured for Google: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.");
  return config;
}

async function ownAccount(ownerId: string, accountId: string) {
  const db = await getDb();
  const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId } });
  if (!account || account.provider === "ATOLLON") throw new AppError("not_found", "This sync account no longer exists.");
  if (account.provider !== "GOOGLE") throw new AppError("invalid_input", `Choosing a calendar is not offered for ${REMOTE_NAMES[account.provider]} accounts yet: they sync the default calendar.`);
  return account;
}

/** The calendars the account may write to, the default one first. */
export async function writableCalendars(ownerId: string, accountId: string): Promise<WritableCalendar[]> {
  await ownAccount(ownerId, accountId);
  return listWritableGoogleCalendars(google().apiUrl, await getGoogleAccessToken(ownerId, accountId));
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
  const calendars = await writableCalendars(ownerId, accountId);
  const chosen = calendars.find((calendar) => calendar.id === calendarId);
  if (!chosen) throw new AppError("invalid_input", "This Google account cannot write to that calendar.");
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
    if (chosen.id !== current && oldCopies === "remove") await removeCopies(ownerId, accountId, account.remoteCalendarId);
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
  return chosen;
}

/** Deletes from the old calendar the copies of Atollon's events this account made there. */
async function removeCopies(ownerId: string, accountId: string, calendarId: string | null): Promise<void> {
  const db = await getDb();
  const config = google();
  const remote = new GoogleCalendar({ apiUrl: config.apiUrl, batchSize: config.batchSize, writesPerMinute: config.writesPerMinute, waitLimits: config.waitLimits, accessToken: (renew) => getGoogleAccessToken(ownerId, accountId, { fresh: renew }), ...(calendarId ? { calendarId } : {}) });
  // Exceptions go with their series; a pair whose origin is not known may be an event of that calendar's own.
  const pairs = await db.syncPair.findMany({ where: { accountId, origin: "local", remoteId: { not: null }, event: { seriesId: null } }, select: { remoteId: true, remoteVersion: true } });
  for (let start = 0; start < pairs.length; start += remote.writeBatchSize) {
    const batch = pairs.slice(start, start + remote.writeBatchSize);
    const results = await remote.delete(batch.map((pair) => ({ remoteId: pair.remoteId as string, versionToken: pair.remoteVersion ?? "" })));
    // Gone already, or changed there by a person since (a stale version): the latter stays theirs.
    const failed = results.filter((result) => !result.ok && result.kind !== "not-found" && result.kind !== "conflict");
    if (failed.length > 0) throw new AppError("invalid_input", `Google did not remove ${failed.length} of the copies from the old calendar; nothing was changed. Try again later.`);
  }
}
