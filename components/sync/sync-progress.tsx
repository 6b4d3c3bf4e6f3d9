"use client";

import { useEffect, useState } from "react";
import type { AccountStatus } from "@/lib/sync-accounts/accounts";

const POLL_MS = 1000;
const count = new Intl.NumberFormat("en");

/**
 * While a run of this account is in progress, asks the server every second how far it got, and
 * says so; tells the page when the run has ended so it can show the outcome.
 */
export function SyncProgress({ accountId, remoteName, onFinished }: { accountId: string; remoteName: string; onFinished: () => void }) {
  const [running, setRunning] = useState<AccountStatus["running"]>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const response = await fetch(`/api/sync-accounts/${accountId}/status`, { cache: "no-store" });
        if (stopped) return;
        if (response.ok) {
          const status = (await response.json()) as AccountStatus;
          if (stopped) return;
          setRunning(status.running);
          if (status.state !== "SYNCING") {
            onFinished();
            return;
          }
        }
      } catch {
        // A missed poll only delays the figures; the next one tries again.
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [accountId, onFinished]);

  return (
    <p role="status" className="flex items-center gap-2 text-sm text-brand-800">
      <span aria-hidden className="h-3 w-3 animate-spin rounded-full border-2 border-brand-200 border-t-brand-700" />
      {running
        ? `Syncing… ${count.format(running.received)} change${running.received === 1 ? "" : "s"} from ${remoteName}, ${count.format(running.sent)} sent to ${remoteName} so far.`
        : "Syncing…"}
    </p>
  );
}
