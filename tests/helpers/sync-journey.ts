import { expect } from "vitest";
import { listRange } from "@/lib/calendar/events";
import { syncAccount } from "@/lib/sync/run-account";

const december = [new Date("2026-12-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z")] as const;
const IDLE = /^From (Google|Office\.com|Exchange|CalDAV): 0 created, 0 updated, 0 deleted; to \1: 0 created, 0 updated, 0 deleted/;

/**
 * One user's accounts, each synced in turn through syncAccount, and what every calendar holds
 * (`sides`: each remote's titles; Atollon's December is added).
 */
export function journey(userId: string, accountIds: string[], sides: Record<string, () => unknown[] | Promise<unknown[]>>) {
  const syncAll = async () => {
    const summaries: string[] = [];
    for (const accountId of accountIds) summaries.push((await syncAccount(userId, accountId, { trigger: "manual" })).summary);
    return summaries;
  };
  return {
    /**
     * Two rounds (what one account brings in during the first reaches the accounts before it in the
     * second), then every calendar holds exactly `titles`, and a third round has nothing to do.
     */
    async settlesOn(titles: string[]): Promise<void> {
      await syncAll();
      await syncAll();
      const everywhere: Record<string, unknown[]> = { atollon: (await listRange(userId, ...december)).map((item) => item.title).sort() };
      for (const [name, read] of Object.entries(sides)) everywhere[name] = (await read()).sort();
      expect(everywhere).toEqual(Object.fromEntries(Object.keys(everywhere).map((name) => [name, titles])));
      for (const summary of await syncAll()) expect(summary).toMatch(IDLE);
    },
  };
}
