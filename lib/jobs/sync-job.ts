import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { serviceOf, type DueAccount } from "@/lib/jobs/due-accounts";
import type { SyncReason } from "@/lib/jobs/client";
import { SCHEDULED_STATES } from "@/lib/sync-accounts/accounts";
import { syncAccount, SyncRunFailedError } from "@/lib/sync/run-account";

export type SyncJobResult =
  /** continueAt: the service limited requests; the sync goes on then (ISO instant). */
  | { status: "synced"; outcome: string; summary: string; continueAt: string | null }
  /** Nothing to do now: the account is gone, another run holds it, or a person must act first. */
  | { status: "skipped"; reason: string }
  /** The run failed and a retry will not help before a person acts (the account's state says what to do). */
  | { status: "failed"; message: string };

/**
 * One scheduled sync of one account: what the Inngest function's step and the embedded scheduler
 * both run. Throws only when trying again later can help (the remote service was unavailable).
 */
export async function runSyncJob(account: { accountId: string; ownerId: string; reason: SyncReason }): Promise<SyncJobResult> {
  try {
    const { outcome, summary, continueAt } = await syncAccount(account.ownerId, account.accountId, { trigger: account.reason });
    return { status: "synced", outcome, summary, continueAt: continueAt?.toISOString() ?? null };
  } catch (error) {
    if (error instanceof SyncRunFailedError) {
      if (error.retriable) throw error;
      return { status: "failed", message: error.message };
    }
    // Refused before it began: paused, waiting for authorization, already running, or removed.
    if (error instanceof AppError) return { status: "skipped", reason: error.message };
    throw error;
  }
}

/** The owner's remote accounts that a sync may run for now (used after an edit in the calendar). */
export async function syncableAccounts(ownerId: string): Promise<Omit<DueAccount, "reason">[]> {
  const db = await getDb();
  const accounts = await db.syncAccount.findMany({
    where: { ownerId, provider: { not: "ATOLLON" }, state: { in: SCHEDULED_STATES } },
    select: { id: true, ownerId: true, provider: true, serverUrl: true },
  });
  return accounts.map((account) => ({ accountId: account.id, ownerId: account.ownerId, service: serviceOf(account) }));
}
