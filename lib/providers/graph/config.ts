import { z } from "zod";

/**
 * Where Microsoft Graph is and how much of the calendar its delta tracks. Graph offers delta over a
 * calendarView only (a fixed date range); the window rolls forward with time (see calendar.ts).
 */
const schema = z.object({
  MICROSOFT_GRAPH_URL: z.url().default("https://graph.microsoft.com/v1.0"),
  GRAPH_SYNC_PAST_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  GRAPH_SYNC_FUTURE_DAYS: z.coerce.number().int().min(1).max(3650).default(730),
  /** Outlook allows 10,000 calls per app and mailbox in ten minutes. */
  GRAPH_REQUESTS_PER_10_MINUTES: z.coerce.number().int().min(20).default(10_000),
});

export interface GraphConfig {
  graphUrl: string;
  window: { pastDays: number; futureDays: number };
  requestsPerTenMinutes: number;
}

export function graphConfig(env: Record<string, string | undefined> = process.env): GraphConfig {
  const parsed = schema.parse({
    MICROSOFT_GRAPH_URL: env.MICROSOFT_GRAPH_URL || undefined,
    GRAPH_SYNC_PAST_DAYS: env.GRAPH_SYNC_PAST_DAYS || undefined,
    GRAPH_SYNC_FUTURE_DAYS: env.GRAPH_SYNC_FUTURE_DAYS || undefined,
    GRAPH_REQUESTS_PER_10_MINUTES: env.GRAPH_REQUESTS_PER_10_MINUTES || undefined,
  });
  return {
    graphUrl: parsed.MICROSOFT_GRAPH_URL.replace(/\/+$/, ""),
    window: { pastDays: parsed.GRAPH_SYNC_PAST_DAYS, futureDays: parsed.GRAPH_SYNC_FUTURE_DAYS },
    requestsPerTenMinutes: parsed.GRAPH_REQUESTS_PER_10_MINUTES,
  };
}
