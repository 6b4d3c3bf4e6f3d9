import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Synchronization" };

export default async function SyncSettingsPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Synchronization"
        description="Keep this calendar in two-way sync with Google Calendar, Office.com and MS Exchange."
      />
      <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
        <p className="font-medium text-slate-800">No sync accounts yet</p>
        <p className="mx-auto mt-1 max-w-md text-sm text-slate-600">
          Sync accounts you connect are listed here with their state and the time of their last successful sync.
        </p>
      </div>
    </>
  );
}
