import Link from "next/link";
import type { ReactNode } from "react";
import { PageHeader } from "@/components/page-header";

/** The frame of every "Add …" page under Settings → Synchronization: title, the way back, one card. */
export function AddAccountLayout({ title, description, notice, children }: { title: string; description: string; notice?: ReactNode; children: ReactNode }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <p className="-mt-4 mb-6 text-sm">
        <Link href="/settings/sync" className="font-medium text-brand-700 underline">
          ← Back to Synchronization
        </Link>
      </p>
      {notice}
      <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">{children}</section>
    </>
  );
}
