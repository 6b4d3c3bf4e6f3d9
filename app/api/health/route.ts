import { checkHealth } from "@/lib/server/health";

export const dynamic = "force-dynamic";

/** For load balancers and uptime checks: 200 when healthy, 503 with the reason otherwise. */
export async function GET(): Promise<Response> {
  const health = await checkHealth();
  return Response.json(health, { status: health.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
