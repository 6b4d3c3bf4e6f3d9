import type { Metadata } from "next";
import { AddAccountLayout } from "@/components/sync/add-account-layout";
import { EwsAccountForm } from "@/components/sync/ews-account-form";
import { requireUser } from "@/lib/auth/session";
import { createExchangeAccountAction } from "../actions";

export const metadata: Metadata = { title: "Add MS Exchange" };

export default async function AddExchangePage() {
  await requireUser();
  return (
    <AddAccountLayout title="Add MS Exchange" description="Connect a calendar on your organisation's Exchange server (2007 SP1 to Subscription Edition) through Exchange Web Services.">
      <EwsAccountForm kind="exchange" defaultServerUrl="" create={createExchangeAccountAction} />
    </AddAccountLayout>
  );
}
