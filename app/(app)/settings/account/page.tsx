import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/change-password-form";
import { PageHeader } from "@/components/page-header";
import { TimeZoneForm } from "@/components/time-zone-form";
import { requireUser } from "@/lib/auth/session";
import { hasAtollonAccount } from "@/lib/sync-accounts/accounts";
import { changePasswordAction, setTimeZoneAction } from "./actions";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser();
  const syncs = await hasAtollonAccount(user.id);
  return (
    <>
      <PageHeader title="Account" description={`Signed in as ${user.email}.`} />
      <section aria-labelledby="time-zone-heading" className="mb-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="time-zone-heading" className="text-lg font-semibold">
          Time zone
        </h2>
        <p className="mt-1 mb-5 max-w-xl text-sm text-slate-600">
          The calendar places events by this zone. Each event keeps its own zone, so a weekly meeting set in New York stays at its New York time.
        </p>
        <TimeZoneForm current={user.timeZone} action={setTimeZoneAction} />
      </section>
      <section aria-labelledby="password-heading" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="password-heading" className="text-lg font-semibold">
          Change password
        </h2>
        <p className="mt-1 mb-5 max-w-xl text-sm text-slate-600">
          Changing your password signs you out in every other browser where you are signed in.
        </p>
        <ChangePasswordForm email={user.email} action={changePasswordAction} syncs={syncs} />
      </section>
    </>
  );
}
