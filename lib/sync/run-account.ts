import { serverEnv } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import type { SyncAccount } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { GoogleCalendar } from "@/lib/providers/google/calendar";
import { googleConfig } from "@/lib/providers/google/oauth";
import { GraphCalendar } from "@/lib/providers/graph/calendar";
import { graphConfig } from "@/lib/providers/graph/config";
import { syncsPausedReason } from "@/lib/sync-accounts/accounts";
import { caldavRemote } from "@/lib/sync-accounts/caldav";
import { ewsRemote, PASSWORD_REJECTED_MESSAGE } from "@/lib/sync-accounts/ews";
import { getGoogleAccessToken } from "@/lib/sync-accounts/google";
import { getMicrosoftAccessToken } from "@/lib/sync-accounts/microsoft";
import { REMOTE_NAMES } from "@/lib/sync-accounts/remote-names";
import { pausedMessage } from "@/lib/sync/deletion-guard";
import { evaluatedKey, rulesContextFor } from "@/lib/sync/rules/account";
import { costOf, plural } from "@/lib/sync/run-cost";
import { runSync, type DeletionChoice, type SyncProgress, type SyncReport } from "@/lib/sync/engine";
import { PrismaSyncStore } from "@/lib/sync/prisma-store";
import { AuthorizationError, RemoteUnavailableError, type RemoteCalendar } from "@/lib/sync/provider";

/**
 * A run that ended in failure, after its history entry and the account's state were written.
 * `retriable`: the remote service was unavailable or the run broke — trying again later can help;
 * not when a person must act first (authorization, password).
 */
export class SyncRunFailedError extends AppError {
  constructor(
    message: string,
    readonly retriable: boolean,
  ) {
    super("invalid_input", message);
    this.name = "SyncRunFailedError";
  }
}

/** When the scheduler runs an account next after a run that ended now. */
export function nextScheduledSync(now = new Date()): Date {
  return new Date(now.getTime() + serverEnv().SYNC_INTERVAL_MINUTES * 60_000);
}

/**
 * Holds the account for one run. The lease is renewed every third of its length for as long as the
 * run lives — a first export paced under a quota can take longer than any fixed lease — and only
 * while it is still the one this run took: a process that hung past its lease does not take the
 * account back from a run that started since.
 */
async function holdLease(accountId: string, ownerId: string): Promise<{ stopRenewing: () => Promise<void> } | null> {
  const db = await getDb();
  const leaseMs = serverEnv().SYNC_RUN_LEASE_SECONDS * 1000;
  const now = new Date();
  let until = new Date(now.getTime() + leaseMs);
  const taken = await db.syncAccount.updateMany({
    where: { id: accountId, ownerId, OR: [{ runLeaseUntil: null }, { runLeaseUntil: { lt: now } }] },
    data: { runLeaseUntil: until, state: "SYNCING" },
  });
  if (taken.count === 0) return null;
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    const next = new Date(Date.now() + leaseMs);
    renewing = renewing
      .then(async () => {
        const renewed = await db.syncAccount.updateMany({ where: { id: accountId, runLeaseUntil: until }, data: { runLeaseUntil: next } });
        if (renewed.count === 1) until = next;
        else console.warn(`[sync] account ${accountId}: the run's lease was taken over; another run may have started`);
      })
      .catch((error: unknown) => console.warn(`[sync] account ${accountId}: lease not renewed (${(error as Error).message})`));
  }, leaseMs / 3);
  timer.unref();
  return {
    stopRenewing: async () => {
      clearInterval(timer);
      await renewing;
    },
  };
}

export function summarize(report: SyncReport, remoteName: string): string {
  const side = (counts: SyncReport["pulled"]) => `${counts.created} created, ${counts.updated} updated, ${counts.deleted} deleted`;
  const parts = [`From ${remoteName}: ${side(report.pulled)}`, `to ${remoteName}: ${side(report.pushed)}`];
  if (report.conflicts > 0) parts.push(`${report.conflicts} conflict${report.conflicts === 1 ? "" : "s"} settled`);
  if (report.conflictsWaiting > 0) parts.push(`${report.conflictsWaiting} conflict${report.conflictsWaiting === 1 ? "" : "s"} waiting for you`);
  if (report.settled > 0) parts.push(`${report.settled} conflict${report.settled === 1 ? "" : "s"} settled as you chose`);
  if (report.restoredCopies > 0) parts.push(`${report.restoredCopies} cop${report.restoredCopies === 1 ? "y" : "ies"} changed in ${remoteName} or Atollon restored from the original`);
  const refused = report.failures.filter((failure) => failure.refused).length;
  if (report.failures.length > refused) parts.push(`${report.failures.length - refused} left for the next run`);
  if (refused > 0) parts.push(`${plural(refused, "event")} refused by ${remoteName}`);
  return `${parts.join("; ")} (${costOf(report)}).`;
}

/**
 * What the account card says while the service limits requests and the sync continues on its own.
 * No clock time in it: the card's "Next sync" shows when, in the person's own formats.
 */
export function throttledMessage(remoteName: string, left: number): string {
  return `${remoteName} is limiting requests; ${plural(left, "event")} left, continuing on its own at the next sync.`;
}

/** The remote calendar of a sync account, as a run talks to it. */
export async function remoteFor(ownerId: string, account: SyncAccount): Promise<RemoteCalendar> {
  if (account.provider === "OFFICE365" || account.provider === "EXCHANGE") return ewsRemote(account);
  if (account.provider === "CALDAV") return caldavRemote(account);
  if (account.provider === "OFFICE365_GRAPH") {
    const config = graphConfig();
    return new GraphCalendar({
      graphUrl: config.graphUrl,
      window: config.window,
      requestsPerTenMinutes: config.requestsPerTenMinutes,
      accessToken: (renew) => getMicrosoftAccessToken(ownerId, account.id, { fresh: renew }),
      ...(account.remoteCalendarId ? { calendarId: account.remoteCalendarId } : {}),
    });
  }
  const config = googleConfig();
  if (account.provider !== "GOOGLE" || !config) throw new AppError("invalid_input", "This account cannot be synced by this server.");
  return new GoogleCalendar({
    apiUrl: config.apiUrl,
    batchSize: config.batchSize,
    writesPerMinute: config.writesPerMinute,
    waitLimits: config.waitLimits,
    accessToken: (renew) => getGoogleAccessToken(ownerId, account.id, { fresh: renew }),
    ...(account.remoteCalendarId ? { calendarId: account.remoteCalendarId } : {}),
  });
}

/**
 * One line of JSON per run, for log collectors: what ran, how long, what it moved and what it cost.
 * Never a secret: ids, counts and messages written for the user only.
 */
function logRun(entry: { accountId: string; provider: string; trigger: string; durationMs: number; outcome: string; report?: SyncReport; error?: string }): void {
  const { report, ...rest } = entry;
  const line = {
    event: "sync.run",
    ...rest,
    ...(report ? { pulled: report.pulled, pushed: report.pushed, conflicts: report.conflicts, requests: report.requests, calls: report.calls, fullListing: report.fullListing, failures: report.failures.length } : {}),
  };
  (entry.outcome === "failed" ? console.warn : console.info)(JSON.stringify(line));
}

/** How often a running sync writes its counts so far, for the progress display. */
const PROGRESS_EVERY_MS = 1000;

/**
 * Writes a run's counts so far into its history row, at most once a second and one write at a
 * time; `settled` waits for the last one, so the final figures always land after it.
 */
function progressRecorder(runId: string) {
  let lastWrite = 0;
  let writing: Promise<unknown> = Promise.resolve();
  return {
    record: ({ pulled, pushed }: SyncProgress) => {
      const now = Date.now();
      if (now - lastWrite < PROGRESS_EVERY_MS) return;
      lastWrite = now;
      writing = writing
        .then(async () => {
          const db = await getDb();
          await db.syncRun.update({
            where: { id: runId },
            data: { pulledCreated: pulled.created, pulledUpdated: pulled.updated, pulledDeleted: pulled.deleted, pushedCreated: pushed.created, pushedUpdated: pushed.updated, pushedDeleted: pushed.deleted },
          });
        })
        .catch((error: unknown) => console.warn(`[sync] run ${runId}: progress not recorded (${(error as Error).message})`));
    },
    settled: () => writing,
  };
}

/**
 * One sync run of one account, recorded in its history: the function "Sync now" and the scheduler
 * call. Refuses (AppError) when the account cannot run now, and says why.
 */
export async function syncAccount(
  ownerId: string,
  accountId: string,
  options: { trigger: string; deletions?: DeletionChoice },
): Promise<{ outcome: string; summary: string; continueAt: Date | null }> {
  const db = await getDb();
  const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId } });
  if (!account || account.provider === "ATOLLON") throw new AppError("not_found", "This sync account no longer exists.");
  const paused = await syncsPausedReason(ownerId);
  if (paused) throw new AppError("invalid_input", paused);
  if (account.state === "AUTHORIZATION_NEEDED") throw new AppError("invalid_input", account.stateMessage ?? "Receive a new Google token first.");
  if (account.state === "PASSWORD_REJECTED") throw new AppError("invalid_input", account.stateMessage ?? PASSWORD_REJECTED_MESSAGE);
  if (account.state === "PAUSED" && (options.deletions ?? "ask") === "ask") throw new AppError("invalid_input", `${account.stateMessage ?? "Paused."}`);

  const lease = await holdLease(accountId, ownerId);
  if (!lease) throw new AppError("conflict", "A sync of this account is already running.");
  const run = await db.syncRun.create({ data: { accountId, trigger: options.trigger } });
  const remoteName = REMOTE_NAMES[account.provider];
  const started = Date.now();
  const runStartedAt = new Date(started);
  const progress = progressRecorder(run.id);
  // Outside the try: a failed run still records the requests it made.
  let remote: RemoteCalendar | null = null;
  try {
    let report: SyncReport;
    try {
      remote = await remoteFor(ownerId, account);
      const ownerEmail = (await db.user.findUnique({ where: { id: ownerId }, select: { email: true } }))?.email ?? null;
      report = await runSync({
        store: new PrismaSyncStore(ownerId, accountId, { runId: run.id, source: `${remoteName} ${account.login}` }),
        remote,
        deletions: options.deletions ?? "ask",
        onProgress: progress.record,
        rules: rulesContextFor(account, ownerEmail, runStartedAt),
      });
    } finally {
      await lease.stopRenewing();
    }
    await progress.settled();
    const summary = report.outcome === "paused" && report.heldDeletions ? pausedMessage(report.heldDeletions, remoteName) : summarize(report, remoteName);
    await db.syncRun.update({
      where: { id: run.id },
      data: {
        finishedAt: new Date(),
        outcome: report.outcome === "complete" ? "COMPLETE" : report.outcome === "partial" ? "PARTIAL" : "PAUSED",
        pulledCreated: report.pulled.created,
        pulledUpdated: report.pulled.updated,
        pulledDeleted: report.pulled.deleted,
        pushedCreated: report.pushed.created,
        pushedUpdated: report.pushed.updated,
        pushedDeleted: report.pushed.deleted,
        conflicts: report.conflicts,
        requests: report.requests,
        calls: report.calls,
        fullListing: report.fullListing,
        error: report.failures.length > 0 ? report.failures.map((failure) => failure.message).join("; ").slice(0, 2000) : null,
      },
    });
    // The service limited requests beyond the run's wait budget: the sync continues when it said.
    const continueAt = report.outcome !== "paused" && report.throttledUntil ? report.throttledUntil : null;
    await db.syncAccount.update({
      where: { id: accountId },
      data:
        report.outcome === "paused"
          ? { state: "PAUSED", stateMessage: summary, runLeaseUntil: null }
          : {
              state: "ACTIVE",
              stateMessage: continueAt ? throttledMessage(remoteName, report.failures.length) : null,
              lastRunSummary: summary,
              runLeaseUntil: null,
              nextSyncAt: continueAt ?? nextScheduledSync(),
              nextSyncReason: continueAt ? "continue" : null,
              ...(report.outcome === "complete" ? { lastSuccessfulSyncAt: new Date(), rulesKey: evaluatedKey(account, runStartedAt) } : {}),
            },
    });
    logRun({ accountId, provider: account.provider, trigger: options.trigger, durationMs: Date.now() - started, outcome: report.outcome, report });
    return { outcome: report.outcome, summary, continueAt };
  } catch (error) {
    const authorization = error instanceof AuthorizationError || (error instanceof AppError && error.code === "invalid_input");
    const passwordRejected = error instanceof AuthorizationError && error.reason === "password-rejected";
    const message = passwordRejected
      ? PASSWORD_REJECTED_MESSAGE
      : error instanceof RemoteUnavailableError || authorization
        ? (error as Error).message
        : "The sync failed unexpectedly; it will be tried again.";
    if (!authorization && !(error instanceof RemoteUnavailableError)) console.error(`[sync] account ${accountId} (${account.provider}) failed`, error);
    logRun({ accountId, provider: account.provider, trigger: options.trigger, durationMs: Date.now() - started, outcome: "failed", error: message });
    await progress.settled();
    await db.syncRun.update({
      where: { id: run.id },
      data: { finishedAt: new Date(), outcome: "FAILED", error: message, requests: remote?.requestCount ?? 0, calls: remote?.callCount ?? remote?.requestCount ?? 0 },
    });
    // A service that said when it takes calls again is asked then, not at the next interval.
    const retryAt = error instanceof RemoteUnavailableError && error.retryAt ? error.retryAt : null;
    const current = await db.syncAccount.findUnique({ where: { id: accountId }, select: { state: true } });
    await db.syncAccount.update({
      where: { id: accountId },
      data:
        passwordRejected
          ? { state: "PASSWORD_REJECTED", stateMessage: PASSWORD_REJECTED_MESSAGE, runLeaseUntil: null }
          : current?.state === "AUTHORIZATION_NEEDED"
            ? { runLeaseUntil: null }
            : { state: "ERROR", stateMessage: message, runLeaseUntil: null, nextSyncAt: retryAt ?? nextScheduledSync(), nextSyncReason: retryAt ? "continue" : null },
    });
    throw new SyncRunFailedError(message, !authorization);
  }
}
