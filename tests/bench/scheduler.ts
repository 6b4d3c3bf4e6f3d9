import { randomUUID } from "node:crypto";
import pg from "pg";
import { getDb } from "@/lib/db/client";
import { claimDueAccounts, recordTick } from "@/lib/jobs/due-accounts";
import type { Suite } from "./suite";
import { onBenchDatabase } from "./sync-phase";

const ACCOUNTS = 10_000;
const DUE = 100;
const USERS = 2_500;
const TICKS = 5;

/** Statements sent to PostgreSQL by this process (Prisma's pg adapter sends through pg.Client). */
export function countStatements(): { count: () => number; stop: () => void } {
  const original = pg.Client.prototype.query;
  let statements = 0;
  pg.Client.prototype.query = function query(this: pg.Client, ...args: unknown[]) {
    statements += 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  return { count: () => statements, stop: () => void (pg.Client.prototype.query = original) };
}

/**
 * One tick of the scheduler with 10,000 remote accounts of which 100 are due: the claim (one
 * statement through the (state, nextSyncAt) index) and the tick's record — what every process does
 * every few seconds, whatever the number of accounts.
 */
export const schedulerSuite: Suite = {
  name: "scheduler",
  async run({ log }) {
    return onBenchDatabase(async (databaseName) => {
      const db = await getDb();
      const now = Date.now();
      const users = Array.from({ length: USERS }, (_, index) => ({ id: randomUUID(), email: `bench-${index}@example.com`, name: `Bench ${index}`, passwordHash: "not-a-real-hash" }));
      await db.user.createMany({ data: users });
      await db.syncAccount.createMany({ data: users.map((user) => ({ ownerId: user.id, provider: "ATOLLON" as const, login: user.email, grantedPasswordVersion: 1 })) });
      const remote = Array.from({ length: ACCOUNTS }, (_, index) => ({
        ownerId: (users[index % USERS] as (typeof users)[number]).id,
        provider: "GOOGLE" as const,
        login: `account-${index}@gmail.com`,
        // Spread over the next interval, as real accounts are once they have run; 100 are due now.
        nextSyncAt: new Date(index < DUE ? now - 1000 - index : now + 1000 + ((index * 300_000) / ACCOUNTS)),
      }));
      for (let start = 0; start < remote.length; start += 5000) await db.syncAccount.createMany({ data: remote.slice(start, start + 5000) });
      await db.$executeRawUnsafe(`ANALYZE "SyncAccount"`);
      log(`scheduler · ${databaseName}, ${ACCOUNTS} remote accounts of ${USERS} users, ${DUE} due`);

      const counter = databaseName === "postgresql" ? countStatements() : null;
      const ticks: { wallMs: number; claimed: number; statements: number | null }[] = [];
      try {
        for (let tick = 0; tick < TICKS; tick += 1) {
          if (tick > 0) await db.syncAccount.updateMany({ where: { login: { in: remote.slice(0, DUE).map((account) => account.login) } }, data: { nextSyncAt: new Date(Date.now() - 1000) } });
          const before = counter?.count() ?? 0;
          const started = performance.now();
          const claimed = await claimDueAccounts(1000);
          await recordTick("bench", claimed.length);
          ticks.push({ wallMs: Math.round((performance.now() - started) * 10) / 10, claimed: claimed.length, statements: counter ? counter.count() - before : null });
        }
      } finally {
        counter?.stop();
      }
      const median = [...ticks].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(TICKS / 2)] as (typeof ticks)[number];
      log(`scheduler · tick       ${median.claimed} of ${ACCOUNTS} claimed in ${median.wallMs} ms (median of ${TICKS}), ${median.statements ?? "n/a"} database statements (claim + tick record)`);
      const plan = (await db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN SELECT "id" FROM "SyncAccount" WHERE "state" IN ('ACTIVE', 'ERROR', 'SYNCING') AND "nextSyncAt" <= now() AND "provider" <> 'ATOLLON' ORDER BY "nextSyncAt" LIMIT 1000`,
      )).map((row) => row["QUERY PLAN"]);
      const usesIndex = plan.some((line) => line.includes("SyncAccount_state_nextSyncAt_idx"));
      log(`scheduler · plan       ${usesIndex ? "index scan of (state, nextSyncAt)" : `no index scan: ${plan.join(" / ")}`}`);
      return { database: databaseName, accounts: ACCOUNTS, due: DUE, tick: median, ticks, usesIndex };
    });
  },
};
