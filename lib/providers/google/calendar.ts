import { randomBytes } from "node:crypto";
import { google, type calendar_v3 } from "googleapis";
import { AdaptivePacer } from "@/lib/providers/adaptive-pacer";
import { listWritableGoogleCalendars } from "@/lib/providers/google/calendars";
import { fromGoogleEvent, instanceId, TAG, toGoogleEvent, toGooglePatch } from "@/lib/providers/google/mapping";
import { changedFields } from "@/lib/sync/content-hash";
import {
  AuthorizationError,
  CursorExpiredError,
  RemoteUnavailableError,
  type ChangePage,
  type CreateRequest,
  type DeleteRequest,
  type RemoteCalendar,
  type RemoteItem,
  type UpdateRequest,
  type WritableCalendar,
  type WriteResult,
} from "@/lib/sync/provider";

/**
 * One Google calendar as the sync engine's remote side. Listing goes through `googleapis`; writes
 * go through Google's batch endpoint (which the Node client does not offer), many calls per HTTP
 * request, paced under the per-user quota. Every write says `sendUpdates=none`.
 */

export interface GoogleCalendarOptions {
  /** The Calendar API root, e.g. https://www.googleapis.com/ */
  apiUrl: string;
  /** A fresh access token; `renew` asks for a new one after a 401. Throws AuthorizationError when refused for good. */
  accessToken: (renew: boolean) => Promise<string>;
  calendarId?: string;
  /** Calls per batch request: 50 by default, at most Google's 1000. */
  batchSize?: number;
  /** Writes per minute, below Google's per-user quota (every call in a batch counts). */
  writesPerMinute?: number;
  /** Attempts per HTTP request for rate limits, 5xx and network failures, and the back-off bounds. */
  retry?: { attempts: number; baseMs: number; maxMs: number };
  /**
   * How long one wait (Retry-After or back-off) and all of them together may last; one instance
   * serves one run. A longer wait ends the run instead of holding the account for it.
   */
  waitLimits?: { eachMs: number; totalMs: number };
  sleep?: (ms: number) => Promise<void>;
  /** The clock the pacing follows (tests move it along with `sleep`). */
  now?: () => number;
}

const PAGE_SIZE = 2500;
const RESUMES = "The sync resumes from where it stopped at the next run.";
const RATE_LIMIT_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded"]);

interface BatchCall {
  method: string;
  path: string;
  body?: unknown;
  ifMatch?: string;
}

interface BatchAnswer {
  status: number;
  body: unknown;
  /** The inner response's own Retry-After, when Google refused this call for now. */
  retryAfterMs?: number | null;
  /** Not sent: the run's wait budget was spent while Google was limiting requests. */
  deferred?: boolean;
}

interface HttpAnswer {
  status: number;
  headers: Headers | Record<string, string>;
  body: unknown;
}

function reasonOf(body: unknown): string | null {
  const error = (body as { error?: { errors?: { reason?: string }[] } } | null)?.error;
  return error?.errors?.[0]?.reason ?? null;
}

function isRateLimited(status: number, body: unknown): boolean {
  return status === 429 || (status === 403 && RATE_LIMIT_REASONS.has(reasonOf(body) ?? ""));
}

function isRetryable(status: number, body: unknown): boolean {
  return status >= 500 || isRateLimited(status, body);
}

function retryAfterMs(headers: Headers | Record<string, string>): number | null {
  // gaxios may hand over its own Headers implementation: anything with get() is read through it.
  const value = typeof (headers as Headers).get === "function" ? (headers as Headers).get("retry-after") : (headers as Record<string, string>)["retry-after"];
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** The first batch's size and each step up: a quota found full costs one small batch of refusals, not a large one. */
const BATCH_RAMP = 5;

export class GoogleCalendar implements RemoteCalendar {
  requestCount = 0;
  private readonly api: calendar_v3.Calendar;
  private readonly calendarId: string;
  readonly writeBatchSize: number;
  private readonly retry: { attempts: number; baseMs: number; maxMs: number };
  private readonly waitLimits: { eachMs: number; totalMs: number };
  private readonly sleep: (ms: number) => Promise<void>;
  private token: string | null = null;
  private readonly pacer: AdaptivePacer;

  constructor(private readonly options: GoogleCalendarOptions) {
    this.api = google.calendar({ version: "v3", rootUrl: options.apiUrl.endsWith("/") ? options.apiUrl : `${options.apiUrl}/` });
    this.calendarId = options.calendarId ?? "primary";
    this.writeBatchSize = Math.min(Math.max(options.batchSize ?? 50, 1), 1000);
    this.retry = options.retry ?? { attempts: 6, baseMs: 500, maxMs: 32_000 };
    this.waitLimits = options.waitLimits ?? { eachMs: 60_000, totalMs: 120_000 };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    // Google's per-user quota is per minute; writes are spread at the configured rate, a batch at a time.
    this.pacer = new AdaptivePacer({
      limit: { calls: options.writesPerMinute ?? 600, windowMs: 60_000 },
      burst: this.writeBatchSize,
      maxBatch: this.writeBatchSize,
      initialBatch: BATCH_RAMP,
      batchStep: BATCH_RAMP,
      waitLimits: this.waitLimits,
      sleep: this.sleep,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** The Google account's calendars it may write to (calendarList, owner or writer), the primary first. */
  async listCalendars(): Promise<WritableCalendar[]> {
    return listWritableGoogleCalendars(this.options.apiUrl, await this.options.accessToken(false));
  }

  /** Calls made so far — each call inside a batch is one, as Google's quota counts them. */
  get callCount(): number {
    return this.pacer.calls;
  }

  /** Calls Google refused for the rate so far. */
  get refusedCallCount(): number {
    return this.pacer.refusedCalls;
  }

  /** Set when Google limited requests beyond the run's wait budget: when it takes calls again. */
  get throttledUntil(): Date | null {
    return this.pacer.resumeAt === null ? null : new Date(this.pacer.resumeAt);
  }

  /**
   * One HTTP request, as many attempts as the budget allows: rate limits, 5xx and network failures
   * wait (Retry-After when given, else exponential back-off with full jitter); a 401 renews the
   * access token once.
   */
  private async request(send: (token: string) => Promise<HttpAnswer>, what: string): Promise<HttpAnswer> {
    let renewed = false;
    let lastProblem = "";
    for (let attempt = 1; attempt <= this.retry.attempts; attempt += 1) {
      this.token ??= await this.options.accessToken(false);
      this.requestCount += 1;
      let answer: HttpAnswer;
      try {
        answer = await send(this.token);
      } catch (error) {
        lastProblem = `network error (${(error as Error).message})`;
        await this.backoff(attempt, null, what, lastProblem);
        continue;
      }
      if (answer.status === 401 && !renewed) {
        renewed = true;
        this.token = await this.options.accessToken(true);
        attempt -= 1;
        continue;
      }
      if (answer.status === 401) throw new AuthorizationError("Google refused the access token after renewing it.", "authorization-needed");
      if (!isRetryable(answer.status, answer.body)) return answer;
      lastProblem = `HTTP ${answer.status}${reasonOf(answer.body) ? ` ${reasonOf(answer.body)}` : ""}`;
      if (attempt < this.retry.attempts) await this.backoff(attempt, retryAfterMs(answer.headers), what, lastProblem);
    }
    throw new RemoteUnavailableError(`Google did not answer ${what} after ${this.retry.attempts} attempts (last: ${lastProblem}). ${RESUMES}`, null);
  }

  /**
   * Waits before the next attempt, within the limits: a Retry-After of an hour must not hold the
   * account (and the scheduler's lease) for an hour; the run ends at once, and everything it
   * applied so far is kept.
   */
  private async backoff(attempt: number, retryAfter: number | null, what: string, problem: string): Promise<void> {
    const ceiling = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt - 1));
    const wait = retryAfter ?? Math.random() * ceiling;
    if (wait > this.waitLimits.eachMs || this.pacer.waitedMs + wait > this.waitLimits.totalMs) {
      const asked = retryAfter === null ? "" : ` and asked to wait ${Math.ceil(wait / 1000)} s`;
      throw new RemoteUnavailableError(
        `Google is busy (${problem}) with ${what}${asked}; a sync waits at most ${seconds(this.waitLimits.eachMs)} at a time and ${seconds(this.waitLimits.totalMs)} in all, so it stopped. ${RESUMES}`,
        null,
        retryAfter === null ? null : new Date(Date.now() + retryAfter),
      );
    }
    this.pacer.waitedMs += wait;
    await this.sleep(wait);
  }

  private async list(params: calendar_v3.Params$Resource$Events$List, what: string): Promise<calendar_v3.Schema$Events> {
    const slot = await this.pacer.acquire(1);
    if (!slot.ok) throw this.limitedError(what, slot.resumeAt);
    const answer = await this.request(async (token) => {
      try {
        const response = await this.api.events.list(params, { headers: { Authorization: `Bearer ${token}` }, retry: false });
        return { status: response.status, headers: response.headers as unknown as Record<string, string>, body: response.data };
      } catch (error) {
        const response = (error as { response?: { status: number; headers: Record<string, string>; data: unknown } }).response;
        if (!response) throw error;
        return { status: response.status, headers: response.headers, body: response.data };
      }
    }, what);
    if (answer.status === 410 && params.syncToken) throw new CursorExpiredError();
    if (answer.status !== 200) throw new RemoteUnavailableError(`Google refused ${what} (HTTP ${answer.status} ${reasonOf(answer.body) ?? ""}).`, answer.status);
    return answer.body as calendar_v3.Schema$Events;
  }

  async *listChanges(cursor: string | null): AsyncIterable<ChangePage> {
    let pageToken: string | undefined;
    do {
      const page = await this.list(
        { calendarId: this.calendarId, maxResults: PAGE_SIZE, showDeleted: true, singleEvents: false, ...(cursor ? { syncToken: cursor } : {}), ...(pageToken ? { pageToken } : {}) },
        "the list of changes",
      );
      pageToken = page.nextPageToken ?? undefined;
      const items = (page.items ?? []).map(fromGoogleEvent);
      yield pageToken ? { items } : { items, ...(page.nextSyncToken ? { nextCursor: page.nextSyncToken } : {}) };
    } while (pageToken);
  }

  async findByLocalTag(localIds: string[]): Promise<RemoteItem[]> {
    const found: RemoteItem[] = [];
    for (const localId of localIds) {
      const page = await this.list({ calendarId: this.calendarId, privateExtendedProperty: [`${TAG}=${localId}`], showDeleted: false, maxResults: PAGE_SIZE }, "a tagged event");
      found.push(...(page.items ?? []).map(fromGoogleEvent));
    }
    return found;
  }

  create(requests: CreateRequest[]): Promise<WriteResult[]> {
    return this.write(
      requests.map((r) => {
        const body = toGoogleEvent(r.content, r.localId);
        // An occurrence is written at its instance id: Google turns it into the series' exception.
        return r.seriesRemoteId && r.content.originalStart
          ? { method: "PUT", path: this.eventPath(instanceId(r.seriesRemoteId, r.content.originalStart, r.content.allDay)), body: { ...body, recurringEventId: r.seriesRemoteId } }
          : { method: "POST", path: this.eventPath(null), body };
      }),
    );
  }

  /** A PATCH of the fields that changed; a whole PUT only when what the item holds is not known. */
  update(requests: UpdateRequest[]): Promise<WriteResult[]> {
    return this.write(
      requests.map((r) =>
        r.previous
          ? { method: "PATCH", path: this.eventPath(r.remoteId), body: toGooglePatch(r.content, changedFields(r.previous, r.content), r.localId), ifMatch: r.versionToken }
          : { method: "PUT", path: this.eventPath(r.remoteId), body: { ...toGoogleEvent(r.content, r.localId), ...(r.seriesRemoteId ? { recurringEventId: r.seriesRemoteId } : {}) }, ifMatch: r.versionToken },
      ),
    );
  }

  delete(requests: DeleteRequest[]): Promise<WriteResult[]> {
    return this.write(requests.map((r) => ({ method: "DELETE", path: this.eventPath(r.remoteId), ifMatch: r.versionToken })));
  }

  /** Through the batch endpoint too: the items a batch of writes was refused for, in one request. */
  async read(remoteIds: string[]): Promise<(RemoteItem | "absent" | null)[]> {
    const answers = await this.send(remoteIds.map((id) => ({ method: "GET", path: `/calendar/v3/calendars/${encodeURIComponent(this.calendarId)}/events/${encodeURIComponent(id)}` })));
    return answers.map((answer) => {
      if (answer.status === 200) return fromGoogleEvent(answer.body as calendar_v3.Schema$Event);
      return answer.status === 404 || answer.status === 410 ? "absent" : null;
    });
  }

  private eventPath(id: string | null): string {
    return `/calendar/v3/calendars/${encodeURIComponent(this.calendarId)}/events${id ? `/${encodeURIComponent(id)}` : ""}?sendUpdates=none`;
  }

  private async write(calls: BatchCall[]): Promise<WriteResult[]> {
    return (await this.send(calls)).map((answer) => this.toResult(answer));
  }

  private limitedError(what: string, resumeAt: number): RemoteUnavailableError {
    return new RemoteUnavailableError(`Google is limiting requests (${what}); the sync continues at ${new Date(resumeAt).toISOString()}.`, 429, new Date(resumeAt));
  }

  /**
   * Sends calls in batches paced by the adaptive pacer: the calls Google refuses for the rate are
   * sent again, and only they, once the pacer allows; calls failing for other reasons (5xx) are sent
   * again after a back-off. When the run's wait budget is spent, what is left comes back deferred.
   */
  private async send(calls: BatchCall[]): Promise<BatchAnswer[]> {
    const results: BatchAnswer[] = new Array(calls.length);
    let pending = calls.map((call, index) => ({ call, index, tries: 0 }));
    while (pending.length > 0) {
      const batch = pending.slice(0, this.pacer.batchSize);
      const slot = await this.pacer.acquire(batch.length);
      if (!slot.ok) {
        for (const entry of pending) results[entry.index] = { status: 429, body: null, deferred: true };
        break;
      }
      pending = pending.slice(batch.length);
      const answers = await this.sendBatch(batch.map((entry) => entry.call));
      const limited: typeof batch = [];
      const failing: typeof batch = [];
      let asked: number | null = null;
      for (const [position, entry] of batch.entries()) {
        const answer = answers[position] ?? { status: 500, body: null };
        if (isRateLimited(answer.status, answer.body)) {
          limited.push(entry);
          if (answer.retryAfterMs != null) asked = Math.max(asked ?? 0, answer.retryAfterMs);
        } else if (isRetryable(answer.status, answer.body) && entry.tries + 1 < this.retry.attempts) {
          failing.push({ ...entry, tries: entry.tries + 1 });
        } else {
          results[entry.index] = answer;
        }
      }
      if (limited.length > 0) this.pacer.refused(limited.length, asked);
      else this.pacer.accepted();
      if (failing.length > 0) await this.backoff(Math.max(...failing.map((entry) => entry.tries)), null, "a batch of calls", `${failing.length} of its calls failed for now`);
      pending = [...limited, ...failing, ...pending];
    }
    return results;
  }

  private toResult(answer: BatchAnswer): WriteResult {
    const body = answer.body as { id?: string; etag?: string; error?: { message?: string } } | null;
    if (answer.status === 200 || answer.status === 204) return { ok: true, remoteId: body?.id ?? "", versionToken: body?.etag ?? "" };
    if (answer.status === 412) return { ok: false, kind: "conflict", message: "The event changed in Google meanwhile." };
    if (answer.status === 404 || answer.status === 410) return { ok: false, kind: "not-found", message: "The event no longer exists in Google." };
    if (answer.deferred) return { ok: false, kind: "unavailable", message: "Google is limiting requests; this event is sent when the sync continues." };
    if (isRetryable(answer.status, answer.body)) return { ok: false, kind: "unavailable", message: `Google kept refusing this call (HTTP ${answer.status}).` };
    return { ok: false, kind: "rejected", message: `Google rejected this event: ${body?.error?.message ?? `HTTP ${answer.status}`}.` };
  }

  private async sendBatch(calls: BatchCall[]): Promise<BatchAnswer[]> {
    const boundary = `batch_${randomBytes(12).toString("hex")}`;
    const body =
      calls
        .map((call, index) =>
          [
            `--${boundary}`,
            "Content-Type: application/http",
            `Content-ID: <item-${index + 1}>`,
            "",
            `${call.method} ${call.path} HTTP/1.1`,
            ...(call.ifMatch ? [`If-Match: ${call.ifMatch}`] : []),
            ...(call.body !== undefined ? ["Content-Type: application/json; charset=UTF-8", "", JSON.stringify(call.body)] : [""]),
            "",
          ].join("\r\n"),
        )
        .join("") + `--${boundary}--\r\n`;
    const url = new URL("batch/calendar/v3", this.options.apiUrl.endsWith("/") ? this.options.apiUrl : `${this.options.apiUrl}/`);
    const answer = await this.request(async (token) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": `multipart/mixed; boundary=${boundary}` },
        body,
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      const contentType = response.headers.get("content-type") ?? "";
      return { status: response.status, headers: response.headers, body: contentType.startsWith("multipart/") ? { multipart: text, contentType } : safeJson(text) };
    }, "a batch of writes");
    const multipart = answer.body as { multipart?: string; contentType?: string } | null;
    if (answer.status !== 200 || !multipart?.multipart) throw new RemoteUnavailableError(`Google refused a batch of writes (HTTP ${answer.status}).`, answer.status);
    return parseBatchResponse(multipart.multipart, multipart.contentType ?? "", calls.length);
  }
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Splits a multipart/mixed batch answer into the inner responses, in request order (by Content-ID). */
export function parseBatchResponse(text: string, contentType: string, expected: number): BatchAnswer[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2] ?? "";
  const answers: BatchAnswer[] = Array.from({ length: expected }, () => ({ status: 500, body: null }));
  text.split(`--${boundary}`).slice(1, -1).forEach((part, position) => {
    const index = Number(/content-id:\s*<?response-item-(\d+)>?/i.exec(part)?.[1] ?? position + 1) - 1;
    const status = Number(/HTTP\/1\.1 (\d{3})/.exec(part)?.[1] ?? 500);
    const sections = part.split("\r\n\r\n");
    const payload = sections.slice(2).join("\r\n\r\n").trim();
    const headers = Object.fromEntries((sections[1] ?? "").split("\r\n").slice(1).flatMap((line) => {
      const colon = line.indexOf(":");
      return colon > 0 ? [[line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]] : [];
    }));
    if (index >= 0 && index < expected) answers[index] = { status, body: payload ? safeJson(payload) : null, retryAfterMs: retryAfterMs(headers) };
  });
  return answers;
}
