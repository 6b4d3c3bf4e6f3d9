import { z } from "zod";
import type { EventContent } from "@/lib/calendar/event-content";
import { toStoredEvent } from "@/lib/calendar/events";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { matches } from "@/lib/sync/rules/evaluate";
import { storedRules, syncRulesSchema, type SyncRules } from "@/lib/sync/rules/schema";

export const saveRulesSchema = z.object({
  accountId: z.uuid(),
  rules: syncRulesSchema,
  /** The number of copies the person agreed to see removed; null: not asked yet. */
  confirmRemovals: z.number().int().min(0).nullable(),
});

export type SaveRulesOutcome = { saved: true; removals: number } | { saved: false; removals: number };

/** Whether these rules copy an event that started on `origin`'s side. */
function copies(rules: SyncRules, origin: "local" | "remote", content: EventContent, now: Date, self: string[]): boolean {
  if (origin === "local" ? rules.direction === "to-atollon" : rules.direction === "to-remote") return false;
  return matches(content, rules, now, self);
}

/**
 * How many copies this account holds that the new rules would remove (from the side they were
 * copied to): copied under the current rules, no longer under the new ones. An exception follows
 * its series and is not counted on its own.
 */
export async function copiesRemovedBy(ownerId: string, accountId: string, next: SyncRules, now = new Date()): Promise<number> {
  const db = await getDb();
  const account = await db.syncAccount.findFirst({ where: { id: accountId, ownerId }, include: { owner: { select: { email: true } } } });
  if (!account || account.provider === "ATOLLON") throw new AppError("not_found", "This sync account no longer exists.");
  const current = storedRules(account.rules);
  const self = [account.login, account.owner.email].map((address) => address.toLowerCase());
  const pairs = await db.syncPair.findMany({ where: { accountId, remoteId: { not: null }, event: { seriesId: null, deletedAt: null } }, include: { event: true } });
  let removed = 0;
  for (const pair of pairs) {
    // A pair whose origin is not known yet counts as Atollon's: the larger of the two answers is never hidden.
    const origin = pair.origin === "remote" ? "remote" : "local";
    const content = origin === "remote" && pair.base ? (pair.base as unknown as EventContent) : toStoredEvent(pair.event).content;
    if (copies(current, origin, content, now, self) && !copies(next, origin, content, now, self)) removed += 1;
  }
  return removed;
}

/**
 * Saves an account's rules. Rules that would remove copies are saved only once the person has
 * been told how many and agreed to that number; the next run then applies them.
 */
export async function saveSyncRules(ownerId: string, accountId: string, rules: SyncRules, confirmRemovals: number | null): Promise<SaveRulesOutcome> {
  const removals = await copiesRemovedBy(ownerId, accountId, rules);
  if (removals > 0 && confirmRemovals !== removals) return { saved: false, removals };
  const db = await getDb();
  const updated = await db.syncAccount.updateMany({ where: { id: accountId, ownerId, provider: { not: "ATOLLON" } }, data: { rules, nextSyncAt: new Date() } });
  if (updated.count === 0) throw new AppError("not_found", "This sync account no longer exists.");
  return { saved: true, removals };
}
