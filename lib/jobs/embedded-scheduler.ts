import { purgeDeletedEvents } from "@/lib/calendar/recently-deleted";
import { pruneTrace } from "@/lib/sync/trace-prune";
import { serverEnv } from "@/lib/config/env";
import { claimDueAccounts, recordTick } from "@/lib/jobs/due-accounts";
import { runSyncJob } from "@/lib/jobs/sync-job";
import { renewExpiringChannels } from "@/lib/sync-accounts/google-push";
import { renewExpiringSubscriptions } from "@/lib/sync-accounts/graph-push";

/** Syncs one process runs at once: more would only queue on the database and the remote services. */
const SLOTS = 4;

/** How often Google watch channels and Graph subscriptions about to expire are renewed (they live about 7 days; renewal starts a day ahead). */
const RENEW_CHANNELS_EVERY_MS = 10 * 60_000;

/**
 * The Inngest functions' timetable, in-process: every tick claims as many due accounts as there
 * are free slots (the claim moves their next run on, in the database, so another process running
 * this scheduler takes others) and runs each with the same job the Inngest function runs.
 * A failed run waits for its next scheduled time rather than retrying at once.
 */
export class EmbeddedScheduler {
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<number> | null = null;
  private renewing: Promise<void> | null = null;
  private lastRenewal = 0;

  constructor(private readonly options: { tickMs: number; slots?: number; onTick?: (claimed: number) => void } = { tickMs: serverEnv().SCHEDULER_TICK_SECONDS * 1000 }) {}

  start(): void {
    if (this.timer) return;
    const loop = async () => {
      await this.tick().catch((error: unknown) => console.warn(`[scheduler] tick failed: ${(error as Error).message}`));
      if (this.timer) this.timer = setTimeout(loop, this.options.tickMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops ticking and waits for the runs in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.all(this.running);
    await this.renewing;
  }

  /** One tick: claims and starts the due accounts that fit; resolves with how many it claimed. */
  tick(): Promise<number> {
    this.ticking ??= this.claimAndStart().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  /** Resolves when every run started so far has ended. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private async claimAndStart(): Promise<number> {
    const free = (this.options.slots ?? SLOTS) - this.running.size;
    const due = free > 0 ? await claimDueAccounts(free) : [];
    for (const account of due) {
      const run: Promise<void> = runSyncJob(account)
        .then(() => undefined)
        .catch((error: unknown) => console.warn(`[scheduler] account ${account.accountId}: ${(error as Error).message}`))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
    await recordTick("embedded", due.length);
    this.renewChannelsNowAndThen();
    this.options.onTick?.(due.length);
    return due.length;
  }

  /**
   * Beside the ticks, never holding one up: renewing talks to Google and Microsoft; the events
   * deleted more than 30 days ago, and sync trace entries past their days, are purged at the same pace.
   */
  private renewChannelsNowAndThen(): void {
    if (this.renewing || Date.now() - this.lastRenewal < RENEW_CHANNELS_EVERY_MS) return;
    this.lastRenewal = Date.now();
    // One failing does not hold the other back.
    this.renewing = Promise.all([
      renewExpiringChannels().catch((error: unknown) => console.warn(`[scheduler] renewing Google watch channels failed: ${(error as Error).message}`)),
      renewExpiringSubscriptions().catch((error: unknown) => console.warn(`[scheduler] renewing Graph subscriptions failed: ${(error as Error).message}`)),
      purgeDeletedEvents().catch((error: unknown) => console.warn(`[scheduler] purging deleted events failed: ${(error as Error).message}`)),
      pruneTrace().catch((error: unknown) => console.warn(`[scheduler] pruning the sync trace failed: ${(error as Error).message}`)),
    ])
      .then(() => undefined)
      .finally(() => {
        this.renewing = null;
      });
  }
}

const holder = globalThis as typeof globalThis & { __calendarSyncScheduler?: EmbeddedScheduler };

/** Starts this process's scheduler once (Next.js may load instrumentation more than once). */
export function startEmbeddedScheduler(): EmbeddedScheduler {
  holder.__calendarSyncScheduler ??= new EmbeddedScheduler();
  holder.__calendarSyncScheduler.start();
  return holder.__calendarSyncScheduler;
}
