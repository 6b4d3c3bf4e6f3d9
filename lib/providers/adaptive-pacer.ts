/**
 * Paces the calls one run makes to a rate-limited service (Google Calendar, Microsoft Graph), and
 * adapts when the service refuses some: additive increase, multiplicative decrease (AIMD), on both
 * the batch size and the number of calls a window of time may carry.
 *
 * Both services count calls, not HTTP requests (each call inside a batch is one), over a sliding
 * window — Google per user per minute, Outlook per mailbox per ten minutes — and a refused call may
 * count as well. So probing a service that just refused, even with one call every few seconds,
 * keeps its window full: the refusals feed themselves. The pacer therefore keeps a ledger of its
 * own calls over the service's window. A first refusal is taken at its word (its Retry-After: it
 * may be a passing spike), and a single call tests it before batches go on at half their size; a
 * second refusal shows the window full: its limit becomes a fraction (β) of what the service
 * accepted in the last window, and nothing more is sent until the ledger has room
 * under it (and any Retry-After has passed): the wait lasts until the window has slid past the
 * burst that hit the limit, and the calls then sent are accepted. Each batch accepted in full
 * raises the batch size and the limit again by a step (the additive increase), so a limit that was
 * only a passing spike is found again.
 *
 * Before any refusal, calls follow the configured steady pace (a token bucket: a burst, then the
 * rate), and those waits are the normal cost of a large export. Waits after a refusal come out of
 * the run's wait budget; when the next wait would overrun it, the pacer stops and says when the
 * service will take calls again (`resumeAt`), so the caller can hand back what is left and the
 * account continue then, instead of holding the run.
 */

export interface AdaptivePacerOptions {
  /** What the service is configured to allow: `calls` per sliding `windowMs`. */
  limit: { calls: number; windowMs: number };
  /** Calls sent at once before the steady rate applies (the token bucket's capacity). */
  burst: number;
  /** The most calls one request carries (the service's batch limit, or the configured size). */
  maxBatch: number;
  /** The first batch's size; each batch accepted in full adds `batchStep` (default: `maxBatch`, no ramp). */
  initialBatch?: number;
  batchStep?: number;
  /** Longest single wait after a refusal, and all of them together in one run. */
  waitLimits: { eachMs: number; totalMs: number };
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Share of the calls a window accepted that the limit falls to on a refusal. */
const BETA = 0.9;

export type Slot = { ok: true } | { ok: false; resumeAt: number };

interface Sent {
  at: number;
  accepted: number;
  refused: number;
}

export class AdaptivePacer {
  /** Every call sent (what the quota counts), refused ones included. */
  calls = 0;
  refusedCalls = 0;
  /** Set once the wait budget is spent: when the service is expected to take calls again. */
  resumeAt: number | null = null;
  /** Waiting spent on refusals so far (Retry-After and the window after a refusal). */
  waitedMs = 0;
  private batch: number;
  private limit: number;
  private rate: number;
  private tokens: number;
  private checkedAt: number;
  private notBefore = 0;
  private throttled = false;
  /** While one call tests a first refusal: the batch size to go on with once it is accepted. */
  private probeThen: number | null = null;
  private readonly ledger: Sent[] = [];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: AdaptivePacerOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.batch = Math.max(1, Math.min(options.initialBatch ?? options.maxBatch, options.maxBatch));
    this.limit = Math.max(1, options.limit.calls);
    this.rate = this.limit / options.limit.windowMs;
    this.tokens = Math.max(options.burst, 1);
    this.checkedAt = this.now();
  }

  /** How many calls the next request should carry. */
  get batchSize(): number {
    return Math.max(1, Math.min(this.batch, this.limit));
  }

  /** Whether the service has refused calls in this run. */
  get limited(): boolean {
    return this.throttled;
  }

  /**
   * Waits until `count` calls may go and takes them from the budget of the window, or — when the
   * service has refused calls and that wait would overrun the run's wait budget — returns when the
   * service will take them, without waiting.
   */
  async acquire(count: number): Promise<Slot> {
    if (this.resumeAt !== null) return { ok: false, resumeAt: this.resumeAt };
    const wait = this.waitFor(count, this.now());
    if (wait > 0) {
      if (this.throttled) {
        if (wait > this.options.waitLimits.eachMs || this.waitedMs + wait > this.options.waitLimits.totalMs) {
          this.resumeAt = this.now() + wait;
          return { ok: false, resumeAt: this.resumeAt };
        }
        this.waitedMs += wait;
      }
      await this.sleep(wait);
      // The wait served the Retry-After and earned the calls it was for.
      this.notBefore = 0;
      this.refill(this.now());
      this.tokens = Math.max(this.tokens, count);
    }
    const now = this.now();
    this.refill(now);
    this.tokens -= count;
    this.ledger.push({ at: now, accepted: count, refused: 0 });
    this.calls += count;
    return { ok: true };
  }

  /** The last `count` calls acquired were all accepted: the additive increase. */
  accepted(): void {
    this.batch = this.probeThen ?? Math.min(this.options.maxBatch, this.batch + (this.options.batchStep ?? this.options.maxBatch));
    this.probeThen = null;
    if (this.throttled) {
      this.limit += 1;
      this.rate = this.limit / this.options.limit.windowMs;
    }
  }

  /**
   * `refused` of the calls last acquired were refused for the rate (the others went through): the
   * multiplicative decrease, and no call before `retryAfterMs` has passed.
   */
  refused(refused: number, retryAfterMs: number | null): void {
    const now = this.now();
    const last = this.ledger.at(-1);
    if (last) {
      const moved = Math.min(refused, last.accepted);
      last.accepted -= moved;
      last.refused += moved;
    }
    this.refusedCalls += refused;
    this.prune(now);
    if (this.throttled) {
      // Refused again: the window is full. What it took is the best estimate of the limit (with
      // nothing taken, the limit halves).
      const acceptedInWindow = this.ledger.reduce((sum, sent) => sum + sent.accepted, 0);
      const estimate = acceptedInWindow > 0 ? Math.floor(BETA * acceptedInWindow) : Math.floor(this.limit / 2);
      this.limit = Math.max(1, Math.min(this.limit, estimate));
      this.batch = Math.max(1, Math.floor((this.probeThen ?? this.batch) / 2));
      this.probeThen = null;
    } else {
      // A first refusal may be a passing spike: its Retry-After is trusted, and one call tests it.
      this.probeThen = Math.max(1, Math.floor(this.batch / 2));
      this.batch = 1;
    }
    this.rate = Math.min(this.rate / 2, this.limit / this.options.limit.windowMs);
    this.tokens = Math.min(this.tokens, 0);
    this.notBefore = Math.max(this.notBefore, now + Math.max(0, retryAfterMs ?? 0));
    this.throttled = true;
  }

  private refill(now: number): void {
    this.tokens = Math.min(Math.max(this.options.burst, 1), this.tokens + (now - this.checkedAt) * this.rate);
    this.checkedAt = now;
  }

  private prune(now: number): void {
    while (this.ledger.length > 0 && (this.ledger[0] as Sent).at <= now - this.options.limit.windowMs) this.ledger.shift();
  }

  /** How long until `count` more calls fit the steady pace, the window's limit and any Retry-After. */
  private waitFor(count: number, now: number): number {
    this.refill(now);
    this.prune(now);
    const bucket = this.tokens >= count ? 0 : (count - this.tokens) / this.rate;
    const retry = Math.max(0, this.notBefore - now);
    let window = 0;
    if (this.throttled) {
      // Sent calls leave the window oldest first: wait until enough have left for these to fit.
      let inWindow = this.ledger.reduce((sum, sent) => sum + sent.accepted + sent.refused, 0);
      for (const sent of this.ledger) {
        if (inWindow + count <= this.limit) break;
        inWindow -= sent.accepted + sent.refused;
        window = sent.at + this.options.limit.windowMs - now;
      }
    }
    return Math.ceil(Math.max(bucket, retry, window));
  }
}
