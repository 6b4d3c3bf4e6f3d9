"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useState, type ReactNode } from "react";
import { Button } from "@/components/button";
import { FormAlert } from "@/components/form-alert";
import { CalendarPicker, type ChooseCalendar, type ListCalendars } from "@/components/sync/calendar-picker";
import { ProviderIcon, providerConnection, providerName } from "@/components/sync/provider-icon";
import { RelativeTime } from "@/components/sync/relative-time";
import { RulesForm, type SaveRules } from "@/components/sync/rules-form";
import { RunHistory, type RunHistoryEntry } from "@/components/sync/run-history";
import { StateBadge } from "@/components/sync/state-badge";
import { SyncProgress } from "@/components/sync/sync-progress";
import type { ActionResult } from "@/lib/actions/safe-action";
import type { ConflictPolicy, SyncAccountState, SyncProvider } from "@/lib/db/generated/enums";
import type { SyncRules } from "@/lib/sync/rules/schema";

const POLICY_LABELS = (remoteName: string): Record<ConflictPolicy, string> => ({
  LATEST: "The most recent change wins",
  LOCAL: "Atollon wins",
  REMOTE: `${remoteName} wins`,
  ASK: "Ask me",
});

/** What a working "Check connection" proved, for accounts that hold an authorization rather than a password. */
const CHECKED: Partial<Record<SyncProvider, string>> = {
  GOOGLE: "Google accepted the stored authorization",
  OFFICE365_GRAPH: "Microsoft accepted the stored authorization",
};

export interface AccountCardData {
  id: string;
  provider: SyncProvider;
  login: string;
  state: SyncAccountState;
  stateMessage: string | null;
  lastSuccessfulSyncAt: string | null;
  lastRunSummary: string | null;
  conflictPolicy: ConflictPolicy;
  rules: SyncRules;
  rulesSummary: string;
  remoteCalendarName: string | null;
  remoteCalendarId: string | null;
  nextSyncAt: string | null;
  recentRuns: RunHistoryEntry[];
  /** Events the remote calendar refused for good. */
  refused: number;
}

interface Props {
  account: AccountCardData;
  /** Extra content under the account, e.g. the form that renews an outdated grant. */
  children?: ReactNode;
  remove: (input: { accountId: string }) => Promise<ActionResult<{ revoked: boolean }>>;
  check?: (input: { accountId: string }) => Promise<ActionResult<null>>;
  reauthorize?: (input: { accountId: string }) => Promise<ActionResult<{ url: string }>>;
  syncNow?: (input: { accountId: string; deletions?: "ask" | "apply" | "restore" }) => Promise<ActionResult<{ outcome: string; summary: string }>>;
  setPolicy?: (input: { accountId: string; policy: ConflictPolicy }) => Promise<ActionResult<null>>;
  saveRules?: SaveRules;
  /** Offered where the service lets the account choose among its calendars. */
  calendars?: { list: ListCalendars; choose: ChooseCalendar };
}

export function AccountCard({ account, children, remove, check, reauthorize, syncNow, setPolicy, saveRules, calendars }: Props) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ tone: "error" | "success"; message: string } | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [editing, setEditing] = useState<"rules" | "calendar" | null>(null);
  const name = providerName(account.provider);
  const connection = providerConnection(account.provider);
  const refresh = useCallback(() => router.refresh(), [router]);


  const run = async <T,>(work: () => Promise<ActionResult<T>>, onSuccess: (data: T) => void) => {
    setBusy(true);
    setResult(null);
    const outcome = await work();
    setBusy(false);
    if (!outcome.ok) {
      setResult({ tone: "error", message: outcome.error });
      router.refresh();
      return;
    }
    onSuccess(outcome.data);
  };

  const sync = (deletions?: "apply" | "restore") => {
    setSyncing(true);
    void run(
      () => syncNow?.({ accountId: account.id, deletions }) ?? Promise.resolve({ ok: false as const, error: "Sync is not available for this account." }),
      (data) => {
        setResult({ tone: data.outcome === "paused" ? "error" : "success", message: data.summary });
        router.refresh();
      },
    ).finally(() => setSyncing(false));
  };

  return (
    <li className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-label={`${name} account ${account.login}`}>
      <div className="flex flex-wrap items-start gap-4">
        <ProviderIcon provider={account.provider} />
        <div className="min-w-0 flex-1 basis-72">
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="font-semibold text-slate-900">{name}</h3>
            {connection && <span className="text-sm text-slate-500">{connection}</span>}
            <StateBadge state={account.state} />
          </div>
          <p className="truncate text-sm text-slate-700">{account.login}</p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {account.state === "AUTHORIZATION_NEEDED" && reauthorize && (
            <Button type="button" disabled={busy} onClick={() => run(() => reauthorize({ accountId: account.id }), (data) => window.location.assign(data.url))}>
              {account.provider === "GOOGLE" ? "Receive Google token" : "Sign in with Microsoft again"}
            </Button>
          )}
          {syncNow && account.state === "PAUSED" && (
            <>
              <Button type="button" variant="danger" disabled={busy} onClick={() => sync("apply")}>
                Apply the deletions
              </Button>
              <Button type="button" disabled={busy} onClick={() => sync("restore")}>
                Restore the events
              </Button>
            </>
          )}
          {syncNow && account.state !== "AUTHORIZATION_NEEDED" && account.state !== "PASSWORD_REJECTED" && account.state !== "PAUSED" && (
            <Button type="button" disabled={busy || account.state === "SYNCING"} onClick={() => sync()}>
              {syncing ? "Syncing…" : "Sync now"}
            </Button>
          )}
          {check && account.state !== "AUTHORIZATION_NEEDED" && (
            <Button type="button" variant="secondary" disabled={busy} onClick={() => run(() => check({ accountId: account.id }), () => {
              setResult({ tone: "success", message: `Connection works: ${CHECKED[account.provider] ?? "the server accepted the stored login and password"}.` });
              router.refresh();
            })}>
              Check connection
            </Button>
          )}
          {confirming ? (
            <span className="flex items-center gap-2 text-sm">
              Remove {account.login}?
              <Button type="button" variant="danger" disabled={busy} onClick={() => run(() => remove({ accountId: account.id }), (data) => {
                router.push(data.revoked ? "/settings/sync?notice=removed" : "/settings/sync?notice=removed-unrevoked");
                router.refresh();
              })}>
                Remove
              </Button>
              <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
                Keep
              </Button>
            </span>
          ) : (
            <Button type="button" variant="secondary" onClick={() => setConfirming(true)}>
              Remove…
            </Button>
          )}
        </div>
      </div>
      <div className="sm:pl-14">
        {account.stateMessage && <p className="mt-1 text-sm text-amber-900">{account.stateMessage}</p>}
        {account.provider !== "ATOLLON" && (
          <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm text-slate-600 sm:grid-cols-[auto_1fr]">
            <dt className="font-medium text-slate-700">Calendar</dt>
            <dd className="flex flex-wrap items-center gap-2">
              {account.remoteCalendarName ?? "The default calendar"}
              {calendars && editing !== "calendar" && (
                <button type="button" className="font-medium text-brand-700 underline" onClick={() => setEditing("calendar")}>
                  Change calendar…
                </button>
              )}
            </dd>
            <dt className="font-medium text-slate-700">Rules</dt>
            <dd className="flex flex-wrap items-center gap-2">
              <span data-testid="rules-summary">{account.rulesSummary}</span>
              {saveRules && editing !== "rules" && (
                <button type="button" className="font-medium text-brand-700 underline" onClick={() => setEditing("rules")}>
                  Edit rules…
                </button>
              )}
            </dd>
            <dt className="font-medium text-slate-700">Last successful sync</dt>
            <dd>{account.lastSuccessfulSyncAt ? <RelativeTime at={account.lastSuccessfulSyncAt} tense="past" /> : "Not synced yet"}</dd>
            <dt className="font-medium text-slate-700">Last run</dt>
            <dd>{account.lastRunSummary ?? "No run yet"}</dd>
            {account.refused > 0 && (
              <>
                <dt className="font-medium text-red-800">Not copied</dt>
                <dd className="text-red-800" data-testid="refused-events">
                  {account.refused === 1 ? "1 event could not be copied" : `${account.refused} events could not be copied`} —{" "}
                  <Link href={`/settings/sync/refused#account-${account.id}`} className="font-medium underline">
                    see {account.refused === 1 ? "it" : "them"}
                  </Link>
                </dd>
              </>
            )}
            <dt className="font-medium text-slate-700">Next sync</dt>
            <dd>
              {account.state === "SYNCING" ? "Running now" : account.nextSyncAt ? <RelativeTime at={account.nextSyncAt} tense="future" /> : "Not scheduled until the problem above is solved"}
            </dd>
          </dl>
        )}
        {editing === "rules" && saveRules && <RulesForm accountId={account.id} remoteName={name} rules={account.rules} save={saveRules} onDone={() => setEditing(null)} />}
        {editing === "calendar" && calendars && (
          <CalendarPicker accountId={account.id} currentId={account.remoteCalendarId} remoteName={name} synced={account.lastSuccessfulSyncAt !== null} list={calendars.list} choose={calendars.choose} onDone={() => setEditing(null)} />
        )}
        {account.provider !== "ATOLLON" && <RunHistory provider={account.provider} runs={account.recentRuns} />}
        {setPolicy && (
          <label className="mt-3 flex flex-wrap items-center gap-2 text-sm text-slate-700">
            <span className="font-medium">When an event changed on both sides</span>
            <select
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
              value={account.conflictPolicy}
              disabled={busy}
              onChange={(event) => {
                const policy = event.target.value as ConflictPolicy;
                void run(() => setPolicy({ accountId: account.id, policy }), () => {
                  setResult({ tone: "success", message: `Saved. From the next sync on: ${POLICY_LABELS(name)[policy]}.` });
                  router.refresh();
                });
              }}
            >
              {(Object.entries(POLICY_LABELS(name)) as [ConflictPolicy, string][]).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {account.state === "AUTHORIZATION_NEEDED" && account.provider === "GOOGLE" && (
        <p className="mt-3 text-sm text-slate-600">
          Google refuses a new token while the old authorization exists?{" "}
          <Link href="/help/remove-google-authorization" className="font-medium text-brand-700 underline">
            Remove the application authorization in Google
          </Link>
          .
        </p>
      )}
      {(syncing || (account.state === "SYNCING" && !result)) && (
        <div className="mt-3">
          <SyncProgress accountId={account.id} remoteName={name} onFinished={refresh} />
        </div>
      )}
      {result && !syncing && result.message !== account.stateMessage && (
        <div className="mt-3">
          <FormAlert message={result.message} tone={result.tone} />
        </div>
      )}
      {children && <div className="mt-4 border-t border-slate-100 pt-4">{children}</div>}
    </li>
  );
}
