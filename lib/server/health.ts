import { serverEnv } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { inngestEnabled } from "@/lib/jobs/client";

export interface Health {
  ok: boolean;
  database: { reachable: boolean; latencyMs: number | null; error?: string };
  scheduler: { mode: "embedded" | "inngest" | "off"; lastTickAt: string | null; tickedBy: string | null; late: boolean };
}

/**
 * Whether this server can do its work: the database answers, and the scheduler that runs background
 * syncs ticked recently enough (three of its periods, so one slow tick is not an outage).
 */
export async function checkHealth(now = new Date()): Promise<Health> {
  const env = serverEnv();
  const mode = inngestEnabled() ? "inngest" : env.SYNC_SCHEDULER;
  try {
    const db = await getDb();
    const started = performance.now();
    await db.$queryRaw`SELECT 1`;
    const latencyMs = Math.round(performance.now() - started);
    const tick = mode === "off" ? null : await db.schedulerTick.findUnique({ where: { name: mode } });
    const periodMs = mode === "inngest" ? env.SYNC_INTERVAL_MINUTES * 60_000 : env.SCHEDULER_TICK_SECONDS * 1000;
    const late = mode !== "off" && (!tick || now.getTime() - tick.lastTickAt.getTime() > 3 * periodMs + 60_000);
    return {
      ok: !late,
      database: { reachable: true, latencyMs },
      scheduler: { mode, lastTickAt: tick?.lastTickAt.toISOString() ?? null, tickedBy: tick?.tickedBy ?? null, late },
    };
  } catch (error) {
    return {
      ok: false,
      database: { reachable: false, latencyMs: null, error: (error as Error).message.split("\n")[0]?.slice(0, 200) },
      scheduler: { mode, lastTickAt: null, tickedBy: null, late: true },
    };
  }
}
