import type { Metadata } from "next";
import { AddAccountLayout } from "@/components/sync/add-account-layout";
import { DemoNotice } from "@/components/sync/demo-notice";
import { OAuthTokenForm } from "@/components/sync/oauth-token-form";
import { requireUser } from "@/lib/auth/session";
import { googleConfig } from "@/lib/providers/google/oauth";
import { flowCalendars, getFlow } from "@/lib/sync-accounts/google";
import { FLOW_FAILURES, flowFailureMessage } from "@/lib/sync-accounts/messages";
import { createGoogleAccountAction, receiveGoogleTokenAction } from "../actions";

export const metadata: Metadata = { title: "Add Google Calendar" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function AddGooglePage({ searchParams }: { searchParams: Promise<{ flow?: string; failure?: string }> }) {
  const user = await requireUser();
  const params = await searchParams;
  const config = googleConfig();
  const flow = params.flow && UUID.test(params.flow) ? await getFlow(user.id, params.flow) : null;
  const failureCode = flow?.failure ?? FLOW_FAILURES.find((value) => value === params.failure) ?? null;
  // The default calendar is preselected; a listing that fails leaves only it (Create still works).
  const calendars = flow?.tokenReceived ? await flowCalendars(user.id, flow.id).catch(() => null) : null;
  const failure = failureCode ? flowFailureMessage(failureCode, flow ?? undefined) : params.flow && !flow ? flowFailureMessage("state") : null;

  return (
    <AddAccountLayout
      title="Add Google Calendar"
      description="Connect a Google Calendar: enter the Google address, receive a token from Google, then create the account."
      notice={config?.demo && <DemoNotice />}
    >
        {config ? (
          <OAuthTokenForm
            kind="google"
            login={flow?.login ?? ""}
            failure={failure}
            received={flow?.tokenReceived ? { flowId: flow.id, login: flow.receivedLogin ?? flow.login } : null}
            start={receiveGoogleTokenAction}
            create={createGoogleAccountAction}
            calendars={calendars}
          />
        ) : (
          <div className="max-w-xl text-sm text-slate-700">
            <h2 className="text-base font-semibold text-slate-900">This server is not configured for Google yet</h2>
            <p className="mt-2">
              An administrator needs to register the app with Google (Google Cloud Console → APIs &amp; Services → Credentials → OAuth client ID, type &quot;Web application&quot;) and set these variables before Google calendars can be connected:
            </p>
            <ul className="mt-2 list-disc pl-5 font-mono text-xs">
              <li>GOOGLE_CLIENT_ID</li>
              <li>GOOGLE_CLIENT_SECRET</li>
              <li>APP_URL (the redirect URI registered at Google is APP_URL/api/google/callback)</li>
            </ul>
            <p className="mt-2">To try the whole flow without Google, run the app with <code className="font-mono">npm run demo</code>.</p>
          </div>
        )}
    </AddAccountLayout>
  );
}
