import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Help" };

const TOPICS = [
  {
    title: "Your calendar",
    body: "The Calendar page shows your week in the time zone of your account. Every calendar you connect reads from it and writes to it.",
  },
  {
    title: "Synchronization",
    body: "Under Settings → Synchronization you connect Google Calendar, Office.com and MS Exchange accounts. Each account lists its state and when it last synced.",
  },
  {
    title: "Your password",
    body: "Change it under Settings → Account. A change signs you out in every other browser. After five wrong passwords in a row, sign-in pauses for fifteen minutes to protect your account.",
  },
];

export default async function HelpPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Help" description="How Calendar Sync works and what to do when something needs your attention." />
      <div className="grid gap-4 md:grid-cols-3">
        {TOPICS.map((topic) => (
          <section key={topic.title} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 className="font-semibold text-slate-900">{topic.title}</h2>
            <p className="mt-2 text-sm leading-6 text-slate-700">{topic.body}</p>
          </section>
        ))}
      </div>
      <section className="mt-6 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 className="font-semibold text-slate-900">Guides</h2>
        <ul className="mt-2 list-disc pl-5 text-sm text-slate-700">
          <li>
            <Link href="/help/remove-google-authorization" className="font-medium text-brand-700 underline underline-offset-4">
              Remove application authorization in Google
            </Link>{" "}
            — when Google sends no token, or an account says &quot;Authorization needed&quot;.
          </li>
        </ul>
      </section>
      <p className="mt-6 text-sm text-slate-600">
        Go to{" "}
        <Link href="/settings/sync" className="font-medium text-brand-700 underline underline-offset-4">
          Settings → Synchronization
        </Link>{" "}
        to connect a calendar.
      </p>
    </>
  );
}
