import { AppHeader } from "@/components/app-header";
import { AttentionBanner } from "@/components/attention-banner";
import { FormatsProvider } from "@/components/formats-provider";
import { formatsFor } from "@/lib/auth/formats";
import { requireUser } from "@/lib/auth/session";
import { accountsNeedingAttention } from "@/lib/sync-accounts/attention";
import { countOpenConflicts } from "@/lib/sync/conflicts/manage";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const [attention, formats, conflicts] = await Promise.all([accountsNeedingAttention(user.id), formatsFor(user), countOpenConflicts(user.id)]);
  return (
    <FormatsProvider settings={formats.settings} browser={formats.browser}>
      <div className="flex min-h-screen flex-col">
        <AppHeader userName={user.name} attention={attention.length} conflicts={conflicts} />
        <AttentionBanner items={attention} />
        <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6">{children}</main>
      </div>
    </FormatsProvider>
  );
}
