"use client";

import { useCallback, useState } from "react";
import { usePoll } from "@/components/sync/use-poll";
import type { AccountStatus } from "@/lib/sync-accounts/accounts";

const POLL_MS = 1000;
const count = new Intl.NumberFormat("en");

/**
 * While a run of this account is in progress, asks the server every second how far it got, and
 * says so; tells the page when the run has ended so it can show the outcome.
 */
export function SyncProgress({ accountId, remoteName, onFinished }: { accountId: string; remoteName: string; onFinished: () => void }) {
  const [running, setRunning] = useState<AccountStatus["running"]>(null);

  const poll = useCallback(async (): Promise<"stop" | void> => {
    const response = await fetch(`/api/sync-accounts/${accountId}/status`, { cache: "no-store" });
    if (!response.ok) return;
    const status = (await response.json()) as AccountStatus;
    setRunning(status.running);
    if (status.state === "SYNCING") return;
    onFinished();
    return "stop";
  }, [accountId, onFinished]);
  usePoll(poll, POLL_MS);

  return (
    <p role="status" className="flex items-center gap-2 text-sm text-brand-800">
      <span aria-hidden className="h-3 w-3 animate-spin rounded-full border-2 border-brand-200 border-t-brand-700" />
      {running
        ? `Syncing… ${count.format(running.received)} change${running.received === 1 ? "" : "s"} from ${remoteName}, ${count.format(running.sent)} sent to ${remoteName} so far.`
        : "Syncing…"}
    </p>
  );
}
