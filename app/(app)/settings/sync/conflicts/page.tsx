import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { ConflictCard, type ConflictCardData } from "@/components/sync/conflict-card";
import { requireUser } from "@/lib/auth/session";
import { REMOTE_NAMES } from "@/lib/sync-accounts/remote-names";
import { listConflicts, SETTLED_KEPT_DAYS, type ConflictView } from "@/lib/sync/conflicts/manage";
import { settleConflictAction, undoConflictAction } from "./actions";

export const metadata: Metadata = { title: "Conflicts" };

const card = (view: ConflictView): ConflictCardData => ({
  id: view.id,
  remoteName: REMOTE_NAMES[view.provider],
  login: view.login,
  fields: view.fields,
  atollon: view.atollon,
  theirs: view.theirs,
  status: view.status,
  winner: view.winner,
  choice: view.choice,
  reason: view.reason,
  occurrence: view.occurrence,
  canUndo: view.canUndo,
  met: view.createdAt.toISOString(),
  settled: (view.undoneAt ?? view.settledAt)?.toISOString() ?? null,
});

export default async function ConflictsPage() {
  const user = await requireUser();
  const { open, settled } = await listConflicts(user.id);
  return (
    <div>
      <p className="mb-2 text-sm">
        <Link href="/settings/sync" className="text-brand-700 hover:underline">
          ← Synchronization
        </Link>
      </p>
      <PageHeader
        title="Conflicts"
        description="An event changed in Atollon and in another calendar between two syncs, in the same field. Choose which version to keep; the next sync carries it out."
      />
      <section aria-labelledby="open-conflicts" className="mb-10">
        <h2 id="open-conflicts" className="mb-3 text-lg font-semibold text-slate-900">
          Waiting for you
        </h2>
        {open.length === 0 ? (
          <p className="text-sm text-slate-600">No conflict waits for you.</p>
        ) : (
          <div className="grid gap-4">
            {open.map((view) => (
              <ConflictCard key={view.id} card={card(view)} settle={settleConflictAction} undo={undoConflictAction} />
            ))}
          </div>
        )}
      </section>
      <section aria-labelledby="settled-conflicts">
        <h2 id="settled-conflicts" className="mb-1 text-lg font-semibold text-slate-900">
          Recently settled
        </h2>
        <p className="mb-3 text-sm text-slate-600">
          Settled by you or by an account&apos;s conflict rule in the last {SETTLED_KEPT_DAYS} days. Undo puts the other version back.
        </p>
        {settled.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing settled recently.</p>
        ) : (
          <div className="grid gap-4">
            {settled.map((view) => (
              <ConflictCard key={view.id} card={card(view)} settle={settleConflictAction} undo={undoConflictAction} />
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
