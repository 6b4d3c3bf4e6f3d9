// Google's error answers: one JSON shape for every failure (errors guide, "Errors & suggested
// actions"): {"error":{"errors":[{domain,reason,message}],"code":N,"message":…}}.

/** What one API call answers, before it is written to HTTP (or into a batch part). */
export interface CallResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Reasons Google reports in the `usageLimits` domain; everything else here is `global` unless said. */
const USAGE_LIMITS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"]);

/** The messages Google's errors guide shows for the reasons tests inject most. */
const MESSAGES: Record<string, string> = {
  rateLimitExceeded: "Rate Limit Exceeded",
  userRateLimitExceeded: "User Rate Limit Exceeded",
  quotaExceeded: "Calendar usage limits exceeded.",
  backendError: "Backend Error",
};

export function googleError(status: number, reason: string, message = MESSAGES[reason] ?? reason, domain = USAGE_LIMITS.has(reason) ? "usageLimits" : "global"): CallResult {
  return { status, body: { error: { errors: [{ domain, reason, message }], code: status, message } } };
}

/** A failure chosen by a test: a status and reason, optionally with a Retry-After header. */
export interface Fault {
  /** 0 drops the connection (outer requests only). */
  status: number;
  reason: string;
  /** What Google says; by default the errors guide's message for the reason. */
  message?: string;
  retryAfterSeconds?: number;
}

export function faultResult(fault: Fault): CallResult {
  const result = googleError(fault.status, fault.reason, fault.message);
  return fault.retryAfterSeconds === undefined ? result : { ...result, headers: { "Retry-After": String(fault.retryAfterSeconds) } };
}
