import os from "node:os";
import { getDb } from "@/lib/db/client";
import type { SyncProvider } from "@/lib/db/generated/client";
import type { SyncReason } from "@/lib/jobs/client";
import { nextScheduledSync } from "@/lib/sync/run-account";

export interface DueAccount {
  accountId: string;
  ownerId: string;
  /** The throttle key of the remote service (see SyncRequestedData). */
  service: string;
  /** What made it due: the schedule, an edit in the calendar, or a change notice from the remote service. */
  reason: SyncReason;
}

/** Google and Microsoft Graph share one quota per application; an Exchange or CalDAV server is its own. */
export function serviceOf(account: { provider: SyncProvider; serverUrl: string | null }): string {
  if (account.provider === "OFFICE365_GRAPH") return "graph";
  if (account.provider !== "OFFICE365" && account.provider !== "EXCHANGE" && account.provider !== "CALDAV") return "google";
  const kind = account.provider === "CALDAV" ? "caldav" : "ews";
  try {
    return `${kind}:${new URL(account.serverUrl ?? "").host}`;
  } catch {
    return `${kind}:unknown`;
  }
}

/**
 * Takes up to `limit` accounts whose time has come and moves their next run one interval on, in
 * one statement: the oldest due first, rows another process is claiming skipped — so two schedulers
 * (or two ticks) never take the same account. Due: a remote account that is active, or failed last
 * time, or was left "syncing" by a process that died (its lease ran out); whose owner's Atollon
 * grant is current; not paused by the deletion guard, nor waiting for a person to authorize again
 * or update a password. One range scan of the (state, nextSyncAt) index.
 */
export async function claimDueAccounts(limit: number, now = new Date()): Promise<DueAccount[]> {
  const db = await getDb();
  const next = nextScheduledSync(now);
  const rows = await db.$queryRaw<{ id: string; ownerId: string; provider: SyncProvider; serverUrl: string | null; reason: string | null }[]>`
    UPDATE "SyncAccount" AS a SET "nextSyncAt" = ${next}, "nextSyncReason" = NULL
    FROM (
      SELECT s."id", s."nextSyncReason" FROM "SyncAccount" AS s
      WHERE s."state" IN ('ACTIVE', 'ERROR', 'SYNCING') -- SCHEDULED_STATES, as literals the index can use
        AND s."nextSyncAt" <= ${now}
        AND s."provider" <> 'ATOLLON'
        AND (s."runLeaseUntil" IS NULL OR s."runLeaseUntil" < ${now})
        AND EXISTS (
          SELECT 1 FROM "SyncAccount" AS g JOIN "User" AS u ON u."id" = g."ownerId"
          WHERE g."ownerId" = s."ownerId" AND g."provider" = 'ATOLLON' AND g."grantedPasswordVersion" = u."passwordVersion"
        )
      ORDER BY s."nextSyncAt"
      LIMIT ${limit}
      FOR UPDATE OF s SKIP LOCKED
    ) AS due
    WHERE a."id" = due."id"
    RETURNING a."id", a."ownerId", a."provider", a."serverUrl", due."nextSyncReason" AS "reason"`;
  return rows.map((row) => ({ accountId: row.id, ownerId: row.ownerId, service: serviceOf(row), reason: row.reason === "edit" || row.reason === "push" || row.reason === "continue" ? row.reason : "schedule" }));
}

/** Records a scheduler's tick, for the health endpoint. */
export async function recordTick(name: string, claimed: number, now = new Date()): Promise<void> {
  const db = await getDb();
  const tickedBy = `${os.hostname()}:${process.pid}`;
  await db.schedulerTick.upsert({ where: { name }, create: { name, lastTickAt: now, tickedBy, claimed }, update: { lastTickAt: now, tickedBy, claimed } });
}
