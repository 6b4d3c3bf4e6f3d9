import type { SyncAccountState } from "@/lib/db/generated/enums";

const STATES: Record<SyncAccountState, { label: string; tone: string }> = {
  ACTIVE: { label: "Active", tone: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  SYNCING: { label: "Syncing", tone: "bg-brand-50 text-brand-800 ring-brand-100" },
  AUTHORIZATION_NEEDED: { label: "Authorization needed", tone: "bg-amber-50 text-amber-900 ring-amber-200" },
  PASSWORD_OUTDATED: { label: "Password outdated", tone: "bg-amber-50 text-amber-900 ring-amber-200" },
  PAUSED: { label: "Paused", tone: "bg-amber-50 text-amber-900 ring-amber-200" },
  ERROR: { label: "Error", tone: "bg-red-50 text-red-800 ring-red-200" },
  PASSWORD_REJECTED: { label: "Password rejected", tone: "bg-amber-50 text-amber-900 ring-amber-200" },
};

export function StateBadge({ state }: { state: SyncAccountState }) {
  const { label, tone } = STATES[state];
  return <span className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${tone}`}>{label}</span>;
}
