export const plural = (count: number, word: string) => `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`;

/**
 * What a run cost: "3 requests", or "1,002 calls in 51 requests" where requests carry batches of
 * calls — the services' quotas count the calls.
 */
export function costOf(run: { requests: number; calls: number }): string {
  return run.calls > run.requests ? `${plural(run.calls, "call")} in ${plural(run.requests, "request")}` : plural(run.requests, "request");
}
