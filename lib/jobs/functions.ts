import { NonRetriableError } from "inngest";
import { purgeDeletedEvents } from "@/lib/calendar/recently-deleted";
import { pruneTrace } from "@/lib/sync/trace-prune";
import { serverEnv } from "@/lib/config/env";
import { CALENDAR_CHANGED, inngest, SYNC_REQUESTED, type SyncRequestedData } from "@/lib/jobs/client";
import { claimDueAccounts, recordTick } from "@/lib/jobs/due-accounts";
import { runSyncJob, syncableAccounts } from "@/lib/jobs/sync-job";
import { renewExpiringChannels } from "@/lib/sync-accounts/google-push";
import { renewExpiringSubscriptions } from "@/lib/sync-accounts/graph-push";

/** Accounts claimed and announced per step: one query and one send per page, whatever the number of accounts. */
export const FAN_OUT_PAGE = 1000;

/** Runs per minute against one remote service (Google's project quota, one Exchange server). */
const RUNS_PER_SERVICE_PER_MINUTE = 120;

function cronEvery(minutes: number): string {
  const whole = Math.max(1, Math.round(minutes));
  return whole >= 60 ? `0 */${Math.min(24, Math.round(whole / 60))} * * *` : `*/${whole} * * * *`;
}

/** Every interval: claim the due accounts page by page and send one sync event for each. */
export const scheduleSyncs = inngest.createFunction(
  { id: "schedule-syncs", triggers: [{ cron: cronEvery(serverEnv().SYNC_INTERVAL_MINUTES) }] },
  async ({ step }) => {
    let claimed = 0;
    for (let page = 0; ; page += 1) {
      const due = await step.run(`claim-due-accounts-${page}`, () => claimDueAccounts(FAN_OUT_PAGE));
      if (due.length > 0) {
        await step.sendEvent(
          `request-syncs-${page}`,
          due.map((account) => ({ name: SYNC_REQUESTED, data: account satisfies SyncRequestedData })),
        );
      }
      claimed += due.length;
      if (due.length < FAN_OUT_PAGE) break;
    }
    const renewedChannels = await step.run("renew-google-watch-channels", () => renewExpiringChannels());
    const renewedSubscriptions = await step.run("renew-graph-subscriptions", () => renewExpiringSubscriptions());
    const purged = await step.run("purge-deleted-events", () => purgeDeletedEvents());
    const prunedTrace = await step.run("prune-sync-trace", () => pruneTrace());
    await step.run("record-tick", () => recordTick("inngest", claimed));
    return { claimed, renewedChannels, renewedSubscriptions, purged, prunedTrace };
  },
);

/**
 * One account's sync: never two at once for one account, a throttle per remote service so one
 * tenant cannot use up a shared quota, retries with backoff while the remote service is
 * unavailable, none when a person must act (the run already moved the account to that state).
 */
export const syncAccountJob = inngest.createFunction(
  {
    id: "sync-account",
    triggers: [{ event: SYNC_REQUESTED }],
    concurrency: [{ key: "event.data.accountId", limit: 1 }],
    throttle: { key: "event.data.service", limit: RUNS_PER_SERVICE_PER_MINUTE, period: "1m" },
    retries: 4,
  },
  async ({ event, step }) => {
    const data = event.data as SyncRequestedData;
    const result = await step.run("sync", () => runSyncJob(data));
    if (result.status === "failed") throw new NonRetriableError(result.message);
    // The service limited requests beyond the run's budget: the continuation is sent for when it
    // said it takes calls again, not left to the next cron interval.
    if (result.status === "synced" && result.continueAt) {
      await step.sendEvent("continue-sync", { name: SYNC_REQUESTED, data: { ...data, reason: "continue" } satisfies SyncRequestedData, ts: Date.parse(result.continueAt) });
    }
    return result;
  },
);

/** A burst of edits in one user's calendar becomes one sync request per account, a few seconds after the last edit. */
export const syncAfterEdit = inngest.createFunction(
  {
    id: "sync-after-edit",
    triggers: [{ event: CALENDAR_CHANGED }],
    debounce: { key: "event.data.ownerId", period: `${Math.max(1, Math.round(serverEnv().SYNC_AFTER_EDIT_SECONDS))}s`, timeout: "1m" },
  },
  async ({ event, step }) => {
    const ownerId = (event.data as { ownerId: string }).ownerId;
    const accounts = await step.run("find-accounts", () => syncableAccounts(ownerId));
    if (accounts.length > 0) {
      await step.sendEvent(
        "request-syncs",
        accounts.map((account) => ({ name: SYNC_REQUESTED, data: { ...account, reason: "edit" } satisfies SyncRequestedData })),
      );
    }
    return { requested: accounts.length };
  },
);

export const functions = [scheduleSyncs, syncAccountJob, syncAfterEdit];
