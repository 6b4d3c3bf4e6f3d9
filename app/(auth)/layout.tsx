import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";

export default async function AuthLayout({ children }: { children: React.ReactNode }) {
  if (await getCurrentUser()) redirect("/calendar");
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="mb-8 flex items-center gap-2 text-lg font-semibold">
        <span aria-hidden className="grid size-8 place-items-center rounded-md bg-brand-700 text-sm font-bold text-white">
          CS
        </span>
        Calendar Sync
      </div>
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">{children}</div>
      <p className="mt-6 max-w-sm text-center text-xs text-slate-600">
        One calendar, in two-way sync with Google Calendar, Office 365 and Microsoft Exchange.
      </p>
    </main>
  );
}
