import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { fakeGoogleForFile, userWithGoogle } from "./google-accounts";

const fakeGoogle = fakeGoogleForFile();

function appProcess(): { child: ChildProcess; ready: Promise<void>; done: Promise<{ claimed: number }> } {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "scheduler-process.ts")], { env: process.env, stdio: ["pipe", "pipe", "inherit"] });
  let output = "";
  const lines = new Promise<string[]>((resolve, reject) => {
    child.stdout?.on("data", (data: Buffer) => (output += data.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(output.trim().split("\n")) : reject(new Error(`scheduler process exited with ${code}: ${output}`))));
  });
  const ready = new Promise<void>((resolve) => child.stdout?.on("data", () => output.includes("ready") && resolve()));
  return { child, ready, done: lines.then((all) => JSON.parse(all.at(-1) ?? "{}") as { claimed: number }) };
}

// Two processes cannot open one embedded PGlite database; this needs the PostgreSQL pass (TEST_DATABASE_URL).
describe.runIf(process.env.TEST_DATABASE_URL)("two app processes on one PostgreSQL", () => {
  it("sync each due account exactly once per tick", async () => {
    const db = await getDb();
    const accounts: string[] = [];
    for (let user = 0; user < 6; user += 1) accounts.push(...(await userWithGoogle(fakeGoogle(), 2)).accountIds);
    await db.syncAccount.updateMany({ data: { nextSyncAt: new Date(Date.now() - 1000) } });

    const processes = [appProcess(), appProcess()];
    await Promise.all(processes.map((p) => p.ready));
    for (const p of processes) p.child.stdin?.write("tick\n");
    const results = await Promise.all(processes.map((p) => p.done));

    expect(results.reduce((sum, result) => sum + result.claimed, 0)).toBe(accounts.length);
    const runs = await db.syncRun.groupBy({ by: ["accountId"], _count: { _all: true } });
    expect(runs).toHaveLength(accounts.length);
    expect(runs.every((run) => run._count._all === 1)).toBe(true);
    expect(await db.syncRun.count({ where: { outcome: "COMPLETE" } })).toBe(accounts.length);
  }, 120_000);
});
