"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { useFormats } from "@/components/formats-provider";
import { RelativeTime } from "@/components/sync/relative-time";
import type { ActionResult } from "@/lib/actions/safe-action";
import type { SyncProvider } from "@/lib/db/generated/enums";
import { REMOTE_NAMES } from "@/lib/sync-accounts/remote-names";
import type { AccountTrace, EventTrace, TraceEntryView } from "@/lib/sync/trace";

const TRIGGERS: Record<string, string> = { manual: "Sync now", schedule: "scheduled run", edit: "run after an edit", push: "change notice", continue: "continued run" };
const TONES = {
  synced: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  waiting: "bg-slate-100 text-slate-700 ring-slate-200",
  excluded: "bg-slate-100 text-slate-700 ring-slate-200",
  rejected: "bg-red-50 text-red-800 ring-red-200",
  conflict: "bg-amber-50 text-amber-900 ring-amber-200",
} as const;
const ACTIONS = { created: "Created", updated: "Updated", deleted: "Deleted", restored: "Restored" } as const;
const BADGES = { synced: "Synced", waiting: "Waiting", excluded: "Not copied", rejected: "Refused", conflict: "In conflict" } as const;

const remoteName = (provider: SyncProvider) => REMOTE_NAMES[provider];

function StateLine({ account }: { account: AccountTrace }) {
  const { state } = account;
  // A default calendar is named after its account: naming it again says nothing.
  const named = account.calendar !== null && account.calendar !== account.login ? `“${account.calendar}”` : null;
  switch (state.kind) {
    case "synced":
      return (
        <p>
          {state.original ? `Came from ${named ?? "this calendar"}` : `Copied${named ? ` to ${named}` : ""}`}
          {state.at && (
            <>
              , written <RelativeTime at={new Date(state.at).toISOString()} tense="past" />
            </>
          )}
          .
        </p>
      );
    case "waiting":
      return <p>{state.paused ?? (state.copied ? "Changed since the last run: the next run takes the change there." : "Not copied yet: the next run copies it there.")}</p>;
    case "excluded":
      return (
        <p>
          Left out by a rule: {state.rule}.{" "}
          <Link href="/settings/sync" className="font-medium text-brand-700 underline">
            Change the rules
          </Link>
        </p>
      );
    case "rejected":
      return (
        <>
          <p>{state.message}</p>
          <p className="text-slate-600">Change the event and the next run tries again — or leave it out of this calendar with a rule.</p>
        </>
      );
    case "conflict":
      return (
        <p>
          Changed on both sides; nothing moves until you choose.{" "}
          <Link href={`/settings/sync/conflicts#conflict-${state.conflictId}`} className="font-medium text-brand-700 underline">
            Settle the conflict
          </Link>
        </p>
      );
  }
}

function EntryLine({ entry, account }: { entry: TraceEntryView; account: AccountTrace | undefined }) {
  const formats = useFormats();
  const remote = account ? remoteName(account.provider) : "the remote calendar";
  const where = entry.side === "here" ? `in Atollon from ${remote}` : `in ${remote}`;
  return (
    <li className="flex flex-wrap justify-between gap-x-3 py-1.5">
      <span>
        <span className="font-medium">{ACTIONS[entry.action]}</span> {where}
        {account && <span className="text-slate-600"> · {account.login}</span>}
      </span>
      <span className="text-slate-600">
        <time dateTime={new Date(entry.at).toISOString()}>{formats.dateTime(entry.at)}</time>
        {entry.trigger && ` · ${TRIGGERS[entry.trigger] ?? entry.trigger}`}
      </span>
    </li>
  );
}

/** Where an event stands in each sync account, and what the last runs did to it (lib/sync/trace.ts). */
export function SyncTrace({ eventId, load }: { eventId: string; load: (input: { eventId: string }) => Promise<ActionResult<EventTrace>> }) {
  const [result, setResult] = useState<ActionResult<EventTrace> | null>(null);
  useEffect(() => {
    let cancelled = false;
    void load({ eventId }).then((loaded) => !cancelled && setResult(loaded));
    return () => {
      cancelled = true;
    };
  }, [eventId, load]);

  if (result === null) return <p className="text-sm text-slate-600">Loading the sync trace…</p>;
  if (!result.ok) return <p className="text-sm text-red-700">{result.error}</p>;
  const trace = result.data;
  if (trace.accounts.length === 0) return null;
  const accounts = new Map(trace.accounts.map((account) => [account.accountId, account]));
  const origin = trace.copiedFrom;
  return (
    <section aria-labelledby="sync-trace-title" className="flex flex-col gap-3 rounded-lg border border-slate-200 p-3 text-sm" data-testid="sync-trace">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id="sync-trace-title" className="font-medium text-slate-800">
          Sync
        </h3>
        <p className="text-slate-600">{origin ? `A copy of an event from ${remoteName(origin.provider)} ${origin.login}` : "Made in Atollon"}</p>
      </div>
      <ul className="flex flex-col gap-3">
        {trace.accounts.map((account) => (
          <li key={account.accountId} className="flex flex-col gap-1 sm:flex-row sm:items-start sm:gap-3" data-testid="trace-account">
            <span className={`w-fit shrink-0 rounded-full px-2 py-0.5 text-xs font-medium ring-1 sm:mt-0.5 sm:w-24 sm:text-center ${TONES[account.state.kind]}`}>{BADGES[account.state.kind]}</span>
            <div className="min-w-0">
              <p className="font-medium break-words text-slate-800">
                {remoteName(account.provider)} · {account.login}
              </p>
              <div className="text-slate-700">
                <StateLine account={account} />
              </div>
            </div>
          </li>
        ))}
      </ul>
      {trace.entries.length > 0 && (
        <details className="border-t border-slate-100 pt-2">
          <summary className="cursor-pointer font-medium text-slate-800">Last sync actions ({trace.entries.length})</summary>
          <ol className="mt-1 divide-y divide-slate-100">
            {trace.entries.map((entry, index) => (
              <EntryLine key={`${entry.accountId}-${index}`} entry={entry} account={accounts.get(entry.accountId)} />
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}
