import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { EwsAccountForm } from "@/components/sync/ews-account-form";
import { requireUser } from "@/lib/auth/session";
import { createExchangeAccountAction } from "../actions";

export const metadata: Metadata = { title: "Add MS Exchange" };

export default async function AddExchangePage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Add MS Exchange" description="Connect a calendar on your organisation's Exchange server (2007 SP1 to Subscription Edition) through Exchange Web Services." />
      <p className="-mt-4 mb-6 text-sm">
        <Link href="/settings/sync" className="font-medium text-brand-700 underline">
          ← Back to Synchronization
        </Link>
      </p>
      <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <EwsAccountForm kind="exchange" defaultServerUrl="" create={createExchangeAccountAction} />
      </section>
    </>
  );
}
