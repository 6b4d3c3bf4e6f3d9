import type { EventContent } from "@/lib/calendar/event-content";
import { getEvents } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import type { SyncProvider } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { SCHEDULED_STATES } from "@/lib/sync-accounts/accounts";
import { REMOTE_NAMES } from "@/lib/sync-accounts/remote-names";
import { excludingRule } from "@/lib/sync/rules/evaluate";
import { storedRules } from "@/lib/sync/rules/schema";
import type { TraceAction } from "@/lib/sync/store";

/** The trace entries an event's dialog shows (newest first). */
export const TRACE_SHOWN = 20;

/** Where an event stands in one sync account, derived when asked (see eventTraceState). */
export type TraceState =
  /** `original`: the event came from this account's calendar; `at`: when a run last wrote it, if the trace still tells. */
  | { kind: "synced"; at: Date | null; original: boolean }
  /** `copied`: a copy is there already (the change is waiting); `paused`: why no run is coming (the account needs the person), null: the next run takes it. */
  | { kind: "waiting"; copied: boolean; paused: string | null }
  | { kind: "excluded"; rule: string }
  | { kind: "rejected"; message: string; at: Date }
  | { kind: "conflict"; conflictId: string };

export interface AccountTrace {
  accountId: string;
  provider: SyncProvider;
  login: string;
  /** The remote calendar, by name; null: the account's default calendar. */
  calendar: string | null;
  state: TraceState;
}

export interface TraceEntryView extends TraceAction {
  at: Date;
  accountId: string;
  /** What started the run (SyncRun.trigger); null when its run history is gone. */
  trigger: string | null;
}

export interface EventTrace {
  /** The account whose calendar the event was copied from; null: it was made in Atollon. */
  copiedFrom: { accountId: string; provider: SyncProvider; login: string } | null;
  accounts: AccountTrace[];
  entries: TraceEntryView[];
}

interface StateInput {
  event: { version: number; changeSeq: bigint; content: EventContent };
  /** For an exception: its series' content (an exception is copied exactly when its series is). */
  seriesContent: EventContent | null;
  account: { provider: SyncProvider; localSeq: bigint; state: string; stateMessage: string | null; rules: unknown; login: string };
  ownerEmail: string;
  pair: { remoteId: string | null; origin: string | null } | null;
  rejection: { eventVersion: number; message: string; at: Date } | null;
  openConflictId: string | null;
  lastWrittenAt: Date | null;
  now: Date;
}

/**
 * One account's view of an event, from what the engine keeps: an open conflict first (nothing moves
 * until a person settles it), then a refusal of this very version, then the account's rules, then
 * whether the account's last run got past the event's change.
 */
export function eventTraceState(input: StateInput): TraceState {
  const { event, account, pair, rejection } = input;
  if (input.openConflictId !== null) return { kind: "conflict", conflictId: input.openConflictId };
  if (rejection !== null && rejection.eventVersion === event.version) return { kind: "rejected", message: rejection.message, at: rejection.at };
  const original = pair?.origin === "remote";
  if (!original) {
    const rules = storedRules(account.rules);
    if (rules.direction === "to-atollon") return { kind: "excluded", rule: `Only from ${REMOTE_NAMES[account.provider]}` };
    const self = [account.login, input.ownerEmail].map((address) => address.toLowerCase());
    const rule = excludingRule(input.seriesContent ?? event.content, rules, input.now, self);
    if (rule !== null) return { kind: "excluded", rule };
  }
  if (pair?.remoteId && event.changeSeq <= account.localSeq) return { kind: "synced", at: input.lastWrittenAt, original };
  const scheduled = (SCHEDULED_STATES as string[]).includes(account.state);
  return { kind: "waiting", copied: Boolean(pair?.remoteId), paused: scheduled ? null : (account.stateMessage ?? "Syncing is paused for this account.") };
}

/** The event's sync trace for its owner: where it stands in each of their sync accounts, and what the last runs did to it. */
export async function getEventTrace({ ownerId, eventId, now = new Date() }: { ownerId: string; eventId: string; now?: Date }): Promise<EventTrace> {
  const db = await getDb();
  const [event] = await getEvents(ownerId, [eventId]);
  if (!event) throw new AppError("not_found", "This event does not exist (any more).");
  const [owner, series, accounts, rows] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: ownerId }, select: { email: true } }),
    event.seriesId ? getEvents(ownerId, [event.seriesId]) : Promise.resolve([]),
    db.syncAccount.findMany({
      where: { ownerId, provider: { not: "ATOLLON" } },
      orderBy: { createdAt: "asc" },
      include: {
        pairs: { where: { eventId }, select: { remoteId: true, origin: true } },
        rejections: { where: { eventId } },
        conflicts: { where: { eventId, status: "OPEN" }, select: { id: true }, take: 1 },
      },
    }),
    db.syncTraceEntry.findMany({
      where: { eventId, account: { ownerId } },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: TRACE_SHOWN,
      include: { run: { select: { trigger: true } } },
    }),
  ]);
  const entries: TraceEntryView[] = rows.map((row) => ({
    eventId: row.eventId,
    accountId: row.accountId,
    action: row.action as TraceAction["action"],
    side: row.side as TraceAction["side"],
    at: row.at,
    trigger: row.run?.trigger ?? null,
  }));
  const lastWritten = (accountId: string) => entries.find((entry) => entry.accountId === accountId)?.at ?? null;
  const traced = accounts.map((account) => ({
    accountId: account.id,
    provider: account.provider,
    login: account.login,
    calendar: account.remoteCalendarName,
    state: eventTraceState({
      event,
      seriesContent: series[0]?.content ?? null,
      account,
      ownerEmail: owner.email,
      pair: account.pairs[0] ?? null,
      rejection: account.rejections[0] ?? null,
      openConflictId: account.conflicts[0]?.id ?? null,
      lastWrittenAt: lastWritten(account.id),
      now,
    }),
  }));
  const origin = accounts.find((account) => account.pairs[0]?.origin === "remote");
  return { copiedFrom: origin ? { accountId: origin.id, provider: origin.provider, login: origin.login } : null, accounts: traced, entries };
}
