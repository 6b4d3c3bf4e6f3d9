import { verifyPassword } from "@/lib/auth/password";
import { attemptFailed, attemptSucceeded, beginAttempt, reauthCounters } from "@/lib/auth/throttle";
import { decryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import type { ConflictPolicy, SyncAccountState, SyncProvider } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { googleConfig, revokeToken } from "@/lib/providers/google/oauth";
import { stopWatchChannel } from "@/lib/sync-accounts/google-push";
import { deleteSubscription } from "@/lib/sync-accounts/graph-push";
import { forgetAccessToken } from "@/lib/sync-accounts/access-tokens";
import { CHOOSES_CALENDAR, REMOTE_NAMES } from "@/lib/sync-accounts/remote-names";
import { storedRules, type SyncRules } from "@/lib/sync/rules/schema";
import { countRejectedEvents } from "@/lib/sync/rejections";
import { summarizeRules } from "@/lib/sync/rules/summary";

/** What the settings page shows of an account — never its secret. */
export interface AccountView {
  id: string;
  provider: SyncProvider;
  login: string;
  serverUrl: string | null;
  state: SyncAccountState;
  stateMessage: string | null;
  lastSuccessfulSyncAt: Date | null;
  lastRunSummary: string | null;
  /** Who wins when an event changed on both sides since the last run. */
  conflictPolicy: ConflictPolicy;
  /** What is copied, where and when, and the same in one line. */
  rules: SyncRules;
  rulesSummary: string;
  /** The remote calendar synced, by name and id; null: the account's default calendar. */
  remoteCalendarName: string | null;
  remoteCalendarId: string | null;
  /** Another of the account's calendars may be chosen ("Change calendar…"). */
  choosesCalendar: boolean;
  createdAt: Date;
  /** When the scheduler runs it next; null while nothing runs it (paused, or waiting for the user). */
  nextSyncAt: Date | null;
  /** The latest runs, newest first. */
  recentRuns: RunView[];
  /** Events the remote calendar refused for good, as they are now (lib/sync/rejections.ts). */
  refused: number;
}

export interface RunView {
  id: string;
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: "COMPLETE" | "PARTIAL" | "PAUSED" | "FAILED" | null;
  pulled: { created: number; updated: number; deleted: number };
  pushed: { created: number; updated: number; deleted: number };
  conflicts: number;
  requests: number;
  /** Calls as the service's quota counts them (each call inside a batch). */
  calls: number;
  error: string | null;
}

/** Runs shown per account in its history. */
export const RECENT_RUNS = 5;

/** States in which background syncs run an account (claimDueAccounts spells them out in its SQL). */
export const SCHEDULED_STATES: SyncAccountState[] = ["ACTIVE", "ERROR", "SYNCING"];

export const PASSWORD_OUTDATED_MESSAGE = "Password outdated — enter your new password.";

/**
 * The user's accounts, Atollon first. The Atollon grant is checked against the current password
 * version on every read, so a password change shows (and pauses everything) at once.
 */
export async function listAccounts(ownerId: string): Promise<AccountView[]> {
  const db = await getDb();
  const [user, accounts, refused] = await Promise.all([
    db.user.findUnique({ where: { id: ownerId }, select: { passwordVersion: true } }),
    db.syncAccount.findMany({ where: { ownerId }, orderBy: [{ createdAt: "asc" }], include: { runs: { orderBy: { startedAt: "desc" }, take: RECENT_RUNS } } }),
    countRejectedEvents(ownerId),
  ]);
  const grantCurrent = accounts.some((account) => account.provider === "ATOLLON" && account.grantedPasswordVersion === user?.passwordVersion);
  return accounts
    .sort((a, b) => Number(b.provider === "ATOLLON") - Number(a.provider === "ATOLLON"))
    .map((account) => {
      const outdated = account.provider === "ATOLLON" && account.grantedPasswordVersion !== user?.passwordVersion;
      return {
        id: account.id,
        provider: account.provider,
        login: account.login,
        serverUrl: account.serverUrl,
        state: outdated ? "PASSWORD_OUTDATED" : account.state,
        stateMessage: outdated ? PASSWORD_OUTDATED_MESSAGE : account.stateMessage,
        lastSuccessfulSyncAt: account.lastSuccessfulSyncAt,
        lastRunSummary: account.lastRunSummary,
        conflictPolicy: account.conflictPolicy,
        rules: storedRules(account.rules),
        rulesSummary: summarizeRules(storedRules(account.rules), REMOTE_NAMES[account.provider]),
        remoteCalendarName: account.remoteCalendarName,
        remoteCalendarId: account.remoteCalendarId,
        choosesCalendar: CHOOSES_CALENDAR.has(account.provider),
        createdAt: account.createdAt,
        nextSyncAt: account.provider !== "ATOLLON" && grantCurrent && SCHEDULED_STATES.includes(account.state) ? account.nextSyncAt : null,
        recentRuns: account.runs.map((run) => ({
          id: run.id,
          trigger: run.trigger,
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          outcome: run.outcome,
          pulled: { created: run.pulledCreated, updated: run.pulledUpdated, deleted: run.pulledDeleted },
          pushed: { created: run.pushedCreated, updated: run.pushedUpdated, deleted: run.pushedDeleted },
          conflicts: run.conflicts,
          requests: run.requests,
          calls: run.calls,
          error: run.error,
        })),
        refused: refused.get(account.id) ?? 0,
      };
    });
}

/** Why the user's syncs cannot run at all right now, or null when they may. */
export async function syncsPausedReason(ownerId: string): Promise<string | null> {
  const db = await getDb();
  const [user, atollon] = await Promise.all([
    db.user.findUnique({ where: { id: ownerId }, select: { passwordVersion: true } }),
    db.syncAccount.findFirst({ where: { ownerId, provider: "ATOLLON" }, select: { grantedPasswordVersion: true } }),
  ]);
  if (!user || !atollon) return "Create the Atollon account first.";
  if (atollon.grantedPasswordVersion !== user.passwordVersion) return "Your login password changed: enter the new password in the Atollon account to resume syncing.";
  return null;
}

/**
 * Step 1: the user confirms their login password, which grants the sync tool access to their
 * calendar under the current password version (nothing of the password is stored). Also how an
 * outdated grant is renewed after a password change. Wrong passwords here are counted for this
 * signed-in user apart from sign-in, so they never slow the user's next sign-in.
 */
export async function grantAtollonAccount(ownerId: string, password: string): Promise<void> {
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: ownerId }, select: { email: true, passwordHash: true, passwordVersion: true } });
  if (!user) throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
  const attempt = await beginAttempt(reauthCounters(ownerId));
  if (!(await verifyPassword(password, user.passwordHash))) {
    await attemptFailed(attempt);
    throw new AppError("wrong_credentials", "That is not your login password.", { password: "This is not the password you sign in with." });
  }
  await attemptSucceeded(attempt);
  await db.syncAccount.upsert({
    where: { ownerId_provider_login: { ownerId, provider: "ATOLLON", login: user.email } },
    create: { ownerId, provider: "ATOLLON", login: user.email, grantedPasswordVersion: user.passwordVersion },
    update: { grantedPasswordVersion: user.passwordVersion, state: "ACTIVE", stateMessage: null },
  });
}

export async function hasAtollonAccount(ownerId: string): Promise<boolean> {
  const db = await getDb();
  return (await db.syncAccount.count({ where: { ownerId, provider: "ATOLLON" } })) > 0;
}

/**
 * The person changed their login password in the app and chose to use the new one for calendar
 * sync: typing it there is the same confirmation step 1 asks for, so the grant moves to the new
 * password version and no sync pauses. Only for `passwordVersion`, the version that change made.
 */
export async function renewAtollonGrant(ownerId: string, passwordVersion: number): Promise<void> {
  const db = await getDb();
  await db.syncAccount.updateMany({
    where: { ownerId, provider: "ATOLLON", owner: { passwordVersion } },
    data: { grantedPasswordVersion: passwordVersion, state: "ACTIVE", stateMessage: null },
  });
}

export interface RemovalResult {
  /** false: a Google token could not be revoked because Google was unreachable (the account is removed anyway). */
  revoked: boolean;
}

/**
 * Removes an account of the owner. A Google account's push channel is stopped and its token revoked
 * at Google first — in that order, since stopping a channel needs a token that still works.
 * Microsoft offers no endpoint that revokes one refresh token (only revoking all of a user's
 * sessions, which would sign them out everywhere): an Office.com (Graph) account's tokens are
 * forgotten: the encrypted refresh token goes with the row, the access token from memory.
 */
export async function removeAccount(ownerId: string, accountId: string): Promise<RemovalResult> {
  const db = await getDb();
  const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId } });
  if (!account) throw new AppError("not_found", "This sync account no longer exists.");
  if (account.provider === "ATOLLON" && (await db.syncAccount.count({ where: { ownerId, provider: { not: "ATOLLON" } } })) > 0) {
    throw new AppError("invalid_input", "Remove the Google, Office.com, Exchange and CalDAV accounts first: they sync through the Atollon account.");
  }
  let revoked = true;
  if (account.provider === "GOOGLE") await stopWatchChannel(account.id);
  if (account.provider === "OFFICE365_GRAPH") await deleteSubscription(account.id);
  const config = googleConfig();
  if (account.provider === "GOOGLE" && account.secret && config) {
    revoked = await revokeToken(config, decryptSecret(account.secret));
  }
  await db.syncAccount.delete({ where: { id: account.id } });
  forgetAccessToken(account.id);
  return { revoked };
}

/** Chooses who wins when an event changed on both sides; the next run applies it. */
export async function setConflictPolicy(ownerId: string, accountId: string, policy: ConflictPolicy): Promise<void> {
  const db = await getDb();
  const updated = await db.syncAccount.updateMany({ where: { id: accountId, ownerId, provider: { not: "ATOLLON" } }, data: { conflictPolicy: policy } });
  if (updated.count === 0) throw new AppError("not_found", "This sync account no longer exists.");
}

export interface AccountStatus {
  state: SyncAccountState;
  stateMessage: string | null;
  lastRunSummary: string | null;
  /** The run in progress, with its counts so far; null when none runs. */
  running: { startedAt: string; received: number; sent: number } | null;
}

/**
 * What changes on the settings page when a background run starts or ends, per account: the page
 * polls it and reloads its data when it differs.
 */
export async function accountsFingerprint(ownerId: string): Promise<string> {
  const db = await getDb();
  const accounts = await db.syncAccount.findMany({
    where: { ownerId },
    orderBy: { id: "asc" },
    select: { id: true, state: true, nextSyncAt: true, runs: { orderBy: { startedAt: "desc" }, take: 1, select: { id: true, finishedAt: true } } },
  });
  return accounts.map((account) => [account.id, account.state, account.nextSyncAt.getTime(), account.runs[0]?.id ?? "", account.runs[0]?.finishedAt?.getTime() ?? ""].join(":")).join("|");
}

/** What a running sync has done so far, for the settings page to show while it waits. */
export async function accountStatus(ownerId: string, accountId: string): Promise<AccountStatus> {
  const db = await getDb();
  const account = await db.syncAccount.findFirst({
    where: { id: accountId, ownerId },
    select: { state: true, stateMessage: true, lastRunSummary: true, runs: { where: { finishedAt: null }, orderBy: { startedAt: "desc" }, take: 1 } },
  });
  if (!account) throw new AppError("not_found", "This sync account no longer exists.");
  const run = account.state === "SYNCING" ? account.runs[0] : undefined;
  return {
    state: account.state,
    stateMessage: account.stateMessage,
    lastRunSummary: account.lastRunSummary,
    running: run
      ? {
          startedAt: run.startedAt.toISOString(),
          received: run.pulledCreated + run.pulledUpdated + run.pulledDeleted,
          sent: run.pushedCreated + run.pushedUpdated + run.pushedDeleted,
        }
      : null,
  };
}
