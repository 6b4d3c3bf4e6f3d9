import type { Metadata } from "next";
import Link from "next/link";
import { FormAlert } from "@/components/form-alert";
import { PageHeader } from "@/components/page-header";
import { AccountCard } from "@/components/sync/account-card";
import { EwsPasswordForm } from "@/components/sync/ews-account-form";
import { AtollonForm } from "@/components/sync/atollon-form";
import { DemoNotice } from "@/components/sync/demo-notice";
import { LiveRefresh } from "@/components/sync/live-refresh";
import { requireUser } from "@/lib/auth/session";
import { googleConfig } from "@/lib/providers/google/oauth";
import { accountsFingerprint, listAccounts, syncsPausedReason, type AccountView } from "@/lib/sync-accounts/accounts";
import { FLOW_FAILURES, flowFailureMessage, microsoftFlowFailureMessage } from "@/lib/sync-accounts/messages";
import { MICROSOFT_FLOW_FAILURES } from "@/lib/sync-accounts/microsoft";
import { updateCalDavPasswordAction } from "./caldav/actions";
import {
  checkConnectionAction,
  chooseCalendarAction,
  grantAtollonAction,
  listCalendarsAction,
  reauthorizeGoogleAction,
  reauthorizeMicrosoftAction,
  removeAccountAction,
  saveRulesAction,
  setConflictPolicyAction,
  syncNowAction,
  updateEwsPasswordAction,
} from "./actions";

export const metadata: Metadata = { title: "Synchronization" };

const NOTICES: Record<string, string> = {
  created: "Google Calendar account created.",
  "created-ews": "Account created: the server accepted the login. Press Sync now to bring its calendar in.",
  "password-updated": "Password updated: the server accepted it, and the account keeps what it has synced.",
  reauthorized: "Google token received: the account is authorized again and keeps its sync state.",
  "created-microsoft": "Office.com account created: Microsoft accepted the sign-in.",
  "reauthorized-microsoft": "Signed in with Microsoft again: the account is authorized again and keeps its sync state.",
  removed: "Account removed.",
  "removed-unrevoked": "Account removed, but Google could not be reached to revoke its token. Remove the app's access in your Google account to be sure.",
};

/** What an account shows under its card: the form that renews an outdated grant or a changed password. */
function accountExtras(account: AccountView) {
  if (account.provider === "ATOLLON") return account.state === "PASSWORD_OUTDATED" ? <AtollonForm action={grantAtollonAction} submitLabel="Update" /> : null;
  if (account.provider === "GOOGLE" || account.provider === "OFFICE365_GRAPH") return null;
  const update = account.provider === "CALDAV" ? updateCalDavPasswordAction : updateEwsPasswordAction;
  if (account.state === "PASSWORD_REJECTED") return <EwsPasswordForm accountId={account.id} update={update} />;
  return (
    <details>
      <summary className="cursor-pointer text-sm font-medium text-brand-700">Change the password</summary>
      <p className="mt-2 mb-3 text-sm text-slate-600">Changed your password at the server? Enter the new one: the account keeps what it has synced.</p>
      <EwsPasswordForm accountId={account.id} update={update} />
    </details>
  );
}

export default async function SyncSettingsPage({ searchParams }: { searchParams: Promise<{ notice?: string; failure?: string; microsoft?: string }> }) {
  const user = await requireUser();
  const params = await searchParams;
  const [accounts, fingerprint] = await Promise.all([listAccounts(user.id), accountsFingerprint(user.id)]);
  const atollon = accounts.find((account) => account.provider === "ATOLLON");
  const paused = atollon ? await syncsPausedReason(user.id) : null;
  const google = googleConfig();
  const notice = params.notice ? NOTICES[params.notice] : undefined;
  const failure = FLOW_FAILURES.find((value) => value === params.failure);
  const microsoftFailure = MICROSOFT_FLOW_FAILURES.find((value) => value === params.microsoft);
  const serialize = (account: (typeof accounts)[number]) => ({
    ...account,
    lastSuccessfulSyncAt: account.lastSuccessfulSyncAt?.toISOString() ?? null,
    nextSyncAt: account.nextSyncAt?.toISOString() ?? null,
    recentRuns: account.recentRuns.map((run) => ({ ...run, startedAt: run.startedAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null })),
  });

  return (
    <>
      <PageHeader title="Synchronization" description="Keep this calendar in two-way sync with Google Calendar, Office.com and MS Exchange." />
      {google?.demo && <DemoNotice />}
      {atollon && <LiveRefresh fingerprint={fingerprint} />}
      {atollon && (
        <p className="mb-4 text-sm">
          <Link href="/settings/sync/conflicts" className="font-medium text-brand-700 hover:underline">
            Conflicts
          </Link>{" "}
          <span className="text-slate-600">— events changed on both sides, and what was kept</span>
        </p>
      )}
      <div className="flex flex-col gap-6">
        {notice && <FormAlert message={notice} tone={params.notice === "removed-unrevoked" ? "error" : "success"} />}
        {failure && <FormAlert message={flowFailureMessage(failure)} />}
        {microsoftFailure && <FormAlert message={microsoftFlowFailureMessage(microsoftFailure)} />}
        {paused && <p className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">Syncing is paused. {paused}</p>}

        {!atollon ? (
          <section aria-labelledby="step-1" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
            <p className="text-xs font-semibold tracking-wide text-brand-700 uppercase">Step 1</p>
            <h2 id="step-1" className="mt-1 text-lg font-semibold">
              Atollon account
            </h2>
            <p className="mt-1 mb-5 max-w-xl text-sm text-slate-600">
              The Atollon account is this app&apos;s own calendar: just fill in the password you sign in with to allow the sync to read and change it for you (the password is not stored).
            </p>
            <AtollonForm action={grantAtollonAction} submitLabel="Confirm password" />
          </section>
        ) : (
          <>
            <section aria-labelledby="accounts-heading">
              <h2 id="accounts-heading" className="mb-3 text-lg font-semibold">
                Sync accounts
              </h2>
              <ul className="flex flex-col gap-3">
                {accounts.map((account) => (
                  <AccountCard
                    key={account.id}
                    account={serialize(account)}
                    remove={removeAccountAction}
                    check={account.provider === "ATOLLON" ? undefined : checkConnectionAction}
                    reauthorize={account.provider === "GOOGLE" ? reauthorizeGoogleAction : account.provider === "OFFICE365_GRAPH" ? reauthorizeMicrosoftAction : undefined}
                    syncNow={account.provider === "ATOLLON" ? undefined : syncNowAction}
                    setPolicy={account.provider === "ATOLLON" ? undefined : setConflictPolicyAction}
                    saveRules={account.provider === "ATOLLON" ? undefined : saveRulesAction}
                    calendars={account.choosesCalendar ? { list: listCalendarsAction, choose: chooseCalendarAction } : undefined}
                  >
                    {accountExtras(account)}
                  </AccountCard>
                ))}
              </ul>
            </section>
            <section aria-labelledby="add-heading">
              <h2 id="add-heading" className="mb-3 text-lg font-semibold">
                Add a calendar
              </h2>
              <div className="flex flex-wrap gap-3">
                <Link href="/settings/sync/google" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-800">
                  Add Google Calendar
                </Link>
                <Link href="/settings/sync/office" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-900 shadow-sm hover:bg-slate-50">
                  Add Office.com
                </Link>
                <Link href="/settings/sync/exchange" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-900 shadow-sm hover:bg-slate-50">
                  Add MS Exchange
                </Link>
                <Link href="/settings/sync/caldav" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-900 shadow-sm hover:bg-slate-50">
                  Add CalDAV account
                </Link>
              </div>
            </section>
          </>
        )}
      </div>
    </>
  );
}
