// Outlook's per-mailbox limit as Microsoft Graph applies it: "10,000 API requests in a 10 minute
// period" per app per mailbox (Microsoft Graph service-specific throttling limits, Outlook service),
// counted per request, each request inside a JSON $batch on its own ("Requests in a batch are
// evaluated individually against throttling limits", JSON batching). Over the limit a request gets
// 429 Too Many Requests with a Retry-After header (seconds) and error code ApplicationThrottled.
// Requests made while throttled still count (Graph's throttling guidance: retrying at once "takes
// longer to recover because Microsoft Graph continues to log resource usage"), so a client that
// keeps probing stays throttled; `countRefused: false` lifts that for comparison.
export interface ThrottleOptions {
  perWindow: number;
  /** The sliding window (milliseconds); Outlook's is ten minutes. */
  windowMs?: number;
  /** Retry-After to send; by default the seconds until the window has room again. */
  retryAfterSeconds?: number;
  countRefused?: boolean;
  /** The clock the window slides on; tests move it instead of waiting. */
  now?: () => number;
}

export interface Throttled {
  status: 429;
  body: { error: { code: string; message: string } };
  headers: Record<string, string>;
}

export function createThrottle() {
  let options: ThrottleOptions | null = null;
  const calls = new Map<string, number[]>();
  let refused = 0;

  return {
    /** null lifts the limit; any change starts every mailbox's window afresh. */
    set(next: ThrottleOptions | null) {
      options = next;
      calls.clear();
      refused = 0;
    },
    /** Requests refused since the limit was set. */
    get refused() {
      return refused;
    },
    /** Counts one request of the mailbox: null when allowed, else the 429 to answer. */
    take(mailbox: string): Throttled | null {
      if (!options) return null;
      const now = options.now?.() ?? Date.now();
      const windowMs = options.windowMs ?? 600_000;
      const recent = (calls.get(mailbox) ?? []).filter((at) => at > now - windowMs);
      calls.set(mailbox, recent);
      if (recent.length < options.perWindow) {
        recent.push(now);
        return null;
      }
      refused += 1;
      const oldest = recent[recent.length - options.perWindow] ?? now;
      if (options.countRefused ?? true) recent.push(now);
      const retryAfter = options.retryAfterSeconds ?? Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
      return {
        status: 429,
        body: { error: { code: "ApplicationThrottled", message: "Application is over its MailboxConcurrency limit." } },
        headers: { "Retry-After": String(retryAfter) },
      };
    },
  };
}
