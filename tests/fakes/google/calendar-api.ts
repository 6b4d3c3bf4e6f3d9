// Google Calendar API v3, the part the sync uses, as an HTTP handler: routing, authentication, the
// request log, delays, the per-user quota (quota) and injected faults, on whole requests or on
// single calls of a batch (batch-faults). What each method does lives in its own module:
// list-events (events.list), write-events (insert, import, get, update, patch, delete), list-instances
// (events.instances), recurrence (series and their instance ids), batch (the multipart batch endpoint), channels (events.watch, channels.stop).
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { boundaryOf, formatBatchResponse, MAX_BATCH_CALLS, parseBatchRequest } from "./batch";
import { createBatchFaults, type BatchFault } from "./batch-faults";
import { createChannels } from "./channels";
import { createEventStore, newId, type GoogleEvent } from "./event-store";
import { googleError, type CallResult, type Fault } from "./google-error";
import { listEvents } from "./list-events";
import { listInstances } from "./list-instances";
import { readBody } from "./oauth";
import { createQuota, type QuotaOptions } from "./quota";
import { virtualInstance } from "./recurrence";
import { eventById, importEvent, insertEvent, type ImportExisting } from "./write-events";

export type { GoogleEvent } from "./event-store";
export type { Fault } from "./google-error";
export type { BatchFault, InnerCall } from "./batch-faults";
export type { QuotaOptions } from "./quota";

export interface LoggedRequest {
  method: string;
  path: string;
  /** Calls inside a batch request, as "METHOD /path". */
  batch?: string[];
  sendUpdates?: string | null;
}

const EVENTS_PATH = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/;
const WATCH_PATH = /^\/calendar\/v3\/calendars\/([^/]+)\/events\/watch$/;
const INSTANCES_PATH = /^\/calendar\/v3\/calendars\/([^/]+)\/events\/([^/]+)\/instances$/;

export function createCalendarApi(options: { authenticate: (accessToken: string) => string | null; allowHttpPush?: boolean }) {
  const channels = createChannels({ allowHttp: options.allowHttpPush ?? false });
  const store = createEventStore({ onChange: (owner) => channels.changed(owner) });
  const faults: Fault[] = [];
  const batchFaults = createBatchFaults();
  const quota = createQuota();
  const log: LoggedRequest[] = [];
  let delayMs = 0;
  let importExisting: ImportExisting = "update";

  /** Calendars besides each person's primary one, by id: who may do what with them. */
  const secondary = new Map<string, { summary: string; roles: Map<string, string> }>();
  /** The key the event store holds a calendar under, or null when this person cannot reach it. */
  const calendarKey = (email: string, calendarId: string): string | null => {
    const id = decodeURIComponent(calendarId);
    if (id === "primary" || id === email) return email;
    return secondary.get(id)?.roles.has(email) ? id : null;
  };
  const isOwnCalendar = (email: string, calendarId: string) => calendarKey(email, calendarId) !== null;

  /** One API call (a whole request, or one part of a batch) for an authenticated user. */
  function call(email: string, method: string, url: URL, headers: Record<string, string | undefined>, body: unknown, logEntry: LoggedRequest): CallResult {
    const path = url.pathname;
    const query = url.searchParams;
    if (path === "/calendar/v3/channels/stop" && method === "POST") return channels.stop(email, body);
    if (path === "/calendar/v3/users/me/calendarList" && method === "GET") {
      const writers = ["writer", "owner"];
      const others = [...secondary].flatMap(([id, { summary, roles }]) => (roles.has(email) ? [{ kind: "calendar#calendarListEntry", id, summary, timeZone: "UTC", accessRole: roles.get(email) }] : []));
      const minAccessRole = query.get("minAccessRole");
      const items = [{ kind: "calendar#calendarListEntry", id: email, summary: email, primary: true, timeZone: "UTC", accessRole: "owner" }, ...others];
      return { status: 200, body: { kind: "calendar#calendarList", items: minAccessRole === "writer" ? items.filter((item) => writers.includes(item.accessRole as string)) : items } };
    }
    const watch = WATCH_PATH.exec(path);
    if (watch && method === "POST") {
      if (!isOwnCalendar(email, watch[1] ?? "")) return googleError(404, "notFound", "Not Found");
      return channels.watch(email, decodeURIComponent(watch[1] ?? ""), body);
    }
    const instances = INSTANCES_PATH.exec(path);
    if (instances && method === "GET") {
      if (!isOwnCalendar(email, instances[1] ?? "")) return googleError(404, "notFound", "Not Found");
      return listInstances(store.calendarOf(calendarKey(email, instances[1] ?? "") as string), decodeURIComponent(instances[2] ?? ""), query);
    }
    const match = EVENTS_PATH.exec(path);
    if (!match || !isOwnCalendar(email, match[1] ?? "")) return googleError(404, "notFound", "Not Found");
    const calendar = store.calendarOf(calendarKey(email, match[1] ?? "") as string);
    const id = match[2] ? decodeURIComponent(match[2]) : null;
    if (method !== "GET") logEntry.sendUpdates = query.get("sendUpdates");
    if (!id && method === "GET") return listEvents(calendar, query);
    if (!id && method === "POST") return insertEvent(store, calendar, body);
    if (id === "import" && method === "POST") return importEvent(store, calendar, body, importExisting);
    if (!id) return googleError(405, "methodNotAllowed", "Method not allowed");
    return eventById(store, calendar, method, id, headers["if-match"], body);
  }

  async function batch(email: string, req: IncomingMessage, res: ServerResponse, logEntry: LoggedRequest): Promise<void> {
    const refuse = (message: string) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify(googleError(400, "invalid", message).body));
    };
    const boundary = boundaryOf(req.headers["content-type"] ?? "");
    if (!boundary) return refuse("Missing multipart boundary.");
    const calls = parseBatchRequest(await readBody(req), boundary);
    if (calls.length > MAX_BATCH_CALLS) return refuse(`A batch may hold at most ${MAX_BATCH_CALLS} calls.`);
    logEntry.batch = [];
    const answers = calls.map((inner, index) => {
      logEntry.batch?.push(`${inner.method} ${inner.url.pathname}`);
      const innerLog: LoggedRequest = { method: inner.method, path: inner.url.pathname };
      const injected = batchFaults.take({ index, method: inner.method, path: inner.url.pathname, query: inner.url.searchParams, body: inner.body });
      const result = injected ?? quota.take(email) ?? call(email, inner.method, inner.url, inner.headers, inner.body, innerLog);
      if (innerLog.sendUpdates !== undefined) logEntry.sendUpdates = innerLog.sendUpdates;
      return { contentId: inner.contentId, result };
    });
    const out = `batch_${randomBytes(8).toString("hex")}`;
    res.writeHead(200, { "content-type": `multipart/mixed; boundary=${out}` });
    res.end(formatBatchResponse(answers, out));
  }

  return {
    log,
    channels,
    /** The next requests (outer HTTP requests) fail like this, in order. */
    injectFaults(...next: Fault[]) {
      faults.push(...next);
    },
    /** Inner calls of coming batches fail like this (by position or predicate), the rest of the batch going through. */
    injectBatchFaults(...next: BatchFault[]) {
      batchFaults.add(...next);
    },
    /** A per-user limit on calls per sliding minute (each inner call of a batch counts); null lifts it. */
    setQuota(next: QuotaOptions | null) {
      quota.set(next);
    },
    /** Calls the quota refused since it was set. */
    get quotaRefused() {
      return quota.refused;
    },
    /** Every answer waits this long (slow-server tests). */
    setDelay(ms: number) {
      delayMs = ms;
    },
    /** What importing an iCalUID the calendar already holds does: update that event (default) or 409. */
    setImportExisting(mode: ImportExisting) {
      importExisting = mode;
    },
    /**
     * A calendar besides the primary ones, shared with people in roles ("owner", "writer", "reader"):
     * its events are reached (by the helpers below and /__control) under its id instead of an email.
     */
    addCalendar(id: string, summary: string, roles: Record<string, string>) {
      secondary.set(id, { summary, roles: new Map(Object.entries(roles)) });
    },
    /** Sync tokens issued so far for this calendar get 410 from now on. */
    expireSyncTokens(email: string) {
      const calendar = store.calendarOf(email);
      calendar.expiredThrough = calendar.seq;
    },
    /** All stored items of a calendar (cancelled ones included), as Google holds them. */
    events(email: string): GoogleEvent[] {
      return [...store.calendarOf(email).events.values()].map((stored) => stored.event);
    },
    /** A person editing the calendar in Google's UI. */
    userInsert(email: string, event: Omit<GoogleEvent, "etag" | "updated" | "status" | "id"> & { id?: string; status?: string }): GoogleEvent {
      return store.save(store.calendarOf(email), { ...event, id: event.id ?? newId(), status: event.status ?? "confirmed" } as GoogleEvent);
    },
    userPatch(email: string, id: string, change: Partial<GoogleEvent>): GoogleEvent {
      const calendar = store.calendarOf(email);
      const existing = calendar.events.get(id)?.event ?? virtualInstance(calendar, id);
      if (!existing) throw new Error(`no event ${id}`);
      return store.save(calendar, { ...existing, ...change, id });
    },
    userDelete(email: string, id: string): void {
      const calendar = store.calendarOf(email);
      const stored = calendar.events.get(id);
      if (stored) store.cancel(calendar, stored);
    },
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const url = new URL(req.url ?? "/", "http://fake");
      const isBatch = url.pathname === "/batch/calendar/v3";
      if (!isBatch && !url.pathname.startsWith("/calendar/v3/")) return false;
      const entry: LoggedRequest = { method: req.method ?? "GET", path: url.pathname };
      log.push(entry);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const fault = faults.shift();
      if (fault) {
        if (fault.status === 0) {
          req.socket.destroy();
          return true;
        }
        res.writeHead(fault.status, { "content-type": "application/json", ...(fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {}) });
        res.end(JSON.stringify(googleError(fault.status, fault.reason).body));
        return true;
      }
      const email = options.authenticate(req.headers.authorization?.replace(/^Bearer\s+/i, "") ?? "");
      if (!email) {
        res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer realm="https://accounts.google.com/"' });
        res.end(JSON.stringify(googleError(401, "authError", "Request had invalid authentication credentials.").body));
        return true;
      }
      if (isBatch) {
        await batch(email, req, res, entry);
        return true;
      }
      const text = await readBody(req);
      const result = quota.take(email) ?? call(email, req.method ?? "GET", url, req.headers as Record<string, string | undefined>, text ? JSON.parse(text) : undefined, entry);
      res.writeHead(result.status, { "content-type": "application/json; charset=UTF-8", ...(result.headers ?? {}) });
      res.end(result.body === undefined ? undefined : JSON.stringify(result.body));
      return true;
    },
  };
}

export type CalendarApi = ReturnType<typeof createCalendarApi>;
