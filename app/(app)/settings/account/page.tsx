import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/change-password-form";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";
import { changePasswordAction } from "./actions";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Account" description={`Signed in as ${user.email}.`} />
      <section aria-labelledby="password-heading" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="password-heading" className="text-lg font-semibold">
          Change password
        </h2>
        <p className="mt-1 mb-5 max-w-xl text-sm text-slate-600">
          Changing your password signs you out in every other browser where you are signed in.
        </p>
        <ChangePasswordForm email={user.email} action={changePasswordAction} />
      </section>
    </>
  );
}
