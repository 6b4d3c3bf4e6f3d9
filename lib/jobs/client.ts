import { Inngest } from "inngest";
import { serverEnv } from "@/lib/config/env";

/**
 * Syncs run as Inngest functions when an Inngest server is configured (Inngest Cloud with an event
 * key, or a self-hosted / dev server); otherwise the embedded scheduler runs the same work in-process.
 */
export function inngestEnabled(): boolean {
  const env = serverEnv();
  return Boolean(env.INNGEST_EVENT_KEY || env.INNGEST_DEV);
}

export const inngest = new Inngest({ id: "calendar-sync" });

/**
 * Why a sync was asked for: recorded as the run's trigger in the account's history. "continue": the
 * last run stopped because the service limited requests, and goes on when it said it would take calls.
 */
export type SyncReason = "schedule" | "edit" | "push" | "continue";

export const SYNC_REQUESTED = "sync/account.requested";
export const CALENDAR_CHANGED = "calendar/changed";

export interface SyncRequestedData {
  accountId: string;
  ownerId: string;
  /** The remote service the account uses, the key of its throttle: "google", or "ews:<host>". */
  service: string;
  reason: SyncReason;
}
