import type { Metadata } from "next";
import { AddAccountLayout } from "@/components/sync/add-account-layout";
import { EwsAccountForm } from "@/components/sync/ews-account-form";
import { requireUser } from "@/lib/auth/session";
import { OFFICE365_EWS_URL } from "@/lib/validations/sync-accounts";
import { createOfficeAccountAction } from "../actions";

export const metadata: Metadata = { title: "Add Office.com" };

export default async function AddOfficePage() {
  await requireUser();
  return (
    <AddAccountLayout title="Add Office.com" description="Connect an Office 365 calendar through Exchange Web Services: your sign-in address and password.">
      <p className="mb-5 max-w-2xl rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
        Exchange Online accepts a password here only where your organisation still allows Exchange Web Services with passwords. Since 1 October 2026
        Microsoft blocks EWS for organisations that have not allowed it, and on 1 April 2027 switches it off for good. If the password is refused, ask your
        administrator, or connect the account as MS Exchange when your organisation runs its own server.
      </p>
      <EwsAccountForm kind="office" defaultServerUrl={OFFICE365_EWS_URL} create={createOfficeAccountAction} />
    </AddAccountLayout>
  );
}
