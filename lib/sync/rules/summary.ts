import type { CopyMode, SyncRules } from "@/lib/sync/rules/schema";

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

function mode(copy: CopyMode, busyText: string): string | null {
  if (copy === "busy") return `"${busyText}" only`;
  if (copy === "title-times") return "Title and times only";
  return null;
}

function window({ pastDays, futureDays }: SyncRules): string | null {
  if (pastDays === null && futureDays === null) return null;
  if (pastDays === null) return `until ${plural(futureDays as number, "day")} ahead`;
  const past = pastDays === 0 ? "from today" : `from ${plural(pastDays, "day")} ago`;
  if (futureDays === null) return past;
  return pastDays === 0 ? `next ${plural(futureDays, "day")}` : `${past} to ${plural(futureDays, "day")} ahead`;
}

/** The rules in one plain line for the account card, e.g. `Both ways · "Busy" only to Google · no all-day · next 90 days`. */
export function summarizeRules(rules: SyncRules, remoteName: string): string {
  const parts = [rules.direction === "both" ? "Both ways" : rules.direction === "to-remote" ? `Only to ${remoteName}` : `Only from ${remoteName}`];
  const toRemote = rules.direction !== "to-atollon" ? mode(rules.toRemote, rules.busyText) : null;
  const toAtollon = rules.direction !== "to-remote" ? mode(rules.toAtollon, rules.busyText) : null;
  if (toRemote) parts.push(`${toRemote} to ${remoteName}`);
  if (toAtollon) parts.push(`${toAtollon} from ${remoteName}`);
  if (!toRemote && !toAtollon) parts.push("everything");
  if (rules.skipAllDay) parts.push("no all-day");
  if (rules.skipFree) parts.push("no free");
  if (rules.skipDeclined) parts.push("no declined");
  if (rules.skipPrivate) parts.push("no private");
  if (rules.titleWords.length > 0) parts.push(`not ${rules.titleWords.map((word) => `"${word}"`).join(", ")}`);
  const when = window(rules);
  if (when) parts.push(when);
  return parts.join(" · ");
}
