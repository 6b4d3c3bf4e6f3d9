import { useFormats } from "@/components/formats-provider";
import type { SyncProvider } from "@/lib/db/generated/enums";
import type { RunView } from "@/lib/sync-accounts/accounts";
import { REMOTE_NAMES } from "@/lib/sync-accounts/remote-names";
import { costOf } from "@/lib/sync/run-cost";

/** A run as the page receives it: dates as ISO strings. */
export type RunHistoryEntry = Omit<RunView, "startedAt" | "finishedAt"> & { startedAt: string; finishedAt: string | null };

const OUTCOMES = {
  COMPLETE: { label: "Complete", tone: "text-emerald-800" },
  PARTIAL: { label: "Partly done", tone: "text-amber-800" },
  PAUSED: { label: "Paused", tone: "text-amber-800" },
  FAILED: { label: "Failed", tone: "text-red-800" },
} as const;

const TRIGGERS: Record<string, string> = { manual: "Sync now", schedule: "Scheduled", edit: "After an edit", push: "Change notice", continue: "Continuation" };

function duration(run: RunHistoryEntry): string {
  if (!run.finishedAt) return "running";
  const ms = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

const counts = (c: RunHistoryEntry["pulled"]) => `${c.created} created, ${c.updated} updated, ${c.deleted} deleted`;

/** The account's latest runs: when, how long, why, what came and went, and what went wrong. */
export function RunHistory({ provider, runs }: { provider: SyncProvider; runs: RunHistoryEntry[] }) {
  const name = REMOTE_NAMES[provider];
  const formats = useFormats();
  if (runs.length === 0) return null;
  return (
    <details className="mt-3 text-sm">
      <summary className="cursor-pointer font-medium text-brand-700">History of the last {runs.length === 1 ? "run" : `${runs.length} runs`}</summary>
      <ol className="mt-2 flex flex-col gap-2" aria-label={`Sync history of ${name}`}>
        {runs.map((run) => {
          const outcome = run.outcome ? OUTCOMES[run.outcome] : { label: "Running", tone: "text-brand-800" };
          return (
            <li key={run.id} className="rounded-md border border-slate-100 bg-slate-50 px-3 py-2">
              <p className="flex flex-wrap gap-x-3 text-slate-700">
                <time dateTime={run.startedAt}>
                  {formats.dateTime(run.startedAt)}
                </time>
                <span className={`font-medium ${outcome.tone}`}>{outcome.label}</span>
                <span>{TRIGGERS[run.trigger] ?? run.trigger}</span>
                <span>{duration(run)}</span>
                <span>{costOf(run)}</span>
              </p>
              <p className="text-slate-600">
                From {name}: {counts(run.pulled)} · To {name}: {counts(run.pushed)}
                {run.conflicts > 0 ? ` · ${run.conflicts} conflict${run.conflicts === 1 ? "" : "s"} settled` : ""}
              </p>
              {run.error && <p className="text-red-800">{run.error}</p>}
            </li>
          );
        })}
      </ol>
    </details>
  );
}
