import type { Metadata } from "next";
import { AddAccountLayout } from "@/components/sync/add-account-layout";
import { EwsAccountForm } from "@/components/sync/ews-account-form";
import { OAuthTokenForm } from "@/components/sync/oauth-token-form";
import { requireUser } from "@/lib/auth/session";
import { microsoftRedirectUri } from "@/lib/providers/graph/oauth";
import { microsoftOAuthConfig } from "@/lib/providers/graph/oauth-config";
import { microsoftFlowFailureMessage } from "@/lib/sync-accounts/messages";
import { MICROSOFT_FLOW_FAILURES, getMicrosoftFlow, microsoftFlowCalendars } from "@/lib/sync-accounts/microsoft";
import { OFFICE365_EWS_URL } from "@/lib/validations/sync-accounts";
import { createMicrosoftAccountAction, createOfficeAccountAction, signInWithMicrosoftAction } from "../actions";

export const metadata: Metadata = { title: "Add Office.com" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function AddOfficePage({ searchParams }: { searchParams: Promise<{ flow?: string; failure?: string }> }) {
  const user = await requireUser();
  const params = await searchParams;
  const config = microsoftOAuthConfig();
  const flow = params.flow && UUID.test(params.flow) ? await getMicrosoftFlow(user.id, params.flow) : null;
  const failureCode = flow?.failure ?? MICROSOFT_FLOW_FAILURES.find((value) => value === params.failure) ?? null;
  // The default calendar is preselected; a listing that fails leaves only it (Create still works).
  const calendars = flow?.tokenReceived ? await microsoftFlowCalendars(user.id, flow.id).catch(() => null) : null;
  const failure = failureCode ? microsoftFlowFailureMessage(failureCode, flow ?? undefined) : params.flow && !flow ? microsoftFlowFailureMessage("state") : null;

  return (
    <AddAccountLayout
      title="Add Office.com"
      description="Connect an Office 365 calendar: sign in with Microsoft (recommended), or use a password where your organisation still allows Exchange Web Services."
    >
      <section aria-labelledby="microsoft-heading">
        <p className="text-xs font-semibold tracking-wide text-brand-700 uppercase">Recommended</p>
        <h2 id="microsoft-heading" className="mt-1 text-lg font-semibold text-slate-900">
          Sign in with Microsoft
        </h2>
        {config ? (
          <>
            <p className="mt-1 mb-5 max-w-2xl text-sm text-slate-600">
              Syncs through Microsoft Graph. Enter your address, sign in at Microsoft and allow this app to read and edit your calendars. Your password stays
              with Microsoft; this app keeps only the permission, encrypted.
            </p>
            <OAuthTokenForm
              kind="microsoft"
              login={flow?.login ?? ""}
              failure={failure}
              received={flow?.tokenReceived ? { flowId: flow.id, login: flow.receivedLogin ?? flow.login } : null}
              start={signInWithMicrosoftAction}
              create={createMicrosoftAccountAction}
              calendars={calendars}
            />
          </>
        ) : (
          <div className="mt-2 max-w-2xl text-sm text-slate-700">
            <p className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3">
              Sign in with Microsoft is not set up on this server yet; ask the person who runs it.
            </p>
            <details className="mt-3">
              <summary className="cursor-pointer font-medium text-brand-700">For administrators</summary>
              <p className="mt-2 text-slate-600">
                Register the app in Microsoft Entra ID with the redirect URI <code className="font-mono break-all">{microsoftRedirectUri()}</code>, then set
                MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET; the README&apos;s &ldquo;Connecting Office.com&rdquo; lists every step and permission.
              </p>
            </details>
          </div>
        )}
      </section>

      <section aria-labelledby="ews-heading" className="mt-8 border-t border-slate-200 pt-6">
        <h2 id="ews-heading" className="text-lg font-semibold text-slate-900">
          Connect with a password (Exchange Web Services)
        </h2>
        <p className="mt-1 mb-4 max-w-2xl text-sm text-slate-600">Your sign-in address, the server address and your password.</p>
        <p className="mb-5 max-w-2xl rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Exchange Online accepts a password here only where your organisation still allows Exchange Web Services with passwords. Since 1 October 2026
          Microsoft blocks EWS for organisations that have not allowed it, and on 1 April 2027 switches it off for good. If the password is refused, sign in with
          Microsoft above, ask your administrator, or connect the account as MS Exchange when your organisation runs its own server.
        </p>
        <EwsAccountForm kind="office" defaultServerUrl={OFFICE365_EWS_URL} create={createOfficeAccountAction} />
      </section>
    </AddAccountLayout>
  );
}
