import { reevaluation, rulesKey, type RulesContext } from "@/lib/sync/rules/lens";
import { isDefaultRules, storedRules } from "@/lib/sync/rules/schema";

/**
 * The rules context of one run of an account: none for an account that never had rules (it syncs as
 * before rules existed), else its rules, the person's addresses, and what moved since the last
 * complete run.
 */
export function rulesContextFor(account: { rules: unknown; rulesKey: string | null; login: string }, ownerEmail: string | null, now: Date): RulesContext | undefined {
  const rules = storedRules(account.rules);
  if (isDefaultRules(rules) && account.rulesKey === null) return undefined;
  const self = [...new Set([account.login, ownerEmail ?? ""].filter(Boolean).map((address) => address.toLowerCase()))];
  return { rules, now, self, reevaluate: reevaluation(account.rulesKey, rules, now) };
}

/** What a complete run records as evaluated (see reevaluation). */
export const evaluatedKey = (account: { rules: unknown }, now: Date): string | null => rulesKey(storedRules(account.rules), now);
