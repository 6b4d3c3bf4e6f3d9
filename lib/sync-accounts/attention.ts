import { getDb } from "@/lib/db/client";
import type { SyncProvider } from "@/lib/db/generated/client";

/** Why an account waits for its person; nothing else fixes it (a retry or the next run cannot). */
export type AttentionReason = "password-outdated" | "authorization-needed" | "password-rejected" | "deletions-paused" | "failing";

export interface AttentionItem {
  accountId: string;
  provider: SyncProvider;
  login: string;
  reason: AttentionReason;
}

/** An account whose runs fail is the person's business only once failing has lasted this long: brief outages pass by themselves. */
export const FAILING_FOR_MS = 24 * 60 * 60 * 1000;

/**
 * The user's sync accounts that need them, for the banner every page shows. One query; an Atollon
 * grant under an older password version counts here exactly as the settings page shows it.
 */
export async function accountsNeedingAttention(ownerId: string, now = new Date()): Promise<AttentionItem[]> {
  const db = await getDb();
  const user = await db.user.findUnique({
    where: { id: ownerId },
    select: {
      passwordVersion: true,
      syncAccounts: {
        orderBy: { createdAt: "asc" },
        select: { id: true, provider: true, login: true, state: true, grantedPasswordVersion: true, lastSuccessfulSyncAt: true, createdAt: true },
      },
    },
  });
  if (!user) return [];
  const items: AttentionItem[] = [];
  for (const account of user.syncAccounts) {
    const reason = attentionReason(account, user.passwordVersion, now);
    if (reason) items.push({ accountId: account.id, provider: account.provider, login: account.login, reason });
  }
  return items;
}

/** Why one account needs its person now, or null. Pure, so each case is tested alone. */
export function attentionReason(
  account: { provider: SyncProvider; state: string; grantedPasswordVersion: number | null; lastSuccessfulSyncAt: Date | null; createdAt: Date },
  passwordVersion: number,
  now: Date,
): AttentionReason | null {
  if (account.provider === "ATOLLON") return account.grantedPasswordVersion === passwordVersion ? null : "password-outdated";
  if (account.state === "AUTHORIZATION_NEEDED") return "authorization-needed";
  if (account.state === "PASSWORD_REJECTED") return "password-rejected";
  if (account.state === "PAUSED") return "deletions-paused";
  const lastGood = account.lastSuccessfulSyncAt ?? account.createdAt;
  if (account.state === "ERROR" && now.getTime() - lastGood.getTime() >= FAILING_FOR_MS) return "failing";
  return null;
}
