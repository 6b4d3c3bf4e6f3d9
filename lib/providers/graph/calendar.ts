import { createHash } from "node:crypto";
import { z } from "zod";
import type { EventContent } from "@/lib/calendar/event-content";
import { AdaptivePacer } from "@/lib/providers/adaptive-pacer";
import { NotExpressibleError } from "@/lib/providers/ews/recurrence";
import {
  CANCELLED_ID,
  cancelledOf,
  contentOf,
  deletedOccurrences,
  extendedValue,
  graphEventSchema,
  originalStartOf,
  PROPERTY_IDS,
  TAG_ID,
  toGraphEvent,
  toGraphPatch,
  type CancelledOccurrences,
  type GraphEvent,
} from "@/lib/providers/graph/mapping";
import { cancelledToken } from "@/lib/providers/extended-values";
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
 * One Outlook calendar over Microsoft Graph as the sync engine's remote side.
 *
 * Listing. Graph v1.0 tracks changes only over a calendarView (a date window), so every listing
 * sends, in one JSON $batch, the calendarView delta and a listing of /me/events (single events and
 * series masters, any date, with this app's extended properties, which delta cannot return). A full
 * listing reads all of /me/events; an incremental one only what changed after the newest
 * lastModifiedDateTime seen so far. So events outside the window are never taken for deleted, and
 * their edits still arrive; a deletion outside the window is seen only at the next full listing
 * (after the delta token expires). Delta supplies what /me/events cannot: deletions (verified one by
 * one, since an item leaving the window is reported the same way) and which series have changed
 * occurrences; each such series' instances are read once, from its first occurrence to the window's
 * end (exceptions and deleted occurrences), 20 series to a $batch. Delta lists every occurrence of
 * every series in the window, so a first listing costs pages for those too; exceptions later than
 * the window's end are not seen until the window reaches them.
 *
 * The window rolls: it is [today − pastDays, today + futureDays] with both ends rounded to 30-day
 * steps, so it moves once a month. A move is *not* a full listing for the engine: the old delta is
 * read to its end (so no deletion is lost), then a new round over the new window lists everything
 * in it as upserts — unchanged items cost the engine nothing, nothing is imported twice, and what
 * left the window at the back is not taken for deleted.
 *
 * Writes go 20 to a $batch (Graph's limit); If-Match carries the etag; a create carries a
 * transactionId (Graph answers a repeated one with the first item) and the local id in an extended
 * property. Attendees are never written as attendees (Graph would mail them); see mapping.ts.
 *
 * Bodies. Graph answers an event's body as HTML unless asked otherwise; every call asks for text
 * (Prefer: outlook.body-content-type="text"), which is what the app holds. An update sends only the
 * fields that changed, so a body is written back only when its text changed, and the formatting an
 * Outlook user gave it survives edits of anything else made in Atollon.
 */

export interface GraphCalendarOptions {
  /** e.g. https://graph.microsoft.com/v1.0 */
  graphUrl: string;
  /** A valid access token; `renew` asks for a new one after Graph refused the last (401). Throws AuthorizationError when the grant is gone. */
  accessToken: (renew: boolean) => Promise<string>;
  window?: { pastDays: number; futureDays: number };
  /** Items per listing page (Prefer: odata.maxpagesize). */
  pageSize?: number;
  fetch?: typeof fetch;
  /** Attempts for one call refused with 429/503/5xx (Retry-After honoured), and the waits' bounds. */
  retry?: { attempts: number; baseMs: number; maxMs: number };
  sleep?: (ms: number) => Promise<void>;
  /** The clock the window follows. */
  now?: () => Date;
  /**
   * Calls allowed per mailbox in ten minutes (each call inside a $batch counts): Outlook's limit is
   * 10,000. Calls are paced under it — a burst of a tenth, then the steady rate — instead of
   * running into 429s that would slow the whole mailbox down for every app.
   */
  requestsPerTenMinutes?: number;
  /** Longest single wait after Graph throttled calls, and all of them together in one run. */
  waitLimits?: { eachMs: number; totalMs: number };
  /** The clock the pacing follows (tests move it along with `sleep`). */
  clock?: () => number;
  /** The calendar synced (its Graph id); absent: the mailbox's default calendar. */
  calendarId?: string;
}

const TEN_MINUTES = 600_000;

const BATCH_LIMIT = 20;
/** Marks a version token whose item may read back otherwise than written (see update). */
const RECHECK = "|recheck";
const DAY = 86_400_000;
const WINDOW_STEP_DAYS = 30;
const EXPAND = `singleValueExtendedProperties($filter=${PROPERTY_IDS.map((id) => `id eq '${id}'`).join(" or ")})`;

const cursorSchema = z.object({
  v: z.literal(1),
  deltaLink: z.string(),
  window: z.object({ start: z.string(), end: z.string() }),
  watermark: z.string(),
  /** The series masters known so far: delta names none of them, not even when one is deleted. */
  series: z.array(z.string()).default([]),
});
type Cursor = z.infer<typeof cursorSchema>;

const calendarSchema = z.object({ id: z.string(), name: z.string(), canEdit: z.boolean().default(false), isDefaultCalendar: z.boolean().optional() });

const listSchema = z.object({ value: z.array(z.unknown()).default([]), "@odata.nextLink": z.string().optional(), "@odata.deltaLink": z.string().optional() });

interface Call {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}
interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** Not sent: the run's wait budget was spent while Graph was throttling. */
  deferred?: boolean;
}

const deferred = (): Answer => ({ status: 429, body: { error: { code: "TooManyRequests", message: "Not sent: Microsoft Graph is throttling; the sync continues later." } }, headers: {}, deferred: true });

const errorCode = (body: unknown) => (body as { error?: { code?: string; message?: string } } | null)?.error ?? null;
const retryable = (status: number) => status === 429 || status === 503 || status === 502 || status === 504 || status === 500;

function parseEvent(raw: unknown): GraphEvent | null {
  const parsed = graphEventSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export class GraphCalendar implements RemoteCalendar {
  requestCount = 0;
  readonly writeBatchSize = BATCH_LIMIT;
  private readonly fetch: typeof fetch;
  private readonly retry: { attempts: number; baseMs: number; maxMs: number };
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pageSize: number;
  private readonly windowDays: { pastDays: number; futureDays: number };
  private token: string | null = null;
  private readonly pacer: AdaptivePacer;
  /** Etags this provider moved on a master itself (cancelling an occurrence): the engine still holds the old one. */
  private readonly ownEtags = new Map<string, { from: string; to: string }>();

  constructor(private readonly options: GraphCalendarOptions) {
    this.fetch = options.fetch ?? fetch;
    this.retry = options.retry ?? { attempts: 5, baseMs: 500, maxMs: 30_000 };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.pageSize = Math.min(Math.max(options.pageSize ?? 1000, 1), 1000);
    this.windowDays = options.window ?? { pastDays: 365, futureDays: 730 };
    const perTenMinutes = Math.max(options.requestsPerTenMinutes ?? 10_000, 1);
    this.pacer = new AdaptivePacer({
      limit: { calls: perTenMinutes, windowMs: TEN_MINUTES },
      burst: Math.max(perTenMinutes / 10, BATCH_LIMIT),
      maxBatch: BATCH_LIMIT,
      waitLimits: options.waitLimits ?? { eachMs: 60_000, totalMs: 120_000 },
      sleep: this.sleep,
      ...(options.clock ? { now: options.clock } : {}),
    });
  }

  /** Calls made so far — each call inside a $batch is one, as the mailbox's limit counts them. */
  get callCount(): number {
    return this.pacer.calls;
  }

  /** Calls Graph throttled (429) so far. */
  get refusedCallCount(): number {
    return this.pacer.refusedCalls;
  }

  /** Set when Graph throttled beyond the run's wait budget: when it takes calls again. */
  get throttledUntil(): Date | null {
    return this.pacer.resumeAt === null ? null : new Date(this.pacer.resumeAt);
  }

  // ── HTTP ──────────────────────────────────────────────────────────────────────────────────────

  private relative(url: string): string {
    return url.startsWith(this.options.graphUrl) ? url.slice(this.options.graphUrl.length) : url;
  }

  /**
   * One HTTP request carrying `calls` calls, when the pacer lets it go (else a deferred answer); a
   * 401 renews the token once, then is an AuthorizationError.
   */
  private async send(call: Call, calls = 1): Promise<Answer> {
    let renewed = false;
    for (;;) {
      if (!(await this.pacer.acquire(calls)).ok) return deferred();
      this.token ??= await this.options.accessToken(renewed);
      this.requestCount += 1;
      let response: Response;
      try {
        response = await this.fetch(`${this.options.graphUrl}${this.relative(call.url)}`, {
          method: call.method,
          headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json", prefer: `outlook.timezone="UTC", outlook.body-content-type="text", odata.maxpagesize=${this.pageSize}`, ...call.headers },
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
          signal: AbortSignal.timeout(120_000),
        });
      } catch (error) {
        return { status: 0, body: { error: { code: "network", message: (error as Error).message } }, headers: {} };
      }
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      if (response.status === 401) {
        if (renewed) throw new AuthorizationError("Microsoft refused the access token after renewing it. Sign in with Microsoft again.", "authorization-needed");
        renewed = true;
        this.token = null;
        continue;
      }
      return { status: response.status, body, headers: Object.fromEntries(response.headers.entries()) };
    }
  }

  private waitFor(attempt: number, headers: Record<string, string>): Promise<void> {
    const retryAfter = Number(headers["retry-after"] ?? headers["Retry-After"]);
    const ceiling = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt - 1));
    return this.sleep(Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(retryAfter * 1000, this.retry.maxMs) : Math.random() * ceiling);
  }

  /**
   * Calls, up to 20 to a $batch as the pacer allows (a single call goes as itself). Calls Graph
   * throttles (429) are sent again, and only they, once the pacer allows; calls failing otherwise
   * (5xx, network) after a back-off, within the retry budget. When the run's wait budget is spent,
   * what is left comes back deferred. Answers in call order.
   */
  private async calls(calls: Call[]): Promise<Answer[]> {
    const answers: Answer[] = new Array(calls.length);
    let pending = calls.map((call, index) => ({ call, index, tries: 0 }));
    while (pending.length > 0) {
      const group = pending.slice(0, this.pacer.batchSize);
      pending = pending.slice(group.length);
      const results = await this.sendGroup(group.map((entry) => entry.call));
      const throttled: typeof group = [];
      const failing: typeof group = [];
      let asked: number | null = null;
      let wait: Record<string, string> = {};
      for (const [position, entry] of group.entries()) {
        const answer = results[position] ?? { status: 0, body: null, headers: {} };
        if (answer.status === 429 && !answer.deferred) {
          throttled.push(entry);
          const seconds = Number(answer.headers["retry-after"]);
          if (Number.isFinite(seconds) && seconds >= 0) asked = Math.max(asked ?? 0, seconds * 1000);
        } else if ((retryable(answer.status) || answer.status === 0) && !answer.deferred && entry.tries + 1 < this.retry.attempts) {
          failing.push({ ...entry, tries: entry.tries + 1 });
          if (answer.headers["retry-after"]) wait = answer.headers;
        } else {
          answers[entry.index] = answer;
        }
      }
      if (throttled.length > 0) this.pacer.refused(throttled.length, asked);
      else if (!results.some((answer) => answer.deferred)) this.pacer.accepted();
      if (failing.length > 0) await this.waitFor(Math.max(...failing.map((entry) => entry.tries)), wait);
      pending = [...throttled, ...failing, ...pending];
      if (this.pacer.resumeAt !== null) {
        for (const entry of pending) answers[entry.index] = deferred();
        pending = [];
      }
    }
    return answers;
  }

  private async sendGroup(calls: Call[]): Promise<Answer[]> {
    if (calls.length === 1) return [await this.send(calls[0] as Call)];
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.send({
        method: "POST",
        url: "/$batch",
        body: {
          requests: calls.map((call, index) => ({ id: String(index + 1), method: call.method, url: this.relative(call.url), headers: { "content-type": "application/json", prefer: `outlook.timezone="UTC", outlook.body-content-type="text", odata.maxpagesize=${this.pageSize}`, ...call.headers }, ...(call.body !== undefined ? { body: call.body } : {}) })),
        },
      }, calls.length);
      if (answer.deferred) return calls.map(() => deferred());
      if (answer.status === 429) {
        // The whole $batch throttled: each of its calls was refused.
        return calls.map(() => ({ ...answer, headers: answer.headers }));
      }
      if (answer.status === 200) {
        const responses = (answer.body as { responses?: { id: string; status: number; body?: unknown; headers?: Record<string, string> }[] } | null)?.responses ?? [];
        return calls.map((_call, index) => {
          const response = responses.find((candidate) => candidate.id === String(index + 1));
          return response ? { status: response.status, body: response.body ?? null, headers: Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])) } : { status: 0, body: null, headers: {} };
        });
      }
      if (!(retryable(answer.status) || answer.status === 0) || attempt >= this.retry.attempts) {
        throw new RemoteUnavailableError(`Microsoft Graph did not take a batch of ${calls.length} calls (HTTP ${answer.status}${errorCode(answer.body)?.code ? ` ${errorCode(answer.body)?.code}` : ""}). The sync resumes from here next time.`, answer.status || null);
      }
      await this.waitFor(attempt, answer.headers);
    }
  }

  /** Lists that came back paged are read to their end (further pages batched together). */
  private async allPages(answers: Answer[]): Promise<Answer[]> {
    const full = answers.map((answer) => ({ ...answer }));
    let open = full.flatMap((answer, index) => {
      const next = answer.status === 200 ? (answer.body as { "@odata.nextLink"?: string } | null)?.["@odata.nextLink"] : undefined;
      return next ? [{ index, next }] : [];
    });
    while (open.length > 0) {
      const pages = await this.calls(open.map((entry) => ({ method: "GET", url: entry.next })));
      const still: typeof open = [];
      open.forEach((entry, position) => {
        const page = pages[position] as Answer;
        const target = full[entry.index] as Answer;
        if (page.status !== 200) {
          full[entry.index] = page;
          return;
        }
        const parsed = listSchema.parse(page.body);
        target.body = { value: [...listSchema.parse(target.body).value, ...parsed.value] };
        if (parsed["@odata.nextLink"]) still.push({ index: entry.index, next: parsed["@odata.nextLink"] });
      });
      open = still;
    }
    return full;
  }

  private async pagesOf(calls: Call[]): Promise<Answer[]> {
    return this.allPages(await this.calls(calls));
  }

  private unavailable(what: string, answer: Answer): RemoteUnavailableError {
    return new RemoteUnavailableError(`Microsoft Graph refused ${what} (HTTP ${answer.status}${errorCode(answer.body)?.code ? ` ${errorCode(answer.body)?.code}` : ""}). The sync resumes from here next time.`, answer.status || null);
  }

  // ── Listing ───────────────────────────────────────────────────────────────────────────────────

  /** The mailbox's calendars this account may write to (canEdit), the default calendar first. */
  async listCalendars(): Promise<WritableCalendar[]> {
    const [answer] = await this.pagesOf([{ method: "GET", url: "/me/calendars?$top=100&$select=id,name,canEdit,isDefaultCalendar" }]);
    if (!answer || answer.status !== 200) {
      throw new RemoteUnavailableError(`Microsoft Graph did not list the calendars (HTTP ${answer?.status ?? 0}${answer && errorCode(answer.body)?.code ? ` ${errorCode(answer.body)?.code}` : ""}). Try again later.`, answer?.status || null);
    }
    const calendars = listSchema.parse(answer.body).value.flatMap((raw) => {
      const parsed = calendarSchema.safeParse(raw);
      return parsed.success && parsed.data.canEdit ? [{ id: parsed.data.id, name: parsed.data.name, primary: parsed.data.isDefaultCalendar === true }] : [];
    });
    return calendars.sort((a, b) => Number(b.primary) - Number(a.primary));
  }

  /** The window for now: both ends on 30-day steps, so it moves once a month, not every day. */
  currentWindow(): { start: string; end: string } {
    const now = (this.options.now?.() ?? new Date()).getTime();
    const step = WINDOW_STEP_DAYS * DAY;
    const anchor = Math.floor(now / step) * step;
    return { start: new Date(anchor - this.windowDays.pastDays * DAY).toISOString(), end: new Date(anchor + step + this.windowDays.futureDays * DAY).toISOString() };
  }

  /**
   * Where the synced calendar's collections live: /me for the default calendar, else
   * /me/calendars/{id} (its calendarView delta, its events, creates into it). An event's own URL is
   * /me/events/{id} in any calendar: ids are the mailbox's.
   */
  private get home(): string {
    return this.options.calendarId ? `/me/calendars/${encodeURIComponent(this.options.calendarId)}` : "/me";
  }

  private deltaStart(window: { start: string; end: string }): string {
    return `${this.home}/calendarView/delta?startDateTime=${encodeURIComponent(window.start)}&endDateTime=${encodeURIComponent(window.end)}`;
  }

  private eventsUrl(watermark: string | null): string {
    const filter = watermark ? `&$filter=${encodeURIComponent(`lastModifiedDateTime gt ${watermark}`)}` : "";
    return `${this.home}/events?$top=${this.pageSize}&$expand=${encodeURIComponent(EXPAND)}${filter}`;
  }

  async *listChanges(cursorText: string | null): AsyncIterable<ChangePage> {
    const window = this.currentWindow();
    let cursor: Cursor | null = null;
    if (cursorText !== null) {
      try {
        cursor = cursorSchema.parse(JSON.parse(cursorText));
      } catch {
        throw new CursorExpiredError("The saved Graph sync position is not one this version understands.");
      }
    }
    const moved = cursor !== null && (cursor.window.start !== window.start || cursor.window.end !== window.end);
    const singles = new Map<string, GraphEvent>();
    const masters = new Map<string, GraphEvent>();
    const touchedSeries = new Set<string>();
    const removed = new Set<string>();
    /** Every id /me/events listed in this run (pages handed over already included). */
    const listed = new Set<string>();
    const watermark = cursor?.watermark ?? null;
    let newest = watermark;
    let deltaLink: string | null = null;

    const takeEvents = (value: unknown[]) => {
      for (const raw of value) {
        const event = parseEvent(raw);
        if (!event) continue;
        if (event.lastModifiedDateTime && (!newest || event.lastModifiedDateTime > newest)) newest = event.lastModifiedDateTime;
        listed.add(event.id);
        if (event.type === "seriesMaster") {
          masters.set(event.id, event);
          touchedSeries.add(event.id);
        } else singles.set(event.id, event);
      }
    };
    const takeDelta = (value: unknown[]) => {
      for (const raw of value) {
        const entry = raw as { id?: string; "@removed"?: unknown; type?: string; seriesMasterId?: string };
        if (!entry.id) continue;
        if (entry["@removed"]) removed.add(entry.id);
        else if (entry.seriesMasterId) touchedSeries.add(entry.seriesMasterId);
        else if (entry.type === "seriesMaster") touchedSeries.add(entry.id);
        // A single event delta saw that /me/events did not list (yet): read with its properties.
        else if (!listed.has(entry.id)) removed.add(entry.id);
      }
    };

    // Delta rounds to read: the saved one to its end; on a window move, then a new one.
    const rounds: string[] = cursor ? [cursor.deltaLink, ...(moved ? [this.deltaStart(window)] : [])] : [this.deltaStart(window)];
    let deltaNext: string | null = rounds.shift() ?? null;
    // On a window move every event is listed again with its properties: the new delta round names
    // every single event of the new window, and reading them one by one would cost far more.
    let eventsNext: string | null = this.eventsUrl(cursor && !moved ? watermark : null);
    let first = true;
    while (deltaNext || eventsNext) {
      const calls: Call[] = [...(deltaNext ? [{ method: "GET" as const, url: deltaNext }] : []), ...(eventsNext ? [{ method: "GET" as const, url: eventsNext }] : [])];
      const answers = await this.calls(calls);
      let position = 0;
      if (deltaNext) {
        const answer = answers[position++] as Answer;
        if (answer.status === 410 || (answer.status === 400 && /SyncState|resyncRequired/i.test(errorCode(answer.body)?.code ?? ""))) {
          if (cursor && first) throw new CursorExpiredError();
          throw this.unavailable("the list of changes (its sync state expired mid-listing)", answer);
        }
        if (answer.status !== 200) throw this.unavailable("the list of changes (calendarView delta)", answer);
        const page = listSchema.parse(answer.body);
        takeDelta(page.value);
        deltaNext = page["@odata.nextLink"] ?? null;
        if (!deltaNext && page["@odata.deltaLink"]) {
          deltaLink = page["@odata.deltaLink"];
          deltaNext = rounds.shift() ?? null;
        }
      }
      if (eventsNext) {
        const answer = answers[position++] as Answer;
        if (answer.status !== 200) throw this.unavailable("the list of events", answer);
        const page = listSchema.parse(answer.body);
        takeEvents(page.value);
        eventsNext = page["@odata.nextLink"] ?? null;
      }
      first = false;
      // Single events go to the engine as they come; series wait for their instances.
      if (singles.size >= this.pageSize) {
        yield { items: [...singles.values()].flatMap((event) => this.single(event)) };
        singles.clear();
      }
    }
    for (const id of listed) removed.delete(id);
    const items: RemoteItem[] = [...singles.values()].flatMap((event) => this.single(event));

    // Removed from the view: deleted, or moved out of the window (then it still exists).
    let deletions = 0;
    if (removed.size > 0) {
      const ids = [...removed];
      const answers = await this.calls(ids.map((id) => ({ method: "GET", url: `/me/events/${encodeURIComponent(id)}?$expand=${encodeURIComponent(EXPAND)}` })));
      for (const [index, answer] of answers.entries()) {
        const id = ids[index] as string;
        if (answer.status === 404) {
          items.push({ remoteId: id, versionToken: "", localTag: null, seriesRemoteId: null, content: null, updatedAt: null });
          deletions += 1;
        }
        else if (answer.status === 200) {
          const event = parseEvent(answer.body);
          if (!event) continue;
          if (event.type === "seriesMaster") {
            masters.set(event.id, event);
            touchedSeries.add(event.id);
          } else if (event.seriesMasterId) touchedSeries.add(event.seriesMasterId);
          else items.push(...this.single(event));
        } else throw this.unavailable("an event that left the calendar view", answer);
      }
    }
    items.push(...(await this.series([...touchedSeries], masters, window)));
    const series = new Set([...(cursor?.series ?? []), ...masters.keys()]);
    // A deleted series shows in delta only as its occurrences' removal, whose ids do not name it:
    // after any deletion, the series known before and not read now are looked up.
    const unread = deletions > 0 ? [...series].filter((id) => !touchedSeries.has(id)) : [];
    const lookups = await this.calls(unread.map((id) => ({ method: "GET", url: `/me/events/${encodeURIComponent(id)}?$select=id` })));
    unread.forEach((id, index) => {
      const answer = lookups[index] as Answer;
      if (answer.status === 404) items.push({ remoteId: id, versionToken: "", localTag: null, seriesRemoteId: null, content: null, updatedAt: null });
      else if (answer.status !== 200) throw this.unavailable("a series", answer);
    });
    for (const item of items) if (item.content === null) series.delete(item.remoteId);
    // A cancelled occurrence keeps the id of the occurrence it was, which delta reports as removed.
    const alive = new Set(items.filter((item) => item.content !== null).map((item) => item.remoteId));
    const settled = items.filter((item) => item.content !== null || !alive.has(item.remoteId));
    const next: Cursor = { v: 1, deltaLink: deltaLink ?? cursor?.deltaLink ?? "", window, watermark: newest ?? new Date(0).toISOString(), series: [...series] };
    yield { items: settled, nextCursor: JSON.stringify(next) };
  }

  private single(event: GraphEvent): RemoteItem[] {
    if (event.type === "occurrence") return [];
    return [
      {
        remoteId: event.id,
        versionToken: event["@odata.etag"] ?? event.changeKey ?? "",
        localTag: extendedValue(event, TAG_ID),
        seriesRemoteId: event.type === "exception" ? (event.seriesMasterId ?? null) : null,
        content: contentOf(event, null),
        updatedAt: event.lastModifiedDateTime ?? null,
      },
    ];
  }

  /**
   * Series masters with their exceptions, cancelled occurrences and deleted occurrences: one call
   * for a master not known yet, one for its instances (from its first occurrence, or the window's
   * start, to the window's end).
   */
  private async series(ids: string[], known: Map<string, GraphEvent>, window: { start: string; end: string }): Promise<RemoteItem[]> {
    if (ids.length === 0) return [];
    const missing = ids.filter((id) => !known.has(id));
    const masterAnswers = await this.calls(missing.map((id) => ({ method: "GET", url: `/me/events/${encodeURIComponent(id)}?$expand=${encodeURIComponent(EXPAND)}` })));
    const items: RemoteItem[] = [];
    for (const [index, answer] of masterAnswers.entries()) {
      const id = missing[index] as string;
      const event = answer.status === 200 ? parseEvent(answer.body) : null;
      if (event?.type === "seriesMaster") known.set(id, event);
      else if (answer.status === 404) items.push({ remoteId: id, versionToken: "", localTag: null, seriesRemoteId: null, content: null, updatedAt: null });
      else if (answer.status !== 200) throw this.unavailable("a series", answer);
    }
    const masters = ids.flatMap((id) => (known.get(id) ? [known.get(id) as GraphEvent] : []));
    const ranges = masters.map((master) => {
      const first = contentOf(master, [])?.start;
      const from = first && Date.parse(first.length === 10 ? `${first}T00:00:00.000Z` : first) < Date.parse(window.start) ? new Date(Date.parse(first.length === 10 ? `${first}T00:00:00.000Z` : first) - DAY).toISOString() : window.start;
      return { from, to: window.end };
    });
    const instanceAnswers = await this.pagesOf(
      masters.map((master, index) => ({
        method: "GET",
        url: `/me/events/${encodeURIComponent(master.id)}/instances?startDateTime=${encodeURIComponent(ranges[index]?.from ?? window.start)}&endDateTime=${encodeURIComponent(window.end)}&$top=${this.pageSize}&$expand=${encodeURIComponent(EXPAND)}`,
      })),
    );
    for (const [index, master] of masters.entries()) {
      const answer = instanceAnswers[index] as Answer;
      if (answer.status === 404) {
        items.push({ remoteId: master.id, versionToken: "", localTag: null, seriesRemoteId: null, content: null, updatedAt: null });
        continue;
      }
      if (answer.status !== 200) throw this.unavailable("the occurrences of a series", answer);
      const instances = listSchema.parse(answer.body).value.flatMap((raw) => parseEvent(raw) ?? []);
      const plain = contentOf(master, []);
      if (!plain) continue;
      const seen = new Set(instances.map((instance) => originalStartOf(instance, plain.allDay)).filter((value): value is string => value !== null));
      const cancelled = cancelledOf(master);
      for (const start of Object.keys(cancelled)) if (!seen.has(start)) seen.add(start);
      const remembered = (contentOf(master, null)?.exdates ?? []).filter((value) => !cancelled[value]);
      const range = ranges[index] ?? { from: window.start, to: window.end };
      const exdates = deletedOccurrences(plain, seen, new Date(range.from), new Date(range.to), remembered);
      items.push({ remoteId: master.id, versionToken: master["@odata.etag"] ?? "", localTag: extendedValue(master, TAG_ID), seriesRemoteId: null, content: contentOf(master, exdates), updatedAt: master.lastModifiedDateTime ?? null });
      for (const instance of instances) if (instance.type === "exception") items.push(...this.single({ ...instance, seriesMasterId: master.id }));
      const present = new Set(instances.map((instance) => originalStartOf(instance, plain.allDay)));
      for (const [start, entry] of Object.entries(cancelled)) {
        if (present.has(start)) continue;
        items.push({ remoteId: entry.id, versionToken: cancelledToken(entry.content), localTag: entry.localId, seriesRemoteId: master.id, content: entry.content, updatedAt: master.lastModifiedDateTime ?? null });
      }
    }
    return items;
  }

  async findByLocalTag(localIds: string[]): Promise<RemoteItem[]> {
    const found: RemoteItem[] = [];
    const answers = await this.calls(
      localIds.map((localId) => ({
        method: "GET",
        url: `${this.home}/events?$top=10&$expand=${encodeURIComponent(EXPAND)}&$filter=${encodeURIComponent(`singleValueExtendedProperties/any(ep: ep/id eq '${TAG_ID}' and ep/value eq '${localId.replace(/'/g, "''")}')`)}`,
      })),
    );
    for (const answer of answers) {
      if (answer.status !== 200) throw this.unavailable("a search for tagged events", answer);
      for (const raw of listSchema.parse(answer.body).value) {
        const event = parseEvent(raw);
        if (event) found.push(...this.single(event));
      }
    }
    return found;
  }

  // ── Writes ────────────────────────────────────────────────────────────────────────────────────

  private result(answer: Answer, what: string): WriteResult {
    if (answer.status === 200 || answer.status === 201) {
      const event = parseEvent(answer.body);
      return event ? { ok: true, remoteId: event.id, versionToken: event["@odata.etag"] ?? "" } : { ok: false, kind: "unavailable", message: `Microsoft Graph answered ${what} without the event.` };
    }
    if (answer.status === 204) return { ok: true, remoteId: "", versionToken: "" };
    if (answer.status === 412 || answer.status === 409) return { ok: false, kind: "conflict", message: "The event changed in Outlook meanwhile." };
    if (answer.status === 404 || answer.status === 410) return { ok: false, kind: "not-found", message: "The event no longer exists in Outlook." };
    if (retryable(answer.status) || answer.status === 0) return { ok: false, kind: "unavailable", message: `Microsoft Graph kept refusing ${what} (HTTP ${answer.status}).` };
    return { ok: false, kind: "rejected", message: `Microsoft Graph rejected this event: ${errorCode(answer.body)?.message ?? `HTTP ${answer.status}`}.` };
  }

  /** The whole event, or with `previous` (what the item holds) only the fields that differ from it. */
  private body(content: EventContent, localId: string, recurrence: boolean, previous: EventContent | null = null): Record<string, unknown> | WriteResult {
    try {
      return previous ? toGraphPatch(content, changedFields(previous, content), localId, { recurrence }) : toGraphEvent(content, localId, { recurrence });
    } catch (error) {
      if (error instanceof NotExpressibleError) return { ok: false, kind: "rejected", message: error.message };
      throw error;
    }
  }

  /** The etag to send for a version token: unmarked, and moved on where this provider moved it. */
  private etagFor(remoteId: string, versionToken: string): string {
    const token = versionToken.endsWith(RECHECK) ? versionToken.slice(0, -RECHECK.length) : versionToken;
    const own = this.ownEtags.get(remoteId);
    return own && own.from === token ? own.to : token;
  }

  async create(requests: CreateRequest[]): Promise<WriteResult[]> {
    const results: (WriteResult | null)[] = requests.map(() => null);
    const plain: { index: number; call: Call }[] = [];
    const exceptions: { index: number; request: CreateRequest }[] = [];
    requests.forEach((request, index) => {
      if (request.seriesRemoteId && request.content.originalStart) return exceptions.push({ index, request });
      const body = this.body(request.content, request.localId, true);
      if ("ok" in body) results[index] = body as WriteResult;
      // The same create sent twice (a retry, a run that died before recording the answer) yields
      // one item; a later create of the same event with other content, or into another calendar of
      // the mailbox (Graph remembers a transactionId mailbox-wide), is a create of its own.
      else {
        const transaction = createHash("sha256").update(JSON.stringify([this.options.calendarId ?? null, request.content])).digest("base64url").slice(0, 16);
        plain.push({ index, call: { method: "POST", url: `${this.home}/events`, body: { ...body, transactionId: `${request.localId}.${transaction}` } } });
      }
    });
    const answers = await this.calls(plain.map((entry) => entry.call));
    plain.forEach((entry, position) => (results[entry.index] = this.result(answers[position] as Answer, "a new event")));
    await this.excludeOccurrences(requests.map((request, index) => ({ request, result: results[index] ?? null })));
    const written = await this.writeExceptions(exceptions.map(({ request }) => ({ seriesRemoteId: request.seriesRemoteId as string, localId: request.localId, content: request.content, remoteId: null, versionToken: null })));
    exceptions.forEach((entry, position) => (results[entry.index] = written[position] ?? null));
    return results.map((result) => result ?? { ok: false, kind: "unavailable", message: "Microsoft Graph sent no answer for this event." });
  }

  async update(requests: UpdateRequest[]): Promise<WriteResult[]> {
    const results: (WriteResult | null)[] = requests.map(() => null);
    const plain: { index: number; call: Call }[] = [];
    const cancelled: { index: number; request: UpdateRequest }[] = [];
    requests.forEach((request, index) => {
      if (request.versionToken.startsWith("cancelled:")) return cancelled.push({ index, request });
      const isException = request.seriesRemoteId !== null && request.content.originalStart !== null;
      if (isException && request.content.status === "cancelled") return cancelled.push({ index, request });
      const body = this.body(request.content, request.localId, !isException, request.previous);
      if ("ok" in body) return (results[index] = body as WriteResult);
      const etag = this.etagFor(request.remoteId, request.versionToken);
      plain.push({ index, call: { method: "PATCH", url: `/me/events/${encodeURIComponent(request.remoteId)}`, body, headers: etag ? { "if-match": etag } : {} } });
    });
    const answers = await this.calls(plain.map((entry) => entry.call));
    plain.forEach((entry, position) => {
      const result = this.result(answers[position] as Answer, "a change");
      const request = requests[entry.index] as UpdateRequest;
      // Outlook cannot bring back an occurrence deleted there: when this change of a series does
      // not exclude it, Graph still does. The token is marked so that the next listing compares the
      // series' content instead of taking it for this write, and the deletion reaches Atollon.
      results[entry.index] = result.ok && request.content.rrule && !request.content.originalStart ? { ...result, versionToken: `${result.versionToken}${RECHECK}` } : result;
    });
    await this.excludeOccurrences(requests.map((request, index) => ({ request, result: results[index] ?? null })));
    const written = await this.writeExceptions(cancelled.map(({ request }) => ({ ...request, seriesRemoteId: request.seriesRemoteId ?? "" })));
    cancelled.forEach((entry, position) => (results[entry.index] = written[position] ?? null));
    return results.map((result) => result ?? { ok: false, kind: "unavailable", message: "Microsoft Graph sent no answer for this event." });
  }

  async delete(requests: DeleteRequest[]): Promise<WriteResult[]> {
    const answers = await this.calls(
      requests.map((request) => {
        const etag = this.etagFor(request.remoteId, request.versionToken);
        const headers: Record<string, string> = etag && !etag.startsWith("cancelled:") ? { "if-match": etag } : {};
        return { method: "DELETE" as const, url: `/me/events/${encodeURIComponent(request.remoteId)}`, headers };
      }),
    );
    return answers.map((answer) => {
      const result = this.result(answer, "a deletion");
      return result.ok ? { ok: true, remoteId: "", versionToken: "" } : result;
    });
  }

  /** A series written with EXDATEs: Graph has no such field, so those occurrences are deleted after the write. */
  private async excludeOccurrences(written: { request: CreateRequest | UpdateRequest; result: WriteResult | null }[]): Promise<void> {
    const series = written.filter(({ request, result }) => result?.ok && request.content.rrule && request.content.exdates.length > 0 && !request.content.originalStart);
    if (series.length === 0) return;
    const lists = await this.pagesOf(
      series.map(({ request, result }) => {
        const points = request.content.exdates.map((value) => Date.parse(request.content.allDay ? `${value}T00:00:00.000Z` : value));
        const from = new Date(Math.min(...points) - DAY).toISOString();
        const to = new Date(Math.max(...points) + 2 * DAY).toISOString();
        return { method: "GET", url: `/me/events/${encodeURIComponent((result as { remoteId: string }).remoteId)}/instances?startDateTime=${encodeURIComponent(from)}&endDateTime=${encodeURIComponent(to)}&$top=${this.pageSize}` };
      }),
    );
    const deletions: Call[] = [];
    series.forEach(({ request }, index) => {
      const answer = lists[index];
      if (answer?.status !== 200) return;
      const excluded = new Set(request.content.exdates);
      for (const instance of listSchema.parse(answer.body).value.flatMap((raw) => parseEvent(raw) ?? [])) {
        const start = originalStartOf(instance, request.content.allDay);
        if (instance.type === "occurrence" && start && excluded.has(start)) deletions.push({ method: "DELETE", url: `/me/events/${encodeURIComponent(instance.id)}` });
      }
    });
    await this.calls(deletions);
    // The master moved on with the deletions: give the engine the etag it has now.
    const masters = await this.calls(series.map(({ result }) => ({ method: "GET", url: `/me/events/${encodeURIComponent((result as { remoteId: string }).remoteId)}?$select=id` })));
    series.forEach((entry, index) => {
      const event = masters[index]?.status === 200 ? parseEvent(masters[index]?.body) : null;
      if (event && entry.result?.ok) entry.result.versionToken = event["@odata.etag"] ?? entry.result.versionToken;
    });
  }

  /**
   * Exceptions: the occurrence is found among its series' instances (Graph names it by an id of its
   * own), then changed — which makes it an exception — or, when cancelled, deleted, its content kept
   * on the master so it reads back as the same cancelled exception.
   */
  private async writeExceptions(requests: { seriesRemoteId: string; localId: string; content: EventContent; remoteId: string | null; versionToken: string | null }[]): Promise<WriteResult[]> {
    if (requests.length === 0) return [];
    const results: (WriteResult | null)[] = requests.map(() => null);
    const lookups = await this.pagesOf(
      requests.flatMap((request) => {
        const at = Date.parse(request.content.allDay ? `${request.content.originalStart}T00:00:00.000Z` : (request.content.originalStart ?? ""));
        // An exception already written is read by its id (it may have moved anywhere); an occurrence
        // still as its series made it is found at its original start.
        const known = request.remoteId !== null && !request.versionToken?.startsWith("cancelled:");
        return [
          { method: "GET" as const, url: `/me/events/${encodeURIComponent(request.seriesRemoteId)}?$expand=${encodeURIComponent(EXPAND)}` },
          known
            ? { method: "GET" as const, url: `/me/events/${encodeURIComponent(request.remoteId as string)}` }
            : { method: "GET" as const, url: `/me/events/${encodeURIComponent(request.seriesRemoteId)}/instances?startDateTime=${encodeURIComponent(new Date(at - 2 * DAY).toISOString())}&endDateTime=${encodeURIComponent(new Date(at + 2 * DAY).toISOString())}&$top=${this.pageSize}` },
        ];
      }),
    );
    const patches: { index: number; call: Call }[] = [];
    const deletions: { index: number; call: Call }[] = [];
    const cancels = new Map<string, { master: GraphEvent; entries: CancelledOccurrences; indexes: number[] }>();
    requests.forEach((request, index) => {
      const masterAnswer = lookups[2 * index] as Answer;
      const listAnswer = lookups[2 * index + 1] as Answer;
      if (masterAnswer.status === 404) return (results[index] = { ok: false, kind: "not-found", message: "The series of this occurrence no longer exists in Outlook." });
      const byId = listAnswer.status === 404 || (listAnswer.status === 200 && !Array.isArray((listAnswer.body as { value?: unknown } | null)?.value));
      if (masterAnswer.status !== 200 || (listAnswer.status !== 200 && !byId)) return (results[index] = this.result(masterAnswer.status !== 200 ? masterAnswer : listAnswer, "an occurrence"));
      const master = parseEvent(masterAnswer.body);
      if (!master) return (results[index] = { ok: false, kind: "unavailable", message: "Microsoft Graph answered without the series." });
      const originalStart = request.content.originalStart as string;
      const candidates = byId ? (listAnswer.status === 200 ? [parseEvent(listAnswer.body)].flatMap((event) => event ?? []) : []) : listSchema.parse(listAnswer.body).value.flatMap((raw) => parseEvent(raw) ?? []);
      const instance = candidates.find((candidate) => candidate.seriesMasterId === master.id && originalStartOf(candidate, request.content.allDay) === originalStart);
      const state = cancels.get(master.id) ?? { master, entries: cancelledOf(master), indexes: [] };
      const alreadyCancelled = state.entries[originalStart];
      if (request.content.status === "cancelled") {
        const id = instance?.id ?? alreadyCancelled?.id ?? request.remoteId;
        if (!id) return (results[index] = { ok: false, kind: "rejected", message: "Outlook has no such occurrence of this series." });
        state.entries[originalStart] = { id, localId: request.localId, content: request.content };
        state.indexes.push(index);
        cancels.set(master.id, state);
        if (instance) deletions.push({ index, call: { method: "DELETE", url: `/me/events/${encodeURIComponent(instance.id)}` } });
        return;
      }
      if (!instance && byId) return (results[index] = { ok: false, kind: "not-found", message: "The occurrence no longer exists in Outlook." });
      if (!instance) {
        return (results[index] = { ok: false, kind: "rejected", message: "Outlook cannot bring back a deleted occurrence; it stays deleted there." });
      }
      const body = this.body(request.content, request.localId, false);
      if ("ok" in body) return (results[index] = body as WriteResult);
      const etag = request.versionToken && instance.type === "exception" && request.remoteId === instance.id ? request.versionToken : null;
      patches.push({ index, call: { method: "PATCH", url: `/me/events/${encodeURIComponent(instance.id)}`, body, headers: etag ? { "if-match": etag } : {} } });
    });
    const answers = await this.calls([...patches, ...deletions].map((entry) => entry.call));
    patches.forEach((entry, position) => (results[entry.index] = this.result(answers[position] as Answer, "an occurrence")));
    const deleteFailures = new Map<number, Answer>();
    deletions.forEach((entry, position) => {
      const answer = answers[patches.length + position] as Answer;
      if (answer.status !== 204 && answer.status !== 404) deleteFailures.set(entry.index, answer);
    });
    const masters = [...cancels.values()];
    const masterAnswers = await this.calls(
      masters.map(({ master, entries }) => ({
        method: "PATCH",
        url: `/me/events/${encodeURIComponent(master.id)}`,
        body: { singleValueExtendedProperties: [{ id: CANCELLED_ID, value: JSON.stringify(entries) }] },
      })),
    );
    masters.forEach(({ entries, indexes }, position) => {
      const answer = masterAnswers[position] as Answer;
      const updated = answer.status === 200 ? parseEvent(answer.body) : null;
      for (const index of indexes) {
        const failed = deleteFailures.get(index);
        const request = requests[index] as (typeof requests)[number];
        const entry = entries[request.content.originalStart as string];
        results[index] = failed ? this.result(failed, "a cancelled occurrence") : updated && entry ? { ok: true, remoteId: entry.id, versionToken: cancelledToken(request.content) } : this.result(answer, "a cancelled occurrence");
      }
    });
    await this.followMasters(requests.flatMap((_request, index) => {
      const master = lookups[2 * index]?.status === 200 ? parseEvent(lookups[2 * index]?.body) : null;
      return master && results[index]?.ok ? [master] : [];
    }));
    return results.map((result) => result ?? { ok: false, kind: "unavailable", message: "Microsoft Graph sent no answer for this occurrence." });
  }

  /**
   * Changing or deleting an occurrence changes its series master too (Exchange keeps exceptions
   * inside it): its new etag is read and remembered, so this run's own update of the series is not
   * taken for a conflict with itself.
   */
  private async followMasters(before: GraphEvent[]): Promise<void> {
    const masters = [...new Map(before.map((master) => [master.id, master])).values()];
    const answers = await this.calls(masters.map((master) => ({ method: "GET", url: `/me/events/${encodeURIComponent(master.id)}?$select=id,changeKey` })));
    masters.forEach((master, index) => {
      const now = answers[index]?.status === 200 ? parseEvent(answers[index]?.body) : null;
      const from = master["@odata.etag"];
      const to = now?.["@odata.etag"];
      if (from && to && from !== to) this.ownEtags.set(master.id, { from, to });
    });
  }
}
