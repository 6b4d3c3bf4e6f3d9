import type { SyncProvider } from "@/lib/db/generated/enums";

const PROVIDERS: Record<SyncProvider, { name: string; letter: string; tone: string }> = {
  ATOLLON: { name: "Atollon", letter: "A", tone: "bg-brand-700 text-white" },
  GOOGLE: { name: "Google Calendar", letter: "G", tone: "bg-white text-[#4285f4] ring-1 ring-slate-200" },
  OFFICE365: { name: "Office.com", letter: "O", tone: "bg-[#d83b01] text-white" },
  OFFICE365_GRAPH: { name: "Office.com", letter: "O", tone: "bg-[#d83b01] text-white" },
  EXCHANGE: { name: "MS Exchange", letter: "E", tone: "bg-[#0078d4] text-white" },
  CALDAV: { name: "CalDAV", letter: "C", tone: "bg-slate-700 text-white" },
};

export function providerName(provider: SyncProvider): string {
  return PROVIDERS[provider].name;
}

/** How an Office.com account is connected, so the Graph one can be told from the password (EWS) one. */
const CONNECTIONS: Partial<Record<SyncProvider, string>> = {
  OFFICE365: "Password (Exchange Web Services)",
  OFFICE365_GRAPH: "Microsoft 365 (Graph)",
};

export function providerConnection(provider: SyncProvider): string | null {
  return CONNECTIONS[provider] ?? null;
}

export function ProviderIcon({ provider }: { provider: SyncProvider }) {
  const { letter, tone } = PROVIDERS[provider];
  return (
    <span aria-hidden="true" className={`grid size-10 shrink-0 place-items-center rounded-lg text-lg font-bold ${tone}`}>
      {letter}
    </span>
  );
}
