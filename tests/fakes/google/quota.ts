// The per-user quota: Google counts requests per user per minute "using a sliding window" (usage
// limits guide), and "a batch of n calls counts as n requests" (batch guide), so every inner call
// of a batch takes one. Over the limit a call is refused with 403 userRateLimitExceeded ("The
// per-user limit from the Developer Console has been reached", errors guide) unless the test picks
// 403 or 429 rateLimitExceeded. A refused call takes nothing from the quota unless `countRefused`:
// Google does not say, and a client must cope with a service that counts its refusals (as Graph
// does), where probing at Retry-After's pace keeps the window full.
import { googleError, type CallResult } from "./google-error";

export interface QuotaOptions {
  perMinute: number;
  status?: 403 | 429;
  reason?: "userRateLimitExceeded" | "rateLimitExceeded";
  retryAfterSeconds?: number;
  countRefused?: boolean;
  /** The clock the window slides on (milliseconds); tests move it instead of waiting a minute. */
  now?: () => number;
}

const WINDOW_MS = 60_000;

export function createQuota() {
  let options: QuotaOptions | null = null;
  const calls = new Map<string, number[]>();
  let refused = 0;

  return {
    /** null lifts the limit; any change starts every user's window afresh. */
    set(next: QuotaOptions | null) {
      options = next;
      calls.clear();
      refused = 0;
    },
    /** Calls refused since the quota was set. */
    get refused() {
      return refused;
    },
    /** Takes one call from the user's quota: null when allowed, else the refusal to answer. */
    take(user: string): CallResult | null {
      if (!options) return null;
      const now = options.now?.() ?? Date.now();
      const recent = (calls.get(user) ?? []).filter((at) => at > now - WINDOW_MS);
      calls.set(user, recent);
      if (recent.length < options.perMinute) {
        recent.push(now);
        return null;
      }
      refused += 1;
      if (options.countRefused) recent.push(now);
      const refusal = googleError(options.status ?? 403, options.reason ?? "userRateLimitExceeded");
      return options.retryAfterSeconds === undefined ? refusal : { ...refusal, headers: { "Retry-After": String(options.retryAfterSeconds) } };
    },
  };
}
