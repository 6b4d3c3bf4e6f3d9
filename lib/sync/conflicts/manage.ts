import type { EventContent } from "@/lib/calendar/event-content";
import { getDb } from "@/lib/db/client";
import type { SyncConflictStatus, SyncProvider } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import type { SettleChoice } from "@/lib/sync/conflicts/record";
import type { ContentField } from "@/lib/sync/content-hash";
import type { ConflictReason } from "@/lib/sync/decide";

/** How long a settled conflict stays listed, with its Undo. */
export const SETTLED_KEPT_DAYS = 30;

export interface ConflictView {
  id: string;
  accountId: string;
  provider: SyncProvider;
  login: string;
  eventId: string;
  /** Whether the event is one occurrence of a series ("Keep both" is offered for events of their own). */
  occurrence: boolean;
  /** Whether the event is still in the calendar (an Undo needs it). */
  eventAlive: boolean;
  fields: ContentField[];
  atollon: EventContent;
  theirs: EventContent;
  winner: "local" | "remote" | null;
  reason: ConflictReason;
  status: SyncConflictStatus;
  choice: SettleChoice | null;
  createdAt: Date;
  settledAt: Date | null;
  undoneAt: Date | null;
  /** Settled, its losing version still restorable, and in its 30 days. */
  canUndo: boolean;
}

const keptSince = (now: Date) => new Date(now.getTime() - SETTLED_KEPT_DAYS * 86_400_000);

/**
 * The user's conflicts: those waiting for them ("Ask me", or chosen and waiting for the next run)
 * and those settled in the last 30 days, by a policy or by them, newest first.
 */
export async function listConflicts(ownerId: string, now = new Date()): Promise<{ open: ConflictView[]; settled: ConflictView[] }> {
  const db = await getDb();
  const since = keptSince(now);
  const rows = await db.syncConflict.findMany({
    where: {
      account: { ownerId },
      OR: [{ status: { in: ["OPEN", "CHOSEN"] } }, { settledAt: { gte: since } }, { undoneAt: { gte: since } }],
    },
    include: { account: { select: { provider: true, login: true } }, event: { select: { seriesId: true, deletedAt: true } } },
    orderBy: { createdAt: "desc" },
  });
  const views = rows.map(
    (row): ConflictView => ({
      id: row.id,
      accountId: row.accountId,
      provider: row.account.provider,
      login: row.account.login,
      eventId: row.eventId,
      occurrence: row.event.seriesId !== null,
      eventAlive: row.event.deletedAt === null,
      fields: row.fields as ContentField[],
      atollon: row.atollon as unknown as EventContent,
      theirs: row.theirs as unknown as EventContent,
      winner: row.winner as ConflictView["winner"],
      reason: row.reason as ConflictReason,
      status: row.status,
      choice: row.choice as SettleChoice | null,
      createdAt: row.createdAt,
      settledAt: row.settledAt,
      undoneAt: row.undoneAt,
      canUndo: row.status === "SETTLED" && row.choice !== null && row.event.deletedAt === null && (row.settledAt ?? row.createdAt) >= since,
    }),
  );
  return { open: views.filter((view) => view.status === "OPEN" || view.status === "CHOSEN"), settled: views.filter((view) => view.status !== "OPEN" && view.status !== "CHOSEN") };
}

/** Conflicts waiting for the user to settle them: the header's badge. One query. */
export async function countOpenConflicts(ownerId: string): Promise<number> {
  const db = await getDb();
  return db.syncConflict.count({ where: { status: "OPEN", account: { ownerId } } });
}

/** The account carries the settlement out at its next run, which is asked for now. */
async function waitForRun(accountId: string): Promise<void> {
  const db = await getDb();
  await db.syncAccount.update({ where: { id: accountId }, data: { settlementsWaiting: true, nextSyncAt: new Date(), nextSyncReason: "edit" } });
}

/**
 * The user settles an open conflict: nothing is written now; the account's next run carries it out
 * (and says so in its history).
 */
export async function chooseSettlement(ownerId: string, conflictId: string, choice: SettleChoice): Promise<void> {
  const db = await getDb();
  const conflict = await db.syncConflict.findFirst({ where: { id: conflictId, account: { ownerId } }, include: { event: { select: { seriesId: true } } } });
  if (!conflict) throw new AppError("not_found", "This conflict no longer exists.");
  if (conflict.status !== "OPEN") throw new AppError("conflict", "This conflict is already settled.");
  if (choice === "both" && conflict.event.seriesId !== null) throw new AppError("invalid_input", "One occurrence of a series cannot be kept twice: keep one of the versions.");
  const updated = await db.syncConflict.updateMany({ where: { id: conflict.id, status: "OPEN" }, data: { status: "CHOSEN", choice } });
  if (updated.count === 0) throw new AppError("conflict", "This conflict is already settled.");
  await waitForRun(conflict.accountId);
}

/**
 * The user takes back how a conflict was settled (by them or by the policy): the losing version's
 * fields come back — or, after "Keep both", the copy goes — at the account's next run.
 */
export async function undoSettlement(ownerId: string, conflictId: string, now = new Date()): Promise<void> {
  const db = await getDb();
  const conflict = await db.syncConflict.findFirst({ where: { id: conflictId, account: { ownerId } }, include: { event: { select: { deletedAt: true } } } });
  if (!conflict) throw new AppError("not_found", "This conflict no longer exists.");
  if (conflict.status !== "SETTLED" || conflict.choice === null) throw new AppError("conflict", "There is nothing to undo in this conflict.");
  if (conflict.event.deletedAt !== null) throw new AppError("conflict", "The event was deleted since; its other version cannot be put back.");
  if ((conflict.settledAt ?? conflict.createdAt) < keptSince(now)) throw new AppError("conflict", `A settlement can be undone for ${SETTLED_KEPT_DAYS} days.`);
  const updated = await db.syncConflict.updateMany({ where: { id: conflict.id, status: "SETTLED" }, data: { status: "UNDO" } });
  if (updated.count === 0) throw new AppError("conflict", "There is nothing to undo in this conflict.");
  await waitForRun(conflict.accountId);
}
