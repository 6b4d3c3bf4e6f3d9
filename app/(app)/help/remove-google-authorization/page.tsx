import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Remove application authorization in Google" };

export default async function RemoveGoogleAuthorizationPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Remove application authorization in Google"
        description="Google gives this app a long-lived token only the first time you allow it. When that token is gone, remove the old authorization and receive a new token."
      />
      <div className="flex max-w-3xl flex-col gap-6 text-sm leading-6 text-slate-700">
        <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h2 className="text-base font-semibold text-slate-900">When you need this</h2>
          <ul className="mt-2 list-disc pl-5">
            <li>
              Adding a Google account says <em>Google did not send a refresh token</em>: Google still remembers an earlier authorization of this app for that account.
            </li>
            <li>
              A Google account under Settings → Synchronization shows <strong>Authorization needed</strong>: the authorization was removed in Google, expired, or was revoked when the Google password changed. Syncing of that account is stopped until you receive a new token.
            </li>
          </ul>
        </section>
        <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h2 className="text-base font-semibold text-slate-900">Steps in your Google account</h2>
          <ol className="mt-2 list-decimal pl-5">
            <li>
              Open your Google Account (<span className="font-mono">myaccount.google.com</span>) and sign in with the Google address you want to sync.
            </li>
            <li>
              Go to <strong>Security</strong> (called <em>Security &amp; sign-in</em> in some accounts).
            </li>
            <li>
              Find <strong>Your connections to third-party apps &amp; services</strong> (older accounts: <em>Third-party apps with account access</em> → <em>Manage third-party access</em>).
            </li>
            <li>
              Select <strong>Calendar Sync</strong> in the list.
            </li>
            <li>
              Choose <strong>Delete all connections you have with Calendar Sync</strong> (older accounts: <em>Remove access</em>) and confirm.
            </li>
          </ol>
          <p className="mt-3">Your Google calendar and its events stay as they are; only this app&apos;s access is removed.</p>
        </section>
        <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h2 className="text-base font-semibold text-slate-900">Then, back here</h2>
          <ol className="mt-2 list-decimal pl-5">
            <li>
              For a new account: open{" "}
              <Link href="/settings/sync/google" className="font-medium text-brand-700 underline">
                Add Google Calendar
              </Link>
              , enter the Google Login, press <strong>Receive Google token</strong>, allow access, and press <strong>Create</strong>.
            </li>
            <li>
              For an account that shows Authorization needed: open{" "}
              <Link href="/settings/sync" className="font-medium text-brand-700 underline">
                Settings → Synchronization
              </Link>{" "}
              and press <strong>Receive Google token</strong> on that account. It keeps its sync state, so nothing is copied twice.
            </li>
          </ol>
        </section>
      </div>
    </>
  );
}
