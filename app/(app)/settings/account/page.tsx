import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/change-password-form";
import { FormatSettingsForm } from "@/components/format-settings-form";
import { PageHeader } from "@/components/page-header";
import { TimeZoneForm } from "@/components/time-zone-form";
import { browserLocale } from "@/lib/auth/formats";
import { requireUser } from "@/lib/auth/session";
import { formatOptions } from "@/lib/calendar/format-options";
import { LOCALE_CHOICES } from "@/lib/calendar/formats";
import { hasAtollonAccount } from "@/lib/sync-accounts/accounts";
import { changePasswordAction, setFormatsAction, setTimeZoneAction } from "./actions";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser();
  const [syncs, browser] = await Promise.all([hasAtollonAccount(user.id), browserLocale()]);
  const options = formatOptions({ locale: user.locale, weekStart: user.weekStart }, browser);
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
      <section aria-labelledby="formats-heading" className="mb-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="formats-heading" className="text-lg font-semibold">
          Dates and times
        </h2>
        <p className="mt-1 mb-5 max-w-xl text-sm text-slate-600">
          How the calendar writes dates, times and weekdays — day and month order, a 12- or 24-hour clock — and the day its weeks start on. Unless you choose here, they follow your browser&apos;s language.
        </p>
        <FormatSettingsForm
          current={{ locale: LOCALE_CHOICES.find((locale) => locale === user.locale) ?? "", weekStart: user.weekStart === null ? "" : String(user.weekStart) }}
          locales={options.locales}
          weekStarts={options.weekStarts}
          action={setFormatsAction}
        />
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
